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
