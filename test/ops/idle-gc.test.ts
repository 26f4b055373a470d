import { describe, expect, it } from "vitest";
import { createIdleCollector } from "../../src/idle-gc.js";

describe("the idle collector", () => {
  it("collects the old generation's garbage at once, without giving the program a global gc", () => {
    const collect = createIdleCollector();
    collect();
    const before = process.memoryUsage().heapUsed;
    // Garbage that lives long enough to reach the old generation, as a storm's does.
    const leaveGarbage = () => Array.from({ length: 300_000 }, (_, i) => ({ i, label: `voter ${i}` })).length;
    expect(leaveGarbage()).toBe(300_000);
    const withGarbage = process.memoryUsage().heapUsed;
    expect(withGarbage - before).toBeGreaterThan(10 * 2 ** 20);
    collect();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(2 * 2 ** 20);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
