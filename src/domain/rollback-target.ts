import type { Release } from "./types.js";

/**
 * What a rollback of a release goes back to, as far as gonogo's own history knows: the
 * release of the same service + environment that went live last before it and was not
 * rolled back itself. The person confirming sees it, and the rollback webhook carries it,
 * so a pipeline that redeploys a version by name need not work it out again.
 */
export interface RollbackTarget {
  /** The version it goes back to, or null when gonogo knows no earlier live release there. */
  previous: Pick<Release, "id" | "version" | "shippedAt"> | null;
  /**
   * Releases of the same target that went live after this one and are not rolled back:
   * what is live now is one of them, so rolling this one back is most likely the wrong card.
   */
  newer: Array<Pick<Release, "id" | "version" | "shippedAt">>;
}

/** `history`: releases of the same service (any order, any state); others are ignored. */
export function rollbackTarget(release: Release, history: readonly Release[]): RollbackTarget {
  const live = history.filter(
    (r) => r.id !== release.id && r.service === release.service && r.environment === release.environment && r.shippedAt !== null && r.rollbackRequestedAt === null,
  );
  // A release still shipping has no shippedAt: everything that went live went live before it.
  const since = release.shippedAt ?? Number.POSITIVE_INFINITY;
  const before = live.filter((r) => r.shippedAt! < since || (r.shippedAt === since && r.seq < release.seq));
  const previous = before.reduce<Release | null>((best, r) => (best === null || r.shippedAt! > best.shippedAt! || (r.shippedAt === best.shippedAt && r.seq > best.seq) ? r : best), null);
  const newer = live.filter((r) => !before.includes(r)).sort((a, b) => a.shippedAt! - b.shippedAt!);
  const pick = (r: Release) => ({ id: r.id, version: r.version, shippedAt: r.shippedAt });
  return { previous: previous ? pick(previous) : null, newer: newer.map(pick) };
}

/**
 * `from 1.4.2 to 1.4.1 (R-3, shipped 2d 4h ago)`, or what is known when nothing is: the
 * one sentence the confirmation, the thread notice and the reply share. `started`: said once
 * the rollback is under way (the thread, the reply), when a later release can no longer be
 * rolled back "instead", only as well.
 */
export function rollbackTargetText(release: Release, target: RollbackTarget, since: (ms: number) => string, started = false): string {
  const to = target.previous
    ? `from ${release.version} to ${target.previous.version} (${target.previous.id}, shipped ${since(target.previous.shippedAt!)})`
    : `from ${release.version}; gonogo knows no earlier release of ${release.service} ${release.environment} that went live, so your rollback action decides what it goes back to`;
  if (!target.newer.length) return `Rolls ${release.service} ${release.environment} back ${to}.`;
  const newest = target.newer[target.newer.length - 1]!;
  const others = target.newer.length > 1 ? ` (and ${target.newer.length - 1} more after ${release.id})` : "";
  const advice = started ? `roll ${newest.id} back too (\`/release rollback ${newest.id} <reason>\`)` : `roll back ${newest.id} instead`;
  return `Rolls ${release.service} ${release.environment} back ${to}. ⚠️ ${newest.id} (${newest.version}) went live after ${release.id}${others} and is most likely what runs now: if it is what misbehaves, ${advice}.`;
}
