import { describe, expect, it } from "vitest";
import { nextCountdownRefresh, offsetLabel, planCountdown } from "../../src/domain/countdown.js";
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

describe("keeping the card's countdown true between edits", () => {
  it("brings it up to date hourly more than a day out, every 10 minutes within the day, every 5 in the last hour, at whole steps before T-0", () => {
    const t0 = NOW + 30 * HOUR;
    expect(nextCountdownRefresh(t0, NOW)).toBe(t0 - 29 * HOUR);
    expect(nextCountdownRefresh(t0, t0 - 24 * HOUR)).toBe(t0 - 24 * HOUR + 10 * MIN);
    expect(nextCountdownRefresh(t0, t0 - 61 * MIN)).toBe(t0 - 60 * MIN);
    expect(nextCountdownRefresh(t0, t0 - 60 * MIN)).toBe(t0 - 55 * MIN);
    expect(nextCountdownRefresh(t0, t0 - 7 * MIN)).toBe(t0 - 5 * MIN);
  });

  it("walks a release from two hours out to T-0 in 17 steps, each ahead of the last", () => {
    const t0 = NOW + 2 * HOUR;
    const steps: number[] = [];
    for (let at = nextCountdownRefresh(t0, NOW); at !== null; at = nextCountdownRefresh(t0, at)) steps.push((t0 - at) / MIN);
    expect(steps).toEqual([110, 100, 90, 80, 70, 60, 55, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5]);
  });

  it("skips a step that falls on a reminder, which edits the card anyway", () => {
    const t0 = NOW + 2 * HOUR;
    const steps: number[] = [];
    for (let at = nextCountdownRefresh(t0, NOW, [60, 15, 5]); at !== null; at = nextCountdownRefresh(t0, at, [60, 15, 5])) steps.push((t0 - at) / MIN);
    expect(steps).toEqual([110, 100, 90, 80, 70, 55, 50, 45, 40, 35, 30, 25, 20, 10]);
    expect(nextCountdownRefresh(t0, t0 - 61 * MIN, [60])).toBe(t0 - 55 * MIN);
  });

  it("leaves the last minutes and a passed T-0 to the T-0 job", () => {
    expect(nextCountdownRefresh(NOW + 5 * MIN, NOW)).toBeNull();
    expect(nextCountdownRefresh(NOW, NOW)).toBeNull();
    expect(nextCountdownRefresh(NOW - MIN, NOW)).toBeNull();
  });
});
