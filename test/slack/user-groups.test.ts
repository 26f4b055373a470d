import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageTs, startHarness, visibleText, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ usergroups: [{ id: "SQA", handle: "qa-team", users: ["UQA"] }] });
});
afterEach(async () => {
  await h.close();
});

describe("Slack user groups as role holders", () => {
  it("counts a GO from a member of a user group that holds a sign-off role", async () => {
    const grant = await h.slash("UADMIN", "role grant <!subteam^SQA|@qa-team> qa");
    expect(JSON.stringify(grant.body)).not.toContain(":warning:");
    await h.slash("UADMIN", "policy set require=qa quorum=1");
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    const card = await h.fake.waitFor("chat.postMessage");
    expect(visibleText(card)).toContain("waiting for qa");

    // A GO from someone outside the group does not satisfy the qa sign-off…
    await h.press("UDEV", card, "Go");
    const afterDev = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("<@UDEV>"), 4000);
    expect(visibleText(afterDev)).toContain("waiting for qa");
    // …one from a member does.
    await h.press("UQA", card, "Go");
    const afterQa = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("<@UQA>"), 4000);
    expect(visibleText(afterQa)).not.toContain("waiting for qa");
    expect(h.fake.callsTo("usergroups.list")[0]?.params.include_users).toBeTruthy();
  });

  it("works without the usergroups scope: group roles just do not apply, and it says so once in the log", async () => {
    h.fake.failNext("usergroups.list", { error: "missing_scope" }, 10);
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    await h.fake.waitFor("chat.postMessage");
    expect(h.logs.filter((l) => l.level === "warn" && l.msg.includes("usergroups.list")).length).toBe(1);
  });
});
