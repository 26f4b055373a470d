import type { Ctx } from "./context.js";
import { recordOutbox } from "./notice-outbox.js";

/**
 * What a use case asked for that must survive its instance: written in its open transaction,
 * so it commits with the change or not at all. Notices and card posts go into the outbox; every release
 * whose card changed has its posted copies marked out of date, so a card never stays on an
 * old tally because the instance that took the vote died before it could say so. Call it
 * last inside the transaction.
 */
export async function recordDurableEffects(ctx: Ctx): Promise<void> {
  await recordOutbox(ctx);
  for (const releaseId of changedReleases(ctx)) await ctx.store.markCardsChanged(releaseId);
}

/** The releases a use case changed: those it audited or whose card it asked to refresh or post. */
export function changedReleases(ctx: Pick<Ctx, "audited" | "effects">): Set<string> {
  const ids = new Set<string>();
  for (const { releaseId } of ctx.audited) if (releaseId) ids.add(releaseId);
  for (const effect of ctx.effects) if (effect.type === "refresh" || effect.type === "post") ids.add(effect.releaseId);
  return ids;
}
