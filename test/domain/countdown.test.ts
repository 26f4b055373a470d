import { describe, expect, it } from "vitest";
import { offsetLabel, planCountdown } from "../../src/domain/countdown.js";
import { DEFAULT_POLICY } from "../../src/domain/policy.js";
import { HOUR, MIN, NOW } from "./fixtures.js";

describe("countdown plan", () => {
  it("defaults to reminders at T-60m, T-15m, T-5m and the T-0 notice", () => {
    expect(DEFAULT_POLICY.reminders).toEqual([60, 15, 5, 0]);
  });

  it("plans T-60m, T-15m, T-5m and T-0 for a release two hours away", () => {
    const at = NOW + 2 * HOUR;
    expect(planCountdown(at, DEFAULT_POLICY.reminders, NOW)).toEqual([
      { kind: "reminder", offsetMin: 60, dueAt: at - 60 * MIN },
      { kind: "reminder", offsetMin: 15, dueAt: at - 15 * MIN },
      { kind: "reminder", offsetMin: 5, dueAt: at - 5 * MIN },
      { kind: "t0", offsetMin: 0, dueAt: at },
    ]);
  });

  it("only plans reminders that are still ahead", () => {
    const at = NOW + 30 * MIN;
    expect(planCountdown(at, DEFAULT_POLICY.reminders, NOW).map((p) => p.offsetMin)).toEqual([15, 5, 0]);
  });

  it("drops a reminder that would be due exactly now", () => {
    const at = NOW + 15 * MIN;
    expect(planCountdown(at, DEFAULT_POLICY.reminders, NOW).map((p) => p.offsetMin)).toEqual([5, 0]);
  });

  it("always plans T-0, even when it is only a minute away", () => {
    const at = NOW + MIN;
    expect(planCountdown(at, DEFAULT_POLICY.reminders, NOW)).toEqual([{ kind: "t0", offsetMin: 0, dueAt: at }]);
  });

  it("plans T-0 even when the offsets leave it out", () => {
    const at = NOW + 2 * HOUR;
    const plan = planCountdown(at, [30], NOW);
    expect(plan.map((p) => p.kind)).toEqual(["reminder", "t0"]);
    expect(plan.filter((p) => p.kind === "t0")).toHaveLength(1);
  });

  it("plans one T-0 even when 0 is given twice", () => {
    expect(planCountdown(NOW + HOUR, [0, 0, 10], NOW).filter((p) => p.kind === "t0")).toHaveLength(1);
  });

  it("orders reminders earliest first and plans each offset once", () => {
    const plan = planCountdown(NOW + 3 * HOUR, [5, 120, 15, 15, 60], NOW);
    expect(plan.map((p) => p.offsetMin)).toEqual([120, 60, 15, 5, 0]);
    const due = plan.map((p) => p.dueAt);
    expect([...due].sort((a, b) => a - b)).toEqual(due);
  });

  it("follows a channel's own offsets", () => {
    expect(planCountdown(NOW + 3 * HOUR, [120, 30], NOW).map((p) => p.offsetMin)).toEqual([120, 30, 0]);
  });
});

describe("reminder labels", () => {
  it.each([
    [0, "T-0"],
    [5, "T-5m"],
    [15, "T-15m"],
    [60, "T-1h"],
    [90, "T-90m"],
    [120, "T-2h"],
  ])("names %i minutes before as %s", (min, label) => {
    expect(offsetLabel(min)).toBe(label);
  });
});
