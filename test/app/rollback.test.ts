import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { closedPort } from "../helpers/closed-port.js";
import type { Reply } from "../../src/app/views.js";

const SECRET = "test-webhook-secret-0123456789";
const textOf = (r: Reply) => (r.type === "message" ? r.text : "");
let core: TestCore;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
afterEach(async () => {
  await core?.close();
  await receiver?.close();
  receiver = undefined;
});

/** A shipped R-1 with oscar on call; its rollback webhook goes to `rollbackUrl`, else to a receiver that fails its first `failFirst` calls. */
async function shippedRelease(failFirst = 0, rollbackUrl?: string) {
  receiver = await startWebhookReceiver(SECRET, { failFirst, now: () => core.clock.now() });
  core = createTestCore({ config: { rollbackWebhookUrl: rollbackUrl ?? receiver.url, webhookSecret: SECRET } });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
  await say("alice", "create payments 1.4.2");
  await say("bob", "vote R-1 go");
  await say("carol", "vote R-1 go");
  await say("alice", "ship R-1");
  await say("alice", "shipped R-1");
  await say("admin", "role grant oscar oncall");
  return { chat, say };
}

describe("rollback", () => {
  it("asks for confirmation with a reason, then calls the signed webhook and shows who and why", async () => {
    const { chat } = await shippedRelease();
    const press = await core.bot.handle({ kind: "button", actor: person("oscar"), channel, releaseId: "R-1", action: "rollback" });
    expect(press.type).toBe("form");
    expect(press.type === "form" && press.form.context).toContain("payments 1.4.2");
    const empty = await core.bot.handle({ kind: "form", actor: person("oscar"), channel, form: "rollback", releaseId: "R-1", values: { reason: " " } });
    // Beside the field, in the form's words: a form has no command to type.
    expect(empty).toMatchObject({ type: "form_errors", errors: { reason: "Say why you roll back, so the team knows (e.g. error rate 5x since the deploy)." } });
    expect((await core.store.getRelease("R-1"))?.state).toBe("shipped");

    const done = await core.bot.handle({ kind: "form", actor: person("oscar"), channel, form: "rollback", releaseId: "R-1", values: { reason: "error rate 5x" } });
    expect(done.type === "message" && done.text).toContain("Rollback of R-1 started");
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(receiver!.received).toHaveLength(1);
    const hook = receiver!.received[0]!;
    expect(hook.validSignature).toBe(true);
    expect(hook.headers["idempotency-key"]).toBe("rollback:R-1");
    expect(hook.json).toMatchObject({ event: "rollback", reason: "error rate 5x", requestedBy: "terminal:oscar", release: { id: "R-1", service: "payments", version: "1.4.2" } });
    const card = chat.latestCard("R-1")!;
    expect(card.stateLabel).toBe("Rolling back");
    expect(card.notes.join("\n")).toContain("rollback by oscar: error rate 5x");
    expect(card.notes.join("\n")).toContain("Rollback webhook: delivered (HTTP 200)");
    expect(chat.noticeTexts("R-1").join("\n")).toContain("oscar is rolling back R-1");
  });

  it("runs exactly one rollback when the button is confirmed 20 times at once", async () => {
    await shippedRelease();
    const people = Array.from({ length: 20 }, (_, i) => (i % 2 ? "oscar" : "alice"));
    const replies = await Promise.all(people.map((who) => core.bot.handle({ kind: "form", actor: person(who), channel, form: "rollback", releaseId: "R-1", values: { reason: `press by ${who}` } })));
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(receiver!.received).toHaveLength(1);
    expect(replies.filter((r) => r.type === "message" && r.text.includes("Rollback of R-1 started"))).toHaveLength(1);
    expect(replies.filter((r) => r.type === "message" && r.text.includes("already being rolled back"))).toHaveLength(19);
    expect((await core.store.listAudit("R-1")).filter((e) => e.type === "rollback_requested")).toHaveLength(1);
  });

  it("refuses a rollback from someone who is not on-call, the manager or an admin, and records the refusal", async () => {
    await shippedRelease();
    const r = await core.bot.handle({ kind: "button", actor: person("mallory"), channel, releaseId: "R-1", action: "rollback" });
    expect(r).toMatchObject({ type: "message", error: true, text: expect.stringContaining("Only on-call") });
    expect((await core.store.getRelease("R-1"))?.state).toBe("shipped");
    expect((await core.store.listAudit("R-1")).at(-1)).toMatchObject({ type: "permission_refused", actor: "terminal:mallory" });
  });

  it("retries a failing webhook with backoff under the same idempotency key, then shows it delivered", async () => {
    const { chat, say } = await shippedRelease(2);
    await say("oscar", "rollback R-1 latency spike");
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(chat.latestCard("R-1")!.notes.join("\n")).toContain("attempt 1 failed (HTTP 500)");
    core.clock.advance(2_000);
    await core.bot.runDueJobs();
    core.clock.advance(10_000);
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(receiver!.received.map((h) => h.headers["idempotency-key"])).toEqual(["rollback:R-1", "rollback:R-1", "rollback:R-1"]);
    expect(chat.latestCard("R-1")!.notes.join("\n")).toContain("delivered (HTTP 200)");
    expect((await core.store.listDeliveries("R-1"))[0]).toMatchObject({ status: "delivered", attempts: 3 });
  });

  it("withdraws a deploy webhook still being retried once the release is rolled back or marked shipped: it is never sent again", async () => {
    const deploy = await startWebhookReceiver(SECRET, { failFirst: 100, now: () => core.clock.now() });
    try {
      receiver = await startWebhookReceiver(SECRET, { now: () => core.clock.now() });
      core = createTestCore({ config: { deployWebhookUrl: deploy.url, rollbackWebhookUrl: receiver.url, webhookSecret: SECRET } });
      const chat = createRecordingSurface();
      core.bot.attachSurface(chat.surface);
      const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
      const runFor = async (ms: number) => {
        for (let t = 0; t < ms; t += 60_000) {
          core.clock.advance(60_000);
          await core.bot.runDueJobs();
        }
        await core.bot.idle();
      };
      await say("admin", "role grant oscar oncall");
      await say("alice", "create payments 1.4.2");
      await say("alice", "create search 2.0.0");
      for (const id of ["R-1", "R-2"]) for (const voter of ["bob", "carol"]) await say(voter, `vote ${id} go`);
      await say("alice", "ship R-1");
      await say("alice", "ship R-2");
      await core.bot.runDueJobs();
      await core.bot.idle();
      expect(deploy.received.map((h) => h.headers["idempotency-key"])).toEqual(["deploy:R-1:1", "deploy:R-2:1"]);

      await say("oscar", "rollback R-1 error rate 5x");
      const marked = await say("alice", "shipped R-2");
      // Whoever marks it shipped hears that the call still being retried will not go out, as a rollback's reply says.
      expect(marked.type === "message" && marked.text).toContain("R-2 is marked shipped. The deploy call still being retried is withdrawn: it will not be sent again.");
      await runFor(30 * 60_000);
      // No retry of either deploy after the rollback or the hand-marked deploy; the rollback itself went out.
      expect(deploy.received).toHaveLength(2);
      expect(receiver.received.map((h) => h.headers["idempotency-key"])).toEqual(["rollback:R-1"]);
      expect((await core.store.listDeliveries("R-1")).map((d) => [d.kind, d.status])).toEqual([["deploy", "withdrawn"], ["rollback", "delivered"]]);
      expect((await core.store.listDeliveries("R-2")).map((d) => d.status)).toEqual(["withdrawn"]);
      expect(chat.latestCard("R-1")!.notes.join("\n")).toContain("Rollback webhook: delivered (HTTP 200)");
      // The card's webhook line is the rollback's now; the thread says the deploy call was withdrawn.
      expect(chat.noticeTexts("R-1").join("\n")).toContain("oscar is rolling back R-1 (payments 1.4.2): error rate 5x. The deploy call still being retried is withdrawn: it will not be sent again.");
      expect(chat.latestCard("R-2")!.notes.join("\n")).toContain("Deploy webhook: withdrawn, not sent again (the release left shipping)");
      expect((await core.store.listAudit("R-1")).find((e) => e.type === "webhook_withdrawn")?.data).toMatchObject({ kind: "deploy", attempts: 1, to: "rolling_back" });
    } finally {
      await deploy.close();
    }
  });

  it("refuses a hold once the deploy call went through (it is deploying: roll back instead), and allows it while the call is still pending", async () => {
    const deploy = await startWebhookReceiver(SECRET, { now: () => core.clock.now() });
    try {
      core = createTestCore({ config: { deployWebhookUrl: deploy.url, webhookSecret: SECRET } });
      const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
      for (const id of ["R-1", "R-2"]) {
        await say("alice", `create payments-${id} 1.0`);
        for (const voter of ["bob", "carol"]) await say(voter, `vote ${id} go`);
        await say("alice", `ship ${id}`);
        if (id === "R-1") await core.bot.runDueJobs();
      }
      await core.bot.idle();
      const refused = await say("alice", "hold R-1 deploy looks stuck");
      expect(refused).toMatchObject({ error: true, text: "R-1's deploy call went through, so it is deploying and cannot be put on hold. If it must be undone, roll it back (`/release rollback R-1 <reason>`); once it is out, `/release shipped R-1`." });
      expect((await core.store.getRelease("R-1"))?.state).toBe("shipping");
      // R-2's call has not gone out yet: the hold withdraws it.
      expect(await say("alice", "hold R-2 wrong build")).toMatchObject({ text: expect.stringContaining("R-2 is on hold") });
      await core.bot.runDueJobs();
      expect(deploy.received.map((h) => h.headers["idempotency-key"])).toEqual(["deploy:R-1:1"]);
      // The pipeline reports R-1's deploy failed: nothing is under way any more, and a hold is the way to stop.
      await core.bot.handleHook({ kind: "deploy", signature: "sig-failed", report: { release: "R-1", status: "failed" } });
      expect(await say("alice", "hold R-1 the deploy failed, investigating")).toMatchObject({ text: expect.stringContaining("R-1 is on hold") });
      expect((await core.store.getRelease("R-1"))?.state).toBe("held");
    } finally {
      await deploy.close();
    }
  });

  it("never sends a rollback call still being retried once the service is marked restored: it would roll back the fix", async () => {
    const { chat, say } = await shippedRelease(100);
    await say("oscar", "rollback R-1 latency spike");
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(receiver!.received).toHaveLength(1); // answered 503: a retry is planned
    const restored = await say("oscar", "recovered R-1");
    expect(restored.type === "message" && restored.text).toContain("The rollback webhook had not gone through yet: it is withdrawn and will not be sent.");
    for (let i = 0; i < 30; i++) {
      core.clock.advance(60_000);
      await core.bot.runDueJobs();
    }
    await core.bot.idle();
    expect(receiver!.received).toHaveLength(1);
    expect((await core.store.listDeliveries("R-1")).map((d) => d.status)).toEqual(["withdrawn"]);
    expect(chat.latestCard("R-1")!.notes.join("\n")).toContain("Rollback webhook: withdrawn, not sent (the service was marked restored first)");
    expect(chat.noticeTexts("R-1").join("\n")).not.toContain("FAILED");
    const withdrawn = (await core.store.listAudit("R-1")).find((e) => e.type === "webhook_withdrawn");
    expect(withdrawn?.data).toMatchObject({ kind: "rollback", attempts: 1, to: "rolled_back" });
  });

  it("sends a FAILED rollback again when on-call asks again, with the same webhook-id, and tells who asked when it fails", async () => {
    const { chat, say } = await shippedRelease(5);
    await say("oscar", "rollback R-1 latency spike");
    for (let i = 0; i < 10; i++) {
      core.clock.advance(60_000);
      await core.bot.runDueJobs();
    }
    await core.bot.idle();
    expect(receiver!.received).toHaveLength(5);
    // The thread heard at the first failure, not only after the last retry.
    const first = chat.notices.map((n) => n.notice).find((n) => n.text.includes("attempt 1 failed"))!;
    expect(first.text).toBe("⚠️ Rollback webhook: attempt 1 failed (HTTP 500). Retrying 4 more times over about 6m; the card shows each attempt, and pressing Roll back again sends it at once.");
    expect(first.mention).toEqual(expect.arrayContaining([person("alice").id, person("oscar").id]));
    // The card's note between attempts names a time (a countdown in it would go stale until the next edit).
    const attemptNotes = chat.updates.filter((u) => u.card.releaseId === "R-1").flatMap((u) => u.card.notes).filter((n) => n.includes("attempt 4 failed"));
    expect(attemptNotes.at(-1)).toMatch(/^Rollback webhook: attempt 4 failed \(HTTP 500\); next try at \d\d:\d\d:\d\d \(UTC\)$/);
    const failedNotice = chat.notices.map((n) => n.notice).find((n) => n.text.includes("FAILED"))!;
    expect(failedNotice.text).toContain("press Roll back again (`/release rollback R-1 <reason>`)");
    expect(failedNotice.mention).toEqual(expect.arrayContaining([person("alice").id, person("oscar").id]));

    const blank = await say("oscar", "rollback R-1");
    expect(blank).toMatchObject({ error: true, text: expect.stringContaining("Say why you send the rollback of R-1 again") });
    const again = await say("oscar", "rollback R-1 receiver is back");
    expect(again.type === "message" && again.text).toContain("The rollback webhook of R-1 had failed (HTTP 500); it is being sent again with the same webhook-id");
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(receiver!.received.map((h) => h.headers["webhook-id"])).toEqual(Array(6).fill("rollback:R-1"));
    expect((await core.store.listDeliveries("R-1")).map((d) => d.status)).toEqual(["delivered"]);
    expect(chat.latestCard("R-1")!.notes.join("\n")).toContain("Rollback webhook: delivered (HTTP 200)");
    expect(chat.noticeTexts("R-1").at(-1)).toBe("✅ Rollback webhook: delivered (HTTP 200) after the failures above.");
    expect(textOf(await say("oscar", "audit R-1"))).toContain("oscar sent the failed rollback again: receiver is back");
    // Delivered: asking once more starts nothing.
    expect(textOf(await say("oscar", "rollback R-1 once more"))).toContain("already being rolled back");
  });

  it("sends each attempt to the URL configured now: an operator who corrects ROLLBACK_WEBHOOK_URL and restarts reaches the rollback asked for before", async () => {
    const dead = await closedPort();
    const { chat, say } = await shippedRelease(0, `http://127.0.0.1:${dead}/hooks/rollback?token=s3cret`);
    await say("alice", "rollback R-1 checkout errors");
    await core.bot.runDueJobs();
    await core.bot.idle();
    // Where it could not connect, and what to check: the host, never the path or its token.
    expect(chat.noticeTexts("R-1").find((t) => t.includes("attempt 1 failed"))).toContain(`(ECONNREFUSED at 127.0.0.1:${dead})`);
    expect(chat.noticeTexts("R-1").find((t) => t.includes("attempt 1 failed"))).toContain("An admin should check ROLLBACK_WEBHOOK_URL and that its receiver is up.");
    const warned = core.logs.find((l) => l.level === "warn" && l.msg.includes("webhook: rollback call failed"))!;
    expect(warned.obj).toMatchObject({ release: "R-1", host: `127.0.0.1:${dead}`, attempts: 1 });
    expect(JSON.stringify(core.logs)).not.toContain("s3cret");

    const fixed = receiver!.url;
    core = await core.reopen({ rollbackWebhookUrl: fixed });
    const chatAfter = createRecordingSurface();
    core.bot.attachSurface(chatAfter.surface);
    core.clock.advance(2_000);
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(receiver!.received.map((h) => h.headers["webhook-id"])).toEqual(["rollback:R-1"]);
    expect((await core.store.listDeliveries("R-1"))[0]).toMatchObject({ status: "delivered", attempts: 2, url: fixed });
  });

  it("sends a rollback call waiting for its next retry at once when on-call asks again (the receiver is back), with the same webhook-id", async () => {
    const { chat, say } = await shippedRelease(1);
    await say("oscar", "rollback R-1 latency spike");
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(chat.latestCard("R-1")!.notes.join("\n")).toContain("attempt 1 failed (HTTP 500); next try at");
    // Asked again without a reason it says where the call stands, and to give one.
    expect(await say("oscar", "rollback R-1")).toMatchObject({ error: true, text: expect.stringContaining("Say why you send the rollback of R-1 again") });
    const again = await say("oscar", "rollback R-1 receiver is back");
    expect(textOf(again)).toContain("had not gone through yet (attempt 1 failed: HTTP 500); it is being sent now instead of at its next retry, with the same webhook-id");
    await core.bot.runDueJobs(); // no time has passed: the retry was 2 s away
    await core.bot.idle();
    expect(receiver!.received.map((h) => h.headers["webhook-id"])).toEqual(["rollback:R-1", "rollback:R-1"]);
    expect((await core.store.listDeliveries("R-1"))[0]).toMatchObject({ status: "delivered", attempts: 2 });
    // Delivered: asking once more starts nothing, and says the call went through.
    expect(textOf(await say("oscar", "rollback R-1 once more"))).toMatch(/already being rolled back .* Rollback webhook: delivered \(HTTP 200\)/);
  });

  it("never follows a redirect: a rollback call answered 302 or 307 is a failed attempt, not 'delivered', and the signed call goes nowhere else", async () => {
    receiver = await startWebhookReceiver(SECRET, { now: () => core.clock.now() });
    const target = receiver.url;
    for (const status of [302, 307]) {
      const redirecting = createServer((_req, res) => res.writeHead(status, { location: target }).end());
      await new Promise<void>((ok) => redirecting.listen(0, "127.0.0.1", ok));
      try {
        core = createTestCore({ config: { rollbackWebhookUrl: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hook`, webhookSecret: SECRET } });
        const chat = createRecordingSurface();
        core.bot.attachSurface(chat.surface);
        const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
        await say("alice", "create payments 1.4.2");
        for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
        await say("alice", "ship R-1");
        await say("alice", "shipped R-1");
        await say("alice", "rollback R-1 error rate 5x");
        await core.bot.runDueJobs();
        await core.bot.idle();
        expect((await core.store.listDeliveries("R-1"))[0]).toMatchObject({ status: "pending", attempts: 1, lastStatus: status, lastError: `HTTP ${status}, redirected to ${target}: set the webhook URL to where it points` });
        expect(chat.latestCard("R-1")!.notes.join("\n")).toContain(`Rollback webhook: attempt 1 failed (HTTP ${status}, redirected to ${target}`);
        expect(receiver.received).toHaveLength(0);
      } finally {
        await core.close();
        await new Promise((ok) => redirecting.close(ok));
      }
    }
  });

  it("records time to restore when the service is recovered", async () => {
    const { say } = await shippedRelease();
    await say("oscar", "rollback R-1 bad deploy");
    core.clock.advance(12 * 60_000);
    const r = await say("oscar", "recovered R-1");
    expect(r.type === "message" && r.text).toContain("Time to restore: 12m");
    expect((await core.store.getRelease("R-1"))).toMatchObject({ state: "rolled_back" });
    expect((await core.store.listAudit("R-1")).at(-1)?.data).toMatchObject({ timeToRestoreMs: 12 * 60_000 });
    // Said again (by someone else a minute later): the first one counted, and nothing changes.
    core.clock.advance(60_000);
    const again = await say("alice", "recovered R-1");
    expect(again).toMatchObject({ error: false, text: "R-1 is already marked rolled back and restored (1m ago). Nothing changed." });
    expect((await core.store.getRelease("R-1"))?.recoveredAt).toBe(core.clock.now() - 60_000);
  });
});
