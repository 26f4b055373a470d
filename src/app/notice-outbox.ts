import type { Ctx } from "./context.js";
import type { OutboxItem } from "./outbox-store.js";

/**
 * How long a notice's writer has to post it before any instance's sweep may: longer than a
 * card post with its retries ahead of it in the release's chain, so a live writer is not raced.
 */
const NOTICE_GRACE_MS = 10_000;
/** A notice being posted is its poster's this long; when the poster dies, a sweep takes it up after that. */
export const NOTICE_LEASE_MS = 15_000;
/** How often an instance looks for notices left in the outbox (their post failed, or their instance died). */
export const NOTICE_SWEEP_MS = 5_000;
/** A notice whose copies keep failing is dropped (with an error in the log) after this many tries. */
export const NOTICE_MAX_ATTEMPTS = 5;
/**
 * A card owed to a channel is tried for much longer, about 8 hours (its tries spaced at most
 * this far apart): without it nobody in that channel can press a button on the release.
 */
export const CARD_POST_MAX_ATTEMPTS = 100;
export const CARD_POST_MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Writes the notices and card posts a use case asked for into the outbox, in its open
 * transaction, so they commit with the state they report (at least once across a crash).
 * Call it last inside the transaction. Most use cases (every vote) ask for none and touch no
 * table here.
 */
export async function recordOutbox(ctx: Ctx): Promise<void> {
  for (const effect of ctx.effects) {
    if ((effect.type !== "notice" && effect.type !== "post") || effect.outboxId !== undefined) continue;
    const item: OutboxItem = effect.type === "notice" ? effect.notice : { kind: "card", releaseId: effect.releaseId, channel: effect.channel, ...(effect.askedBy ? { askedBy: effect.askedBy } : {}) };
    effect.outboxId = await ctx.store.addToOutbox(item, ctx.clock.now(), NOTICE_GRACE_MS);
  }
}
