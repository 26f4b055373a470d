import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
