import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord-server.js";
import { loadConfig } from "../../src/config.js";
import { startGonogo, type RunningGonogo } from "../../src/program.js";
import { createFakeTime, type FakeTime } from "../helpers/fake-time.js";

/**
 * Discord's interactions over HTTP (DISCORD_PUBLIC_KEY): a /release registration that failed at
 * start-up because Discord's API was down is tried again in the background, on the same
 * schedule as a gateway connection, so the commands do not wait for the next restart. The real
 * program and discord.js's REST client against the fake Discord, on a fake clock.
 */

const TOKEN = "MTE4NzMzMTA0ODc2MzYyOTYyOQ.GhXyZw.register-retry-token-0123456789abc";
const FAILING = /"msg":"Discord could not register \/release \(([^)]*)\); the interactions endpoint answers with the commands registered before \(unless Discord is down, check this machine's network and proxy, and DISCORD_API_URL if set\); retrying in 5 s/;

let dir: string;
let app: RunningGonogo | null = null;
let discord: FakeDiscord;
let logs: string[];

afterEach(async () => {
  await app?.stop();
  app = null;
  await discord.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(time: FakeTime): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), "gonogo-register-"));
  logs = [];
  const config = loadConfig({
    DATABASE_PATH: join(dir, "gonogo.db"),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    GONOGO_TERMINAL: "off",
    DISCORD_TOKEN: TOKEN,
    DISCORD_APPLICATION_ID: discord.world.applicationId,
    DISCORD_GUILD_ID: discord.world.guildId,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_PUBLIC_KEY: discord.publicKey,
  });
  app = await startGonogo(config, { stdin: new PassThrough(), stdout: new PassThrough(), writeLog: (l) => logs.push(l), portExplicit: true, logLevelExplicit: true, clock: time, timer: time.timer });
  return `http://127.0.0.1:${app.port}`;
}

function fakeTime(): FakeTime {
  const time = createFakeTime(Date.now());
  time.fastForward(4000);
  return time;
}

const registrations = () => discord.calls.filter((c) => c.method === "PUT" && c.path.endsWith("/commands"));
const failing = () => logs.filter((l) => FAILING.test(l));
const PING = () => ({ id: "1187400000000000001", application_id: discord.world.applicationId, type: 1, token: "t", version: 1 });

describe("/release registration over REST with DISCORD_PUBLIC_KEY, Discord's API down at start-up", () => {
  it("serves the endpoint (ready) and registers /release on a later try once Discord answers again: logged once while failing, once on success, then no more tries", { timeout: 30_000 }, async () => {
    discord = await startFakeDiscord();
    discord.fail({ method: "PUT", pathPrefix: "/applications/", times: Infinity, status: 503, body: { message: "Service Unavailable" } });
    const time = fakeTime();
    const url = await start(time);
    expect(failing(), logs.join("")).toHaveLength(1);
    expect(FAILING.exec(failing()[0]!)![1]).toContain("503");
    // The endpoint takes Discord's interactions with the commands registered before: the balancer keeps routing here.
    expect(await discord.postInteraction(`${url}/discord/interactions`, PING())).toEqual({ status: 200, body: { type: 1 } });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ ready: true, checks: { database: true, discord: true } });

    // Nothing is tried again until the wait is over; then the next try fails the same way, and is not logged again.
    const atStart = registrations().length;
    await time.waiting();
    expect(registrations()).toHaveLength(atStart);
    time.advance(5000);
    await vi.waitFor(() => expect(registrations().length).toBeGreaterThan(atStart), { timeout: 5000, interval: 10 });
    expect(failing()).toHaveLength(1);

    discord.recover();
    const ok = () => registrations().filter((c) => c.status === 200);
    await vi.waitFor(
      () => {
        if (ok().length === 0) time.advance(10_000);
        expect(ok()).toHaveLength(1);
      },
      { timeout: 10_000, interval: 50 },
    );
    await vi.waitFor(() => expect(logs.join("")).toMatch(/"msg":"Discord is reachable again: \/release registered"/), { timeout: 5000, interval: 10 });
    const after = registrations().length;
    time.advance(10 * 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(registrations()).toHaveLength(after);
    expect(failing()).toHaveLength(1);
    expect(logs.join("")).not.toContain(TOKEN);
  });

  it("a later try that Discord refuses (the token revoked meanwhile) is logged as an error saying what to fix, and not tried again", { timeout: 30_000 }, async () => {
    discord = await startFakeDiscord();
    discord.fail({ method: "PUT", pathPrefix: "/applications/", times: Infinity, status: 503, body: { message: "Service Unavailable" } });
    const time = fakeTime();
    await start(time);
    expect(failing()).toHaveLength(1);

    discord.recover();
    discord.fail({ method: "PUT", pathPrefix: "/applications/", times: Infinity, status: 401, body: { message: "401: Unauthorized", code: 0 } });
    const refused = /"level":"error",.*"msg":"Discord could not register \/release: 401: Unauthorized\. Check DISCORD_TOKEN \(Developer Portal → Bot → Reset Token\)\. gonogo no longer tries to register it: fix that setting, then restart gonogo \(or run `npm run discord:register`\)/;
    time.advance(5000);
    await vi.waitFor(() => expect(logs.join("")).toMatch(refused), { timeout: 5000, interval: 10 });
    const after = registrations().length;
    time.advance(10 * 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(registrations()).toHaveLength(after);
    expect(logs.join("")).not.toContain(TOKEN);
  });
});
