import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startGonogo } from "../../src/program.js";
import { member, slashCommand } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord } from "../../fakes/discord-server.js";
import { PROGRAM_ARGS, ROOT } from "../helpers/program.js";

const TOKEN = "MTE4NzMzMTA0ODc2MzYyOTYyOQ.GhXyZw.main-process-secret-token";

describe("npm start with Discord configured", () => {
  it("serves /release from the real entry point, prints the invite URL and never logs the token", async () => {
    const fake = await startFakeDiscord();
    const dir = mkdtempSync(join(tmpdir(), "gonogo-discord-main-"));
    const child = spawn(process.execPath, PROGRAM_ARGS, {
      cwd: ROOT,
      env: {
        ...process.env,
        DISCORD_TOKEN: TOKEN,
        DISCORD_APPLICATION_ID: fake.world.applicationId,
        DISCORD_GUILD_ID: fake.world.guildId,
        DISCORD_API_URL: fake.apiUrl,
        DATABASE_PATH: join(dir, "gonogo.db"),
        PORT: "0",
        HOST: "127.0.0.1",
        GONOGO_TERMINAL: "off",
        SLACK_BOT_TOKEN: "",
        SLACK_APP_TOKEN: "",
        SLACK_SIGNING_SECRET: "",
      },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await fake.waitFor((c) => c.method === "PUT", 15_000);
      const raw = fake.dispatchInteraction(slashCommand({ world: fake.world, user: member(1) }, "create", { service: "payments", version: "1.4.2" }));
      const cb = await fake.callbackFor(raw.id, 5000);
      expect(cb.body.data.content).toContain("Created R-1");
      const card = await fake.waitFor((c) => c.method === "POST" && c.path === `/channels/${fake.world.channelId}/messages`, 5000);
      expect(card.body.embeds[0].title).toBe("R-1 · payments 1.4.2 → production");
    } finally {
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await exited;
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(out).toContain("permissions=274877991936");
    expect(out).not.toContain(TOKEN);
  }, 30_000);
});

describe("gonogo with DISCORD_PUBLIC_KEY (the interactions endpoint)", () => {
  it("serves POST /discord/interactions on PORT with no gateway session, and is ready", async () => {
    const fake = await startFakeDiscord();
    const dir = mkdtempSync(join(tmpdir(), "gonogo-discord-http-"));
    const logs: string[] = [];
    const config = loadConfig({
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: fake.world.applicationId,
      DISCORD_GUILD_ID: fake.world.guildId,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_PUBLIC_KEY: fake.publicKey,
      DATABASE_PATH: join(dir, "gonogo.db"),
      PORT: "0",
      HOST: "127.0.0.1",
      GONOGO_TERMINAL: "off",
    });
    const gonogo = await startGonogo(config, { stdin: new PassThrough(), stdout: new PassThrough(), writeLog: (l) => logs.push(l), portExplicit: true, logLevelExplicit: false });
    try {
      const url = `http://127.0.0.1:${gonogo.port}`;
      expect(await fake.postInteraction(`${url}/discord/interactions`, { id: "1187400000000000001", application_id: fake.world.applicationId, type: 1, token: "t", version: 1 })).toEqual({ status: 200, body: { type: 1 } });
      const created = await fake.postInteraction(`${url}/discord/interactions`, slashCommand({ world: fake.world, user: member(1) }, "create", { service: "payments", version: "1.4.2" }));
      expect(created.body.data.content).toContain("Created R-1");
      await fake.waitFor((c) => c.method === "POST" && c.path === `/channels/${fake.world.channelId}/messages`, 5000);
      expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ ready: true, checks: { database: true, discord: true } });
      expect(fake.identify).toBeNull();
    } finally {
      await gonogo.stop();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(logs.join("\n")).toContain("discord interactions endpoint ready");
    expect(logs.join("\n")).not.toContain(TOKEN);
  }, 30_000);
});
