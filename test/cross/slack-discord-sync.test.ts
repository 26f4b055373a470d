import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startGonogo, type RunningGonogo } from "../../src/program.js";
import { createFakeTime } from "../helpers/fake-time.js";
import { buttonCustomId } from "../../adapters/discord/ids.js";
import { createFakeSlack, type FakeCall as SlackCall, type FakeSlack } from "../../fakes/slack-api.js";
import { startFakeDiscord, type FakeDiscord, type Json } from "../../fakes/discord-server.js";
import { buttonPress, member, slashCommand, type FakeMember } from "../../fakes/discord-fixtures.js";
import { BOT_TOKEN, CHANNEL, SIGNING_SECRET, TEAM, USERS, blockActionsPayload, buttonsOf, interactiveBody, messageTs, postSigned, slashBody, visibleText } from "../slack/harness.js";

/**
 * Issue 4: gonogo runs Slack and Discord side by side in one process on one database
 * (the real composition root, `startGonogo`), and a release shared to both platforms
 * keeps both copies of its card in sync: a vote on either platform edits the other's copy.
 */

const DISCORD_TOKEN = "MTE4NzMzMTA0ODc2MzYyOTYyOQ.GhXyZw.cross-platform-test-token-0123456789";
/** Card edits are coalesced to about one per second per message; each step gets a few of those. */
const STEP_MS = 6000;

let dir: string;
let slack: FakeSlack;
let discord: FakeDiscord;
let app: RunningGonogo | null;
let url: string;
let logs: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "gonogo-cross-"));
  logs = [];
  app = null;
  slack = await createFakeSlack({ teamId: TEAM, users: USERS });
  discord = await startFakeDiscord();
  const config = loadConfig({
    DATABASE_PATH: join(dir, "gonogo.db"),
    PORT: "0",
    HOST: "127.0.0.1",
    GONOGO_TERMINAL: "off",
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN,
    DISCORD_APPLICATION_ID: discord.world.applicationId,
    DISCORD_GUILD_ID: discord.world.guildId,
    DISCORD_API_URL: discord.apiUrl,
  });
  // The whole program on a fake clock: card spacing and retries pass at once and in order, without sleeping.
  const time = createFakeTime(Date.now());
  time.fastForward();
  app = await startGonogo(config, { stdin: new PassThrough(), stdout: new PassThrough(), writeLog: (l) => logs.push(l), portExplicit: true, logLevelExplicit: true, clock: time, timer: time.timer });
  url = `http://127.0.0.1:${app.port}`;
});

