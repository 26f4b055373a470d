import { describe, expect, it } from "vitest";
import { shipGate, type DeployLock } from "../../src/domain/deploy-lock.js";
import { describeRule, freezeAt, inFreezeText, occurrenceAt, occurrencesBetween, readFreezeRule, readWeekTime, type Freeze, type FreezeRule } from "../../src/domain/freeze.js";
import { NOW, userError } from "./fixtures.js";

const BERLIN = "Europe/Berlin";
const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

function freeze(rule: FreezeRule, id = 1, reason: string | null = "weekend"): Freeze {
  return { id, channelKey: "terminal:local:#releases", rule, reason, createdBy: "terminal:rel", createdByName: "rel", createdAt: NOW };
}

/** Fri 16:00 until Mon 09:00, Berlin wall clock. */
const WEEKEND = freeze({ kind: "weekly", startDay: 5, startMinute: 16 * 60, endDay: 1, endMinute: 9 * 60, zone: BERLIN });

describe("weekly freeze windows", () => {
  it("covers Friday 16:00 to Monday 09:00 on Berlin's wall clock in winter (UTC+1)", () => {
    // Sat 23 Mar 2030: CET.
    const hit = occurrenceAt(WEEKEND, utc(2030, 3, 23, 12));
    expect(hit).toMatchObject({ start: utc(2030, 3, 22, 15), end: utc(2030, 3, 25, 8) });
    expect(occurrenceAt(WEEKEND, utc(2030, 3, 22, 14, 59))).toBeNull();
    expect(occurrenceAt(WEEKEND, utc(2030, 3, 25, 8))).toBeNull();
  });

  it("keeps its wall-clock edges across the spring-forward weekend: starts at 16:00 CET, ends at 09:00 CEST", () => {
    // Clocks go forward in Berlin on Sun 31 Mar 2030 at 02:00.
    const hit = occurrenceAt(WEEKEND, utc(2030, 3, 31, 1, 30));
    expect(hit).toMatchObject({ start: utc(2030, 3, 29, 15), end: utc(2030, 4, 1, 7) });
    // 08:59 CEST on Monday is inside, 09:00 CEST is not: one hour earlier in UTC than the week before.
    expect(occurrenceAt(WEEKEND, utc(2030, 4, 1, 6, 59))).not.toBeNull();
    expect(occurrenceAt(WEEKEND, utc(2030, 4, 1, 7))).toBeNull();
  });

  it("follows the clocks back in autumn too", () => {
    // Clocks go back on Sun 27 Oct 2030: the window starts at 16:00 CEST (14:00 UTC) and ends at 09:00 CET (08:00 UTC).
    expect(occurrenceAt(WEEKEND, utc(2030, 10, 26, 12))).toMatchObject({ start: utc(2030, 10, 25, 14), end: utc(2030, 10, 28, 8) });
  });

  it("is not on again in the repeated hour after it ended, when the clocks go back right after its end", () => {
    // Sat 22:00 until Sun 02:30, Berlin: on 27 Oct 2030 02:30 CEST is 00:30 UTC, and at 01:00 UTC the wall clock reads 02:00 again.
    const night = freeze({ kind: "weekly", startDay: 6, startMinute: 22 * 60, endDay: 0, endMinute: 150, zone: BERLIN });
    expect(occurrenceAt(night, utc(2030, 10, 27, 0, 15))).toMatchObject({ end: utc(2030, 10, 27, 0, 30) });
    expect(occurrenceAt(night, utc(2030, 10, 27, 1, 15))).toBeNull();
  });

  it("reads a window inside one week (no wrap) as well", () => {
    const lunch = freeze({ kind: "weekly", startDay: 3, startMinute: 12 * 60, endDay: 3, endMinute: 13 * 60, zone: "UTC" });
    expect(occurrenceAt(lunch, utc(2030, 1, 16, 12, 30))).toMatchObject({ start: utc(2030, 1, 16, 12), end: utc(2030, 1, 16, 13) });
    expect(occurrenceAt(lunch, utc(2030, 1, 16, 13))).toBeNull();
    expect(occurrenceAt(lunch, utc(2030, 1, 17, 12, 30))).toBeNull();
  });
});

describe("the occurrences of a freeze in a span (what the web calendar draws)", () => {
  const span = (hits: Array<{ start: number; end: number }>) => hits.map((h) => [new Date(h.start).toISOString(), new Date(h.end).toISOString()]);

  it("lists each weekly occurrence that overlaps, with the same edges as occurrenceAt across the spring DST change", () => {
    // Wed 27 Mar to Wed 10 Apr 2030: the weekend of the 29th (starts CET, ends CEST) and the one of 5 Apr (all CEST).
    const hits = occurrencesBetween(WEEKEND, utc(2030, 3, 27, 0), utc(2030, 4, 10, 0));
    expect(span(hits)).toEqual([
      ["2030-03-29T15:00:00.000Z", "2030-04-01T07:00:00.000Z"],
      ["2030-04-05T14:00:00.000Z", "2030-04-08T07:00:00.000Z"],
    ]);
    expect(hits[0]).toMatchObject(occurrenceAt(WEEKEND, utc(2030, 3, 31, 1, 30))!);
  });

  it("includes an occurrence that started before the span and one that ends right after it starts; not one that ended at its start", () => {
    // Sunday noon to Monday 08:00 UTC: inside the weekend of 22 Mar, which ends Mon 25 Mar 08:00 UTC (09:00 CET).
    expect(span(occurrencesBetween(WEEKEND, utc(2030, 3, 24, 12), utc(2030, 3, 25, 0)))).toEqual([["2030-03-22T15:00:00.000Z", "2030-03-25T08:00:00.000Z"]]);
    expect(occurrencesBetween(WEEKEND, utc(2030, 3, 25, 8), utc(2030, 3, 26, 0))).toEqual([]);
  });

  it("gives a one-off window once when it overlaps, and nothing outside it", () => {
    const once = freeze({ kind: "once", startAt: utc(2030, 1, 16, 11), endAt: utc(2030, 1, 16, 13) });
    expect(span(occurrencesBetween(once, utc(2030, 1, 16, 0), utc(2030, 1, 17, 0)))).toEqual([["2030-01-16T11:00:00.000Z", "2030-01-16T13:00:00.000Z"]]);
    expect(occurrencesBetween(once, utc(2030, 1, 16, 13), utc(2030, 1, 17, 0))).toEqual([]);
    expect(occurrencesBetween(once, utc(2030, 1, 15, 0), utc(2030, 1, 16, 11))).toEqual([]);
  });
});

