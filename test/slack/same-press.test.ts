import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, visibleText, type Harness } from "./harness.js";

/**
 * A successful Go shows on the card, so Slack sends no private message for it; the same
 * press twice changes nothing on the card, so it must say so, and how to change or take it back.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Slack: pressing the same vote button twice", () => {
  it("answers privately that nothing changed and how to change or take the vote back", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    const card = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("payments"));
    await h.press("UDEV", card, "Go");
    await h.core.bot.idle();
    expect(h.fake.callsTo("chat.postEphemeral")).toHaveLength(0);
    await h.press("UDEV", card, "Go");
    const told = await h.fake.waitFor("chat.postEphemeral", (c) => c.params.user === "UDEV");
    expect(visibleText(told)).toContain("You already voted GO on R-1, so nothing changed: choose another to change your vote, or take it back with `/release retract R-1`.");
  });
});
