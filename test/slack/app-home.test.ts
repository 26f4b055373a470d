import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, visibleText, type Harness } from "./harness.js";

/**
 * The App Home lists the releases one can vote on and says to vote on the card in its
 * channel: each release names that channel, as a link, so a voter knows where to go.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Slack: the App Home", () => {
  it("names the channel of each release's card in this workspace, as a link", async () => {
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    await h.slash("UMGR", "create search 2.0.0", { channel: "C2" });
    await h.slash("UDEV", "share R-2");
    await h.core.bot.idle();
    await h.event({ type: "app_home_opened", user: "UDEV", channel: "DDEV", tab: "home" });
    const home = visibleText({ params: { view: (await h.fake.waitFor("views.publish")).params.view } });
    expect(home).toContain("T-0 in 2h · next reminder T-1h\nVote on its card in <#C1>\n");
    expect(home).toContain("abstain 0\nVote on its card in <#C2> or <#C1>");
  });
});