describe("one-off freeze windows and overlaps", () => {
  const yearEnd = freeze({ kind: "once", startAt: utc(2030, 12, 24, 0), endAt: utc(2031, 1, 5, 8) }, 2, "year-end");

  it("holds from its start up to, not including, its end", () => {
    expect(occurrenceAt(yearEnd, utc(2030, 12, 24, 0))).not.toBeNull();
    expect(occurrenceAt(yearEnd, utc(2031, 1, 5, 7, 59))).not.toBeNull();
    expect(occurrenceAt(yearEnd, utc(2031, 1, 5, 8))).toBeNull();
    expect(occurrenceAt(yearEnd, utc(2030, 12, 23, 23, 59))).toBeNull();
  });

  it("names the freeze that ends last when several cover the same instant, as the card says it", () => {
    const active = freezeAt([WEEKEND, yearEnd], utc(2030, 12, 28, 12))!;
    expect(active.freeze.id).toBe(2);
    expect(inFreezeText(active, BERLIN)).toBe("in freeze 'year-end' until Sun 5 Jan 09:00 (Europe/Berlin)");
  });
});

describe("reading a freeze as typed", () => {
  it("reads days and times of the week, refusing what is not one", () => {
    expect(readWeekTime("fri", "16:00")).toEqual({ day: 5, minute: 960 });
    expect(readWeekTime("Monday", "9:05")).toEqual({ day: 1, minute: 545 });
    userError(() => readWeekTime("funday", "09:00"), "freeze_usage", "`funday` is not a day of the week");
    userError(() => readWeekTime("fri", "24:00"), "freeze_usage", "`24:00` is not a time of day");
  });

  it("reads a one-off window in the channel's zone, from now, and refuses one that ends before it starts", () => {
    const { rule } = readFreezeRule({ kind: "once", start: "2030-12-24 00:00", end: "2031-01-05 09:00" }, NOW, BERLIN);
    expect(rule).toEqual({ kind: "once", startAt: utc(2030, 12, 23, 23), endAt: utc(2031, 1, 5, 8) });
    expect(readFreezeRule({ kind: "once", start: "now", end: "in 2h" }, NOW, BERLIN).rule).toEqual({ kind: "once", startAt: NOW, endAt: NOW + 2 * 3_600_000 });
    userError(() => readFreezeRule({ kind: "once", start: "in 3h", end: "in 2h" }, NOW, BERLIN), "freeze_order", "must end after it starts");
    userError(() => readFreezeRule({ kind: "weekly", startDay: 5, startMinute: 0, endDay: 5, endMinute: 0 }, NOW, BERLIN), "freeze_empty");
  });

  it("describes windows in words", () => {
    expect(describeRule(WEEKEND.rule, BERLIN)).toBe("weekly Fri 16:00 → Mon 09:00 (Europe/Berlin)");
    expect(describeRule({ kind: "once", startAt: utc(2030, 12, 23, 23), endAt: utc(2031, 1, 5, 8) }, BERLIN)).toBe("Tue 24 Dec 2030 00:00 → Sun 5 Jan 2031 09:00 (Europe/Berlin)");
  });
});

describe("what stands between a release and shipping", () => {
  const lock: DeployLock = { service: "payments", environment: "production", reason: "rollback of R-6: errors", lockedBy: "terminal:oscar", lockedByName: "oscar", at: NOW, releaseId: "R-6", channel: null };
  const inWeekend = utc(2030, 3, 23, 12);

  it("puts a lock first: no freeze override lifts it", () => {
    expect(shipGate({ now: inWeekend, lock, freezes: [WEEKEND], ahead: ["R-6"], overrideFreeze: true })).toMatchObject({ kind: "locked" });
  });

  it("then a freeze, unless overridden; then the queue, behind the last release ahead", () => {
    expect(shipGate({ now: inWeekend, lock: undefined, freezes: [WEEKEND], ahead: ["R-6"], overrideFreeze: false })).toMatchObject({ kind: "frozen" });
    expect(shipGate({ now: inWeekend, lock: undefined, freezes: [WEEKEND], ahead: ["R-6", "R-7"], overrideFreeze: true })).toEqual({ kind: "queued", behind: "R-7" });
    expect(shipGate({ now: NOW, lock: undefined, freezes: [WEEKEND], ahead: [], overrideFreeze: false })).toEqual({ kind: "clear" });
  });
});
