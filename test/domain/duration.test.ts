import { describe, expect, it } from "vitest";
import { DURATION_FORMS, readDuration } from "../../src/domain/duration.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("reading a typed duration", () => {
  it.each([
    ["90m", 90 * MIN],
    ["1h30m", 90 * MIN],
    ["1h 30m", 90 * MIN],
    ["1H30M", 90 * MIN],
    ["2d", 2 * DAY],
    ["1d2h", DAY + 2 * HOUR],
    ["1d 2h 3m 4s", DAY + 2 * HOUR + 3 * MIN + 4000],
    ["4 h", 4 * HOUR],
    ["2 hours 15 minutes", 2 * HOUR + 15 * MIN],
    ["1 day", DAY],
    ["45 min", 45 * MIN],
    ["30s", 30_000],
    ["250ms", 250],
    ["0m", 0],
    [" 4h ", 4 * HOUR],
  ])("reads %j", (text, ms) => {
    expect(readDuration(text)).toEqual({ ok: true, ms, finest: expect.any(String) });
  });

  it("says how fine the finest part is, so a time can keep seconds only when they were typed", () => {
    expect(readDuration("1h30m")).toMatchObject({ finest: "m" });
    expect(readDuration("2m 30s")).toMatchObject({ finest: "s" });
    expect(readDuration("1d")).toMatchObject({ finest: "d" });
  });

  it.each([
    ["1h30", "`30` has no unit: add one, e.g. `30m`"],
    ["90", "`90` has no unit: add one, e.g. `90m`"],
    ["30m1h", "its parts go largest first, each unit once (`1h30m`), not as in `30m1h`"],
    ["1h1h", "its parts go largest first, each unit once (`1h30m`), not as in `1h1h`"],
    ["2w", "`w` is not a unit: use d, h, m or s"],
    ["1.5h", "whole numbers only (`1h30m`, not `1.5h`)"],
  ])("refuses %j, saying what is wrong", (text, problem) => {
    expect(readDuration(text)).toEqual({ ok: false, problem });
  });

  it.each(["-5m", "soon", "", "in 2h", "2h later"])("refuses %j, with nothing more to say than the forms it takes", (text) => {
    expect(readDuration(text)).toEqual({ ok: false, problem: null });
  });

  it("names the accepted forms in one phrase every message can use", () => {
    expect(DURATION_FORMS).toBe("90m, 1h30m, 1h 30m, 2d or 1d2h");
  });
});
