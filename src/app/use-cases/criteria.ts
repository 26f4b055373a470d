import { decisionInWords } from "../../domain/decision.js";
import {
  canTick,
  describeCriteriaSpec,
  evidenceText,
  findCriterion,
  handTickRefusal,
  parseCriteriaSpec,
  resetCriteria,
  splitEvidence,
  tickersOf,
  type Criterion,
  type CriterionStatus,
} from "../../domain/criteria.js";
import { UserError } from "../../domain/errors.js";
import { checkLength } from "../../domain/limits.js";
import { acceptsVotes, STATE_LABELS } from "../../domain/release.js";
import type { Actor, ChannelRef, Release } from "../../domain/types.js";
import { audit, getReleaseOrThrow, notice, PermissionDenied, policyFor, requirePermission, rolesNobodyHolds, rolesOf, type Ctx } from "../context.js";
import { releaseDecision } from "../release-decision.js";
import { ok } from "../replies.js";
import { checkForm, field, requireSameContent } from "../forms.js";
import { FORM_TAG, type Reply } from "../views.js";
import { decisionIfHeld, goReached } from "../go-reached.js";

/** A tick as a person asked for it: the verdict, an optional note (a link in it is the evidence link), and an admin's override reason. */
export interface Tick {
  status: Exclude<CriterionStatus, "pending">;
  note: string | null;
  override: string | null;
}

const VERDICT_WORDS: Record<CriterionStatus, string> = { pending: "pending", passed: "passed ✅", failed: "FAILED ❌" };

/** `/release criteria`: the channel's criteria and who ticks each. */
export async function showCriteria(ctx: Ctx, channel: ChannelRef): Promise<Reply> {
  const { criteria } = await policyFor(ctx, channel.key);
  if (!criteria.length) return ok("This channel names no readiness criteria: GO needs the votes alone. Admins add them with `/release criteria set tests:qa, rollback-plan:release-manager, changelog`.");
  return ok(
    [
      "Readiness criteria for new releases in this channel (GO needs each one passed):",
      ...criteria.map((c) => `• ${c.name}: ticked by ${tickersOf(c)}`),
      `Set with \`/release criteria set ${describeCriteriaSpec(criteria)}\`; tick with \`/release check <id> <criterion> pass|fail [note]\`.`,
    ].join("\n"),
  );
}

/** `/release criteria set …`: admins name what new releases in the channel must pass. */
export async function setCriteria(ctx: Ctx, actor: Actor, channel: ChannelRef, text: string): Promise<Reply> {
  await requirePermission(ctx, actor, "policy");
  const after = parseCriteriaSpec(text);
  const before = (await policyFor(ctx, channel.key)).criteria;
  await ctx.store.setPolicy(channel.key, { ...(await ctx.store.getPolicy(channel.key)), criteria: after });
  await audit(ctx, actor, channel.platform, null, { type: "criteria_set", data: { channel: channel.key, before, after } });
  if (!after.length) return ok("This channel names no readiness criteria now. Releases already open keep theirs.");
  // A role nobody holds yet leaves its criteria to admins alone: say how to fix that now, not at T-0.
  const unheld = await rolesNobodyHolds(ctx, after.map((c) => c.role).filter((r): r is string => r !== null));
  const hints = unheld.map((r) => `Nobody holds ${r} yet, so only admins can tick ${after.filter((c) => c.role === r).map((c) => c.name).join(", ")}: \`/release role grant <user> ${r}\`.`);
  return ok([`Readiness criteria for new releases here: ${describeCriteriaSpec(after)}.`, ...after.map((c) => `• ${c.name}: ticked by ${tickersOf(c)}`), ...hints, "Releases already open keep the list they were created with."].join("\n"));
}

/** Criteria change only while the release is still being decided. */
function requireOpen(release: Release): void {
  if (!acceptsVotes(release.state)) {
    throw new UserError("criteria_closed", `${release.id} is ${STATE_LABELS[release.state].toLowerCase()}; its criteria can no longer change.`);
  }
}

