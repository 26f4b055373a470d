import { EVENT_CLAIM_KEEP_MS } from "./event-claims.js";
import type { Clock, Logger, Timer, TimerHandle } from "./ports.js";
import type { Store } from "./store.js";

/**
 * Rows that carry work and that nothing reads once it is done. Without pruning each table
 * grows with every event, hook, job and card for as long as gonogo runs. What users see stays:
 * releases, votes, the audit trail, retros, webhook deliveries and every card's message.
 */

/** A job is done with once it ran: what it did is in the audit trail; a day is kept for whoever looks in the database. */
const DONE_JOB_KEEP_MS = 24 * 60 * 60 * 1000;
/**
 * A sender retries a hook for a day or two at most (Svix's Standard Webhooks schedule ends
 * about 28 hours after the first try); a week covers that with room to spare. A receipt keyed
 * by a deprecated signature is kept as long, though its timestamp is refused after five minutes.
 */
const HOOK_RECEIPT_KEEP_MS = 7 * 24 * 60 * 60 * 1000;
/** A card of an ended release, showing its last change, is forgotten a day after its last edit (its row comes back with a later change). */
const SETTLED_CARD_LEASE_KEEP_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** Prunes at start and hourly after: each table holds about a day (hook receipts a week) of rows. */
export function startPruning(deps: { store: Store; clock: Clock; timer: Timer; log: Logger }): TimerHandle {
  const { store, log } = deps;
  const prunes: Array<[what: string, prune: (now: number) => Promise<number>]> = [
    ["old event claims", (now) => store.forgetEventClaims(now - EVENT_CLAIM_KEEP_MS)],
    ["jobs done", (now) => store.forgetDoneJobs(now - DONE_JOB_KEEP_MS)],
    ["old hook receipts", (now) => store.forgetHookReceipts(now - HOOK_RECEIPT_KEEP_MS)],
    ["the card leases of ended releases", (now) => store.forgetSettledCardLeases(now - SETTLED_CARD_LEASE_KEEP_MS)],
  ];
  const prune = () => {
    const now = deps.clock.now();
    for (const [what, forget] of prunes) void forget(now).catch((err: unknown) => log.warn({ err: String(err) }, `could not prune ${what}; trying again in an hour`));
  };
  prune();
  return deps.timer.every(PRUNE_EVERY_MS, prune);
}
