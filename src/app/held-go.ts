import type { Decision, DecisionResult } from "../domain/decision.js";
import { isSamePerson } from "../domain/identity.js";
import type { Actor, Release } from "../domain/types.js";
import { notice, type Ctx } from "./context.js";
import { wayOn } from "./freeze-watch.js";
import { releaseDecision } from "./release-decision.js";

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
export async function tellHeldNowGo(ctx: Ctx, actor: Pick<Actor, "id" | "linked"> | null, release: Release, before: Decision | null, after: DecisionResult): Promise<string> {
  if (before === null || before === "go" || after.decision !== "go") return "";
  const way = await wayOn(ctx, release);
  const self = actor !== null && isSamePerson(actor, release.managerId);
  ctx.effects.push(notice(release.id, `✅ ${release.id} is GO now. ${way}`, { mention: self ? [] : [release.managerId] }));
  return self ? ` ${way}` : ` ${release.id} is on hold; the thread tells its release manager what ships it now.`;
}
