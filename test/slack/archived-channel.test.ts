import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, visibleText, type Harness } from "./harness.js";

/**
 * Slack answers `is_archived` to a post in an archived channel (PLATFORM-FACTS): no retry helps
 * until someone unarchives it, and "invite gonogo" is the wrong advice for it.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Slack: a card for an archived channel", () => {
  it("is not retried, and its manager is told the channel is archived and what to do", async () => {
    h.fake.keepOut("CARCH", "is_archived");
    await h.slash("UMGR", "create payments 1.4.2", { channel: "CARCH" });
    const told = await h.fake.waitFor("chat.postMessage", (c) => c.params.channel === "DMGR");
    expect(visibleText(told)).toContain("I can't post R-1's card in <#CARCH>: it is archived. Unarchive it, then `/release share R-1` there, or run `/release share R-1` in another channel.");
    h.core.clock.advance(10 * 60_000);
    await h.core.bot.runDueJobs();
    await h.core.settle();
    expect(h.fake.callsTo("chat.postMessage").filter((c) => c.params.channel === "CARCH")).toHaveLength(1);
  });
});
