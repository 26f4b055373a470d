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

/** `T-15m`, `T-2h`: how a reminder names itself. */
export function offsetLabel(offsetMin: number): string {
  if (offsetMin === 0) return "T-0";
  return offsetMin % 60 === 0 ? `T-${offsetMin / 60}h` : `T-${offsetMin}m`;
}
