import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeCall } from "../../fakes/slack-api.js";
import { blockActionsPayload, buttonsOf, interactiveBody, messageTs, postSigned, slashBody, startHarness, visibleText, type Harness } from "./harness.js";

/**
 * A release shared into a second workspace (T2) by someone with linked accounts: each copy of
 * the card mentions only the people of its own workspace. A mention of another workspace's
 * member (`<@U…>` of T1 shown in T2) shows there as an unknown or private user, not a name.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const T2_CHANNEL = "C9T2";
const inT2 = (body: string) => body.replace("team_id=T1", "team_id=T2");
function pressInT2(user: string, name: string, message: FakeCall, label: string) {
  const payload = blockActionsPayload(h.fake, user, message, buttonsOf(message).get(label)!, label) as { team: { id: string }; user: { team_id: string; name: string; username: string } };
  payload.team.id = "T2";
  payload.user = { ...payload.user, team_id: "T2", name, username: name };
  return postSigned(h.url, interactiveBody(payload), "application/x-www-form-urlencoded");
}

describe("Slack: a card shared into a second workspace", () => {
  it("names the other workspace's manager and voters by name, and mentions only its own", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    const card = await h.fake.waitFor("chat.postMessage", (c) => c.params.channel === "C1");
    await h.core.store.linkAccounts({ account: "slack:T1:UMGR", name: "mia" }, { account: "slack:T2:UZED", name: "zed" }, h.core.clock.now());
    await postSigned(h.url, inT2(slashBody(h.fake, "UZED", "share R-1", T2_CHANNEL)), "application/x-www-form-urlencoded");
    const copy = await h.fake.waitFor("chat.postMessage", (c) => c.params.channel === T2_CHANNEL);
    expect(visibleText(copy)).toContain("· manager mia");
    expect(visibleText(copy)).not.toContain("<@UMGR>");

    await pressInT2("UXENA", "xena", copy, "Go");
    await h.press("UDEV", card, "Go");
    const here = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("<@UDEV>"), 4000);
    expect(visibleText(here)).toMatch(/\*GO\* \(2\): (xena, <@UDEV>|<@UDEV>, xena)/);
    const there = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(copy) && visibleText(c).includes("GO* (2)"), 4000);
    expect(visibleText(there)).toMatch(/\*GO\* \(2\): (<@UXENA>, dev|dev, <@UXENA>)/);

    // A thread notice calls the manager under the card of their own workspace only.
    await h.slash("USEC", "vote R-1 no-go CVE open");
    await h.core.bot.idle();
    const notices = (channel: string) => h.fake.callsTo("chat.postMessage").filter((c) => c.params.channel === channel && c.params.thread_ts && visibleText(c).includes("CVE open"));
    expect(visibleText(notices("C1")[0]!)).toContain("<@UMGR>");
    expect(notices(T2_CHANNEL)).toHaveLength(1);
    expect(visibleText(notices(T2_CHANNEL)[0]!)).not.toContain("<@UMGR>");
  });
});
