import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { buttonIds, startHarness, type Harness } from "./harness.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/**
 * A rollback call that fails is the on-call's emergency: its thread notice says pressing Roll
 * back again sends it at once, while the card, rolling back, has no buttons. The notice carries
 * the button it speaks of.
 */
describe("Discord: a rollback webhook that fails", () => {
  let h: Harness;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let msgId: string;
  const oncall = member(6);
  beforeEach(async () => {
    hook = await startWebhookReceiver(SECRET, { failFirst: 1 });
    h = await startHarness({ config: { rollbackWebhookUrl: hook.url, webhookSecret: SECRET } });
    await h.command(h.admin, "role", { action: "grant", who: { user: oncall }, role: "oncall" });
    await h.command(member(1), "create", { service: "payments", version: "1.4.2" });
    msgId = await h.cardMessageId("R-1");
    await h.press(member(2), "go", "R-1", msgId);
    await h.press(member(3), "go", "R-1", msgId);
    await h.command(member(1), "ship", { id: "R-1" });
    await h.command(member(1), "shipped", { id: "R-1" });
  });
  afterEach(async () => {
    await h.close();
    await hook.close();
  });

  it("puts a Roll back button on its notice, which asks why and sends the call again at once", async () => {
    const modal = await h.press(oncall, "rollback", "R-1", msgId);
    await h.submit(oncall, modal.data.custom_id, { reason: "5xx spike" }, msgId);
    await h.core.bot.runDueJobs();
    await h.core.settle();
    const failed = h.notices(msgId).find((c) => String(c.body.content).startsWith("⚠️ Rollback webhook: attempt 1 failed"))!;
    expect(String(failed.body.content)).toContain("pressing Roll back again sends it at once");
    expect(buttonIds(failed.body)).toEqual(["g1:b:rollback:R-1"]);
    expect(buttonIds(await h.card(msgId))).toEqual([]);

    const form = await h.press(oncall, "rollback", "R-1", String(failed.response.id));
    expect(form.data.title).toBe("Roll back R-1 again");
    const again = await h.submit(oncall, form.data.custom_id, { reason: "receiver is back" }, String(failed.response.id));
    expect(String(again.data.content)).toContain("it is being sent now instead of at its next retry");
  });

  it("tells a second on-call, whose form was open meanwhile, that the call is being sent, in one sentence", async () => {
    const first = await h.press(oncall, "rollback", "R-1", msgId);
    const second = await h.press(member(1), "rollback", "R-1", msgId);
    await h.submit(oncall, first.data.custom_id, { reason: "5xx spike" }, msgId);
    const late = await h.submit(member(1), second.data.custom_id, { reason: "errors too" }, msgId);
    expect(late.data.content).toBe("R-1 is already being rolled back (rollback by Member 6: 5xx spike). Nothing more was started. Rollback webhook: sending…");
  });
});