/**
 * `/release check R-7 tests pass|fail [note]`, and the card's menu: a person ticks a
 * criterion. get → permit (per criterion, and CI's ownership) → write → audit → decide.
 */
export async function checkCriterion(ctx: Ctx, actor: Actor, platform: string, releaseId: string, name: string, tick: Tick): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, releaseId);
  const criterion = findCriterion(await ctx.store.listCriteria(release.id), name, release.id);
  // What nobody could do comes first: a shipping release's criteria are settled, whoever asks.
  requireOpen(release);
  const roles = await rolesOf(ctx, actor);
  // An override is an admin's call: its refusal says so, not which role ticks the criterion.
  const overrideRefusal = tick.override !== null ? handTickRefusal(criterion, release, roles, tick.override) : null;
  // Refusals of a criterion CI reports are about CI's ownership, not the person's roles: the trail says so.
  if (overrideRefusal) throw new PermissionDenied(overrideRefusal, "check", release.id, `only an admin may override what CI reported for ${criterion.name}`);
  const verdict = canTick({ id: actor.id, roles }, criterion, release);
  if (!verdict.allowed) throw new PermissionDenied(verdict.reason!, "check", release.id);
  const refusal = handTickRefusal(criterion, release, roles, tick.override);
  if (refusal) throw new PermissionDenied(refusal, "check", release.id, `${criterion.name} is reported by CI, not ticked by hand`);
  if (tick.override !== null && !criterion.ciOwned) {
    throw new UserError("no_override_needed", `CI has not reported ${criterion.name} on ${release.id}, so there is nothing to override: \`/release check ${release.id} ${criterion.name} ${tick.status === "passed" ? "pass" : "fail"} [note]\`.`);
  }
  // Asked only once the override is known to be theirs to make: someone who may not hears that, not a request for a reason.
  if (tick.override !== null && !tick.override.trim()) {
    throw new UserError("override_reason", `An override needs a reason everyone can read, e.g. \`/release check ${release.id} ${criterion.name} ${tick.status === "passed" ? "pass" : "fail"} override CI runner down, verified by hand\`.`);
  }
  if (tick.note) checkLength("checkNote", tick.note, "note");
  if (tick.override) checkLength("checkNote", tick.override, "note");
  const evidence = splitEvidence(tick.note);
  if (criterion.status === tick.status && criterion.note === evidence.note && criterion.url === evidence.url && criterion.source === "person") {
    return ok(`${criterion.name} on ${release.id} is already ${tick.status}. Decision: ${decisionInWords(await releaseDecision(ctx, release))}.`);
  }
  const updated: Criterion = { ...criterion, status: tick.status, setBy: actor.id, setByName: actor.name, source: "person", at: ctx.clock.now(), note: evidence.note, url: evidence.url };
  const heldBefore = await decisionIfHeld(ctx, release);
  await ctx.store.saveCriterion(release.id, updated);
  if (tick.override !== null) {
    await audit(ctx, actor, platform, release.id, { type: "criterion_overridden", data: { criterion: criterion.name, before: criterion.status, after: tick.status, reason: tick.override, note: evidence.note, url: evidence.url } });
    ctx.effects.push(notice(release.id, `⚠️ ${actor.name} (admin) overrode CI on ${criterion.name} for ${release.id}: now ${VERDICT_WORDS[tick.status]}. Reason: ${tick.override}`));
  } else {
    await audit(ctx, actor, platform, release.id, { type: "criterion_ticked", data: { criterion: criterion.name, before: criterion.status, after: tick.status, source: "person", note: evidence.note, url: evidence.url } });
    // Said once: a note added to a criterion that had already failed changes nothing the thread must hear.
    if (tick.status === "failed" && criterion.status !== "failed") ctx.effects.push(notice(release.id, `❌ ${criterion.name} failed on ${release.id} (${actor.name})${evidenceText(evidence)}. It blocks the release until it passes.`));
  }
  const result = await releaseDecision(ctx, release);
  // The thread said it blocks; it says so too when the block is lifted (an override says so itself).
  if (tick.override === null && tick.status === "passed" && criterion.status === "failed") {
    ctx.effects.push(notice(release.id, `✅ ${criterion.name} passed again on ${release.id} (${actor.name})${evidenceText(evidence)}; it no longer blocks. Decision: ${decisionInWords(result)}.`));
  }
  const next = await goReached(ctx, actor, platform, release, heldBefore, result);
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  return ok(`${criterion.name} on ${release.id} is ${VERDICT_WORDS[tick.status]}${tick.override !== null ? " (override)" : ""}. Decision: ${decisionInWords(result)}.${next}`);
}

