import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageTs, startHarness, visibleText, type Harness } from "./harness.js";

/** T-0 of a GO release on Slack, as the channel sees it in the card's thread. */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Slack: T-0 of a GO release", () => {
  it("without a deploy webhook, calls the release manager to deploy it by hand and mark it shipped", async () => {
    await h.slash("UMGR", "create payments 1.4.2 at in 30m");
    const card = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments"));
    await h.slash("UQA", "vote R-1 go");
    await h.slash("UDEV", "vote R-1 go");
    h.core.clock.advance(30 * 60_000);
    await h.core.bot.runDueJobs();
    const started = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === messageTs(card) && visibleText(c).includes("🚀"));
    // Nobody deploys unless someone is told to: the manager is called, by a mention.
    expect(visibleText(started)).toContain("🚀 T-0: R-1 is GO and shipping (started by gonogo). No deploy webhook is configured. Release manager: deploy it, then mark it with `/release shipped R-1`.");
    expect(visibleText(started)).toContain("<@UMGR>");
  });

  it("started by its own manager, does not call them about what they just did", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    const card = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments"));
    await h.slash("UQA", "vote R-1 go");
    await h.slash("UDEV", "vote R-1 go");
    await h.slash("UMGR", "ship R-1");
    const started = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === messageTs(card) && visibleText(c).includes("shipping"));
    expect(visibleText(started)).toContain("R-1 is GO and shipping (started by mia).");
    expect(visibleText(started)).not.toContain("<@UMGR>");
  });
});
