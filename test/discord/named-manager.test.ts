import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { startHarness, type Harness } from "./harness.js";

/** A release whose manager is someone else, picked with the create command's `manager` (User) option. */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe("Discord: a release manager picked with the manager option", () => {
  it("is called by their name in what people read, not by their Discord id", async () => {
    const manager = member(2);
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2", when: "in 2h", manager: { user: manager } });
    await h.cardMessageId("R-1");
    const refused = await h.command(member(3), "schedule", { id: "R-1", when: "in 3h" });
    expect(String(refused.data.content)).toContain("Only Member 2 (the release manager of R-1), a release-manager or an admin may schedule R-1.");
    expect(String(refused.data.content)).not.toContain(manager.id);
    expect((await h.core.store.getRelease("R-1"))?.managerName).toBe("Member 2");
  });
});
