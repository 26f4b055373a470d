import { decisionInWords, type DecisionResult } from "../../domain/decision.js";
import { UserError } from "../../domain/errors.js";
import { acceptsVotes, STATE_LABELS } from "../../domain/release.js";
import { CHOICE_LABELS, describeVoteChange, validateVote } from "../../domain/votes.js";
import { isSamePerson } from "../../domain/identity.js";
import type { Actor, Release, Vote, VoteChoice } from "../../domain/types.js";
import { audit, getReleaseOrThrow, notice, policyFor, requirePermission, type Ctx } from "../context.js";
import { decisionIfHeld, goReached } from "../go-reached.js";
import { releaseDecision } from "../release-decision.js";
import { ok, unchanged } from "../replies.js";
import type { Reply } from "../views.js";

async function currentDecision(ctx: Ctx, release: Release): Promise<DecisionResult> {
  return releaseDecision(ctx, release);
}

function summary(result: DecisionResult): string {
  return `Decision: ${decisionInWords(result)}.`;
}

/** Casts or changes the actor's one current vote. Every change is in the audit trail. */
export async function castVote(ctx: Ctx, actor: Actor, platform: string, releaseId: string, choice: VoteChoice, reason: string | null): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, releaseId);
  const roles = await requirePermission(ctx, actor, "vote", release);
  const policy = await policyFor(ctx, release.channel.key);
  const cleaned = validateVote(release, choice, reason, policy);
  if (choice === "go" && !policy.selfApproval && isSamePerson(actor, release.managerId)) {
    throw new UserError("self_approval", `Self-approval is off in this channel: as the release manager of ${release.id} your GO would not count. Ask teammates to vote, or an admin to \`/release policy set self_approval=on\`.`);
  }
  const previous = await voteOfPerson(ctx, release.id, actor);
  const change = describeVoteChange(previous, choice);
  // A vote counts with the roles its voter had when casting it; voting the same again after a
  // role was granted or revoked brings them up to date (the only change then is the roles).
  const sameVote = change === "unchanged" && (previous?.reason ?? null) === cleaned;
  // The same choice from a linked account (`/release link`) would move the vote to this
  // account's roles (roles stay with each account): not when that loses a sign-off it counts as.
  const lost = change === "unchanged" && previous!.voter !== actor.id ? previous!.roles.filter((r) => !roles.includes(r)) : [];
  if (lost.length) {
    const from = `from your linked account ${previous!.voterName}, where it counts as ${previous!.roles.join(", ")}; from this account it would not (roles stay with each account)`;
    return unchanged(`You already voted ${CHOICE_LABELS[choice]} on ${release.id} ${from}. Nothing changed: vote from that account to change its note. ${summary(await currentDecision(ctx, release))}`);
  }
  if (sameVote && [...previous!.roles].sort().join(",") === [...roles].sort().join(",")) {
    // The same press twice is often a mis-press to undo: say how.
    return unchanged(`You already voted ${CHOICE_LABELS[choice]} on ${release.id}, so nothing changed: choose another to change your vote, or take it back with \`/release retract ${release.id}\`. ${summary(await currentDecision(ctx, release))}`);
  }
  const heldBefore = await decisionIfHeld(ctx, release);
  const now = ctx.clock.now();
  await ctx.store.upsertVote(release.id, { voter: actor.id, voterName: actor.name, choice, reason: cleaned, roles, at: now });
  // One person, one vote: cast from this account, it replaces one cast from a linked account.
  const movedFrom = previous && previous.voter !== actor.id ? previous.voter : undefined;
  if (movedFrom) await ctx.store.deleteVote(release.id, movedFrom);
  await audit(ctx, actor, platform, release.id, {
    type: change === "cast" ? "vote_cast" : "vote_changed",
    data: { before: previous ? { choice: previous.choice, reason: previous.reason } : null, after: { choice, reason: cleaned }, roles, ...(movedFrom ? { movedFrom } : {}) },
  });
  const result = await currentDecision(ctx, release);
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  if (change !== "unchanged") noticeNoGoChange(ctx, actor, release, previous?.choice ?? null, choice, cleaned, result);
  const next = await goReached(ctx, actor, platform, release, heldBefore, result);
  if (sameVote) {
    return ok(`Your ${CHOICE_LABELS[choice]} on ${release.id} now counts with your current roles (${roles.length ? roles.join(", ") : "none"}). ${summary(result)}${next}`);
  }
  // The same choice again with other words: the vote stands, only its note changed.
  if (change === "unchanged") {
    const what = choice === "no_go" ? "reason" : "note";
    const note = cleaned ? `its ${what} is now “${cleaned}”` : `it no longer has a ${what}`;
    return ok(`Your ${CHOICE_LABELS[choice]} on ${release.id} stands; ${note}. ${summary(result)}${next}`);
  }
  const verb = change === "cast" ? "is in" : `replaces your ${CHOICE_LABELS[previous!.choice]}`;
  return ok(`Your ${CHOICE_LABELS[choice]} on ${release.id} ${verb}. ${summary(result)}${next}`);
}

