import { TZDate } from "@date-fns/tz";
import { addDays } from "date-fns/addDays";
import { format } from "date-fns/format";
import { UserError } from "./errors.js";
import { isValidTimeZone } from "./policy.js";

const MINUTE = 60_000;
const EXAMPLES = "`2030-01-15T14:00Z`, `2030-01-15 14:00 Europe/Berlin`, `14:00`, `tomorrow 10:00`, `in 2h` or `in 90m`";

/**
 * Reads a release time as people type it and returns UTC ms. Wall-clock times are read
 * in `zone` (or a zone named at the end), DST-correct. A time in the past is refused.
 */
export function parseWhen(input: string, now: number, zone: string): number {
  const text = input.trim().replace(/\s+/g, " ");
  const at = parseAny(text, now, zone);
  if (at === null || Number.isNaN(at)) {
    throw new UserError("bad_time", `I can't read the time \`${input}\`. Try ${EXAMPLES}.`);
  }
  if (at <= now) {
    throw new UserError("time_in_past", `\`${input}\` is ${formatInZone(at, zone)}, which is in the past. Pick a time after now (${formatInZone(now, zone)}).`);
  }
  return at;
}

function parseAny(text: string, now: number, defaultZone: string): number | null {
  const rel = /^in (?:(\d+) ?d(?:ays?)?)? ?(?:(\d+) ?h(?:ours?)?)? ?(?:(\d+) ?m(?:in(?:utes?)?)?)? ?(?:(\d+) ?s(?:ec(?:onds?)?)?)?$/i.exec(text);
  if (rel && (rel[1] || rel[2] || rel[3] || rel[4])) {
    const mins = Number(rel[1] ?? 0) * 1440 + Number(rel[2] ?? 0) * 60 + Number(rel[3] ?? 0);
    // Seconds are for trying a whole countdown in a demo or a script.
    return now + mins * MINUTE + Number(rel[4] ?? 0) * 1000;
  }

  // An explicit offset or Z: the string says exactly which instant it means.
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const ms = Date.parse(text.replace(" ", "T").toUpperCase());
    return Number.isNaN(ms) ? null : ms;
  }

  const { body, zone } = splitZone(text, defaultZone);
  const full = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})$/i.exec(body);
  if (full) {
    const [, y, mo, d, h, mi] = full.map(Number) as [number, number, number, number, number, number];
    return wallClock(y, mo, d, h, mi, zone);
  }

  const clock = /^(?:(today|tomorrow) )?(\d{1,2}):(\d{2})$/i.exec(body);
  if (clock) {
    const day = clock[1]?.toLowerCase();
    const h = Number(clock[2]);
    const mi = Number(clock[3]);
    if (h > 23 || mi > 59) return null;
    const today = new TZDate(now, zone);
    let base: Date = day === "tomorrow" ? addDays(today, 1) : today;
    let at = wallClock(base.getFullYear(), base.getMonth() + 1, base.getDate(), h, mi, zone);
    // A bare `14:00` means the next 14:00; `today 14:00` stays today (and may be past).
    if (!day && at !== null && at <= now) {
      base = addDays(today, 1);
      at = wallClock(base.getFullYear(), base.getMonth() + 1, base.getDate(), h, mi, zone);
    }
    return at;
  }
  return null;
}

function splitZone(text: string, fallback: string): { body: string; zone: string } {
  const space = text.lastIndexOf(" ");
  const last = space > 0 ? text.slice(space + 1) : "";
  if (last.includes("/") || /^(UTC|GMT)$/i.test(last)) {
    if (!isValidTimeZone(last)) throw new UserError("bad_zone", `\`${last}\` is not a time zone I know. Use an IANA name such as Europe/Berlin or America/New_York.`);
    return { body: text.slice(0, space), zone: last.toUpperCase() === "GMT" || last.toUpperCase() === "UTC" ? "UTC" : last };
  }
  return { body: text, zone: fallback };
}

function wallClock(y: number, mo: number, d: number, h: number, mi: number, zone: string): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const date = new TZDate(y, mo - 1, d, h, mi, 0, zone);
  // Reject dates that rolled over (Feb 30 → Mar 2).
  if (date.getDate() !== d || date.getMonth() !== mo - 1) return null;
  return date.getTime();
}

/** `Wed 15 Jan 2030 14:00 (Europe/Berlin)`: how the core shows an instant in text. */
export function formatInZone(ms: number, zone: string): string {
  return `${format(new TZDate(ms, zone), "EEE d MMM yyyy HH:mm")} (${zone})`;
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
