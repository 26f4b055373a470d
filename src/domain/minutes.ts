/**
 * Policy intervals typed as `90m`, `4h` or `1d` (or `off`), kept as minutes: one reader and one
 * way of showing them for every policy key that takes one (lock_reminder, revote_after).
 */

const UNIT_MIN = { m: 1, h: 60, d: 24 * 60 } as const;

/** `4h` → 240, `90m` → 90, `1d` → 1440, `off` → null; undefined for anything else or outside `range`. */
export function readMinutes(text: string, range: { min: number; max: number }): number | null | undefined {
  const value = text.trim().toLowerCase();
  if (value === "off") return null;
  const m = /^([0-9]{1,6})([mhd])$/.exec(value);
  if (!m) return undefined;
  const minutes = Number(m[1]) * UNIT_MIN[m[2] as keyof typeof UNIT_MIN];
  return minutes >= range.min && minutes <= range.max ? minutes : undefined;
}

/** 240 → `4h`, 90 → `90m`, 1440 → `1d`, null → `off`: as `/release policy` shows it and `policy set` takes it. */
export function minutesText(minutes: number | null): string {
  if (minutes === null) return "off";
  if (minutes % UNIT_MIN.d === 0) return `${minutes / UNIT_MIN.d}d`;
  return minutes % UNIT_MIN.h === 0 ? `${minutes / UNIT_MIN.h}h` : `${minutes}m`;
}
