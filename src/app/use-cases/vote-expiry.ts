import { humanDuration } from "../../domain/duration.js";
import { minutesText } from "../../domain/minutes.js";
import type { Policy } from "../../domain/policy.js";
import type { Actor, Release } from "../../domain/types.js";
import { votesWere } from "../../domain/votes.js";
import { audit, notice, type Ctx } from "../context.js";

/**
 * Votes are given at a moment: a GO for Tuesday's release is not a GO for the one it became a
 * week later. A channel with `revote_after=24h` has the votes cleared when T-0 moves later by
 * more than that, as a change of version clears them; by default they stand. Runs inside the
 * reschedule's transaction, before T-0 is moved. Returns what the person who moved it is told
 * ("" when nothing was cleared).
 */
export async function expireVotesOnSlip(ctx: Ctx, actor: Actor, platform: string, release: Release, to: number, policy: Pick<Policy, "revoteAfter">): Promise<string> {
  const from = release.scheduledAt;
  if (from === null || policy.revoteAfter === null || to - from <= policy.revoteAfter * 60_000) return "";
  const cleared = await ctx.store.getVotes(release.id);
  if (!cleared.length) return "";
  await ctx.store.clearVotes(release.id);
  const limit = minutesText(policy.revoteAfter);
  const moved = `T-0 moved ${humanDuration(to - from)} later by ${actor.name}`;
  await ctx.store.updateRelease(release.id, { decidedGoAt: null, votesVoidedNote: `Votes cleared: ${moved}, more than this channel's revote_after=${limit}. Please vote again.` });
  await audit(ctx, actor, platform, release.id, { type: "votes_expired", data: { from, to, revoteAfterMinutes: policy.revoteAfter, votesVoided: cleared.map((v) => ({ voter: v.voter, choice: v.choice })) } });
  const were = votesWere(cleared.length);
  ctx.effects.push(notice(release.id, `♻️ ${release.id}: ${moved}, more than this channel's revote_after=${limit}: ${were} cleared; please vote again.`, { mention: cleared.map((v) => v.voter) }));
  return ` ${were} cleared (T-0 moved more than revote_after=${limit} later) and the voters are asked to vote again.`;
}
