import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { embedLength, LIMITS } from "../../adapters/discord/limits.js";
import { member } from "../../fakes/discord-fixtures.js";
import { startHarness, type Harness } from "./harness.js";

/** `/release status` without an id, in a channel with more open releases than one answer shows. */
describe("Discord: /release status with many open releases in the channel", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("shows ten cards within Discord's limits and says how many more there are and where to see them", async () => {
    for (let i = 0; i < 12; i++) await h.command(member(1), "create", { service: `svc${i}`, version: "1.0.0", description: "x".repeat(900) });
    const answer = (await h.command(member(1), "status", {})).data;
    expect(answer.embeds).toHaveLength(10);
    expect((answer.embeds as Parameters<typeof embedLength>[0][]).reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(answer.content).toBe("Open releases in this channel, newest first (10 of 12; `/release list` shows them all):");
  });
});
