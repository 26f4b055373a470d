import { afterEach, describe, expect, it } from "vitest";
import { RETRY_DELAYS_MS } from "../../src/app/webhook-delivery.js";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { auditTypes } from "../helpers/faults-db.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

const SECRET = "faults-webhook-secret";
const rm = person("rm");
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rollingBack(failFirst: number) {
  const hook = await startWebhookReceiver(SECRET, { failFirst, now: () => core.clock.now() });
  const core: TestCore = createTestCore({ config: { rollbackWebhookUrl: hook.url, webhookSecret: SECRET } });
  cleanups.push(() => hook.close(), () => core.close());
  const rec = createRecordingSurface();
  core.bot.attachSurface(rec.surface);
  const say = (who: ReturnType<typeof person>, text: string) => core.bot.handle({ kind: "command", actor: who, channel, text });
  await say(rm, "create payments 1.4.2");
  await say(person("qa"), "vote R-1 go");
  await say(person("dev"), "vote R-1 go");
  await say(rm, "ship R-1");
  const started = await say(rm, "rollback R-1 error rate 5x");
  expect(started).toMatchObject({ error: false });
  return { hook, core, rec };
}

/** Runs the scheduler at the moment just before and at the next retry, proving the backoff. */
async function attemptAfter(core: TestCore, delayMs: number, hook: { received: unknown[] }): Promise<void> {
  const before = hook.received.length;
  core.clock.advance(delayMs - 1);
  await core.bot.runDueJobs();
  expect(hook.received.length, `no attempt before the ${delayMs} ms backoff is over`).toBe(before);
  core.clock.advance(1);
  await core.bot.runDueJobs();
  expect(hook.received.length).toBe(before + 1);
}

describe("webhook receiver down", () => {
  it("retries with backoff under one idempotency key, then marks the delivery failed on the card and in the thread", async () => {
    const { hook, core, rec } = await rollingBack(1000);
    await core.bot.runDueJobs();
    expect(hook.received).toHaveLength(1);
    for (const delay of RETRY_DELAYS_MS) await attemptAfter(core, delay, hook);
    // Nothing more after the last attempt, however long we wait.
    core.clock.advance(24 * 3_600_000);
    await core.bot.runDueJobs();
    await core.bot.idle();

    expect(hook.received).toHaveLength(RETRY_DELAYS_MS.length + 1);
    const keys = new Set(hook.received.map((r) => r.headers["idempotency-key"]));
    expect([...keys]).toEqual(["rollback:R-1"]);
    expect(hook.received.every((r) => r.validSignature)).toBe(true);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);

    const [delivery] = await core.store.listDeliveries("R-1");
    expect(delivery).toMatchObject({ status: "failed", attempts: RETRY_DELAYS_MS.length + 1, lastStatus: 500 });
    expect(rec.latestCard("R-1")!.notes.join("\n")).toMatch(/Rollback webhook: FAILED after 5 attempts/);
    expect(rec.noticeTexts("R-1").filter((t) => /FAILED/.test(t))).toHaveLength(1);
    expect(auditTypes(core.db.sqlite)).toMatchObject({ webhook_attempt_failed: 4, webhook_failed: 1 });
  });

  it("delivers exactly once when the receiver recovers, and shows it on the card", async () => {
    const { hook, core, rec } = await rollingBack(2);
    await core.bot.runDueJobs();
    await attemptAfter(core, RETRY_DELAYS_MS[0]!, hook);
    await attemptAfter(core, RETRY_DELAYS_MS[1]!, hook);
    for (let i = 0; i < 5; i++) {
      core.clock.advance(10 * 60_000);
      await Promise.all([core.bot.runDueJobs(), core.bot.runDueJobs()]);
    }
    await core.bot.idle();
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.headers["idempotency-key"])).size).toBe(1);
    expect((await core.store.listDeliveries("R-1"))[0]).toMatchObject({ status: "delivered", attempts: 3, lastStatus: 200 });
    expect(rec.latestCard("R-1")!.notes.join("\n")).toMatch(/Rollback webhook: delivered \(HTTP 200\)/);
    expect(auditTypes(core.db.sqlite)).toMatchObject({ webhook_attempt_failed: 2, webhook_delivered: 1 });
  });

  it("retries a receiver that is not listening at all (connection refused) the same way", async () => {
    const { hook, core } = await rollingBack(0);
    const url = hook.url;
    await hook.close();
    await core.bot.runDueJobs();
    const [delivery] = await core.store.listDeliveries("R-1");
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatus: null });
    expect(delivery!.lastError).toMatch(/ECONNREFUSED/);
    expect(delivery!.url).toBe(url);
  });
});
