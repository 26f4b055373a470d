import type { Clock, Logger, Timer, TimerHandle } from "./ports.js";
import type { Store } from "./store.js";

/**
 * Claimed platform event ids are kept a day: Slack stops retrying within minutes and a
 * Discord interaction's token dies after 15, so an older claim can never meet its twin.
 */
export const EVENT_CLAIM_KEEP_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** Forgets old event claims at start and hourly after, so the table holds about a day of events. */
export function startClaimPruning(deps: { store: Store; clock: Clock; timer: Timer; log: Logger }): TimerHandle {
  const prune = () =>
    void deps.store.forgetEventClaims(deps.clock.now() - EVENT_CLAIM_KEEP_MS).catch((err: unknown) => deps.log.warn({ err: String(err) }, "could not prune old event claims; trying again in an hour"));
  prune();
  return deps.timer.every(PRUNE_EVERY_MS, prune);
}
