import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageTs, startHarness, visibleText, type Harness } from "./harness.js";

/**
 * "waiting for qa" names no one: the card says whose GO each sign-off waits for (the
 * workspace's user groups and people holding it), or how to get one where nobody does.
 */
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ usergroups: [{ id: "SQA", handle: "qa-team", users: ["UQA"] }] });
});
afterEach(async () => {
  await h.close();
});

describe("Slack: a card waiting for sign-offs", () => {
  it("names the groups and people holding each sign-off still missing, and drops a sign-off once given", async () => {
    await h.slash("UADMIN", "role grant <!subteam^SQA|@qa-team> qa");
    await h.slash("UADMIN", "role grant <@USEC|sam> security");
    await h.slash("UADMIN", "policy set require=qa,security,dba");
    await h.slash("UMGR", "create payments 1.4.2");
    const card = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("payments"));
    expect(visibleText(card)).toContain(
      "*Waiting for sign-off*\n*qa*: <!subteam^SQA>\n*security*: <@USEC>\n*dba*: nobody holds dba yet; an admin grants it with `/release role grant &lt;user&gt; dba`",
    );
    await h.press("UQA", card, "Go");
    const after = await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("<@UQA>"), 4000);
    expect(visibleText(after)).toContain("*Waiting for sign-off*\n*security*: <@USEC>\n*dba*: nobody holds dba yet; an admin grants it with `/release role grant &lt;user&gt; dba`\n");
  });

  it("names them in the private /release status answer too, and shows nothing where none is required", async () => {
    await h.slash("UADMIN", "role grant <!subteam^SQA|@qa-team> qa");
    await h.slash("UMGR", "create payments 1.4.2");
    expect(JSON.stringify((await h.slash("UDEV", "status R-1")).body)).not.toContain("Waiting for sign-off");
    await h.slash("UADMIN", "policy set require=qa");
    expect(JSON.stringify((await h.slash("UDEV", "status R-1")).body)).toContain("*Waiting for sign-off*\\n*qa*: <!subteam^SQA>");
  });
});
