import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageTs, startHarness, visibleText, type Harness } from "./harness.js";

/** The end of a freeze, told in the thread of the release it held on Slack. */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Slack: the end of a freeze", () => {
  it("is a thread reply under the held release's card, calling its manager, with the end in each reader's time and the command that re-plans it", async () => {
    await h.slash("UADMIN", "freeze add now until in 3h reason incident");
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments"));
    h.core.clock.advance(2 * 60 * 60_000);
    await h.core.bot.runDueJobs();
    await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === messageTs(card) && visibleText(c).includes("is held, not shipped"));

    h.core.clock.advance(60 * 60_000);
    await h.core.bot.runDueJobs();
    const told = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === messageTs(card) && visibleText(c).includes("is over"));
    // Added at 09:00 until in 3h: it ended at 12:00 UTC.
    expect(visibleText(told)).toContain(`✅ Freeze 'incident' is over (it ended <!date^${Date.UTC(2030, 0, 15, 12) / 1000}^{date_short_pretty} {time}|Tue 15 Jan 12:00 (UTC)>)`);
    expect(visibleText(told)).toContain("R-1 is still on hold and not GO yet. Decision: Pending: 0 of 2 GO. Release manager: set a new T-0 with `/release schedule R-1 &lt;time&gt;`");
    expect(visibleText(told)).toContain("<@UMGR>");
  });
});
