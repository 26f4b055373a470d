import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.js";

/** A release whose manager is someone else, named by picking them from Slack's @ list. */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Slack: a release manager named with @", () => {
  it("is called by their name in what people read, not by their Slack id", async () => {
    // Slack escapes a picked person as <@id|username> (the manifest's should_escape).
    await h.slash("UMGR", "create payments 1.4.2 manager <@UDEV|dev>");
    await h.core.bot.idle();
    const refused = await h.slash("UQA", "schedule R-1 in 2h");
    expect((refused.body as { text: string }).text).toContain("Only dev (the release manager of R-1), a release-manager or an admin may schedule R-1.");
    expect((refused.body as { text: string }).text).not.toContain("UDEV");
    expect((await h.core.store.getRelease("R-1"))?.managerName).toBe("dev");
  });
});