/** Removes the actor's vote. */
export async function retractVote(ctx: Ctx, actor: Actor, platform: string, releaseId: string): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, releaseId);
  if (!acceptsVotes(release.state)) {
    throw new UserError("votes_closed", `${release.id} is ${STATE_LABELS[release.state].toLowerCase()}; votes can no longer change.`);
  }
  const previous = await voteOfPerson(ctx, release.id, actor);
  if (!previous) throw new UserError("no_vote", `You have no vote on ${release.id} to retract.`);
  const heldBefore = await decisionIfHeld(ctx, release);
  await ctx.store.deleteVote(release.id, previous.voter);
  await audit(ctx, actor, platform, release.id, { type: "vote_retracted", data: { before: { choice: previous.choice, reason: previous.reason } } });
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  const result = await currentDecision(ctx, release);
  noticeNoGoChange(ctx, actor, release, previous.choice, null, null, result);
  return ok(`Your ${CHOICE_LABELS[previous.choice]} on ${release.id} is retracted. ${summary(result)}${await goReached(ctx, actor, platform, release, heldBefore, result)}`);
}

/**
 * The person's one current vote on a release: cast from this account or from one they linked
 * to it. Linking keeps one vote per person (identity-links.ts), so there is at most one.
 */
export async function voteOfPerson(ctx: Ctx, releaseId: string, actor: Actor): Promise<Vote | undefined> {
  const own = await ctx.store.getVote(releaseId, actor.id);
  if (own || !actor.linked?.length) return own;
  for (const account of actor.linked) {
    const vote = await ctx.store.getVote(releaseId, account);
    if (vote) return vote;
  }
  return undefined;
}

/**
 * A NO-GO that blocks the release, and one lifted, are told in the thread with its manager
 * called: the card changes too, but a veto is what a release manager must not miss.
 */
function noticeNoGoChange(ctx: Ctx, actor: Actor, release: Release, before: VoteChoice | null, after: VoteChoice | null, reason: string | null, result: DecisionResult): void {
  const manager = isSamePerson(actor, release.managerId) ? [] : [release.managerId];
  if (after === "no_go" && before !== "no_go" && result.decision === "no_go") {
    // The decision quotes the no-gos it names: the reason is not said twice in one notice.
    const quoted = result.reasons.includes(`blocked by no-go from ${actor.name}${reason ? `: ${reason}` : ""}`);
    ctx.effects.push(notice(release.id, `🛑 ${actor.name} voted NO-GO on ${release.id}${reason && !quoted ? `: ${reason}` : ""}. ${summary(result)}`, { mention: manager }));
  } else if (before === "no_go" && after !== "no_go") {
    const now = after === null ? "retracted their NO-GO" : `changed their NO-GO to ${CHOICE_LABELS[after]}`;
    ctx.effects.push(notice(release.id, `↩️ ${actor.name} ${now} on ${release.id}. ${summary(result)}`, { mention: manager }));
  }
}

