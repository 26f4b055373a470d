import { describe, expect, it } from "vitest";
import { createEditPacer } from "../../src/domain/edit-budget.js";

describe("pacing edits within a platform's budget", () => {
  it("lets a burst go at once, then one edit per share of the minute, in the order asked", () => {
    const pacer = createEditPacer({ perMinute: 50, burst: 3 });
    const slots = Array.from({ length: 6 }, () => pacer.reserve(0));
    expect(slots).toEqual([0, 0, 0, 1_200, 2_400, 3_600]);
  });

  it("fills up again while nothing is edited, never beyond the burst", () => {
    const pacer = createEditPacer({ perMinute: 60, burst: 2 });
    expect([pacer.reserve(0), pacer.reserve(0), pacer.reserve(0)]).toEqual([0, 0, 1_000]);
    // A long quiet: two at once again, not more.
    expect([pacer.reserve(60_000), pacer.reserve(60_000), pacer.reserve(60_000)]).toEqual([60_000, 60_000, 61_000]);
  });

  it("keeps the average over a long run at the budget, however often it is asked", () => {
    const pacer = createEditPacer({ perMinute: 50, burst: 10 });
    let last = 0;
    let edits = 0;
    for (let now = 0; now < 600_000; now += 10) {
      if (last > now) continue;
      last = pacer.reserve(now);
      if (last < 600_000) edits += 1;
    }
    // Ten minutes at 50 a minute, plus the first burst.
    expect(edits).toBeGreaterThanOrEqual(500);
    expect(edits).toBeLessThanOrEqual(510);
  });
});
