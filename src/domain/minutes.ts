import { readDuration } from "./duration.js";

/**
 * Policy intervals typed as `90m`, `1h30m`, `4h` or `1d` (or `off`), kept as minutes: one reader
 * and one way of showing them for every setting that takes one (lock_reminder, revote_after,
 * GONOGO_LOCK_REMINDER). The duration itself is read by `readDuration`, as everywhere.
 */

const UNIT_MIN = { m: 1, h: 60, d: 24 * 60 } as const;

/** Minutes (null for `off`), or why not: what is wrong with the text when there is more to say than the forms. */
export type MinutesRead<T = number | null> = { ok: true; minutes: T } | { ok: false; problem: string | null };

/** `4h` → 240, `1h30m` → 90, `off` → null (when `off` is allowed); refused outside `range` or not in whole minutes. */
export function readMinutesWhy(text: string, range: { min: number; max: number }, off = true): MinutesRead {
  if (off && text.trim().toLowerCase() === "off") return { ok: true, minutes: null };
  const read = readDuration(text);
  if (!read.ok) return read;
  if (read.ms % 60_000 !== 0) return { ok: false, problem: "whole minutes only" };
  const minutes = read.ms / 60_000;
  return minutes >= range.min && minutes <= range.max ? { ok: true, minutes } : { ok: false, problem: null };
}

/** `4h` → 240, `1h30m` → 90, `1d` → 1440, `off` → null; undefined for anything else or outside `range`. */
export function readMinutes(text: string, range: { min: number; max: number }): number | null | undefined {
  const read = readMinutesWhy(text, range);
  return read.ok ? read.minutes : undefined;
}

/** 240 → `4h`, 90 → `90m`, 1440 → `1d`, null → `off`: as `/release policy` shows it and `policy set` takes it. */
export function minutesText(minutes: number | null): string {
  if (minutes === null) return "off";
  if (minutes % UNIT_MIN.d === 0) return `${minutes / UNIT_MIN.d}d`;
  return minutes % UNIT_MIN.h === 0 ? `${minutes / UNIT_MIN.h}h` : `${minutes}m`;
}
