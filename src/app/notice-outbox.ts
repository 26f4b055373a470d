import type { Ctx } from "./context.js";

/**
 * How long a notice's writer has to post it before any instance's sweep may: longer than a
 * card post with its retries ahead of it in the release's chain, so a live writer is not raced.
 */
export const NOTICE_GRACE_MS = 10_000;
/** A notice being posted is its poster's this long; when the poster dies, a sweep takes it up after that. */
export const NOTICE_LEASE_MS = 15_000;
/** How often an instance looks for notices left in the outbox (their post failed, or their instance died). */
export const NOTICE_SWEEP_MS = 5_000;
/** A notice whose copies keep failing is dropped (with an error in the log) after this many tries. */
export const NOTICE_MAX_ATTEMPTS = 5;

/**
 * Writes the notices a use case asked for into the outbox, in its open transaction, so they
 * commit with the state they report (at least once across a crash). Call it last inside the
 * transaction. Most use cases (every vote) ask for none and touch no table here.
 */
export async function recordNotices(ctx: Ctx): Promise<void> {
  for (const effect of ctx.effects) {
    if (effect.type !== "notice" || effect.outboxId !== undefined) continue;
    effect.outboxId = await ctx.store.addNotice(effect.notice, ctx.clock.now(), NOTICE_GRACE_MS);
  }
}
