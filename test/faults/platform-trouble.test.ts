import { afterEach, describe, expect, it, vi } from "vitest";
import { createHttpServer } from "../../src/http/server.js";
import { startHarness as startDiscord, voteField } from "../discord/harness.js";
import { member } from "../../fakes/discord-fixtures.js";
import { createFakeSlack, type FakeCall } from "../../fakes/slack-api.js";
import { admins, createTestCore } from "../helpers/core.js";
import { startGateProxy } from "../helpers/faults-gate-proxy.js";
import { BOT_TOKEN, startSlack, blockActionsPayload, buttonsOf, captureLog, interactiveBody, messageTs, postSigned, SIGNING_SECRET, slashBody, startHarness as startSlackHarness, TEAM, USERS, visibleText } from "../slack/harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const voter = (i: number) => `UT${String(i).padStart(4, "0")}`;
const cardPosts = (calls: FakeCall[]) => calls.filter((c) => c.method === "chat.postMessage" && !c.params.thread_ts && c.result?.ok === true);

describe("Slack API trouble", () => {
  it("rides out 429s with Retry-After and 500s on chat.update: every press acked, one card, the card ends on the true tally", async () => {
    const h = await startSlackHarness({ config: { quorum: 50 } });
    cleanups.push(() => h.close());
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage");
    h.fake.failNext("chat.update", { status: 429, retryAfter: 1 }, 2);
    h.fake.failNext("chat.update", { status: 500 }, 3);
    const go = buttonsOf(card).get("Go")!;
    const presses = await Promise.all(Array.from({ length: 30 }, (_, i) => postSigned(h.url, interactiveBody(blockActionsPayload(h.fake, voter(i), card, go, "Go")), "application/x-www-form-urlencoded")));
    expect(presses.map((p) => p.status)).toEqual(new Array(30).fill(200));
    expect((await h.core.store.getVotes("R-1"))).toHaveLength(30);

    const final = await h.fake.waitFor("chat.update", (c) => c.result?.ok === true && c.params.ts === messageTs(card) && visibleText(c).includes("*GO* (30)"), 15_000);
    expect(final).toBeDefined();
    await h.core.bot.idle();
    expect(cardPosts(h.fake.calls)).toHaveLength(1);
    const lastOk = h.fake.callsTo("chat.update").filter((c) => c.result?.ok === true).at(-1)!;
    expect(visibleText(lastOk)).toContain("*GO* (30)");
    expect(h.logs.filter((l) => l.level === "error" && /unhandled/.test(l.msg))).toEqual([]);
  }, 30_000);

  it("acks presses while Slack's API is stalled, and lands the card once it answers again", async () => {
    const fake = await createFakeSlack({ teamId: TEAM, users: USERS });
    const proxy = await startGateProxy(fake.origin);
    const core = createTestCore({ config: { admins: admins(`slack:${TEAM}:UADMIN`), quorum: 50 }, fastForward: true });
    const { log, lines } = captureLog();
    const http = createHttpServer((err) => lines.push({ level: "error", obj: { err: String(err) }, msg: "http route failed" }));
    const url = `http://127.0.0.1:${await http.listen(0, "127.0.0.1")}`;
    const slack = await startSlack({ bot: core.bot, config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: `${proxy.url}/api/` }, http, log, tuning: { identityBudgetMs: 200 } });
    cleanups.push(
      () => fake.close(),
      () => proxy.close(),
      () => http.close(),
      () => core.close(),
      async () => {
        proxy.release();
        await slack.stop();
        await core.bot.idle();
      },
    );
    await postSigned(url, slashBody(fake, "UMGR", "create payments 1.4.2 at in 2h"), "application/x-www-form-urlencoded");
    const card = await fake.waitFor("chat.postMessage");
    const go = buttonsOf(card).get("Go")!;

    // From now on every Web API call hangs: lookups, card edits, private replies.
    proxy.holdWhere((_m, path) => path.startsWith("/api/"));
    const presses = await Promise.all(Array.from({ length: 10 }, (_, i) => postSigned(url, interactiveBody(blockActionsPayload(fake, voter(i), card, go, "Go")), "application/x-www-form-urlencoded")));
    expect(presses.map((p) => p.status)).toEqual(new Array(10).fill(200));
    // Every press was acknowledged while Slack had not answered a single call; the card
    // edit they caused is now stuck at the stalled API (names wait for a lull).
    await vi.waitFor(() => expect(proxy.heldCount()).toBeGreaterThan(0), { timeout: 3000, interval: 50 });
    expect(proxy.seen.filter((s) => s.heldAt !== null && s.releasedAt !== null)).toEqual([]);
    expect((await core.store.getVotes("R-1"))).toHaveLength(10);

    proxy.release();
    const final = await fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("*GO* (10)"), 10_000);
    expect(final.result).toMatchObject({ ok: true });
    await core.bot.idle();
    expect(cardPosts(fake.calls)).toHaveLength(1);
  }, 30_000);

  it("posts the card once Slack recovers when chat.postMessage failed at creation", async () => {
    const h = await startSlackHarness();
    cleanups.push(() => h.close());
    // WebClient retries twice and card sync tries three times: nine 500s make the post fail for good.
    h.fake.failNext("chat.postMessage", { status: 500 }, 9);
    const created = await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    expect(created.status).toBe(200);
    await h.core.bot.idle();
    expect(cardPosts(h.fake.calls)).toHaveLength(0);
    // Slack is back; the next change to the release must bring the card to the channel.
    await h.slash("UQA", "vote R-1 go");
    const posted = await h.fake.waitFor("chat.postMessage", (c) => c.result?.ok === true && !c.params.thread_ts && visibleText(c).includes("R-1"), 5000);
    expect(visibleText(posted)).toContain("*GO* (1)");
    await h.core.bot.idle();
    expect(cardPosts(h.fake.calls)).toHaveLength(1);
  }, 30_000);

  it("stops updating a card someone deleted (message_not_found), without retrying, and keeps counting votes", async () => {
    const h = await startSlackHarness();
    cleanups.push(() => h.close());
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage");
    await h.core.bot.idle();
    h.fake.failNext("chat.update", { error: "message_not_found" }, 1);
    const updates = () => h.fake.callsTo("chat.update").filter((c) => c.params.ts === messageTs(card));

    await h.press("UQA", card, "Go");
    await vi.waitFor(() => expect(updates()).toHaveLength(1), { timeout: 5000, interval: 50 });
    await h.core.bot.idle();
    expect((await h.core.store.listMessageRefs("R-1"))).toEqual([]);
    expect(h.core.logs).toContainEqual(expect.objectContaining({ level: "warn", msg: expect.stringMatching(/deleted in chat/) }));

    await h.press("UDEV", card, "Go");
    await h.core.bot.idle();
    expect(updates()).toHaveLength(1);
    expect((await h.core.store.getVotes("R-1"))).toHaveLength(2);
  }, 30_000);
});