/** Sets a release's criteria back to pending after its version changed; the names, for the audit. */
export async function resetReleaseCriteria(ctx: Ctx, release: Release): Promise<string[]> {
  const criteria = await ctx.store.listCriteria(release.id);
  const touched = criteria.filter((c) => c.status !== "pending");
  if (!touched.length) return [];
  await ctx.store.replaceCriteria(release.id, resetCriteria(criteria));
  return touched.map((c) => c.name);
}

/** A card menu option or a form tag, `tests:fail` / `tests:pass:override`, read back; null when it is not one of ours. */
function readChoice(text: string | null | undefined): { criterion: string; verdict: "pass" | "fail"; override: boolean } | null {
  const m = typeof text === "string" && FORM_TAG.test(text) ? /^([^:]+):(pass|fail)(:override)?(?:@[0-9a-f]{8})?$/.exec(text) : null;
  return m ? { criterion: m[1]!, verdict: m[2] as "pass" | "fail", override: m[3] !== undefined } : null;
}

const STALE_CHOICE = "That menu choice was not made by gonogo (or is from an older card). Nothing changed: use `/release status <id>` for a fresh card, or `/release check <id> <criterion> pass|fail [note]`.";

/**
 * The card's criteria menu: checks everything a tick would (release open, criterion known,
 * who may tick, CI's ownership) before opening the note form, so nobody types a note only
 * to be refused. The submission is checked again: the form may sit open while things change.
 */
export async function openCheckForm(ctx: Ctx, actor: Actor, releaseId: string, option: string | undefined): Promise<Reply> {
  const choice = readChoice(option);
  if (!choice || choice.override) throw new UserError("bad_choice", STALE_CHOICE);
  const release = await getReleaseOrThrow(ctx, releaseId);
  const criterion = findCriterion(await ctx.store.listCriteria(release.id), choice.criterion, release.id);
  const roles = await rolesOf(ctx, actor);
  const verdict = canTick({ id: actor.id, roles }, criterion, release);
  if (!verdict.allowed) throw new PermissionDenied(verdict.reason!, "check", release.id);
  // An admin facing a criterion CI reports gets the override form, with its reason required.
  const override = criterion.ciOwned && roles.includes("admin");
  const refusal = handTickRefusal(criterion, release, roles, override ? "" : null);
  if (refusal) throw new PermissionDenied(refusal, "check", release.id);
  requireOpen(release);
  return { type: "form", form: checkForm(release, criterion.name, choice.verdict, override) };
}

/** The note form from the card's menu, submitted: the same tick as `/release check`. */
export async function submitCheckForm(ctx: Ctx, actor: Actor, platform: string, releaseId: string, tag: string | null | undefined, values: Record<string, string>): Promise<Reply> {
  const choice = readChoice(tag);
  if (!choice) throw new UserError("bad_choice", STALE_CHOICE);
  const release = await getReleaseOrThrow(ctx, releaseId);
  requireSameContent(release, tag, "tick", `your ${choice.verdict === "pass" ? "pass" : "fail"} of ${choice.criterion}`);
  // What the form promised (a note for a fail or an override), held here too: a modal's own check is the client's.
  const form = checkForm(release, choice.criterion, choice.verdict, choice.override);
  const text = field(values, form, "note") || null;
  return checkCriterion(ctx, actor, platform, releaseId, choice.criterion, { status: choice.verdict === "pass" ? "passed" : "failed", note: text, override: choice.override ? text : null });
}
