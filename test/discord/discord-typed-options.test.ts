import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * A slash command's options arrive typed, one value per box. Each value is taken as it
 * stands, never printed into a line of text and split again: words that look like the
 * grammar's keywords stay where they were typed.
 */
describe("Discord: each option box is taken as typed", () => {
  const KEYWORDY = "at in 2h env prod desc x";
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("keeps a description and a reason whose words look like grammar keywords, word for word", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2", environment: "staging", description: KEYWORDY });
    await h.command(h.admin, "vote", { id: "R-1", choice: "no-go", reason: KEYWORDY });
    await h.command(h.admin, "hold", { id: "R-1", reason: KEYWORDY });
    const release = await h.core.store.getRelease("R-1");
    expect(release).toMatchObject({ environment: "staging", description: KEYWORDY, scheduledAt: null, stateReason: KEYWORDY });
    expect((await h.core.store.getVotes("R-1")).map((v) => v.reason)).toEqual([KEYWORDY]);
  });

  it("reads the time box as a time, not as more options, and refuses it whole when it is not one", async () => {
    const answer = await h.command(h.admin, "create", { service: "payments", version: "1.4.2", when: "in 2h env prod", description: "fixes checkout" });
    expect(String(answer.data.content)).toContain("in 2h env prod");
    expect(await h.core.store.getRelease("R-1")).toBeUndefined();
  });

  it("refuses a release id with a stray word instead of reading the word as the vote", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const answer = await h.command(member(2), "vote", { id: "R-1 go", choice: "no-go", reason: "tests fail" });
    expect(answer.data.content).toContain("is not a release id");
    expect(await h.core.store.getVotes("R-1")).toEqual([]);
  });

  it("exports the audit trail up to the `to` date when no `from` is given", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    await h.command(h.admin, "audit", { action: "export", to: "2030-01-10" });
    // Thirty days back from now (15 January 2030), up to the end of 10 January.
    const call = h.fake.calls.filter((c) => c.path.startsWith("/interactions/")).at(-1)!;
    expect(String(call.body)).toContain("gonogo-audit-2029-12-16-to-2030-01-10");
  });
});
