import { TZDate, tzOffset } from "@date-fns/tz";
import { format } from "date-fns/format";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A date and time as read off a clock on the wall: month 1-12, already checked to exist on a calendar. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The instant a wall time resolves to, and a sentence for the confirmation when the zone's clocks made it a choice. */
export interface Resolved {
  at: number;
  note: string | null;
}

/**
 * Finds the instant a wall time means in `zone`, by one rule for every zone (RFC 5545, Temporal's
 * `disambiguation: "compatible"`): a time that happens twice (clocks go back) is the earlier of the
 * two; a time that never happens (clocks go forward) moves forward by the size of the jump.
 * The rule is ours, not the library's: `TZDate` picks differently from zone to zone.
 */
export function resolveWallTime(wall: WallTime, zone: string): Resolved {
  const asIfUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // A day either side is outside any single change, so these are the offsets before and after it.
  const before = offsetAt(zone, asIfUtc - DAY);
  const after = offsetAt(zone, asIfUtc + DAY);
  const real = [...new Set([before, after])]
    .map((offset) => asIfUtc - offset * MINUTE)
    .filter((at) => wallOf(at, zone) === asIfUtc)
    .sort((a, b) => a - b);

  const [first, second] = real;
  if (first !== undefined && second === undefined) return { at: first, note: null };
  const day = format(new TZDate(asIfUtc, "UTC"), "EEE d MMM yyyy");
  const typed = format(new TZDate(asIfUtc, "UTC"), "HH:mm");
  if (first !== undefined && second !== undefined) {
    const other = `${format(new TZDate(asIfUtc, "UTC"), "yyyy-MM-dd'T'HH:mm")}${signed(offsetAt(zone, second))}`;
    return { at: first, note: `${typed} happens twice in ${zone} on ${day} (clocks go back); using the first, ${utcOffset(zone, first)}. For the second, write \`${other}\`.` };
  }
  // In the gap: read it with the offset from before the jump, which lands as far past the jump as it was typed into it.
  const at = asIfUtc - before * MINUTE;
  return { at, note: `${typed} does not exist in ${zone} on ${day} (clocks go forward); using ${format(new TZDate(at, zone), "HH:mm")} ${utcOffset(zone, at)}.` };
}

/** Whether the wall time `zone` shows at `at` happens twice there (the hour the clocks go back). */
export function isRepeatedWallTime(at: number, zone: string): boolean {
  const [before, after] = [offsetAt(zone, at - DAY), offsetAt(zone, at + DAY)];
  if (before === after) return false; // no change within a day: the common, cheap answer
  const wall = wallOf(at, zone);
  // The other instant would be this wall time read with the offset from the other side of the change.
  return [before, after].some((offset) => {
    const other = wall - offset * MINUTE;
    return other !== at && wallOf(other, zone) === wall;
  });
}

/** `UTC+02:00`, `UTC-03:30`: the offset a zone's clocks show at an instant. */
export function utcOffset(zone: string, at: number): string {
  return `UTC${signed(offsetAt(zone, at))}`;
}

function offsetAt(zone: string, at: number): number {
  return tzOffset(zone, new Date(at));
}

/** The wall time at `at` in `zone`, as if it were UTC: compares wall times as numbers. */
function wallOf(at: number, zone: string): number {
  return at + offsetAt(zone, at) * MINUTE;
}

function signed(offsetMinutes: number): string {
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
