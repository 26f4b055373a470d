import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { UserError } from "./errors.js";
import { parseWhen, weekdayIndex } from "./time.js";
import { resolveWallTime } from "./wall-clock.js";

/**
 * Freeze windows: spans of time in which nothing ships. A one-off window is two instants;
 * a weekly window is two wall-clock times of the week read in the channel's zone, so
 * `fri 16:00 until mon 09:00` means those clock times in summer and in winter alike.
 */

const MINUTE = 60_000;
const WEEK_MIN = 7 * 1440;

export type FreezeRule =
  | { kind: "once"; startAt: number; endAt: number }
  /** Days 0 (Sunday) to 6, minutes after midnight; read in `zone`. */
  | { kind: "weekly"; startDay: number; startMinute: number; endDay: number; endMinute: number; zone: string };

export interface Freeze {
  /** Shown as `F-<id>`. */
  id: number;
  channelKey: string;
  rule: FreezeRule;
  reason: string | null;
  createdBy: string;
  createdByName: string;
  createdAt: number;
}

/** One occurrence of a freeze that covers an instant. */
export interface ActiveFreeze {
  freeze: Freeze;
  start: number;
  end: number;
}

/** What `/release freeze add` was given, before it is read against the clock and the channel's zone. */
export type FreezeSpec =
  | { kind: "once"; start: string; end: string }
  | { kind: "weekly"; startDay: number; startMinute: number; endDay: number; endMinute: number };

/** Its one-off example reads on any day (a dated one would be past, or over a year ahead, some day). */
export const FREEZE_USAGE = "`/release freeze add now until in 3d reason launch week` or `/release freeze add weekly fri 16:00 until mon 09:00`";

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function freezeName(id: number): string {
  return `F-${id}`;
}

/** `F-3`, `f3`, `3` → 3. */
export function parseFreezeId(token: string | null | undefined): number {
  const m = token ? /^(?:f-?)?(\d{1,9})$/i.exec(token.trim()) : null;
  if (!m) throw new UserError("freeze_id", token ? `\`${token}\` is not a freeze id (they look like F-2). \`/release freeze list\` shows them.` : "Say which freeze, e.g. `/release freeze remove F-2`. `/release freeze list` shows them.");
  return Number(m[1]);
}

/** `fri` / `friday` and `16:00` → day 5, minute 960. */
export function readWeekTime(day: string | undefined, time: string | undefined): { day: number; minute: number } {
  const d = day ? weekdayIndex(day) : -1;
  if (d < 0) throw new UserError("freeze_usage", `\`${day ?? ""}\` is not a day of the week: use mon, tue, wed, thu, fri, sat or sun. Usage: ${FREEZE_USAGE}.`);
  const m = time ? /^(\d{1,2}):(\d{2})$/.exec(time) : null;
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new UserError("freeze_usage", `\`${time ?? ""}\` is not a time of day: use HH:mm, e.g. 16:00. Usage: ${FREEZE_USAGE}.`);
  return { day: d, minute: Number(m[1]) * 60 + Number(m[2]) };
}

/**
 * Reads a freeze's window as the channel's zone and the clock say. A one-off window may
 * start `now`; it must end after it starts and after now.
 */
export function readFreezeRule(spec: FreezeSpec, now: number, zone: string): { rule: FreezeRule; notes: string[] } {
  if (spec.kind === "weekly") {
    const start = spec.startDay * 1440 + spec.startMinute;
    const end = spec.endDay * 1440 + spec.endMinute;
    if (start === end) throw new UserError("freeze_empty", `A weekly freeze must end at a different time than it starts. Usage: ${FREEZE_USAGE}.`);
    return { rule: { ...spec, zone }, notes: [] };
  }
  // A freeze is read like a release time, up to a year ahead; a later one is added when it gets near.
  const later = "add a freeze that ends later once it is within a year";
  const start = /^now$/i.test(spec.start.trim()) ? { at: now, note: null } : parseWhen(spec.start, now, zone, later);
  const end = parseWhen(spec.end, now, zone, later);
  if (end.at <= start.at) throw new UserError("freeze_order", `The freeze must end after it starts (\`${spec.end}\` is not after \`${spec.start}\`).`);
  return { rule: { kind: "once", startAt: start.at, endAt: end.at }, notes: [start.note, end.note].filter((n): n is string => n !== null) };
}

/** The wall clock at `at` in `zone`, as if it were UTC ms (so wall times add and compare as numbers). */
function wallMs(at: number, zone: string): number {
  const d = new TZDate(at, zone);
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes());
}

/** The instant a wall time (as-if-UTC ms) means in `zone`, by the one rule for skipped and repeated times. */
function instantOfWall(wall: number, zone: string): number {
  const d = new Date(wall);
  return resolveWallTime({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() }, zone).at;
}

