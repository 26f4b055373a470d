import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANNEL, messageTs, startHarness, visibleText, type Harness } from "./harness.js";

/** A deploy lock still on, said again on Slack: in the channel it was set in, or in the rolled-back release's thread. */

const HOUR = 3_600_000;
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Slack: a deploy lock still on", () => {
  it("set by hand, is a message of its own in the channel it was set in after 4 hours, mentioning who set it, with the unlock command", async () => {
    await h.slash("UADMIN", "lock payments reason incident 42");
    h.core.clock.advance(4 * HOUR);
    await h.core.bot.runDueJobs();
    const told = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("Still locked"));
    expect(told.params.channel).toBe(CHANNEL);
    expect(told.params.thread_ts).toBeUndefined();
    expect(visibleText(told)).toContain("🔒 Still locked: payments production is locked by ada: incident 42. It has been on for 4h (since <!date^");
    expect(visibleText(told)).toContain("If it is no longer needed: it stays locked until a release-manager or an admin lifts it with `/release unlock payments production reason &lt;text&gt;`.");
    expect(visibleText(told)).toContain("<@UADMIN>");
  });

  it("set in a channel the bot is not let into, comes privately to who set it, saying why", async () => {
    await h.slash("UADMIN", "lock payments reason incident 42");
    h.fake.keepOut(CHANNEL);
    h.core.clock.advance(4 * HOUR);
    await h.core.bot.runDueJobs();
    const told = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("Still locked") && c.params.channel !== CHANNEL);
    expect(h.fake.callsTo("conversations.open").map((c) => c.params.users)).toEqual(["UADMIN"]);
    expect(visibleText(told)).toContain(`I can't post in <#${CHANNEL}> (let gonogo in there), so this comes to you: 🔒 Still locked: payments production is locked by ada: incident 42.`);
    // Told, so not tried again in the channel on every sweep.
    await h.core.bot.idle();
    expect(await h.core.store.listOutbox()).toEqual([]);
  });

  it("set by a rollback, is a reply in the rolled-back release's thread, mentioning its manager", async () => {
    await h.slash("UADMIN", "role grant <@UONCALL|otto> oncall");
    await h.slash("UMGR", "create payments 1.4.2");
    const card = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments"));
    for (const voter of ["UQA", "UDEV"]) await h.slash(voter, "vote R-1 go");
    await h.slash("UMGR", "ship R-1");
    await h.slash("UONCALL", "rollback R-1 error rate 5x");
    h.core.clock.advance(4 * HOUR);
    await h.core.bot.runDueJobs();
    const told = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("Still locked"));
    expect(told.params.thread_ts).toBe(messageTs(card));
    expect(visibleText(told)).toContain("payments production is locked after the rollback of R-1 by otto: error rate 5x.");
    expect(visibleText(told)).toContain("until a release-manager, an admin or mia (R-1's manager) lifts it");
    expect(visibleText(told)).toContain("<@UONCALL> <@UMGR>");
  });
});
