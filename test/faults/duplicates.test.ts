import { afterEach, describe, expect, it } from "vitest";
import { formCustomId } from "../../adapters/discord/ids.js";
import { startHarness as startDiscord, type Harness as DiscordHarness } from "../discord/harness.js";
import { member } from "../../fakes/discord-fixtures.js";
import { channel, createTestCore, person, T0, type TestCore } from "../helpers/core.js";
import { auditTypes } from "../helpers/faults-db.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import {
  blockActionsPayload,
  buttonsOf,
  interactiveBody,
  nowSec,
  postSigned,
  sign,
  slashBody,
  startHarness as startSlack,
  viewSubmissionPayload,
  type Harness as SlackHarness,
} from "../slack/harness.js";

const SECRET = "faults-webhook-secret";
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const rm = person("rm");
async function shippingRelease(core: TestCore): Promise<void> {
  const say = (who: ReturnType<typeof person>, text: string) => core.bot.handle({ kind: "command", actor: who, channel, text });
  await say(rm, "create payments 1.4.2");
  await say(person("qa"), "vote R-1 go");
  await say(person("dev"), "vote R-1 go");
  const shipped = await say(rm, "ship R-1");
  expect(shipped).toMatchObject({ error: false });
}

describe("the same Slack interaction delivered twice", () => {
  let h: SlackHarness;
  afterEach(async () => h.close());

  it("changes the vote once, whether the retry comes after or alongside the first delivery", async () => {
    h = await startSlack();
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage");
    const go = buttonsOf(card).get("Go")!;
    const body = interactiveBody(blockActionsPayload(h.fake, "UQA", card, go, "Go"));
    const send = () => postSigned(h.url, body, "application/x-www-form-urlencoded");
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    const together = await Promise.all([send(), send()]);
    expect(together.map((r) => r.status)).toEqual([200, 200]);
    await h.core.bot.idle();
    expect((await h.core.store.getVotes("R-1")).map((v) => v.voter)).toEqual(["slack:T1:UQA"]);
    const types = auditTypes(h.core.db.sqlite);
    expect(types.vote_cast).toBe(1);
    expect(types.vote_changed).toBeUndefined();
  });

  /** Slack's redelivery after a slow ack: the same body, signed again, with the retry headers. */
  const retry = (body: string, contentType: string, attempt: number) =>
    postSigned(h.url, body, contentType, { ...sign(body, nowSec()), "x-slack-retry-num": String(attempt), "x-slack-retry-reason": "http_timeout" });

  it("answers a retried slash command once: one vote, one audit entry, one ephemeral answer", async () => {
    h = await startSlack();
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const body = slashBody(h.fake, "UQA", "vote R-1 no-go flaky integration tests");
    const first = await postSigned(h.url, body, "application/x-www-form-urlencoded");
    const retries = [await retry(body, "application/x-www-form-urlencoded", 1), await retry(body, "application/x-www-form-urlencoded", 2)];
    expect(first.status).toBe(200);
    expect(first.text).toContain("NO-GO");
    for (const r of retries) expect(r).toMatchObject({ status: 200, text: "" });
    await h.core.bot.idle();
    expect(auditTypes(h.core.db.sqlite).vote_cast).toBe(1);
    expect(h.fake.callsTo("chat.postEphemeral")).toHaveLength(0);
  });

  it("records a retried no-go form once and tells the voter once", async () => {
    h = await startSlack();
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage");
    await h.press("UQA", card, "No-go");
    const opened = await h.fake.waitFor("views.open");
    const body = interactiveBody(viewSubmissionPayload(opened, "UQA", { reason: "error budget spent" }));
    expect((await postSigned(h.url, body, "application/x-www-form-urlencoded")).status).toBe(200);
    expect((await retry(body, "application/x-www-form-urlencoded", 1)).status).toBe(200);
    await h.core.bot.idle();
    expect(auditTypes(h.core.db.sqlite).vote_cast).toBe(1);
    const told = h.fake.callsTo("chat.postEphemeral").filter((c) => c.params.user === "UQA");
    expect(told).toHaveLength(1);
    expect(String(told[0]!.params.text)).toContain("NO-GO");
  });

  it("keeps one vote and one audit entry when one person presses Go 20 times at once", async () => {
    h = await startSlack();
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage");
    const presses = await Promise.all(Array.from({ length: 20 }, () => h.press("UDEV", card, "Go")));
    expect(presses.every((p) => p.status === 200)).toBe(true);
    await h.core.bot.idle();
    expect((await h.core.store.getVotes("R-1"))).toHaveLength(1);
    expect(auditTypes(h.core.db.sqlite).vote_cast).toBe(1);
  });
});

