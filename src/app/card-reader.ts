import { buildCard } from "./card.js";
import { guardsOf } from "./card-guards.js";
import { policyFor, type Ctx } from "./context.js";
import { managerOf } from "./release-decision.js";
import type { CardView } from "./views.js";
import { acceptsVotes } from "../domain/release.js";
import { holdersWhoSee } from "./role-holders.js";

/** What reading a card needs: a store (the open transaction, or the store itself), the clock and the configuration. */
export type CardReadCtx = Pick<Ctx, "store" | "clock" | "config">;

/** Builds a release's card from its stored state, as of now. */
export async function readCard(ctx: CardReadCtx, releaseId: string): Promise<CardView> {
  const release = await ctx.store.getRelease(releaseId);
  if (!release) throw new Error(`card for unknown release ${releaseId}`);
  const policy = await policyFor(ctx, release.channel.key);
  // Holders are read only where a sign-off can still be waited for (most channels require none).
  const signOffHolders: Record<string, string[]> = {};
  if (acceptsVotes(release.state)) for (const role of policy.require) signOffHolders[role] = await holdersWhoSee(ctx, release, role);
  return buildCard({
    release,
    votes: await ctx.store.getVotes(releaseId),
    criteria: await ctx.store.listCriteria(releaseId),
    policy,
    signOffHolders,
    pendingJobs: await ctx.store.listPendingJobs(releaseId),
    retroAnswers: release.retroOpenedAt ? await ctx.store.listRetroAnswers(releaseId) : [],
    now: ctx.clock.now(),
    guards: await guardsOf(ctx, release),
    manager: await managerOf(ctx, release),
  });
}
