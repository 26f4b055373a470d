import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageTs, startHarness, visibleText, type Harness } from "./harness.js";

/**
 * Slack sends a person or group picked after `@` as `<@U…|name>` / `<!subteam^S…|@handle>`. Where
 * the command names someone (a role's holder, a release's manager) that is an id; in a reason
 * or a description it is words, and reads as the name it was typed as, not as an internal id.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ usergroups: [{ id: "SQA", handle: "qa-team", users: ["UQA"] }] });
});
afterEach(async () => {
  await h.close();
});

describe("Slack: a mention in a reason or description", () => {
  it("reads as @name on the card and in the thread, and names nobody by internal id", async () => {
    await h.slash("UMGR", "create payments 1.4.2 desc reviewed by <@USEC|sam>");
    const card = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("payments"));
    expect(visibleText(card)).toContain("reviewed by @sam");
    await h.slash("UDEV", "vote R-1 no-go ask <@UQA|quinn> and <!subteam^SQA|@qa-team> first");
    const after = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("NO-GO"), 4000);
    expect(visibleText(after)).toContain("<@UDEV>: _ask @quinn and @qa-team first_");
    await h.slash("UMGR", "hold R-1 waiting for <@UQA|quinn>");
    await h.core.bot.idle();
    const thread = h.fake.callsTo("chat.postMessage").filter((c) => c.params.thread_ts).map((c) => String(c.params.text));
    expect(thread.some((t) => t.includes("on hold (mia): waiting for @quinn"))).toBe(true);
    expect(JSON.stringify(h.fake.calls)).not.toContain("slack:T1:");
  });

  it("still names the person where the command takes one: a release's manager, a role's holder", async () => {
    await h.slash("UADMIN", "role grant <!subteam^SQA|@qa-team> qa");
    await h.slash("UMGR", "create payments 1.4.2 manager <@UQA|quinn> desc for <@USEC|sam>");
    const [release] = await h.core.store.listReleases({});
    expect(release).toMatchObject({ managerId: "slack:T1:UQA", description: "for @sam" });
    expect((await h.core.store.listRoleBindings()).map((b) => b.subject)).toEqual(["slack-group:T1:SQA"]);
  });
});
