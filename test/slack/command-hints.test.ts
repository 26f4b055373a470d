import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, visibleText, type Harness } from "./harness.js";

/** Slack's /release is typed text: the core's hints stay in the typed grammar there (Discord shows its option syntax instead). */
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** The private answer as a person reads it (mrkdwn shows `&lt;` as `<`). */
const answer = async (user: string, text: string) =>
  visibleText({ params: (await h.slash(user, text)).body as Record<string, unknown> })
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");

describe("command hints on Slack", () => {
  it("tells how to lift the lock that refuses a ship as the command is typed here", async () => {
    expect(await answer("UADMIN", "lock payments reason incident 42")).toContain("until `/release unlock payments production reason <text>`");
    await h.slash("UMGR", "create payments 1.4.2 at in 2h");
    for (const voter of ["UQA", "UDEV"]) await h.slash(voter, "vote R-1 go");
    const refused = await answer("UMGR", "ship R-1");
    expect(refused).toContain("It stays locked until a release-manager or an admin lifts it with `/release unlock payments production reason <text>`.");
    expect(refused).not.toContain("action:");
  });

  it("keeps the criteria's hints typed, placeholders and all", async () => {
    await h.slash("UADMIN", "criteria set tests:qa, changelog");
    expect(await answer("UDEV", "criteria")).toContain("Set with `/release criteria set tests:qa, changelog`; tick with `/release check <id> <criterion> pass|fail [note]`.");
  });
});
