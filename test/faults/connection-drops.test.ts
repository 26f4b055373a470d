import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buttonCustomId } from "../../adapters/discord/ids.js";
import { buttonPress, member, slashCommand } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord, type FakeDiscord, type Json } from "../../fakes/discord-server.js";
import { createFakeSlack, type FakeCall, type FakeSlack } from "../../fakes/slack-api.js";
import { loadConfig } from "../../src/config.js";
import { startGonogo, type RunningGonogo } from "../../src/program.js";
import { FIRST_RETRY_MS } from "../../src/app/keep-trying.js";
import { createFakeTime, type FakeTime } from "../helpers/fake-time.js";
import { APP_TOKEN, BOT_TOKEN, CHANNEL, TEAM, USERS, blockActionsPayload, buttonsOf, messageTs, visibleText } from "../slack/harness.js";

/**
 * A platform's own connection (Slack's Socket Mode, Discord's gateway) drops after gonogo
 * started, and comes back: gonogo reconnects Slack's socket itself (5 s after the drop, on its
 * clock), discord.js resumes Discord's session by itself. What operators alert on (`connections`
 * in /readyz, `gonogo_platform_connected`) follows it, and its return re-renders only its own
 * cards. The real program against the local fakes, on a fake clock; the only real wait is
 * discord.js's own, half a second before it resumes.
 */

const DISCORD_TOKEN = "MTE4NzMzMTA0ODc2MzYyOTYyOQ.GhXyZw.connection-drop-token-0123456789abc";

let dir: string;
let time: FakeTime;
let app: RunningGonogo | null = null;
const closers: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await app?.stop();
  app = null;
  for (const close of closers.splice(0).reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), "gonogo-drops-"));
  const config = loadConfig({ DATABASE_PATH: join(dir, "gonogo.db"), PORT: "0", HOST: "127.0.0.1", GONOGO_TERMINAL: "off", ...env });
  time = createFakeTime(Date.now());
  time.fastForward(4000);
  app = await startGonogo(config, { stdin: new PassThrough(), stdout: new PassThrough(), writeLog: () => undefined, portExplicit: true, logLevelExplicit: false, clock: time, timer: time.timer });
  return `http://127.0.0.1:${app.port}`;
}

async function slackFake(): Promise<FakeSlack> {
  const slack = await createFakeSlack({ teamId: TEAM, users: USERS });
  closers.push(() => slack.close());
  return slack;
}

async function discordFake(): Promise<FakeDiscord> {
  const discord = await startFakeDiscord();
  closers.push(() => discord.close());
  return discord;
}

const slackEnv = (slack: FakeSlack) => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: slack.apiUrl });
const discordEnv = (discord: FakeDiscord) => ({ DISCORD_TOKEN, DISCORD_APPLICATION_ID: discord.world.applicationId, DISCORD_GUILD_ID: discord.world.guildId, DISCORD_API_URL: discord.apiUrl });

