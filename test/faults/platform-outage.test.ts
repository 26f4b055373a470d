import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buttonCustomId } from "../../adapters/discord/ids.js";
import { buttonPress, createWorld, member, slashCommand } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeDiscord } from "../../fakes/discord-server.js";
import { createFakeSlack, type FakeSlack } from "../../fakes/slack-api.js";
import { loadConfig } from "../../src/config.js";
import { startGonogo, type RunningGonogo } from "../../src/program.js";
import { closedPort } from "../helpers/closed-port.js";
import { createFakeTime, type FakeTime } from "../helpers/fake-time.js";
import { BOT_TOKEN as SLACK_TOKEN, SIGNING_SECRET, TEAM, USERS, blockActionsPayload, buttonsOf, interactiveBody, postSigned, slashBody } from "../slack/harness.js";

/**
 * One gonogo serves Slack, Discord and the terminal. Discord down when it starts (refusing
 * connections, or answering 503) must not take the others down: the real program, the real
 * Bolt and discord.js, against the local fakes, on a fake clock that the test moves to the
 * next try. Waits under 4 s (card spacing, a post's retry) pass by themselves; the 5 s before
 * the next try at Discord passes only when the test says so.
 */

const DISCORD_TOKEN = "MTE4NzMzMTA0ODc2MzYyOTYyOQ.GhXyZw.outage-test-token-0123456789abcdef";
const UNREACHABLE = /"msg":"Discord is unreachable \(([^)]*)\); Slack, the terminal and the scheduler keep running; retrying in 5 s/;

let dir: string;
let app: RunningGonogo | null = null;
const closers: Array<() => Promise<unknown>> = [];
let logs: string[];

