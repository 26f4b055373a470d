import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageTs, startHarness, visibleText, type Harness } from "./harness.js";

/** A NO-GO card on Slack still says what else the decision waits for, after the NO-GO. */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Slack: a NO-GO card", () => {
  it("shows the NO-GO first, then the quorum, sign-offs and criteria still open, and keeps the lock line", async () => {
    await h.slash("UADMIN", "policy set require=qa");
    await h.slash("UADMIN", "criteria set changelog");
    await h.slash("UADMIN", "lock payments reason incident 7");
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments"));
    await h.slash("UDEV", "vote R-1 go");
    await h.slash("USEC", "vote R-1 no-go CVE-2030-1234 not patched");
    const updated = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("CVE-2030-1234"), 4000);
    // The NO-GO's bold line, and on the next line of the same section what else it waits for.
    expect(visibleText(updated)).toMatch(/:red_circle: \*NO-GO: blocked by no-go from [^*]+: CVE-2030-1234 not patched\*\nAlso pending: 1 of 2 GO · waiting for qa · criteria open: changelog/);
    expect(visibleText(updated)).toContain("🔒 *payments production is locked by");
  });
});
