import { freezeAt, inFreezeText, type ActiveFreeze, type Freeze } from "./freeze.js";
import type { ReleaseState } from "./release.js";
import type { ChannelRef } from "./types.js";

/**
 * One release at a time ships to a service + environment. A lock (set by a confirmed
 * rollback, or by hand during an incident) stops every later release of it until someone
 * unlocks; a release whose turn comes while another is shipping waits in the queue.
 */

export interface DeployLock {
  service: string;
  environment: string;
  reason: string;
  lockedBy: string;
  lockedByName: string;
  at: number;
  /** The release whose rollback set the lock, or null when locked by hand. */
  releaseId: string | null;
  /**
   * Where it was set (a rollback's: its release's channel), so its reminders reach the people
   * there; null for a lock set before gonogo recorded it.
   */
  channel: ChannelRef | null;
}

/** A GO release waiting for its service + environment to be free. */
export interface QueueEntry {
  releaseId: string;
  service: string;
  environment: string;
  /** The release it waits for (shipping, rolling back, or ahead of it in the queue). */
  behind: string;
  queuedAt: number;
  /** The T-0 it was queued at: a rescheduled release leaves the queue. */
  scheduledAt: number | null;
}

/** A freeze override: who shipped inside a freeze, and why. */
export interface FreezeOverride {
  releaseId: string;
  by: string;
  byName: string;
  reason: string;
  /** The freeze it overrode, as named in a sentence (`'year-end'`). */
  freeze: string;
  at: number;
}

/** States in which a release holds its service + environment: nothing else ships there meanwhile. */
export const OCCUPYING_STATES: readonly ReleaseState[] = ["shipping", "rolling_back"];

/** What stands between a release and shipping now, first match wins. */
export type ShipGate =
  | { kind: "clear" }
  | { kind: "locked"; lock: DeployLock }
  | { kind: "frozen"; active: ActiveFreeze }
  | { kind: "queued"; behind: string };

export interface GateInput {
  now: number;
  lock: DeployLock | undefined;
  freezes: readonly Freeze[];
  /** Ids of releases of the same service + environment that occupy it, or wait ahead in the queue. */
  ahead: readonly string[];
  /** An admin or release-manager overrides the freeze (never the lock). */
  overrideFreeze: boolean;
}

/**
 * Whether a release may start shipping now. A lock comes first (it outlives any freeze and
 * no override lifts it), then a freeze (unless overridden), then the queue.
 */
export function shipGate({ now, lock, freezes, ahead, overrideFreeze }: GateInput): ShipGate {
  if (lock) return { kind: "locked", lock };
  const active = overrideFreeze ? null : freezeAt(freezes, now);
  if (active) return { kind: "frozen", active };
  const behind = ahead.at(-1);
  return behind ? { kind: "queued", behind } : { kind: "clear" };
}

/** `payments production`: how a lock's target reads. */
export function targetName(service: string, environment: string): string {
  return `${service} ${environment}`;
}

/** `payments production is locked by dana: incident 42`: the hold reason and the card's line. */
export function lockedText(lock: DeployLock): string {
  const cause = lock.releaseId ? ` after the rollback of ${lock.releaseId}` : "";
  return `${targetName(lock.service, lock.environment)} is locked${cause} by ${lock.lockedByName}: ${lockReason(lock)}`;
}

/** A lifted lock's hold reason, true for good: `held by the lock on payments production (incident 42), lifted by alice`. */
export function liftedText(lock: DeployLock, by: string): string {
  const cause = lock.releaseId ? ` after the rollback of ${lock.releaseId}` : "";
  return `held by the lock on ${targetName(lock.service, lock.environment)}${cause} (${lockReason(lock)}), lifted by ${by}`;
}

/**
 * Why it is locked, for a text that names the rollback itself ("after the rollback of R-6"): a
 * rollback's lock stores its reason as `rollback of R-6: <why>` (for the audit trail), said once.
 */
export function lockReason(lock: Pick<DeployLock, "reason" | "releaseId">): string {
  const prefix = lock.releaseId ? `rollback of ${lock.releaseId}: ` : "";
  return prefix && lock.reason.startsWith(prefix) ? lock.reason.slice(prefix.length) : lock.reason;
}

/** Why a gate stops a release, in the channel's zone. */
export function gateText(gate: Exclude<ShipGate, { kind: "clear" }>, zone: string): string {
  switch (gate.kind) {
    case "locked":
      return lockedText(gate.lock);
    case "frozen":
      return inFreezeText(gate.active, zone);
    case "queued":
      return `queued behind ${gate.behind}`;
  }
}
