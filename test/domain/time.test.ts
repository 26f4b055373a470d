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

    it("reads a time in the repeated hour as one of its two real instants", () => {
      const at = instant("2030-10-27 02:30 Europe/Berlin", saturdayNoon, "UTC");
      expect([utc(2030, 10, 27, 0, 30), utc(2030, 10, 27, 1, 30)]).toContain(at);
      expect(formatInZone(at, BERLIN)).toContain("02:30");
    });

    it("keeps in 2h two real hours across the change", () => {
      const beforeChange = utc(2030, 10, 26, 23, 30); // 01:30 CEST
      const at = instant("in 2h", beforeChange, BERLIN);
      expect(at).toBe(beforeChange + 2 * HOUR);
      expect(formatInZone(at, BERLIN)).toContain("02:30");
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
      userError(() => parseWhen(text, NOW, "UTC"), "bad_time", "2030-01-15T14:00Z", "2030-01-15 14:00 Europe/Berlin", "14:00", "tomorrow 10:00", "in 2h", "in 90m");
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
