import { TZDate } from "@date-fns/tz";
import { addDays } from "date-fns/addDays";
import { addYears } from "date-fns/addYears";
import { format } from "date-fns/format";
import { DURATION_FORMS, readDuration } from "./duration.js";
import { UserError } from "./errors.js";
import { isValidTimeZone } from "./policy.js";
import { isRepeatedWallTime, resolveWallTime, utcOffset, type Resolved } from "./wall-clock.js";

const MINUTE = 60_000;
// Dates as patterns, not as examples: a fixed example date would sooner or later fall outside
// the year ahead that a time may be, and a person copying it would be refused.
const EXAMPLES = "`YYYY-MM-DDTHH:mmZ`, `YYYY-MM-DD HH:mm Europe/Berlin`, `14:00`, `tomorrow 10:00`, `fri 16:00`, `in 2h`, `in 90m` or `in 1h30m`";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/** `fri` or `friday`, in any case → 5 (Sunday is 0); -1 for any other word. */
export function weekdayIndex(word: string): number {
  const w = word.toLowerCase();
  return WEEKDAYS.findIndex((full) => w === full || w === full.slice(0, 3));
}

/**
 * Reads a release time as people type it. Wall-clock times are read in `zone` (or a zone named at
 * the end) by the rule in `resolveWallTime`. Refused, naming what is wrong: a date or clock time
 * that does not exist, a time in the past, and a time more than a year ahead.
 */
export function parseWhen(input: string, now: number, zone: string, later = "a later date can be set with `/release schedule` once it is within a year"): Resolved {
  const text = input.trim().replace(/\s+/g, " ");
  const read = parseAny(text, now, zone);
  if (read === null) {
    throw new UserError("bad_time", `I can't read the time \`${input}\`. Try ${EXAMPLES}.`);
  }
  if (read.at <= now) {
    throw new UserError("time_in_past", `\`${input}\` is ${formatInZone(read.at, zone)}, which is in the past. Pick a time after now (${formatInZone(now, zone)}).`);
  }
  const latest = addYears(new TZDate(now, zone), 1).getTime();
  if (read.at > latest) {
    throw new UserError("time_too_far", `\`${input}\` is more than a year ahead. Pick a time up to a year from now (${formatInZone(latest, zone)} at the latest); ${later}.`);
  }
  return read;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$/i;
const CLOCK = /^(?:([a-z]+) )?(\d{1,2}):(\d{2})$/i;

function parseAny(text: string, now: number, defaultZone: string): Resolved | null {
  // `in 90m`, `in 1h30m`, `in 2 hours`: a duration from now, read as every typed duration is.
  const rel = /^in (.+)$/i.exec(text);
  if (rel) {
    const read = readDuration(rel[1]!);
    // Seconds are for trying a whole countdown in a demo or a script: kept to the second.
    if (read.ok && (read.finest === "s" || read.finest === "ms")) return { at: now + read.ms, note: null };
    // Otherwise on the nearest whole minute, as every T-0 is shown (HH:mm): `in 2m` typed at
    // 20:55:59 is 20:58, not a T-0 shown as 20:57 that comes at 20:57:59.
    if (read.ok) return { at: Math.round((now + read.ms) / MINUTE) * MINUTE, note: null };
    if (read.problem) throw new UserError("bad_time", `\`${text}\`: ${read.problem}. A time from now is \`in\` and a duration such as ${DURATION_FORMS}.`);
  }

  const { body, zone, named } = splitZone(text, defaultZone);
  const full = DATE_TIME.exec(body);
  if (full) {
    const [, y, mo, d, h, mi, s, offset] = full;
    const wall = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi) };
    checkDate(`${y}-${mo}-${d}`, wall.year, wall.month, wall.day);
    checkClock(`${h}:${mi}${s === undefined ? "" : `:${s}`}`, wall.hour, wall.minute, Number(s ?? 0));
    const seconds = Number(s ?? 0) * 1000;
    // An explicit offset or Z: the string says exactly which instant it means.
    if (offset) {
      if (named) throw new UserError("bad_time", `\`${text}\` gives both a UTC offset (\`${offset}\`) and a time zone (\`${zone}\`). Leave one out, e.g. \`${y}-${mo}-${d} ${h}:${mi} ${zone}\`.`);
      return { at: Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute) + seconds - offsetMinutes(offset) * MINUTE, note: null };
    }
    const read = resolveWallTime(wall, zone);
    return { ...read, at: read.at + seconds };
  }

  const clock = CLOCK.exec(body);
  const day = clock?.[1]?.toLowerCase();
  const weekday = day === undefined ? -1 : weekdayIndex(day);
  if (clock && (day === undefined || day === "today" || day === "tomorrow" || weekday >= 0)) {
    const hour = Number(clock[2]);
    const minute = Number(clock[3]);
    checkClock(`${clock[2]}:${clock[3]}`, hour, minute, 0);
    const today = new TZDate(now, zone);
    const on = (date: Date) => resolveWallTime({ year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate(), hour, minute }, zone);
    if (weekday >= 0) {
      // `fri 16:00` is the next Friday 16:00: today if that is still ahead, else a week on.
      const ahead = (weekday - today.getDay() + 7) % 7;
      const read = on(addDays(today, ahead));
      return read.at <= now ? on(addDays(today, ahead + 7)) : read;
    }
    const read = on(day === "tomorrow" ? addDays(today, 1) : today);
    // A bare `14:00` means the next 14:00; `today 14:00` stays today (and may be past).
    return !day && read.at <= now ? on(addDays(today, 1)) : read;
  }

  if (/\d{1,2}\/\d{1,2}/.test(body)) {
    throw new UserError("bad_time", `I don't read dates with slashes (\`${text}\`): 04/05 is April in some countries and May in others. Try ${EXAMPLES}.`);
  }
  return null;
}

