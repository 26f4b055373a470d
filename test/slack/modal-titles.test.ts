import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";
import { messageTs, startHarness, visibleText, type Harness } from "./harness.js";

/**
 * A Slack modal's title holds 24 characters (PLATFORM-FACTS A5); a longer one is cut, and the
 * release id at its end went first: "Change your no-go on R-…" named no release at all.
 */
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let h: Harness;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeEach(async () => {
  hook = await startWebhookReceiver(SECRET, { failFirst: 1 });
  h = await startHarness({ config: { rollbackWebhookUrl: hook.url, webhookSecret: SECRET } });
});
afterEach(async () => {
  await h.close();
  await hook.close();
});

const titleOf = (c: { params: Record<string, unknown> }) => (c.params.view as { title: { text: string } }).title.text;

describe("Slack: modal titles name their release whole", () => {
  it("the form that changes a no-go on R-12", async () => {
    for (let i = 1; i <= 12; i++) await h.slash("UMGR", `create svc-${i} 1.0.0`);
    const card = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("svc-12 1.0.0"));
    await h.press("UDEV", card, "No-go");
    const first = await h.fake.waitFor("views.open");
    await h.submit("UDEV", first, { reason: "not tested" });
    await h.press("UDEV", card, "No-go");
    const again = await h.fake.waitFor("views.open", (c) => c !== first);
    expect(titleOf(again)).toBe("Edit your no-go: R-12");
  });

  it("the form that sends a failed rollback again", async () => {
    await h.slash("UADMIN", "role grant <@UONCALL|otto> oncall");
    await h.slash("UMGR", "create payments 1.4.2");
    const card = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("payments"));
    await h.press("UQA", card, "Go");
    await h.press("UDEV", card, "Go");
    await h.slash("UMGR", "ship R-1");
    await h.slash("UMGR", "shipped R-1");
    const shipped = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("Roll back"), 4000);
    await h.press("UONCALL", shipped, "Roll back");
    const modal = await h.fake.waitFor("views.open");
    await h.submit("UONCALL", modal, { reason: "5xx spike" });
    await h.core.bot.runDueJobs();
    await h.core.settle();
    const failed = await h.fake.waitFor("chat.postMessage", (c) => String(c.params.text).includes("attempt 1 failed"));
    await h.press("UONCALL", failed, "Roll back");
    const again = await h.fake.waitFor("views.open", (c) => c !== modal);
    expect(titleOf(again)).toBe("Roll back R-1 again");
  });
});
