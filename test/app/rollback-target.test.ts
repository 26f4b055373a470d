import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { rollbackTarget } from "../../src/domain/rollback-target.js";
import { makeRelease } from "../domain/fixtures.js";

const SECRET = "test-webhook-secret-0123456789";
const HOUR = 3_600_000;
let core: TestCore;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
afterEach(async () => {
  await core?.close();
  await receiver?.close();
});

/** payments releases shipped one after another, an hour apart; returns how to speak and what the chat saw. */
async function shipped(versions: string[], env = "") {
  receiver = await startWebhookReceiver(SECRET, { now: () => core.clock.now() });
  core = createTestCore({ config: { rollbackWebhookUrl: receiver.url, webhookSecret: SECRET } });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
  for (const [i, version] of versions.entries()) {
    await say("alice", `create payments ${version}${env}`);
    await say("bob", `vote R-${i + 1} go`);
    await say("carol", `vote R-${i + 1} go`);
    await say("alice", `ship R-${i + 1}`);
    await say("alice", `shipped R-${i + 1}`);
    core.clock.advance(HOUR);
  }
  const press = async (id: string) => {
    const form = await core.bot.handle({ kind: "button", actor: person("alice"), channel, releaseId: id, action: "rollback" });
    return form.type === "form" ? form.form.context ?? "" : "";
  };
  return { chat, say, press };
}

describe("what a rollback goes back to", () => {
  it("the confirmation, the thread and the webhook name the version it goes back to: the last one that went live before it", async () => {
    const { chat, press } = await shipped(["1.4.1", "1.4.2"]);
    expect(await press("R-2")).toContain("Rolls payments production back from 1.4.2 to 1.4.1 (R-1, shipped 2h ago).");
    await core.bot.handle({ kind: "form", actor: person("alice"), channel, form: "rollback", releaseId: "R-2", values: { reason: "error rate 5x" } });
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect(receiver.received[0]!.json).toMatchObject({ event: "rollback", release: { id: "R-2", version: "1.4.2" }, rollbackTo: { id: "R-1", version: "1.4.1" } });
    expect(chat.noticeTexts("R-2").join("\n")).toContain("Rolls payments production back from 1.4.2 to 1.4.1 (R-1, shipped 2h ago).");
  });

  it("passes over a release that was itself rolled back, and releases of another environment", async () => {
    const { say, press } = await shipped(["1.4.0", "1.4.1"]);
    await say("alice", "rollback R-2 broken login");
    await say("alice", "recovered R-2");
    await say("alice", "unlock payments production reason fixed");
    await say("alice", "create payments 1.5.0-rc1 env staging");
    await say("bob", "vote R-3 go");
    await say("carol", "vote R-3 go");
    await say("alice", "ship R-3");
    await say("alice", "shipped R-3");
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-4 go");
    await say("carol", "vote R-4 go");
    await say("alice", "ship R-4");
    await say("alice", "shipped R-4");
    expect(await press("R-4")).toContain("back from 1.4.2 to 1.4.0 (R-1,");
  });

  it("says when gonogo knows no earlier version, and the webhook carries null", async () => {
    const { press } = await shipped(["1.4.2"]);
    expect(await press("R-1")).toContain("gonogo knows no earlier release of payments production that went live, so your rollback action decides what it goes back to");
    await core.bot.handle({ kind: "form", actor: person("alice"), channel, form: "rollback", releaseId: "R-1", values: { reason: "error rate 5x" } });
    await core.bot.runDueJobs();
    expect(receiver.received[0]!.json.rollbackTo).toBeNull();
  });

  it("warns on an older card: a later release went live since and is most likely what runs now", async () => {
    const { press } = await shipped(["1.4.1", "1.4.2", "1.4.3"]);
    const context = await press("R-2");
    expect(context).toContain("back from 1.4.2 to 1.4.1 (R-1,");
    expect(context).toContain("⚠️ R-3 (1.4.3) went live after R-2 and is most likely what runs now: if it is what misbehaves, roll back R-3 instead.");
  });

  it("once an older card's rollback has started, the reply and the thread do not say 'instead': it cannot be undone, the later release needs its own", async () => {
    const { chat, say } = await shipped(["1.4.1", "1.4.2", "1.4.3"]);
    const reply = await say("alice", "rollback R-2 error rate 5x");
    await core.bot.idle();
    const started = "⚠️ R-3 (1.4.3) went live after R-2 and is most likely what runs now: if it is what misbehaves, roll R-3 back too (`/release rollback R-3 <reason>`).";
    expect(reply.type === "message" ? reply.text : "").toContain(started);
    expect(chat.noticeTexts("R-2").join("\n")).toContain(started);
    expect(JSON.stringify(reply) + chat.noticeTexts("R-2").join("\n")).not.toContain("instead");
  });
});

describe("rollbackTarget (domain)", () => {
  const at = (seq: number, over: Parameters<typeof makeRelease>[0]) => makeRelease({ id: `R-${seq}`, seq, service: "payments", environment: "production", ...over });

  it("a release still shipping goes back to the last one that went live; the same instant is ordered by creation", () => {
    const now = 10 * HOUR;
    const shipping = at(4, { state: "shipping", shippedAt: null });
    const history = [at(1, { shippedAt: now - 3 * HOUR }), at(2, { shippedAt: now - HOUR }), at(3, { shippedAt: now - HOUR }), shipping];
    expect(rollbackTarget(shipping, history)).toEqual({ previous: { id: "R-3", version: "1.4.2", shippedAt: now - HOUR }, newer: [] });
  });

  it("counts nothing of another service", () => {
    const mine = at(2, { shippedAt: 5 * HOUR });
    expect(rollbackTarget(mine, [at(1, { service: "search", shippedAt: HOUR }), mine]).previous).toBeNull();
  });
});
