import { decide, type DecisionResult, type Manager } from "../domain/decision.js";
import type { Release } from "../domain/types.js";
import { policyFor, type Ctx } from "./context.js";

/**
 * The release manager as the decision counts them: their id, with every account they linked
 * to it (`/release link`), so their own GO from Discord is as much theirs as from Slack.
 */
export async function managerOf(ctx: Pick<Ctx, "store">, release: Release): Promise<Manager> {
  const linked = await ctx.store.linkedAccounts(release.managerId);
  return linked.length ? [release.managerId, ...linked.map((a) => a.account)] : release.managerId;
}

/**
 * A release's decision from its stored votes, its channel's policy and its readiness
 * criteria: the one way the use cases ask for it, so a vote reply, the ship check, T-0 and
 * the release list never disagree on what counts.
 */
export async function releaseDecision(ctx: Pick<Ctx, "store" | "config">, release: Release): Promise<DecisionResult> {
  return decide(await ctx.store.currentVotes(release.id), await policyFor(ctx, release.channel.key), await managerOf(ctx, release), await ctx.store.listCriteria(release.id));
}