/** `… Europe/Berlin` or `… UTC` at the end names the zone; anything else is read in the channel's. */
function splitZone(text: string, fallback: string): { body: string; zone: string; named: boolean } {
  const space = text.lastIndexOf(" ");
  const last = space > 0 ? text.slice(space + 1) : "";
  if (/^[A-Za-z_]+\/[A-Za-z0-9_/+-]+$/.test(last) || /^(UTC|GMT)$/i.test(last)) {
    if (!isValidTimeZone(last)) throw new UserError("bad_zone", `\`${last}\` is not a time zone I know. Use an IANA name such as Europe/Berlin or America/New_York.`);
    return { body: text.slice(0, space), zone: /^(UTC|GMT)$/i.test(last) ? "UTC" : last, named: true };
  }
  return { body: text, zone: fallback, named: false };
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function checkDate(typed: string, year: number, month: number, day: number): void {
  const problem = dateProblem(year, month, day);
  if (problem) throw new UserError("bad_time", `\`${typed}\` is not a date: ${problem}.`);
}

/**
 * Why year-month-day (month 1-12) is not on the calendar, e.g. "February 2030 has days 01 to 28",
 * or null when it is. JavaScript's dates would roll 30 February over into March instead.
 */
export function dateProblem(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12) return "months go from 01 to 12";
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `${MONTHS[month - 1]} ${year} has days 01 to ${days}`;
  return null;
}

function checkClock(typed: string, hour: number, minute: number, second: number): void {
  const wrong = hour > 23 ? "hours go from 00 to 23" : minute > 59 ? "minutes go from 00 to 59" : second > 59 ? "seconds go from 00 to 59" : null;
  if (wrong) throw new UserError("bad_time", `\`${typed}\` is not a time of day: ${wrong}.`);
}

/** `Z`, `+02:00`, `-0530` → minutes east of UTC. */
function offsetMinutes(offset: string): number {
  if (/^z$/i.test(offset)) return 0;
  const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})$/.exec(offset)!;
  const minutes = Number(hh) * 60 + Number(mm);
  if (Number(mm) > 59 || minutes > (sign === "-" ? 12 : 14) * 60) throw new UserError("bad_time", `\`${offset}\` is not a UTC offset: offsets go from -12:00 to +14:00.`);
  return sign === "-" ? -minutes : minutes;
}

/** `Wed 15 Jan 2030 14:00 (Europe/Berlin)`, with the offset in the hour the clocks go back: how the core shows an instant in text. */
export function formatInZone(ms: number, zone: string): string {
  // In the hour the clocks go back, 02:30 names two instants an hour apart: the offset tells which.
  const which = isRepeatedWallTime(ms, zone) ? `, ${utcOffset(zone, ms)}` : "";
  return `${format(new TZDate(ms, zone), "EEE d MMM yyyy HH:mm")} (${zone}${which})`;
}

/** `in 1h 5m`, `3m ago`, `now`: the relative line on a card. */
export function relative(ms: number, now: number): string {
  const diff = ms - now;
  const secs = Math.round(Math.abs(diff) / 1000);
  if (secs === 0) return "now";
  if (secs < 60) return diff > 0 ? `in ${secs}s` : `${secs}s ago`;
  const mins = Math.round(Math.abs(diff) / MINUTE);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  const parts = [d ? `${d}d` : "", h ? `${h}h` : "", m && !d ? `${m}m` : ""].filter(Boolean).join(" ");
  return diff > 0 ? `in ${parts}` : `${parts} ago`;
}