/** The occurrence of `freeze` that covers `at`, or null. Weekly windows are read on the wall clock, so they follow DST. */
export function occurrenceAt(freeze: Freeze, at: number): ActiveFreeze | null {
  const rule = freeze.rule;
  if (rule.kind === "once") return rule.startAt <= at && at < rule.endAt ? { freeze, start: rule.startAt, end: rule.endAt } : null;
  const wall = wallMs(at, rule.zone);
  const w = new Date(wall).getUTCDay() * 1440 + new Date(wall).getUTCHours() * 60 + new Date(wall).getUTCMinutes();
  const s = rule.startDay * 1440 + rule.startMinute;
  const e = rule.endDay * 1440 + rule.endMinute;
  const inside = s < e ? s <= w && w < e : w >= s || w < e;
  if (!inside) return null;
  const sinceStart = (w - s + WEEK_MIN) % WEEK_MIN;
  const untilEnd = (e - w + WEEK_MIN) % WEEK_MIN;
  // Whole minutes of the wall clock: the seconds of `at` are dropped so the edges land on the minute.
  const minuteWall = wall - (wall % MINUTE);
  const start = instantOfWall(minuteWall - sinceStart * MINUTE, rule.zone);
  const end = instantOfWall(minuteWall + untilEnd * MINUTE, rule.zone);
  // The wall clock inside the window does not always mean the window is on: when the clocks go
  // back, an edge in the repeated hour is its first pass, so the second pass (02:15 CET after a
  // window that ended at 02:30 CEST) is after the end; when they go forward, an edge in the
  // skipped hour comes later than a wall time just past it. On only from start to end.
  return start <= at && at < end ? { freeze, start, end } : null;
}

/** The freeze that holds a release at `at`: of several, the one that ends last. */
export function freezeAt(freezes: readonly Freeze[], at: number): ActiveFreeze | null {
  let found: ActiveFreeze | null = null;
  for (const f of freezes) {
    const hit = occurrenceAt(f, at);
    if (hit && (!found || hit.end > found.end)) found = hit;
  }
  return found;
}

/**
 * The freeze an open release's card shows: before T-0 the one its T-0 falls in; once held (or
 * T-0 has passed) the one on now. Null for an unscheduled release, or when none applies.
 */
export function freezeOnCard(release: { state: string; scheduledAt: number | null }, freezes: readonly Freeze[], now: number): ActiveFreeze | null {
  if (release.scheduledAt === null || (release.state !== "voting" && release.state !== "held")) return null;
  return freezeAt(freezes, release.state === "voting" && release.scheduledAt > now ? release.scheduledAt : now);
}

/** `'year-end'` or `F-2` when it has no reason: how a freeze is named in a sentence. */
export function freezeLabel(freeze: Freeze): string {
  return freeze.reason ? `'${freeze.reason}'` : freezeName(freeze.id);
}

/** `Mon 5 Jan 09:00`: the end of a freeze as the card shows it, in the channel's zone. */
export function shortTime(at: number, zone: string): string {
  return format(new TZDate(at, zone), "EEE d MMM HH:mm");
}

/** `Mon 5 Jan 09:00 (Europe/Berlin)`: a freeze's end where it is read without its rule beside it (a hold, a warning, the card). */
export function freezeEnd(at: number, zone: string): string {
  return `${shortTime(at, zone)} (${zone})`;
}

/** `in freeze 'year-end' until Mon 5 Jan 09:00 (UTC)`: the hold reason and the card's line. */
export function inFreezeText(active: ActiveFreeze, zone: string): string {
  return `in freeze ${freezeLabel(active.freeze)} until ${freezeEnd(active.end, zone)}`;
}

/** `weekly Fri 16:00 → Mon 09:00` or `Wed 24 Dec 2030 00:00 → Mon 5 Jan 2031 09:00`, in `zone`. */
export function describeRule(rule: FreezeRule, zone: string): string {
  if (rule.kind === "weekly") {
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
    return `weekly ${DAY_NAMES[rule.startDay]} ${hhmm(rule.startMinute)} → ${DAY_NAMES[rule.endDay]} ${hhmm(rule.endMinute)} (${rule.zone})`;
  }
  const long = (at: number) => format(new TZDate(at, zone), "EEE d MMM yyyy HH:mm");
  return `${long(rule.startAt)} → ${long(rule.endAt)} (${zone})`;
}

/** A one-off window that has ended can be forgotten; a weekly one never ends. */
export function isOver(freeze: Freeze, now: number): boolean {
  return freeze.rule.kind === "once" && freeze.rule.endAt <= now;
}

/**
 * Every occurrence of `freeze` that overlaps [from, to): a one-off window once, a weekly one
 * each week, its edges read on the wall clock of its zone (so they follow DST, as `occurrenceAt`).
 * The web calendar draws these on the days they cover.
 */
export function occurrencesBetween(freeze: Freeze, from: number, to: number): ActiveFreeze[] {
  const rule = freeze.rule;
  if (rule.kind === "once") return rule.startAt < to && from < rule.endAt ? [{ freeze, start: rule.startAt, end: rule.endAt }] : [];
  const length = ((rule.endDay * 1440 + rule.endMinute - (rule.startDay * 1440 + rule.startMinute) + WEEK_MIN) % WEEK_MIN) * MINUTE;
  const dayMs = 1440 * MINUTE;
  // Wall-clock midnights from a week before `from` (an occurrence may have started then) to `to`.
  const first = wallMs(from, rule.zone);
  const last = wallMs(to, rule.zone);
  const found: ActiveFreeze[] = [];
  for (let day = first - (first % dayMs) - 7 * dayMs; day <= last; day += dayMs) {
    if (new Date(day).getUTCDay() !== rule.startDay) continue;
    const startWall = day + rule.startMinute * MINUTE;
    const start = instantOfWall(startWall, rule.zone);
    const end = instantOfWall(startWall + length, rule.zone);
    if (start < to && from < end) found.push({ freeze, start, end });
  }
  return found;
}
