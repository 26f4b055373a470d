import type { Decision, DecisionResult } from "../domain/decision.js";
import { isSamePerson } from "../domain/identity.js";
import type { Actor, Release } from "../domain/types.js";
import { audit, notice, type Ctx } from "./context.js";
import { wayOn } from "./freeze-watch.js";
import { releaseDecision } from "./release-decision.js";

/*
 * What a change that can make a release GO (a vote, a criterion, a CI report) does when it
 * did: the first GO is remembered (time to decision), and a held release says it is GO now.
 */

/** Remembers the first moment the release reached GO (time to decision): by a vote, or by the last criterion passing. */
async function markGoReached(ctx: Ctx, actor: Actor, platform: string, release: Release, result: DecisionResult): Promise<void> {
  if (release.decidedGoAt !== null || result.decision !== "go") return;
  await ctx.store.updateRelease(release.id, { decidedGoAt: ctx.clock.now() });
  await audit(ctx, actor, platform, release.id, { type: "decision_go", data: {} });
}

/**
 * A release on hold (T-0 came without GO, or its manager held it) does not ship by itself when
 * the missing GO arrives later: only its manager can. Without a word, the card would show GO and
 * "On hold" side by side and nobody would be asked to act.
 */

/** The decision of a held release before a change, to tell afterwards whether the change made it GO; null for any other state. */
export async function decisionIfHeld(ctx: Ctx, release: Release): Promise<Decision | null> {
  return release.state === "held" ? (await releaseDecision(ctx, release)).decision : null;
}

/**
 * When a held release just became GO: the thread hears it, calling its manager with what ships
 * it now (or what still stops it: a lock, a freeze); returns what to add to the reply of whoever
 * made it GO, or "" when it did not.
 */
async function tellHeldNowGo(ctx: Ctx, actor: Pick<Actor, "id" | "linked"> | null, release: Release, before: Decision | null, after: DecisionResult): Promise<string> {
  if (before === null || before === "go" || after.decision !== "go") return "";
  const way = await wayOn(ctx, release);
  const self = actor !== null && isSamePerson(actor, release.managerId);
  ctx.effects.push(notice(release.id, `✅ ${release.id} is GO now. ${way}`, { mention: self ? [] : [release.managerId] }));
  return self ? ` ${way}` : ` ${release.id} is on hold; the thread tells its release manager what ships it now.`;
}

/** markGoReached, then tellHeldNowGo: both, for a change that may have made the release GO; the reply's addition. */
export async function goReached(ctx: Ctx, actor: Actor, platform: string, release: Release, heldBefore: Decision | null, result: DecisionResult): Promise<string> {
  await markGoReached(ctx, actor, platform, release, result);
  return tellHeldNowGo(ctx, actor, release, heldBefore, result);
}
