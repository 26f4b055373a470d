import { describe, expect, it } from "vitest";
import { formatInZone, parseWhen, relative } from "../../src/domain/time.js";
import { HOUR, MIN, NOW, userError } from "./fixtures.js";

const BERLIN = "Europe/Berlin";
const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
/** The instant a text means, without the note. */
const instant = (text: string, now: number, zone: string) => parseWhen(text, now, zone).at;

describe("reading a release time", () => {
  describe("ISO 8601 with Z or an offset", () => {
    it("reads 2030-01-15T14:00Z as 14:00 UTC", () => {
      expect(instant("2030-01-15T14:00Z", NOW, "UTC")).toBe(utc(2030, 1, 15, 14));
    });

    it("reads +02:00 and -05:00 offsets as the instants they name", () => {
      expect(instant("2030-01-15T14:00+02:00", NOW, "UTC")).toBe(utc(2030, 1, 15, 12));
      expect(instant("2030-01-15T14:00-05:00", NOW, "UTC")).toBe(utc(2030, 1, 15, 19));
      expect(instant("2030-01-16 14:00+0530", NOW, "UTC")).toBe(utc(2030, 1, 16, 8, 30));
    });

    it("ignores the channel's zone when the text names its own offset", () => {
      expect(instant("2030-01-15T14:00Z", NOW, BERLIN)).toBe(utc(2030, 1, 15, 14));
      expect(instant("2030-01-15T14:00Z", NOW, "America/New_York")).toBe(utc(2030, 1, 15, 14));
    });

    it("accepts a space instead of T, seconds, and lower case", () => {
      expect(instant("2030-01-15 14:00Z", NOW, "UTC")).toBe(utc(2030, 1, 15, 14));
      expect(instant("2030-01-15T14:00:30Z", NOW, "UTC")).toBe(utc(2030, 1, 15, 14) + 30_000);
      expect(instant("2030-01-15t14:00z", NOW, "UTC")).toBe(utc(2030, 1, 15, 14));
    });
  });

  describe("a date and time in a named zone", () => {
    it("reads 2030-01-15 14:00 Europe/Berlin as 13:00 UTC (winter time)", () => {
      expect(instant("2030-01-15 14:00 Europe/Berlin", NOW, "UTC")).toBe(utc(2030, 1, 15, 13));
    });

    it("reads a July time in Berlin as summer time", () => {
      expect(instant("2030-07-15 14:00 Europe/Berlin", NOW, "UTC")).toBe(utc(2030, 7, 15, 12));
    });

    it("reads a time in New York", () => {
      expect(instant("2030-01-15 14:00 America/New_York", NOW, BERLIN)).toBe(utc(2030, 1, 15, 19));
    });

    it("reads a date and time without a zone in the channel's zone", () => {
      expect(instant("2030-01-15 14:00", NOW, BERLIN)).toBe(utc(2030, 1, 15, 13));
      expect(instant("2030-01-15 14:00", NOW, "UTC")).toBe(utc(2030, 1, 15, 14));
      expect(instant("2030-01-15T14:00", NOW, "America/New_York")).toBe(utc(2030, 1, 15, 19));
    });

    it("accepts UTC and GMT as zone names", () => {
      expect(instant("2030-01-15 14:00 UTC", NOW, BERLIN)).toBe(utc(2030, 1, 15, 14));
      expect(instant("2030-01-15 14:00 gmt", NOW, BERLIN)).toBe(utc(2030, 1, 15, 14));
    });

    it("refuses a zone it does not know and shows real zone names", () => {
      userError(() => parseWhen("2030-01-15 14:00 Mars/Olympus", NOW, "UTC"), "bad_zone", "Mars/Olympus", "Europe/Berlin");
    });

    it("refuses a date that does not exist rather than rolling it over", () => {
      userError(() => parseWhen("2030-02-30 10:00", NOW, "UTC"), "bad_time");
      userError(() => parseWhen("2030-13-01 10:00", NOW, "UTC"), "bad_time");
    });
  });

  describe("a clock time", () => {
    // NOW is 09:00 UTC = 10:00 in Berlin.
    it("reads 14:00 as today's 14:00 in the channel's zone when that is still ahead", () => {
      expect(instant("14:00", NOW, BERLIN)).toBe(utc(2030, 1, 15, 13));
      expect(instant("14:00", NOW, "UTC")).toBe(utc(2030, 1, 15, 14));
    });

    it("reads 08:00 as tomorrow's 08:00 once today's has passed", () => {
      expect(instant("08:00", NOW, BERLIN)).toBe(utc(2030, 1, 16, 7));
    });

    it("reads the current minute as the same time tomorrow", () => {
      expect(instant("10:00", NOW, BERLIN)).toBe(utc(2030, 1, 16, 9));
    });

    it("reads 14:00 Europe/Berlin in Berlin even when the channel is on UTC", () => {
      expect(instant("14:00 Europe/Berlin", NOW, "UTC")).toBe(utc(2030, 1, 15, 13));
    });

    it("reads tomorrow 10:00 in the channel's zone", () => {
      expect(instant("tomorrow 10:00", NOW, BERLIN)).toBe(utc(2030, 1, 16, 9));
      expect(instant("Tomorrow 10:00", NOW, "UTC")).toBe(utc(2030, 1, 16, 10));
    });

    it("takes 'tomorrow' from the channel's calendar, not UTC's, just after midnight in Berlin", () => {
      const justAfterMidnightBerlin = utc(2030, 1, 15, 23, 30); // 16 Jan 00:30 in Berlin
      expect(instant("tomorrow 10:00", justAfterMidnightBerlin, BERLIN)).toBe(utc(2030, 1, 17, 9));
    });

    it("reads a day of the week as the next such day in the channel's zone, today while the time is ahead", () => {
      // NOW is Tuesday 15 January 2030.
      expect(instant("fri 16:00", NOW, BERLIN)).toBe(utc(2030, 1, 18, 15));
      expect(instant("Friday 16:00", NOW, "UTC")).toBe(utc(2030, 1, 18, 16));
      expect(instant("tue 23:00", NOW, BERLIN)).toBe(utc(2030, 1, 15, 22));
      expect(instant("tue 08:00", NOW, BERLIN)).toBe(utc(2030, 1, 22, 7));
      expect(() => instant("someday 10:00", NOW, BERLIN)).toThrow(/I can't read the time `someday 10:00`.*`fri 16:00`/);
    });

    it("reads today 14:00 as today", () => {
      expect(instant("today 14:00", NOW, BERLIN)).toBe(utc(2030, 1, 15, 13));
    });

    it("refuses hours and minutes that do not exist", () => {
      userError(() => parseWhen("25:00", NOW, "UTC"), "bad_time");
      userError(() => parseWhen("12:60", NOW, "UTC"), "bad_time");
    });
  });

  describe("a relative time", () => {
    it("reads in 2h as two hours from now", () => {
      expect(instant("in 2h", NOW, BERLIN)).toBe(NOW + 2 * HOUR);
    });

    it("puts a relative time without seconds on the nearest whole minute, as T-0 is shown; with seconds, to the second", () => {
      const late = NOW + 59_000; // 59 s into a minute
      expect(instant("in 2m", late, "UTC")).toBe(NOW + 3 * MIN);
      expect(instant("in 2m", NOW + 10_000, "UTC")).toBe(NOW + 2 * MIN);
      expect(instant("in 90s", late, "UTC")).toBe(late + 90_000);
    });

    it("reads in 90m as ninety minutes from now", () => {
      expect(instant("in 90m", NOW, BERLIN)).toBe(NOW + 90 * MIN);
    });

    it("reads combined and spelled-out forms", () => {
      expect(instant("in 1h 30m", NOW, "UTC")).toBe(NOW + 90 * MIN);
      expect(instant("in 2 hours", NOW, "UTC")).toBe(NOW + 2 * HOUR);
      expect(instant("in 45 minutes", NOW, "UTC")).toBe(NOW + 45 * MIN);
      expect(instant("in 1d", NOW, "UTC")).toBe(NOW + 24 * HOUR);
      expect(instant("IN 2H", NOW, "UTC")).toBe(NOW + 2 * HOUR);
      expect(instant("  in   2h  ", NOW, "UTC")).toBe(NOW + 2 * HOUR);
    });

    it("reads a duration as every other duration is read: 1h30m, 1d2h, 2 hours 15 minutes", () => {
      expect(instant("in 1h30m", NOW, "UTC")).toBe(NOW + 90 * MIN);
      expect(instant("in 1d2h", NOW, "UTC")).toBe(NOW + 26 * HOUR);
      expect(instant("in 2 hours 15 minutes", NOW, "UTC")).toBe(NOW + 135 * MIN);
    });

    it.each([
      ["in 1h30", "`30` has no unit: add one, e.g. `30m`"],
      ["in 30m1h", "its parts go largest first, each unit once (`1h30m`), not as in `30m1h`"],
      ["in 1.5h", "whole numbers only (`1h30m`, not `1.5h`)"],
    ])("refuses %j saying what is wrong with its duration, and the forms it takes", (text, why) => {
      userError(() => parseWhen(text, NOW, "UTC"), "bad_time", `\`${text}\`: ${why}. A time from now is \`in\` and a duration such as 90m, 1h30m, 1h 30m, 2d or 1d2h.`);
    });

    it("reads seconds, for short demo countdowns", () => {
      expect(instant("in 30s", NOW, "UTC")).toBe(NOW + 30_000);
    });

    it("refuses in 0m as not in the future", () => {
      userError(() => parseWhen("in 0m", NOW, "UTC"), "time_in_past");
    });

    it("refuses a bare 'in'", () => {
      userError(() => parseWhen("in", NOW, "UTC"), "bad_time");
    });
  });

  describe("across the Europe/Berlin spring-forward day (31 Mar 2030, 02:00 → 03:00)", () => {
    const saturdayNoon = utc(2030, 3, 30, 11); // Sat 12:00 CET

    it("reads tomorrow 10:00 as 10:00 summer time, 23 hours later", () => {
      const at = instant("tomorrow 10:00", utc(2030, 3, 30, 9), BERLIN); // from Sat 10:00 CET
      expect(at).toBe(utc(2030, 3, 31, 8));
      expect(at - utc(2030, 3, 30, 9)).toBe(23 * HOUR);
    });

    it("reads 14:00 on the day itself as 12:00 UTC", () => {
      expect(instant("14:00", utc(2030, 3, 31, 6), BERLIN)).toBe(utc(2030, 3, 31, 12));
    });

    it("reads times before and after the jump with the right offsets", () => {
      expect(instant("2030-03-31 01:30 Europe/Berlin", saturdayNoon, "UTC")).toBe(utc(2030, 3, 31, 0, 30));
      expect(instant("2030-03-31 03:30 Europe/Berlin", saturdayNoon, "UTC")).toBe(utc(2030, 3, 31, 1, 30));
    });

    it("moves a wall-clock time inside the skipped hour forward to summer time", () => {
      const at = instant("2030-03-31 02:30 Europe/Berlin", saturdayNoon, "UTC");
      expect(at).toBe(utc(2030, 3, 31, 1, 30));
      expect(formatInZone(at, BERLIN)).toContain("03:30");
    });

    it("keeps in 2h two real hours across the jump", () => {
      const beforeJump = utc(2030, 3, 31, 0, 30); // 01:30 CET
      const at = instant("in 2h", beforeJump, BERLIN);
      expect(at).toBe(beforeJump + 2 * HOUR);
      expect(formatInZone(at, BERLIN)).toContain("04:30");
    });
  });

  describe("across the Europe/Berlin fall-back day (27 Oct 2030, 03:00 → 02:00)", () => {
    const saturdayNoon = utc(2030, 10, 26, 10); // Sat 12:00 CEST

    it("reads tomorrow 10:00 as 10:00 winter time, 25 hours later", () => {
      const from = utc(2030, 10, 26, 8); // Sat 10:00 CEST
      const at = instant("tomorrow 10:00", from, BERLIN);
      expect(at).toBe(utc(2030, 10, 27, 9));
      expect(at - from).toBe(25 * HOUR);
    });

    it("reads 14:00 on the day itself as 13:00 UTC", () => {
      expect(instant("14:00", utc(2030, 10, 27, 5), BERLIN)).toBe(utc(2030, 10, 27, 13));
    });

    it("reads times before and after the repeated hour with the right offsets", () => {
      expect(instant("2030-10-27 01:30 Europe/Berlin", saturdayNoon, "UTC")).toBe(utc(2030, 10, 26, 23, 30));
      expect(instant("2030-10-27 03:30 Europe/Berlin", saturdayNoon, "UTC")).toBe(utc(2030, 10, 27, 2, 30));
    });

    it("reads a time in the repeated hour as the first of its two instants, summer time", () => {
      const at = instant("2030-10-27 02:30 Europe/Berlin", saturdayNoon, "UTC");
      expect(at).toBe(utc(2030, 10, 27, 0, 30));
      expect(formatInZone(at, BERLIN)).toContain("02:30");
    });

    it("tells the two 02:30s apart wherever a time is shown, by their offsets, and adds nothing outside the repeated hour", () => {
      expect(formatInZone(utc(2030, 10, 27, 0, 30), BERLIN)).toBe("Sun 27 Oct 2030 02:30 (Europe/Berlin, UTC+02:00)");
      expect(formatInZone(utc(2030, 10, 27, 1, 30), BERLIN)).toBe("Sun 27 Oct 2030 02:30 (Europe/Berlin, UTC+01:00)");
      expect(formatInZone(utc(2030, 10, 27, 2, 30), BERLIN)).toBe("Sun 27 Oct 2030 03:30 (Europe/Berlin)");
      expect(formatInZone(utc(2030, 10, 26, 23, 30), BERLIN)).toBe("Sun 27 Oct 2030 01:30 (Europe/Berlin)");
    });

    it("keeps in 2h two real hours across the change", () => {
      const beforeChange = utc(2030, 10, 26, 23, 30); // 01:30 CEST
      const at = instant("in 2h", beforeChange, BERLIN);
      expect(at).toBe(beforeChange + 2 * HOUR);
      expect(formatInZone(at, BERLIN)).toContain("02:30");
    });
  });

  describe("a wall time the clocks make a choice: one rule for every zone", () => {
    // NOW is 15 Jan 2030; every case is within a year of it.
    it.each([
      ["Europe/Berlin", "2030-10-27 02:30", utc(2030, 10, 27, 0, 30), "UTC+02:00", utc(2030, 10, 27, 1, 30), "2030-10-27T02:30+01:00"],
      ["America/New_York", "2030-11-03 01:30", utc(2030, 11, 3, 5, 30), "UTC-04:00", utc(2030, 11, 3, 6, 30), "2030-11-03T01:30-05:00"],
      ["Australia/Sydney", "2030-04-07 02:30", utc(2030, 4, 6, 15, 30), "UTC+11:00", utc(2030, 4, 6, 16, 30), "2030-04-07T02:30+10:00"],
      // Lord Howe moves its clocks by half an hour.
      ["Australia/Lord_Howe", "2030-04-07 01:45", utc(2030, 4, 6, 14, 45), "UTC+11:00", utc(2030, 4, 6, 15, 15), "2030-04-07T01:45+10:30"],
      // West of UTC, and the change is at midnight: Saturday 23:30 happens twice.
      ["America/Santiago", "2030-04-06 23:30", utc(2030, 4, 7, 2, 30), "UTC-03:00", utc(2030, 4, 7, 3, 30), "2030-04-06T23:30-04:00"],
      // Dublin's tz rules run daylight saving backwards (winter is the "saving"); the wall clock still repeats an hour.
      ["Europe/Dublin", "2030-10-27 01:30", utc(2030, 10, 27, 0, 30), "UTC+01:00", utc(2030, 10, 27, 1, 30), "2030-10-27T01:30+00:00"],
    ])("in %s, reads %s (it happens twice) as the earlier instant, says so, and says how to ask for the later", (zone, text, first, offset, second, other) => {
      const read = parseWhen(text, NOW, zone);
      expect(read.at).toBe(first);
      expect(read.note).toContain(`${text.slice(11)} happens twice in ${zone}`);
      expect(read.note).toContain(`using the first, ${offset}`);
      expect(read.note).toContain(`\`${other}\``);
      expect(instant(other, NOW, "UTC")).toBe(second);
    });

    it("says which day and why in the note", () => {
      expect(parseWhen("2030-10-27 02:30", NOW, BERLIN).note).toBe("02:30 happens twice in Europe/Berlin on Sun 27 Oct 2030 (clocks go back); using the first, UTC+02:00. For the second, write `2030-10-27T02:30+01:00`.");
    });

    it("resolves tomorrow's repeated hour by the same rule", () => {
      const saturdayNoon = utc(2030, 10, 26, 10);
      const read = parseWhen("tomorrow 02:30", saturdayNoon, BERLIN);
      expect(read.at).toBe(utc(2030, 10, 27, 0, 30));
      expect(read.note).toContain("happens twice");
    });

    it.each([
      ["America/New_York", "2030-03-10 02:30", utc(2030, 3, 10, 7, 30), "02:30 does not exist in America/New_York on Sun 10 Mar 2030 (clocks go forward); using 03:30 UTC-04:00."],
      ["Europe/Berlin", "2030-03-31 02:30", utc(2030, 3, 31, 1, 30), "02:30 does not exist in Europe/Berlin on Sun 31 Mar 2030 (clocks go forward); using 03:30 UTC+02:00."],
      ["Australia/Lord_Howe", "2030-10-06 02:15", utc(2030, 10, 5, 15, 45), "02:15 does not exist in Australia/Lord_Howe on Sun 6 Oct 2030 (clocks go forward); using 02:45 UTC+11:00."],
      ["America/Santiago", "2030-09-08 00:30", utc(2030, 9, 8, 4, 30), "00:30 does not exist in America/Santiago on Sun 8 Sep 2030 (clocks go forward); using 01:30 UTC-03:00."],
    ])("in %s, moves %s (it never happens) forward by the jump and says so", (zone, text, at, note) => {
      expect(parseWhen(text, NOW, zone)).toEqual({ at, note });
    });

    it("adds no note to a time that happens exactly once", () => {
      expect(parseWhen("2030-10-27 04:30", NOW, BERLIN).note).toBeNull();
      expect(parseWhen("tomorrow 10:00", NOW, BERLIN).note).toBeNull();
      expect(parseWhen("2030-10-27T02:30+01:00", NOW, BERLIN).note).toBeNull();
      expect(parseWhen("in 2h", NOW, BERLIN).note).toBeNull();
    });
  });

  describe("at most a year ahead", () => {
    it.each(["in 99999999h", "in 99999999999999999999999d", "in 366d", "2031-01-15T09:01Z", "2031-06-01 10:00 Europe/Berlin"])("refuses %j, stating the limit and what to do", (text) => {
      userError(() => parseWhen(text, NOW, BERLIN), "time_too_far", `\`${text}\` is more than a year ahead`, "Wed 15 Jan 2031 10:00 (Europe/Berlin) at the latest", "/release schedule");
    });

    it("accepts the same time a year from now", () => {
      expect(instant("in 365d", NOW, "UTC")).toBe(utc(2031, 1, 15, 9));
      expect(instant("2031-01-15 10:00", NOW, BERLIN)).toBe(utc(2031, 1, 15, 9));
    });
  });

  describe("dates and clock times that do not exist, in every form", () => {
    it.each([
      ["2030-02-30T10:00Z", "`2030-02-30` is not a date: February 2030 has days 01 to 28."],
      ["2030-02-30 10:00", "`2030-02-30` is not a date: February 2030 has days 01 to 28."],
      ["2030-04-31T10:00+02:00", "`2030-04-31` is not a date: April 2030 has days 01 to 30."],
      ["2030-06-31 10:00 Europe/Berlin", "`2030-06-31` is not a date: June 2030 has days 01 to 30."],
      ["2030-03-00 10:00", "`2030-03-00` is not a date: March 2030 has days 01 to 31."],
      ["2030-13-01T10:00Z", "`2030-13-01` is not a date: months go from 01 to 12."],
      ["2030-03-01T25:00Z", "`25:00` is not a time of day: hours go from 00 to 23."],
      ["2030-03-01 10:61", "`10:61` is not a time of day: minutes go from 00 to 59."],
      ["2030-03-01T10:00:60Z", "`10:00:60` is not a time of day: seconds go from 00 to 59."],
      ["25:00", "`25:00` is not a time of day: hours go from 00 to 23."],
      ["tomorrow 24:00", "`24:00` is not a time of day: hours go from 00 to 23."],
      ["today 10:61 Europe/Berlin", "`10:61` is not a time of day: minutes go from 00 to 59."],
      ["2030-03-01T10:00+15:00", "`+15:00` is not a UTC offset: offsets go from -12:00 to +14:00."],
      ["2030-03-01T10:00-13:00", "`-13:00` is not a UTC offset: offsets go from -12:00 to +14:00."],
      ["2030-03-01T10:00+02:60", "`+02:60` is not a UTC offset: offsets go from -12:00 to +14:00."],
    ])("refuses %j, naming what is wrong", (text, message) => {
      userError(() => parseWhen(text, NOW, "UTC"), "bad_time", message);
    });

    it("keeps 29 February in a leap year", () => {
      expect(instant("2032-02-29T10:00Z", utc(2031, 6, 1, 0), "UTC")).toBe(utc(2032, 2, 29, 10));
    });

    it.each(["31/04", "tomorrow 31/04", "04/31/2030 10:00"])("refuses the slashed date %j and says why", (text) => {
      userError(() => parseWhen(text, NOW, "UTC"), "bad_time", "I don't read dates with slashes", "YYYY-MM-DD HH:mm Europe/Berlin");
    });

    it("refuses a time that names both an offset and a zone, and says to leave one out", () => {
      userError(() => parseWhen("2030-03-01T10:00+02:00 Europe/Berlin", NOW, "UTC"), "bad_time", "both a UTC offset (`+02:00`) and a time zone (`Europe/Berlin`)", "`2030-03-01 10:00 Europe/Berlin`");
    });
  });

  describe("refusals", () => {
    it("refuses a time in the past and shows it and now in the channel's zone", () => {
      userError(() => parseWhen("2029-12-31T23:00Z", NOW, BERLIN), "time_in_past", "in the past", "Tue 1 Jan 2030 00:00 (Europe/Berlin)", "Tue 15 Jan 2030 10:00 (Europe/Berlin)");
    });

    it("refuses today 08:00 once it has passed", () => {
      userError(() => parseWhen("today 08:00", NOW, BERLIN), "time_in_past", "in the past");
    });

    it("refuses the current instant", () => {
      userError(() => parseWhen("2030-01-15T09:00Z", NOW, "UTC"), "time_in_past");
    });

    it.each(["banana", "next tuesday", "14", "2030-01-15", "1/15/2030 2pm", "tomorrow", "in two hours", ""])("refuses %j and shows examples of times it reads", (text) => {
      userError(() => parseWhen(text, NOW, "UTC"), "bad_time", "YYYY-MM-DDTHH:mmZ", "YYYY-MM-DD HH:mm Europe/Berlin", "14:00", "tomorrow 10:00", "in 2h", "in 90m");
    });
  });
});

describe("showing times", () => {
  it("shows an instant in the channel's zone with the zone named", () => {
    expect(formatInZone(utc(2030, 1, 15, 13), BERLIN)).toBe("Tue 15 Jan 2030 14:00 (Europe/Berlin)");
    expect(formatInZone(utc(2030, 7, 15, 12), BERLIN)).toBe("Mon 15 Jul 2030 14:00 (Europe/Berlin)");
    expect(formatInZone(utc(2030, 1, 15, 13), "UTC")).toBe("Tue 15 Jan 2030 13:00 (UTC)");
  });

  it.each([
    [NOW, NOW, "now"],
    [NOW + 30_000, NOW, "in 30s"],
    [NOW - 45_000, NOW, "45s ago"],
    [NOW + 65 * MIN, NOW, "in 1h 5m"],
    [NOW - 3 * MIN, NOW, "3m ago"],
    [NOW + 2 * HOUR, NOW, "in 2h"],
    [NOW + 49 * HOUR, NOW, "in 2d 1h"],
    [NOW - 24 * HOUR, NOW, "1d ago"],
  ])("shows %i relative to %i as %j", (ms, now, text) => {
    expect(relative(ms, now)).toBe(text);
  });
});