/** What an operator sees: `connections` in /readyz and each `gonogo_platform_connected` gauge. */
async function seen(url: string): Promise<{ connections: Record<string, boolean>; gauges: Record<string, number> }> {
  const ready = (await (await fetch(`${url}/readyz`)).json()) as { connections: Record<string, boolean> };
  const text = await (await fetch(`${url}/metrics`)).text();
  const gauges = Object.fromEntries([...text.matchAll(/^gonogo_platform_connected\{platform="(\w+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  return { connections: ready.connections, gauges };
}

const until = (url: string, expected: Awaited<ReturnType<typeof seen>>, timeout = 5000) => vi.waitFor(async () => expect(await seen(url)).toEqual(expected), { timeout, interval: 20 });

function slashPayload(slack: FakeSlack, user: string, text: string): Record<string, unknown> {
  return { token: "unused", team_id: TEAM, team_domain: "acme", channel_id: CHANNEL, channel_name: "releases", user_id: user, user_name: user.toLowerCase(), command: "/release", text, api_app_id: "A1", is_enterprise_install: "false", response_url: `${slack.origin}/respond/s`, trigger_id: `trig-${text.length}` };
}

describe("a platform's connection dropping after start", () => {
  it("Slack's Socket Mode: /readyz and the gauge say disconnected from the drop until gonogo has reconnected it, then connected, and it takes commands again", { timeout: 30_000 }, async () => {
    const slack = await slackFake();
    const url = await start(slackEnv(slack));
    await slack.socketConnected();
    await until(url, { connections: { slack: true }, gauges: { slack: 1 } });

    // Slack recycles the socket server; the socket Bolt opens next gets no hello until the test says so.
    slack.dropSocket({ holdHello: true });
    await until(url, { connections: { slack: false }, gauges: { slack: 0 } });

    // gonogo opens a new socket 5 s after the drop.
    time.advance(FIRST_RETRY_MS);
    await slack.sendHello();
    await until(url, { connections: { slack: true }, gauges: { slack: 1 } });
    const ack = await slack.sendEnvelope({ type: "slash_commands", payload: slashPayload(slack, "UMGR", "create payments 1.4.2 at in 2h") });
    expect(JSON.stringify(ack.payload)).toContain("Created R-1");
  });

  it("Discord's gateway: /readyz and the gauge say disconnected from the drop until discord.js resumes the session, then connected", { timeout: 30_000 }, async () => {
    const discord = await discordFake();
    const url = await start(discordEnv(discord));
    await until(url, { connections: { discord: true }, gauges: { discord: 1 } });

    discord.dropGateway({ holdResume: true });
    await until(url, { connections: { discord: false }, gauges: { discord: 0 } });

    await discord.letResume();
    await until(url, { connections: { discord: true }, gauges: { discord: 1 } });
    const raw = discord.dispatchInteraction(slashCommand({ world: discord.world, user: member(1) }, "create", { service: "search", version: "2.0.0" }));
    expect(String((await discord.callbackFor(raw.id, 5000)).body.data.content)).toContain("Created R-1");
  });
});

describe("a platform coming back after a drop", () => {
  it("re-renders its own copies of the cards, showing a vote cast while it was away, and edits nothing on the platform that stayed", { timeout: 30_000 }, async () => {
    const slack = await slackFake();
    const discord = await discordFake();
    const url = await start({ ...slackEnv(slack), ...discordEnv(discord) });
    await slack.socketConnected();
    await until(url, { connections: { slack: true, discord: true }, gauges: { slack: 1, discord: 1 } });

    // A release on Slack, shared to Discord by its manager, who is in both (her accounts linked, as /release link does): one copy on each.
    await slack.sendEnvelope({ type: "slash_commands", payload: slashPayload(slack, "UMGR", "create payments 1.4.2 at in 2h") });
    const slackCard = await slack.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments 1.4.2"), 5000);
    await app!.store.linkAccounts({ account: `slack:${TEAM}:UMGR`, name: "mia" }, { account: `discord:${discord.world.guildId}:${member(1).id}`, name: "Member 1" }, 0);
    const share = discord.dispatchInteraction(slashCommand({ world: discord.world, user: member(1) }, "share", { id: "R-1" }));
    await discord.callbackFor(share.id, 5000);
    const posted = await discord.waitFor((c) => c.method === "POST" && c.path === `/channels/${discord.world.channelId}/messages` && c.status === 200 && String(c.body.embeds?.[0]?.title ?? "").startsWith("R-1 ·"), 5000);
    const discordCardId = String(posted.response.id);
    await app!.bot.idle();

    discord.dropGateway({ holdResume: true });
    await until(url, { connections: { slack: true, discord: false }, gauges: { slack: 1, discord: 0 } });

    // While Discord is away, a GO on Slack: Slack's copy shows it.
    await slack.sendEnvelope({ type: "interactive", payload: blockActionsPayload(slack, "UQA", slackCard, buttonsOf(slackCard).get("Go")!, "Go") });
    await slack.waitFor("chat.update", (c: FakeCall) => c.params.ts === messageTs(slackCard) && visibleText(c).includes("*GO* (1)"), 5000);
    await app!.bot.idle();
    const slackEdits = () => slack.callsTo("chat.update").filter((c) => c.params.ts === messageTs(slackCard)).length;
    const slackEditsBefore = slackEdits();

    // Discord resumes: its copy catches up with the GO cast meanwhile.
    await discord.letResume();
    await until(url, { connections: { slack: true, discord: true }, gauges: { slack: 1, discord: 1 } });
    const goField = (card: Json) => (card.embeds[0].fields as { name: string; value: string }[]).find((f) => f.name.startsWith("GO ("))?.name;
    await discord.waitFor((c) => c.method === "PATCH" && c.path === `/channels/${discord.world.channelId}/messages/${discordCardId}` && c.status === 200 && goField(discord.messages.get(discordCardId)!.body) === "GO (1)", 5000);
    expect(discord.messages.get(discordCardId)!.body.embeds[0].footer.text).toContain("1 go · 0 no-go · 0 abstain");

    // Slack never went away: its copy was not edited again.
    await app!.bot.idle();
    expect(slackEdits()).toBe(slackEditsBefore);
    // The Discord copy answers presses as before.
    const press = discord.dispatchInteraction(buttonPress({ world: discord.world, user: member(2) }, buttonCustomId("go", "R-1"), discordCardId));
    expect(JSON.stringify((await discord.callbackFor(press.id, 5000)).body)).toContain("GO on R-1");
  });
});