afterEach(async () => {
  await app?.stop();
  await discord.close();
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

// --- Slack side -------------------------------------------------------------

async function slackSlash(user: string, text: string) {
  const res = await postSigned(url, slashBody(slack, user, text), "application/x-www-form-urlencoded");
  expect(res.status).toBe(200);
  return res;
}

async function slackPress(user: string, message: SlackCall, label: string) {
  const button = buttonsOf(message).get(label);
  if (!button) throw new Error(`no "${label}" button on the Slack card; it has ${[...buttonsOf(message).keys()].join(", ") || "none"}`);
  const res = await postSigned(url, interactiveBody(blockActionsPayload(slack, user, message, button, label)), "application/x-www-form-urlencoded");
  expect(res.status).toBe(200);
}

/** The first successful `chat.update` of a Slack message whose visible text satisfies `until` (`what` names it in a failure). */
function slackCardWhen(card: SlackCall, what: string, until: (text: string) => boolean): Promise<SlackCall> {
  return slack
    .waitFor("chat.update", (c) => c.params.ts === messageTs(card) && c.result?.ok === true && until(visibleText(c)), STEP_MS)
    .catch((err: Error) => Promise.reject(new Error(`waiting for the Slack card ${what}: ${err.message}`)));
}

// --- Discord side -----------------------------------------------------------

const channelPost = (c: { method: string; path: string; status: number }) => c.method === "POST" && c.path === `/channels/${discord.world.channelId}/messages` && c.status === 200;

async function discordCommand(user: FakeMember, sub: string, options: Record<string, string>): Promise<Json> {
  const raw = discord.dispatchInteraction(slashCommand({ world: discord.world, user }, sub, options));
  return (await discord.callbackFor(raw.id, STEP_MS)).body;
}

async function discordPress(user: FakeMember, action: "go" | "no_go" | "abstain", releaseId: string, messageId: string): Promise<Json> {
  const raw = discord.dispatchInteraction(buttonPress({ world: discord.world, user }, buttonCustomId(action, releaseId), messageId));
  return (await discord.callbackFor(raw.id, STEP_MS)).body;
}

/** The Discord card message as it stands after every edit so far, once an edit made it satisfy `until` (`what` names it in a failure). */
async function discordCardWhen(messageId: string, what: string, until: (card: Json) => boolean): Promise<Json> {
  const edited = (c: { method: string; path: string; status: number }) => c.method === "PATCH" && c.path === `/channels/${discord.world.channelId}/messages/${messageId}` && c.status === 200;
  await discord.waitFor((c) => edited(c) && until(discord.messages.get(messageId)!.body), STEP_MS).catch((err: Error) => Promise.reject(new Error(`waiting for the Discord card ${what}: ${err.message}`)));
  return discord.messages.get(messageId)!.body;
}

const embedText = (card: Json): string => {
  const e = card.embeds[0];
  return [e.title, e.description, ...(e.fields as { name: string; value: string }[]).map((f) => `${f.name}\n${f.value}`), e.footer?.text].join("\n");
};
const field = (card: Json, prefix: string): string | undefined => (card.embeds[0].fields as { name: string; value: string }[]).find((f) => f.name.startsWith(prefix))?.value;

describe("Slack and Discord in one process on one database", () => {
  it("keeps the Slack and Discord copies of a shared release card in sync, votes from either side counting once", async () => {
    const running = app!;
    const guild = discord.world.guildId;
    const dana = member(1);

    // Slack: a manager creates the release; the card goes to the Slack channel.
    const created = await slackSlash("UMGR", "create payments 1.4.2 at in 2h env production");
    expect(JSON.stringify(created.body)).toContain("Created R-1");
    const slackCard = await slack.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments 1.4.2"), STEP_MS);
    expect(slackCard.params.channel).toBe(CHANNEL);
    expect(slackCard.result?.ok).toBe(true);
    expect([...buttonsOf(slackCard).keys()]).toEqual(expect.arrayContaining(["Go", "No-go", "Abstain"]));

    // A Discord server is not the Slack workspace: someone in both brings the release over. Otto
    // links his Slack and Discord accounts (a code shown on Slack, typed on Discord), then shares
    // the Slack release into the Discord channel; a live copy is posted there.
    const otto = member(5);
    const code = /link code is `([A-Z0-9]{4}-[A-Z0-9]{4})`/.exec(JSON.stringify((await slackSlash("UONCALL", "link")).body))?.[1];
    expect((await discordCommand(otto, "link", { code: code! })).data.content).toContain("now count as one voter");
    expect((await discordCommand(dana, "share", { id: "R-1" })).data.content).toContain("There is no release R-1 here");
    const shared = await discordCommand(otto, "share", { id: "R-1" });
    expect(shared.data.content).toContain("Posting R-1's card here");
    const posted = await discord.waitFor((c) => channelPost(c) && !c.body.message_reference && String(c.body.embeds?.[0]?.title ?? "").startsWith("R-1 ·"), STEP_MS);
    const discordCardId = String(posted.response.id);
    expect(posted.body.embeds[0].title).toBe("R-1 · payments 1.4.2 → production");
    expect(posted.body.embeds[0].footer.text).toContain("0 go · 0 no-go · 0 abstain");

    // Sharing twice into the same channel posts nothing new; anyone there may ask now that the card is there.
    const again = await discordCommand(dana, "share", { id: "R-1" });
    expect(again.data.content).toContain("already in this channel");

    // Discord → Slack: Dana presses Go on the Discord card; the Slack copy shows 1 GO by Member 1.
    const pressed = await discordPress(dana, "go", "R-1", discordCardId);
    expect(pressed.data.content).toContain("GO on R-1");
    const afterDiscordVote = await slackCardWhen(slackCard, "with Dana's GO", (t) => t.includes("*GO* (1)"));
    expect(visibleText(afterDiscordVote)).toContain("Member 1");
    expect(visibleText(afterDiscordVote)).toContain("1 of 2 GO");
    await discordCardWhen(discordCardId, "with Dana's GO", (c) => field(c, "GO (")?.includes("Member 1") === true);

    // Slack → Discord: Quinn presses Go on the Slack card; the Discord copy's latest edit shows the decision GO, 2 votes.
    await slackPress("UQA", slackCard, "Go");
    const afterSlackVote = await discordCardWhen(discordCardId, "with decision GO", (c) => String(c.embeds[0].description).startsWith("**GO**"));
    expect(field(afterSlackVote, "GO (2)")).toBeDefined();
    expect(field(afterSlackVote, "GO (")).toContain("Member 1");
    expect(field(afterSlackVote, "GO (")).toMatch(/quinn|Quinn/);
    expect(afterSlackVote.embeds[0].footer.text).toContain("2 go · 0 no-go · 0 abstain");
    expect(discord.messages.get(discordCardId)!.edits).toBeGreaterThan(0);
    const slackGo = await slackCardWhen(slackCard, "with both GO votes", (t) => t.includes("*GO* (2)"));
    expect(visibleText(slackGo)).toContain("<@UQA>");
    expect(visibleText(slackGo)).toContain("Member 1");
    expect(visibleText(slackGo)).not.toContain("Pending");

    // Slack → both: Sam votes no-go by command with a reason; both copies show NO-GO with the reason.
    const reason = "CVE-2030-1234 not patched";
    const noGo = await slackSlash("USEC", `vote R-1 no-go ${reason}`);
    expect(JSON.stringify(noGo.body)).not.toContain(":warning:");
    const slackNoGo = await slackCardWhen(slackCard, "showing NO-GO with the reason", (t) => t.includes("*NO-GO* (1)") && t.includes(reason));
    expect(visibleText(slackNoGo)).toContain("NO-GO:");
    expect(visibleText(slackNoGo)).toContain(`<@USEC>: _${reason}_`);
    const discordNoGo = await discordCardWhen(discordCardId, "showing NO-GO with the reason", (c) => field(c, "NO-GO (1)")?.includes(reason) === true);
    expect(String(discordNoGo.embeds[0].description).startsWith("**NO-GO")).toBe(true);
    expect(field(discordNoGo, "NO-GO (1)")).toMatch(new RegExp(`(sam|Sam).* — ${reason}`));
    expect(discordNoGo.embeds[0].footer.text).toContain("2 go · 1 no-go · 0 abstain");
    expect(embedText(discordNoGo)).not.toContain("Pending");

    // One database: every vote is stored once, under its platform-qualified voter id.
    await running.bot.idle();
    const votes = await running.store.getVotes("R-1");
    expect(votes.map((v) => ({ voter: v.voter, choice: v.choice, reason: v.reason })).sort((a, b) => a.voter.localeCompare(b.voter))).toEqual([
      { voter: `discord:${guild}:${dana.id}`, choice: "go", reason: null },
      { voter: `slack:${TEAM}:UQA`, choice: "go", reason: null },
      { voter: `slack:${TEAM}:USEC`, choice: "no_go", reason },
    ]);

    // Two copies of one card, one per platform; no extra cards were posted on either side.
    expect((await running.store.listMessageRefs("R-1")).map((r) => r.platform).sort()).toEqual(["discord", "slack"]);
    expect(slack.callsTo("chat.postMessage").filter((c) => c.params.thread_ts === undefined && visibleText(c).includes("payments 1.4.2"))).toHaveLength(1);
    expect(discord.calls.filter((c) => channelPost(c) && !c.body.message_reference)).toHaveLength(1);

    // Every edit of either copy went through (nothing rejected by a platform), and no secret reached the logs.
    expect(slack.callsTo("chat.update").filter((c) => c.params.ts === messageTs(slackCard)).every((c) => c.result?.ok === true)).toBe(true);
    expect(discord.calls.filter((c) => c.method === "PATCH" && c.path.endsWith(`/messages/${discordCardId}`)).every((c) => c.status === 200)).toBe(true);
    const logText = logs.join("\n");
    expect(logs.filter((l) => /"level":"(warn|error|fatal)"/.test(l))).toEqual([]);
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, DISCORD_TOKEN]) expect(logText).not.toContain(secret);
  }, 60_000);
  it("links a Slack account and a Discord account by a code shown on Slack and typed on Discord: one person, one vote across both copies", async () => {
    const running = app!;
    const dev = member(3);

    // Slack: Dev asks for a code; Discord: the same person types it in /release link's code box.
    const asked = JSON.stringify((await slackSlash("UDEV", "link")).body);
    const code = /link code is `([A-Z0-9]{4}-[A-Z0-9]{4})`/.exec(asked)?.[1];
    expect(code).toBeDefined();
    expect(asked).toContain(`in Discord /release link with code ${code}`);
    const linked = await discordCommand(dev, "link", { code: code! });
    expect(linked.data.content).toContain("now count as one voter");
    expect(linked.data.content).toMatch(/Dev|dev/);

    // A release on Slack, shared into Discord: Dev's GO on Slack, then GO on Discord, is one GO.
    await slackSlash("UMGR", "create payments 1.4.2 at in 2h env production");
    const slackCard = await slack.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments 1.4.2"), STEP_MS);
    await discordCommand(dev, "share", { id: "R-1" });
    const posted = await discord.waitFor((c) => channelPost(c) && !c.body.message_reference && String(c.body.embeds?.[0]?.title ?? "").startsWith("R-1 ·"), STEP_MS);
    const discordCardId = String(posted.response.id);
    await slackPress("UDEV", slackCard, "Go");
    await slackCardWhen(slackCard, "with Dev's GO", (t) => t.includes("*GO* (1)"));
    const again = await discordPress(dev, "go", "R-1", discordCardId);
    expect(again.data.content).toContain("You already voted GO on R-1");
    const discordCard = await discordCardWhen(discordCardId, "with one GO", (c) => String(c.embeds[0].footer?.text ?? "").includes("1 go · 0 no-go"));
    expect(discordCard.embeds[0].footer.text).toContain("1 go · 0 no-go · 0 abstain");
    // Abstaining on Discord replaces the GO cast on Slack: both copies show no GO, one abstain.
    expect((await discordPress(dev, "abstain", "R-1", discordCardId)).data.content).toContain("replaces your GO");
    await slackCardWhen(slackCard, "with Dev's GO replaced", (t) => !t.includes("*GO* (1)") && /abstain/i.test(t));
    await discordCardWhen(discordCardId, "with one abstain", (c) => String(c.embeds[0].footer?.text ?? "").includes("0 go · 0 no-go · 1 abstain"));
    await running.bot.idle();
    expect((await running.store.getVotes("R-1")).map((v) => v.voter)).toEqual([`discord:${discord.world.guildId}:${dev.id}`]);
  }, 60_000);
});
