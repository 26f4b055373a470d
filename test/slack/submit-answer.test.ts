import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, visibleText, type Harness } from "./harness.js";

/**
 * gonogo posts cards in public channels it has not joined (chat:write.public), where Slack
 * refuses chat.postEphemeral (`not_in_channel`, node-slack-sdk #977). A button press then
 * answers through its response_url; a form's submission has none, so its answer (the
 * rollback started, the retro saved, the no-go in) comes by direct message instead of nowhere.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Slack: the answer to a form sent from a channel gonogo has not joined", () => {
  it("comes by direct message when Slack refuses the private message in the channel", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    const card = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("payments"));
    await h.press("USEC", card, "No-go");
    const modal = await h.fake.waitFor("views.open");
    h.fake.failAll("chat.postEphemeral", { error: "not_in_channel" });
    expect((await h.submit("USEC", modal, { reason: "CVE open" })).text).toBe("");
    const dm = await h.fake.waitFor("chat.postMessage", (c) => String(c.params.channel).startsWith("D"));
    expect(dm.params.channel).toBe("DSEC");
    expect(visibleText(dm)).toContain("Your NO-GO on R-1 is in.");
  });
});
