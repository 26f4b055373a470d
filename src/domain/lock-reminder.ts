import { DURATION_FORMS } from "./duration.js";
import { readMinutes, readMinutesWhy, type MinutesRead } from "./minutes.js";

/**
 * How often a deploy lock that is still on is said again (`lock_reminder`, `GONOGO_LOCK_REMINDER`):
 * a lock never ends by itself, and one forgotten after an incident holds every later release
 * back for days. Minutes, or null for `off`.
 */

/** Every 4 hours: about twice in a working day, so a forgotten lock is noticed the same day. */
export const DEFAULT_LOCK_REMINDER_MIN = 4 * 60;

/** A reminder more often than every 15 minutes would bury the channel; one rarer than weekly is no reminder. */
const LOCK_REMINDER_RANGE = { min: 15, max: 7 * 24 * 60 } as const;

/** What `lock_reminder=` and GONOGO_LOCK_REMINDER take, in words. */
export const LOCK_REMINDER_HINT = `an interval from 15m to 7d such as ${DURATION_FORMS}, or off`;

/** `4h` → 240, `1h30m` → 90, `off` → null; undefined for anything else or out of range. */
export function readLockReminder(text: string): number | null | undefined {
  return readMinutes(text, LOCK_REMINDER_RANGE);
}

/** As `readLockReminder`, with what is wrong with a text it cannot read. */
export function readLockReminderWhy(text: string): MinutesRead {
  return readMinutesWhy(text, LOCK_REMINDER_RANGE);
}