afterEach(async () => {
  await app?.stop();
  app = null;
  for (const close of closers.splice(0).reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>, time: FakeTime, stdin = new PassThrough()): Promise<{ url: string; out: () => string }> {
  dir = mkdtempSync(join(tmpdir(), "gonogo-outage-"));
  logs = [];
  const stdout = new PassThrough();
  let out = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  const config = loadConfig({ DATABASE_PATH: join(dir, "gonogo.db"), PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", GONOGO_TERMINAL: "on", GONOGO_USER: "alice", DISCORD_TOKEN, ...env });
  app = await startGonogo(config, { stdin, stdout, writeLog: (l) => logs.push(l), portExplicit: true, logLevelExplicit: true, clock: time, timer: time.timer });
  return { url: `http://127.0.0.1:${app.port}`, out: () => out };
}

async function readyz(url: string): Promise<{ status: number; body: { ready: boolean; checks: Record<string, boolean>; connections?: Record<string, boolean> } }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

/** Each platform's `gonogo_platform_connected` gauge, as Prometheus scrapes it. */
async function platformGauges(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^gonogo_platform_connected\{platform="(\w+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

function fakeTime(): FakeTime {
  const time = createFakeTime(Date.now());
  time.fastForward(4000);
  return time;
}

/** A Discord member creates a release in the fake's channel and presses GO on its card: what they were answered. */
async function discordCreatesAndVotes(discord: FakeDiscord, releaseId: string): Promise<string[]> {
  const created = discord.dispatchInteraction(slashCommand({ world: discord.world, user: member(1) }, "create", { service: "search", version: "2.0.0" }));
  const createdAnswer = (await discord.callbackFor(created.id, 5000)).body.data.content as string;
  const card = await discord.waitFor((c) => c.method === "POST" && c.path === `/channels/${discord.world.channelId}/messages` && c.status === 200 && String(c.body.embeds?.[0]?.title).startsWith(`${releaseId} ·`), 5000);
  const press = discord.dispatchInteraction(buttonPress({ world: discord.world, user: member(2) }, buttonCustomId("go", releaseId), String(card.response.id)));
  const pressAnswer = JSON.stringify((await discord.callbackFor(press.id, 5000)).body);
  return [createdAnswer, pressAnswer];
}

describe("Discord down when gonogo starts", () => {
  it("refusing connections: gonogo starts, Slack and the terminal vote, /readyz stays ready for Slack's HTTP events and shows the gateway down; once Discord is up, the next try connects it and it votes too", { timeout: 30_000 }, async () => {
    const port = await closedPort();
    const world = createWorld();
    const slack: FakeSlack = await createFakeSlack({ teamId: TEAM, users: USERS });
    closers.push(() => slack.close());
    const time = fakeTime();
    const stdin = new PassThrough();
    const { url, out } = await start(
      { SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, DISCORD_APPLICATION_ID: world.applicationId, DISCORD_GUILD_ID: world.guildId, DISCORD_API_URL: `http://127.0.0.1:${port}/api` },
      time,
      stdin,
    );
    const outage = logs.filter((l) => UNREACHABLE.test(l));
    expect(outage, logs.join("")).toHaveLength(1);
    expect(UNREACHABLE.exec(outage[0]!)![1]).toContain("ECONNREFUSED");
    expect(logs.join("")).toContain("gonogo started");
    // A balancer routing Slack's events by /readyz keeps sending them here: the gateway's outage is shown, not fatal.
    expect(await readyz(url)).toEqual({ status: 200, body: { ready: true, checks: { database: true, slack: true }, connections: { discord: false } } });
    expect(await platformGauges(url)).toEqual({ slack: 1, discord: 0 });

    // Slack works: a release, its card, a GO press.
    expect((await postSigned(url, slashBody(slack, "UMGR", "create payments 1.4.2 at in 2h"), "application/x-www-form-urlencoded")).status).toBe(200);
    const card = await slack.waitFor("chat.postMessage");
    const go = buttonsOf(card).get("Go")!;
    expect((await postSigned(url, interactiveBody(blockActionsPayload(slack, "UQA", card, go, "Go")), "application/x-www-form-urlencoded")).status).toBe(200);
    // The terminal works: a release of its own and a vote on it (Slack's release is Slack's workspace's, not the terminal's).
    stdin.write("/release create billing 3.0.0\n/release vote R-2 go\n");
    await vi.waitFor(() => expect(out()).toContain("Your GO on R-2 is in"), { timeout: 5000, interval: 20 });
    expect((await app!.store.getVotes("R-1")).map((v) => v.voter)).toEqual([`slack:${TEAM}:UQA`]);
    expect((await app!.store.getVotes("R-2")).map((v) => v.voter)).toEqual(["terminal:alice"]);

    // Discord comes up where gonogo was told it is; nothing happens until the next try is due.
    const discord = await startFakeDiscord(world, { port });
    closers.push(() => discord.close());
    expect(discord.calls).toEqual([]);
    time.advance(5000);
    const registered = await discord.waitFor((c) => c.method === "PUT" && c.path.endsWith("/commands"), 10_000);
    expect(registered.status).toBe(200);
    await vi.waitFor(async () => expect(await readyz(url)).toEqual({ status: 200, body: { ready: true, checks: { database: true, slack: true }, connections: { discord: true } } }), { timeout: 5000, interval: 20 });
    expect(await platformGauges(url)).toEqual({ slack: 1, discord: 1 });
    expect(logs.join("")).toMatch(/"msg":"Discord is reachable again: connected"/);
    expect(logs.filter((l) => UNREACHABLE.test(l))).toHaveLength(1);

    const [created, pressed] = await discordCreatesAndVotes(discord, "R-3");
    expect(created).toContain("Created R-3");
    expect(pressed).toContain("Your GO on R-3 is in");
    expect(await app!.store.getVotes("R-3")).toHaveLength(1);
  });

  it("answering 503: tried again on the fake clock, logged once, not again while the reason stays the same; connects once Discord recovers", { timeout: 30_000 }, async () => {
    const discord = await startFakeDiscord();
    closers.push(() => discord.close());
    discord.fail({ method: "GET", pathPrefix: "/gateway/bot", times: Infinity, status: 503, body: { message: "Service Unavailable", code: 0 } });
    const time = fakeTime();
    const gatewayCalls = () => discord.calls.filter((c) => c.path === "/gateway/bot").length;
    const { url } = await start({ DISCORD_APPLICATION_ID: discord.world.applicationId, DISCORD_GUILD_ID: discord.world.guildId, DISCORD_API_URL: discord.apiUrl }, time);
    const unreachable = () => logs.filter((l) => l.includes('"msg":"Discord is unreachable'));
    expect(unreachable()).toHaveLength(1);
    expect(unreachable()[0]).toContain("Discord is unreachable (503 Service Unavailable); the terminal and the scheduler keep running; retrying in 5 s");
    expect(await readyz(url)).toEqual({ status: 200, body: { ready: true, checks: { database: true }, connections: { discord: false } } });

    // The next try is due 5 s later, and fails the same way: no new line (the one after waits 10 s).
    const afterFirst = gatewayCalls();
    time.advance(5000);
    await vi.waitFor(() => expect(gatewayCalls()).toBeGreaterThan(afterFirst), { timeout: 5000, interval: 10 });
    expect(unreachable()).toHaveLength(1);

    // Discord recovers: the try after the next wait (however long it is) connects.
    discord.recover();
    const registered = () => discord.calls.some((c) => c.method === "PUT" && c.path.endsWith("/commands") && c.status === 200);
    await vi.waitFor(
      () => {
        if (!registered()) time.advance(10_000);
        expect(registered()).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(unreachable()).toHaveLength(1);
    await vi.waitFor(async () => expect(await readyz(url)).toMatchObject({ status: 200, body: { ready: true, connections: { discord: true } } }), { timeout: 5000, interval: 20 });
    const [created] = await discordCreatesAndVotes(discord, "R-1");
    expect(created).toContain("Created R-1");
  });

  it("stops at once when asked to while still trying, and tries no more", { timeout: 30_000 }, async () => {
    const discord = await startFakeDiscord();
    closers.push(() => discord.close());
    discord.fail({ method: "GET", pathPrefix: "/gateway/bot", times: Infinity, status: 503, body: { message: "Service Unavailable", code: 0 } });
    const time = fakeTime();
    await start({ DISCORD_APPLICATION_ID: discord.world.applicationId, DISCORD_GUILD_ID: discord.world.guildId, DISCORD_API_URL: discord.apiUrl }, time);
    // No clock moved: a stop that waited for the next try, or for Discord, would never end.
    await app!.stop();
    app = null;
    // Nothing is left waiting on the clock: no next try.
    expect(time.pending()).toBe(0);
    expect(logs.join("")).toContain('"msg":"gonogo stopped"');
  });
});
