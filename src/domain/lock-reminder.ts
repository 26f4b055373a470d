/**
 * How often a deploy lock that is still on is said again (`lock_reminder`, `GONOGO_LOCK_REMINDER`):
 * a lock never ends by itself, and one forgotten after an incident holds every later release
 * back for days. Minutes, or null for `off`.
 */

/** Every 4 hours: about twice in a working day, so a forgotten lock is noticed the same day. */
export const DEFAULT_LOCK_REMINDER_MIN = 4 * 60;

/** A reminder more often than every 15 minutes would bury the channel; one rarer than weekly is no reminder. */
export const LOCK_REMINDER_RANGE = { min: 15, max: 7 * 24 * 60 } as const;

/** What `lock_reminder=` and GONOGO_LOCK_REMINDER take, in words. */
export const LOCK_REMINDER_HINT = "an interval from 15m to 7d such as 4h, 90m or 1d, or off";

const UNIT_MIN = { m: 1, h: 60, d: 24 * 60 } as const;

/** `4h` → 240, `90m` → 90, `1d` → 1440, `off` → null; undefined for anything else or out of range. */
export function readLockReminder(text: string): number | null | undefined {
  const value = text.trim().toLowerCase();
  if (value === "off") return null;
  const m = /^([0-9]{1,5})([mhd])$/.exec(value);
  if (!m) return undefined;
  const minutes = Number(m[1]) * UNIT_MIN[m[2] as keyof typeof UNIT_MIN];
  return minutes >= LOCK_REMINDER_RANGE.min && minutes <= LOCK_REMINDER_RANGE.max ? minutes : undefined;
}

/** 240 → `4h`, 90 → `90m`, 1440 → `1d`, null → `off`: as `/release policy` shows it and `policy set` takes it. */
export function lockReminderText(minutes: number | null): string {
  if (minutes === null) return "off";
  if (minutes % UNIT_MIN.d === 0) return `${minutes / UNIT_MIN.d}d`;
  return minutes % UNIT_MIN.h === 0 ? `${minutes / UNIT_MIN.h}h` : `${minutes}m`;
}