describe("20 rollback confirmations at once", () => {
  it("start one rollback and send one webhook through the core", async () => {
    const hook = await startWebhookReceiver(SECRET, { now: () => core.clock.now() });
    const core = createTestCore({ config: { rollbackWebhookUrl: hook.url, webhookSecret: SECRET } });
    cleanups.push(() => hook.close(), () => core.close());
    await shippingRelease(core);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => core.bot.handle({ kind: "form", actor: rm, channel, form: "rollback", releaseId: "R-1", values: { reason: "error rate 5x" } })),
    );
    expect(replies.filter((r) => r.type === "message" && /Rollback of R-1 started/.test(r.text))).toHaveLength(1);
    expect(replies.filter((r) => r.type === "message" && /already being rolled back/.test(r.text))).toHaveLength(19);
    // Two runners at once (the timer and the safety-net tick) still send it once.
    await Promise.all([core.bot.runDueJobs(), core.bot.runDueJobs()]);
    await core.bot.runDueJobs();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.validSignature).toBe(true);
    expect((await core.store.listDeliveries("R-1"))).toHaveLength(1);
    expect(auditTypes(core.db.sqlite).rollback_requested).toBe(1);
  });

  it("start one rollback when the Discord modal is submitted 20 times concurrently", async () => {
    const hook = await startWebhookReceiver(SECRET);
    const h: DiscordHarness = await startDiscord({ config: { rollbackWebhookUrl: hook.url, webhookSecret: SECRET, quorum: 1 } });
    cleanups.push(() => hook.close(), () => h.close());
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    await h.press(member(3), "go", "R-1", msgId);
    await h.command(h.admin, "ship", { id: "R-1" });
    expect((await h.core.store.getRelease("R-1"))!.state).toBe("shipping");
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.submit(h.admin, formCustomId("rollback", "R-1"), { reason: "p99 latency doubled" }, msgId)));
    expect(answers.filter((a) => String(a.data?.content).includes("Rollback of R-1 started"))).toHaveLength(1);
    await Promise.all([h.core.bot.runDueJobs(), h.core.bot.runDueJobs()]);
    expect(hook.received).toHaveLength(1);
    expect((await h.core.store.getRelease("R-1"))!.state).toBe("rolling_back");
  });
});

describe("two scheduler passes at once", () => {
  it("post the due reminder once, in one process", async () => {
    const core = createTestCore();
    cleanups.push(() => core.close());
    const rec = createRecordingSurface();
    core.bot.attachSurface(rec.surface);
    await core.bot.handle({ kind: "command", actor: rm, channel, text: "create payments 1.4.2 at in 2h" });
    core.clock.set(T0 + 60 * 60_000 + 1000);
    const counts = await Promise.all([core.bot.runDueJobs(), core.bot.runDueJobs(), core.bot.runDueJobs()]);
    await core.bot.idle();
    // Two jobs were due, each run once: the T-1h reminder and the card's countdown refresh planned for T-1h50m.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(rec.noticeTexts("R-1").filter((t) => t.includes("T-1h"))).toHaveLength(1);
  });
});