describe("Discord API trouble", () => {
  it("rides out 429s and 500s on card edits: every press answered, one card, the card ends on the true tally", async () => {
    const h = await startDiscord({ config: { quorum: 50 }, minUpdateIntervalMs: 200 });
    cleanups.push(() => h.close());
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    h.fake.rateLimit({ method: "PATCH", pathPrefix: "/channels/", times: 2, retryAfter: 0.3 });
    h.fake.fail({ method: "PATCH", pathPrefix: "/channels/", times: 2, status: 500, body: { message: "Internal Server Error", code: 0 } });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => h.press(member(i + 1), "go", "R-1", msgId)));
    expect(answers.every((a) => a.type === 4)).toBe(true);
    expect((await h.core.store.getVotes("R-1"))).toHaveLength(30);
    const card = await h.card(msgId);
    expect(card.embeds[0].fields.find((f: { name: string }) => f.name.startsWith("GO ")).name).toBe("GO (30)");
    expect(voteField(card, "GO")).toBeDefined();
    const posts = h.fake.calls.filter((c) => c.method === "POST" && c.path === `/channels/${h.fake.world.channelId}/messages` && !c.body?.message_reference && c.status === 200);
    expect(posts).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.method === "PATCH" && c.status >= 400).length).toBe(4);
  }, 30_000);
});
