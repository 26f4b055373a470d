/**
 * How long something took, as a person would say it: `under 1s`, `45s`, `12m`, `2h 5m`,
 * `3d 4h`, `—` for no data. One wording for the recovery reply and the stats, so "Time to
 * restore" reads the same in both.
 */
export function humanDuration(ms: number | null): string {
  if (ms === null) return "—";
  const secs = Math.round(ms / 1000);
  if (secs < 1) return "under 1s";
  if (secs < 60) return `${secs}s`;
  const mins = Math.round(ms / 60_000);
  if (mins < 60) return `${mins}m`;
  if (mins < 1440) return mins % 60 ? `${Math.floor(mins / 60)}h ${mins % 60}m` : `${mins / 60}h`;
  const hours = Math.round(mins / 60);
  return hours % 24 ? `${Math.floor(hours / 24)}d ${hours % 24}h` : `${hours / 24}d`;
}

/*
 * Every duration a person types (policy intervals and reminder offsets, `in 1h30m` release
 * times, the GONOGO_* settings) is read here, so `1h30m` works wherever `90m` does.
 */

/** The units, largest first, each with the words it may be typed as. */
const UNITS = [
  { unit: "d", ms: 86_400_000, words: ["d", "day", "days"] },
  { unit: "h", ms: 3_600_000, words: ["h", "hour", "hours"] },
  { unit: "m", ms: 60_000, words: ["m", "min", "mins", "minute", "minutes"] },
  { unit: "s", ms: 1000, words: ["s", "sec", "secs", "second", "seconds"] },
  { unit: "ms", ms: 1, words: ["ms"] },
] as const;

export type DurationUnit = (typeof UNITS)[number]["unit"];

/** The forms a duration takes, for every message that asks for one. */
export const DURATION_FORMS = "90m, 1h30m, 1h 30m, 2d or 1d2h";

/**
 * A duration read: its length, and its finest unit (a release time keeps seconds only when they
 * were typed); or why not, when there is more to say than the forms (`1h30`: `30` has no unit).
 */
export type DurationRead = { ok: true; ms: number; finest: DurationUnit } | { ok: false; problem: string | null };

/** One part: a whole number, then optionally spaces and a unit word; spaces may follow. */
const PART = /(\d+(?:\.\d+)?)[ \t]*([a-z]*)[ \t]*/y;

/** `90m`, `1h30m`, `1h 30m`, `2 hours 15 minutes`, `1d2h`, `250ms`: whole numbers with units, largest first, each unit once. */
export function readDuration(text: string): DurationRead {
  const typed = text.trim().toLowerCase();
  let at = 0;
  let ms = 0;
  let last = -1;
  while (at < typed.length || last < 0) {
    PART.lastIndex = at;
    const m = PART.exec(typed);
    if (!m) return { ok: false, problem: null };
    const [, number, word] = m as unknown as [string, string, string];
    if (number.includes(".")) return { ok: false, problem: `whole numbers only (\`1h30m\`, not \`${text.trim()}\`)` };
    if (!word) return { ok: false, problem: `\`${number}\` has no unit: add one, e.g. \`${number}m\`` };
    const index = UNITS.findIndex((u) => (u.words as readonly string[]).includes(word));
    // `2w` ends on a word that is no unit: say so. Within text (`0x10m`), it is no duration at all.
    if (index < 0) return { ok: false, problem: PART.lastIndex === typed.length && /^[a-z]{1,2}$/.test(word) ? `\`${word}\` is not a unit: use d, h, m or s` : null };
    if (index <= last) return { ok: false, problem: `its parts go largest first, each unit once (\`1h30m\`), not as in \`${text.trim()}\`` };
    ms += Number(number) * UNITS[index]!.ms;
    last = index;
    at = PART.lastIndex;
  }
  return { ok: true, ms, finest: UNITS[last]!.unit };
}
