import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { startHarness, type Harness } from "./harness.js";

/** Lifting a lock tells each release it held, calling its manager: not when that is who lifted it. */
describe("Discord: the notice of a lifted lock", () => {
  let h: Harness;
  const manager = member(1);
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("does not ping the manager who lifted the lock themselves", async () => {
    await h.command(manager, "create", { service: "payments", version: "1.4.2" });
    const first = await h.cardMessageId("R-1");
    await h.press(member(2), "go", "R-1", first);
    await h.press(member(3), "go", "R-1", first);
    await h.command(manager, "ship", { id: "R-1" });
    await h.command(manager, "shipped", { id: "R-1" });
    await h.command(manager, "rollback", { id: "R-1", reason: "error rate 5x" });
    await h.command(manager, "create", { service: "payments", version: "1.4.3", when: "in 30m" });
    const second = await h.cardMessageId("R-2");
    await h.press(member(2), "go", "R-2", second);
    await h.press(member(3), "go", "R-2", second);
    for (const minutes of [15, 10, 5]) {
      h.core.clock.advance(minutes * 60_000);
      await h.core.bot.runDueJobs();
    }
    expect((await h.core.store.getRelease("R-2"))?.state).toBe("held");

    await h.command(manager, "lock", { action: "unlock", service: "payments", reason: "fixed in 1.4.3" });
    await h.core.settle();
    const lifted = h.notices(second).find((c) => String(c.body.content).startsWith("🔓 payments production is unlocked"))!;
    expect(String(lifted.body.content)).not.toContain(`<@${manager.id}>`);
    expect(lifted.body.allowed_mentions.users).toEqual([]);
  });
});
