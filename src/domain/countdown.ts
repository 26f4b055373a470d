const MINUTE = 60_000;

export interface PlannedReminder {
  kind: "reminder" | "t0";
  /** Minutes before T-0 (0 for the T-0 job itself). */
  offsetMin: number;
  dueAt: number;
}

/**
 * The countdown for a scheduled release: one reminder per offset that is still ahead,
 * and the T-0 decision itself (always planned, even if T-0 is close).
 */
export function planCountdown(scheduledAt: number, offsets: number[], now: number): PlannedReminder[] {
  const plan: PlannedReminder[] = [];
  for (const offset of [...new Set(offsets)].sort((a, b) => b - a)) {
    if (offset <= 0) continue;
    const dueAt = scheduledAt - offset * MINUTE;
    if (dueAt > now) plan.push({ kind: "reminder", offsetMin: offset, dueAt });
  }
  plan.push({ kind: "t0", offsetMin: 0, dueAt: scheduledAt });
  return plan;
}

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * When a card's "T-0 in 3h 20m" should next be brought up to date. Slack and the terminal show
 * that text as of the card's last edit (Discord counts down by itself), and without this it
 * would stand still between reminders, "in 1h" for most of the last hour. Hourly more than a
 * day out, every 10 minutes within the day, every 5 within the last hour, at whole steps
 * before T-0 (T-2h, T-1h50m, …), so a day's countdown costs about 35 edits, not 1,440.
 * A step that falls on a reminder (`reminderOffsetsMin`) is skipped: the reminder edits the
 * card then. Null when no step is left before T-0 (the T-0 job edits the card then).
 */
export function nextCountdownRefresh(scheduledAt: number, now: number, reminderOffsetsMin: number[] = []): number | null {
  for (let from = now; ; ) {
    const left = scheduledAt - from;
    if (left <= 0) return null;
    const step = left > DAY ? HOUR : left > HOUR ? 10 * MINUTE : 5 * MINUTE;
    // The nearest whole step before T-0 that is still ahead: T-0 minus the steps that fit, less one.
    const stepsBefore = Math.ceil(left / step) - 1;
    if (stepsBefore <= 0) return null;
    const at = scheduledAt - stepsBefore * step;
    if (!reminderOffsetsMin.includes((scheduledAt - at) / MINUTE)) return at;
    from = at;
  }
}

/** `T-15m`, `T-2h`: how a reminder names itself. */
export function offsetLabel(offsetMin: number): string {
  if (offsetMin === 0) return "T-0";
  return offsetMin % 60 === 0 ? `T-${offsetMin / 60}h` : `T-${offsetMin}m`;
}

/**
 * What a create or reschedule reply says of the reminders planned (`planned`, minutes before T-0)
 * out of the channel's `offsets`: `reminders at T-15m, T-5m, T-0`, or why there are none, rather
 * than listing T-0 alone as if a reminder were coming.
 */
export function remindersPhrase(planned: number[], offsets: number[]): string {
  if (planned.length) return `reminders at ${[...planned.map(offsetLabel), "T-0"].join(", ")}`;
  const before = offsets.filter((o) => o > 0);
  if (!before.length) return "this channel sends no reminders before T-0";
  return `too close for reminders (the last one is at ${offsetLabel(Math.min(...before))})`;
}
