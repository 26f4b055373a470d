import { decisionInWords } from "../../domain/decision.js";
import { UserError } from "../../domain/errors.js";
import { votesWere } from "../../domain/votes.js";
import { checkLength } from "../../domain/limits.js";
import { isFinal, transition } from "../../domain/release.js";
import { formatInZone, parseWhen, relative } from "../../domain/time.js";
import { humanDuration } from "../../domain/duration.js";
import { remindersPhrase } from "../../domain/countdown.js";
import type { Actor, Release } from "../../domain/types.js";
import { isSamePerson } from "../../domain/identity.js";
import { audit, getReleaseOrThrow, notice, policyFor, requirePermission, type Ctx } from "../context.js";
import { COUNTDOWN_JOBS, planCountdownJobs, planRetro } from "../countdown-jobs.js";
import { releaseDecision } from "../release-decision.js";
import { resetReleaseCriteria } from "./criteria.js";
import { ok } from "../replies.js";
import { enqueueWebhook, withdrawPendingDeploys } from "../webhook-delivery.js";
import type { Reply } from "../views.js";
import { gateText } from "../../domain/deploy-lock.js";
import { gateOf, queueRelease } from "../deploy-gate.js";
import { planQueueStart } from "../queue-jobs.js";
import { lockWarning, untilLifted } from "./deploy-lock.js";
import { overrideFreeze, overrideWayOut } from "./freeze-override.js";
import { expireVotesOnSlip } from "./vote-expiry.js";
import { freezeWarning } from "./freeze.js";
import { watchFreezeOf } from "../freeze-watch.js";

type Who = { id: string; name: string; linked?: readonly string[] };

/** How long a release may ship before its manager is asked to mark it shipped (or roll it back). */
const SHIP_NUDGE_AFTER_MS = 60 * 60_000;

/**
 * The ship nudge due at `dueAt`: the manager hears the release is still shipping, unless it moved
 * on meanwhile. How long is counted from its start, so a nudge run late (after downtime) says so.
 */
export function nudgeShipping(ctx: Ctx, release: Release, dueAt: number): void {
  if (release.state !== "shipping") return;
  const text = `⏳ ${release.id} has been shipping for ${humanDuration(ctx.clock.now() - (dueAt - SHIP_NUDGE_AFTER_MS))} and is not marked shipped. Release manager: once it is live, mark it with \`/release shipped ${release.id}\` (its retro is planned from then); if it went wrong, roll it back with the card's Roll back button.`;
  ctx.effects.push(notice(release.id, text, { mention: [release.managerId] }));
}

/**
 * Moves a release to shipping and calls the deploy webhook. Used by `ship`, by the queue and by
 * T-0, whose notice says so first (`moment`: "T-0"), one notice for the moment and the start.
 */
export async function startShipping(ctx: Ctx, release: Release, who: Who, platform: string, moment?: string): Promise<Release> {
  const next = transition(release.id, release.state, "ship");
  await ctx.store.cancelJobs(release.id, COUNTDOWN_JOBS);
  await ctx.store.dequeue(release.id);
  let webhookNote: string | null = release.webhookNote;
  if (ctx.config.deployWebhookUrl) {
    await enqueueWebhook(ctx, release, "deploy", ctx.config.deployWebhookUrl, who.id, null);
    webhookNote = "Deploy webhook: sending…";
  }
  // Shipped by hand before its T-0: that T-0 no longer applies, so the release time the card, list
  // and calendar show becomes when it started (the planned T-0 stays in the audit trail).
  const now = ctx.clock.now();
  const early = release.scheduledAt !== null && release.scheduledAt > now ? { scheduledAt: now } : {};
  const updated = await ctx.store.updateRelease(release.id, { state: next, stateReason: null, webhookNote, ...early });
  await audit(ctx, who, platform, release.id, { type: "state_changed", data: { from: release.state, to: next, by: who.id } });
  const how = ctx.config.deployWebhookUrl ? "The deploy webhook is being called." : `No deploy webhook is configured. Release manager: deploy it, then mark it with \`/release shipped ${release.id}\`.`;
  // Without a webhook nothing deploys until a person does: the manager is called, unless they started it.
  const mention = ctx.config.deployWebhookUrl || isSamePerson(who, release.managerId) ? [] : [release.managerId];
  ctx.effects.push({ type: "refresh", releaseId: release.id }, notice(release.id, `🚀 ${moment ? `${moment}: ` : ""}${release.id} is GO and shipping (started by ${who.name}). ${how}`, { mention }));
  // A deploy nobody marks done leaves the card on Shipping and the retro unplanned for good: say so once.
  await ctx.store.upsertJob({ releaseId: release.id, kind: "ship_nudge", key: "ship_nudge", dueAt: now + SHIP_NUDGE_AFTER_MS, payload: {} });
  ctx.effects.push({ type: "wake" });
  return updated;
}

/** Marks the deploy finished; the retro prompt is planned from now. `withdrawn`: a deploy call still being retried will not go out. */
export async function markShipped(ctx: Ctx, release: Release, who: Who, platform: string): Promise<{ release: Release; withdrawn: boolean }> {
  const next = transition(release.id, release.state, "shipped");
  const now = ctx.clock.now();
  // Deployed by other means while the deploy webhook was still being retried: it is not sent again.
  const withdrawn = await withdrawPendingDeploys(ctx, release, next, who, platform);
  const updated = await ctx.store.updateRelease(release.id, { state: next, shippedAt: now, stateReason: null });
  await audit(ctx, who, platform, release.id, { type: "state_changed", data: { from: release.state, to: next, by: who.id } });
  await planRetro(ctx, updated, now);
  await planQueueStart(ctx, updated);
  ctx.effects.push({ type: "refresh", releaseId: release.id }, notice(release.id, `✅ ${release.id} ${release.service} ${release.version} is live in ${release.environment} (marked by ${who.name}). If it misbehaves, on-call can press Roll back.`));
  return { release: updated, withdrawn };
}

/** Stops a release; the card says why. Used by `hold` and by T-0 without GO. */
/**
 * Puts the release on hold. `reason` is what the person or the guardrail said; without one
 * the card says who held it, and the audit line (which names them already) has no reason.
 */
export async function holdRelease(ctx: Ctx, release: Release, who: Who, platform: string, reason: string | null, failedCriteria: string[] = []): Promise<Release> {
  const next = transition(release.id, release.state, "hold");
  await withdrawPendingDeploys(ctx, release, next, who, platform);
  await ctx.store.cancelJobs(release.id, COUNTDOWN_JOBS);
  await ctx.store.dequeue(release.id);
  const updated = await ctx.store.updateRelease(release.id, { state: next, stateReason: reason ?? `held by ${who.name}` });
  await audit(ctx, who, platform, release.id, { type: "state_changed", data: { from: release.state, to: next, ...(reason ? { reason } : {}), by: who.id, ...(failedCriteria.length ? { failedCriteria } : {}) } });
  // A deploy stopped half-way frees its service + environment for the next in line.
  if (release.state === "shipping") await planQueueStart(ctx, updated);
  // Its card shows a freeze that is on now: the end of it will be told in its thread.
  await watchFreezeOf(ctx, updated);
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  return updated;
}

/**
 * `/release create payments 1.4.3 env staging at <time>`: a cancelled or finished release never
 * moves again, so a refusal to move or change it names the command that ships it anew.
 */
function createAgain(release: Release, version = release.version): string {
  return `\`/release create ${release.service} ${version}${release.environment === "production" ? "" : ` env ${release.environment}`} at <time>\``;
}

/** A held release re-opens; a cancelled or closed one is refused with how to ship it anyway. */
function reopened(release: Release): Release["state"] {
  try {
    return transition(release.id, release.state, "reopen");
  } catch (e) {
    if (!(e instanceof UserError) || !isFinal(release.state)) throw e;
    const how = `To ship ${release.service} ${release.version} ${release.state === "cancelled" ? "after all" : "again"}, create it again: ${createAgain(release)}.`;
    throw new UserError(e.code, `${e.message} ${how}`);
  }
}

export async function scheduleRelease(ctx: Ctx, actor: Actor, platform: string, id: string, when: string): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "schedule", release);
  // Voting stays voting; a held release re-opens; anything else is refused with what is possible.
  const state = release.state === "voting" ? release.state : reopened(release);
  const policy = await policyFor(ctx, release.channel.key);
  const { at, note } = parseWhen(when, ctx.clock.now(), policy.timezone);
  // The same time again (a second click, a retried command): nothing to move, nobody to tell.
  if (release.state === "voting" && release.scheduledAt === at) return ok(`${release.id} is already scheduled for ${formatInZone(at, policy.timezone)} (${relative(at, ctx.clock.now())}); nothing changed.`);
  const expired = await expireVotesOnSlip(ctx, actor, platform, release, at, policy);
  const updated = await ctx.store.updateRelease(release.id, { scheduledAt: at, timezone: policy.timezone, state, stateReason: null });
  await ctx.store.dequeue(release.id);
  await audit(ctx, actor, platform, release.id, { type: release.scheduledAt === null ? "scheduled" : "rescheduled", data: { from: release.scheduledAt, to: at, state } });
  const reminders = await planCountdownJobs(ctx, updated);
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  if (release.scheduledAt !== null) {
    // A held release's thread last heard it was held: say the countdown runs again.
    const moved = release.state === "held" ? `🕑 ${release.id} is back on the countdown: T-0 moved to ` : `🕑 ${release.id} moved to `;
    ctx.effects.push(notice(release.id, [moved, { at, text: formatInZone(at, policy.timezone) }, ` by ${actor.name}.`]));
  }
  const frozen = [await freezeWarning(ctx, updated), await lockWarning(ctx, updated)].filter(Boolean).join(" ");
  return ok(`${release.id} ${release.scheduledAt === null ? "scheduled" : "rescheduled"} for ${formatInZone(at, policy.timezone)} (${relative(at, ctx.clock.now())}). ${sentence(remindersPhrase(reminders, policy.reminders))}.${note ? ` ${note}` : ""}${release.state === "held" ? " The countdown runs again." : ""}${expired}${frozen ? ` ${frozen}` : ""}`);
}

/** Changing what ships voids the votes: people approved something else. */
export async function updateRelease(ctx: Ctx, actor: Actor, platform: string, id: string, field: "version" | "description", value: string): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "update", release);
  if (release.state !== "voting" && release.state !== "held") {
    throw new UserError("update_closed", `${release.id} is ${release.state.replace("_", " ")}; its content can no longer change. Create a new release instead: ${createAgain(release, field === "version" ? value : release.version)}.`);
  }
  const before = field === "version" ? release.version : release.description;
  if (before === value) return ok(`${release.id} already has that ${field}; nothing changed.`);
  if (field === "description") checkLength("description", value);
  const cleared = await ctx.store.getVotes(release.id);
  await ctx.store.clearVotes(release.id);
  // A new version must pass its criteria again, as it must win its votes again.
  const criteriaReset = field === "version" ? await resetReleaseCriteria(ctx, release) : [];
  const what = field === "version" ? `version changed from ${release.version} to ${value}` : "description/changelog changed";
  const resetText = criteriaReset.length ? ` Criteria back to pending: ${criteriaReset.join(", ")}.` : "";
  const note = cleared.length || criteriaReset.length ? `${cleared.length ? `Votes cleared: ${what} by ${actor.name}. Please vote again.` : `${what} by ${actor.name}.`}${resetText}` : null;
  await ctx.store.updateRelease(release.id, {
    ...(field === "version" ? { version: value } : { description: value }),
    decidedGoAt: null,
    votesVoidedNote: note,
  });
  await audit(ctx, actor, platform, release.id, { type: "content_changed", data: { field, before, after: value, votesVoided: cleared.map((v) => ({ voter: v.voter, choice: v.choice })), ...(criteriaReset.length ? { criteriaReset } : {}) } });
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  if (cleared.length) {
    ctx.effects.push(notice(release.id, `♻️ ${release.id}: ${what}. ${votesWere(cleared.length)} cleared; please vote again.`, { mention: cleared.map((v) => v.voter) }));
  }
  return ok(`${release.id} updated: ${what}.${cleared.length ? ` ${votesWere(cleared.length)} cleared and the voters are asked to vote again.` : ""}${resetText}`);
}

/**
 * `/release ship <id> [override <reason>]`: ships a GO release unless its service + environment
 * is locked or a freeze is on (an admin or release-manager may override the freeze, never the
 * lock); while another release of it ships, this one waits in the queue.
 */
export async function shipCommand(ctx: Ctx, actor: Actor, platform: string, id: string, override?: string): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  // The override right matters only while a freeze is on: once it has ended, `ship R-1 override …` ships as usual.
  if (override !== undefined && (await gateOf(ctx, release, false)).kind === "frozen") await requirePermission(ctx, actor, "override", release);
  // Asked only once the right is known: someone who may not override hears that, not a request for a reason.
  if (override !== undefined && !override.trim()) throw new UserError("override_usage", `Say why it must ship inside the freeze: \`/release ship ${release.id} override hotfix for incident 42\`.`);
  await requirePermission(ctx, actor, "ship", release);
  transition(release.id, release.state, "ship");
  const result = await releaseDecision(ctx, release);
  if (result.decision !== "go") {
    throw new UserError("not_go", `${release.id} is not GO yet. Decision: ${decisionInWords(result)}. It can ship once the decision is GO.`);
  }
  const gate = await gateOf(ctx, release, false);
  if (gate.kind === "locked") {
    throw new UserError("deploy_locked", `${release.id} cannot ship: ${gateText(gate, release.timezone)}. It stays locked ${await untilLifted(ctx, gate.lock)}.`);
  }
  if (gate.kind === "frozen") {
    if (override === undefined) {
      throw new UserError("in_freeze", `${release.id} cannot ship now: ${gateText(gate, release.timezone)}. ${await overrideWayOut(ctx, actor, release, gate.active)}`);
    }
    const waiting = await overrideFreeze(ctx, actor, platform, release, gate.active, override);
    if (waiting) return waiting;
  }
  // The queue is checked after the freeze: an override lets a release past a freeze, not ahead of another deploy.
  const queued = gate.kind === "frozen" ? await gateOf(ctx, release, true) : gate;
  if (queued.kind === "queued") {
    // The queue starts only releases still voting (a hold takes one out of it): a held release
    // shipped by hand waits as voting again, without the reason it was held for.
    const waiting = release.state === "held" ? await reopenToWait(ctx, release, queued.behind, actor, platform) : release;
    await queueRelease(ctx, waiting, queued.behind, actor, platform);
    // The channel hears it as it does when T-0 queues a release: the card alone is easy to miss.
    ctx.effects.push(notice(release.id, `⏳ ${release.id} is GO and queued behind ${queued.behind} (${actor.name} shipped it): it starts shipping when ${queued.behind} is shipped or rolled back, if still GO then.`));
    return ok(`${release.id} is GO and queued behind ${queued.behind}: ${release.service} ${release.environment} ships one release at a time. It starts shipping when ${queued.behind} is shipped or rolled back, if still GO and neither locked nor frozen then.`);
  }
  await startShipping(ctx, release, actor, platform);
  return ok(`${release.id} is shipping.${ctx.config.deployWebhookUrl ? " The deploy webhook is being called; the card shows the result." : ` Mark it done with \`/release shipped ${release.id}\`.`}`);
}

/** A held release, shipped by hand while its service is busy, opens again to wait its turn. */
async function reopenToWait(ctx: Ctx, release: Release, behind: string, actor: Actor, platform: string): Promise<Release> {
  const state = transition(release.id, release.state, "reopen");
  const reopened = await ctx.store.updateRelease(release.id, { state, stateReason: null });
  await audit(ctx, actor, platform, release.id, { type: "state_changed", data: { from: release.state, to: state, reason: `shipped by hand while ${behind} ships: waits its turn` } });
  return reopened;
}

export async function shippedCommand(ctx: Ctx, actor: Actor, platform: string, id: string): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "shipped", release);
  const { withdrawn } = await markShipped(ctx, release, actor, platform);
  const unsent = withdrawn ? " The deploy call still being retried is withdrawn: it will not be sent again." : "";
  return ok(`${release.id} is marked shipped.${unsent} The retro opens ${relative(ctx.clock.now() + ctx.config.retroDelayMs, ctx.clock.now())}.`);
}

export async function holdCommand(ctx: Ctx, actor: Actor, platform: string, id: string, reason: string | null): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "hold", release);
  // A hold stops a deploy call not yet made. Once one went through, the deploy is under way: a
  // hold would hide the Roll back button, and shipping again would deploy it a second time.
  if (release.state === "shipping") {
    const last = (await ctx.store.listDeliveries(release.id)).filter((d) => d.kind === "deploy").at(-1);
    // Unless the pipeline reported since that this deploy failed: then nothing is under way, and a hold is the way to stop.
    const failedSince = last?.deliveredAt != null && (await ctx.store.listAuditOf([release.id], ["deploy_failed"])).some((e) => e.at >= last.deliveredAt!);
    if (last?.status === "delivered" && !failedSince) {
      throw new UserError(
        "deploy_under_way",
        `${release.id}'s deploy call went through, so it is deploying and cannot be put on hold. If it must be undone, roll it back (\`/release rollback ${release.id} <reason>\`); once it is out, \`/release shipped ${release.id}\`.`,
      );
    }
  }
  await holdRelease(ctx, release, actor, platform, reason);
  ctx.effects.push(notice(release.id, `✋ ${release.id} is on hold (${actor.name})${reason ? `: ${reason}` : "."}`));
  return ok(`${release.id} is on hold. Votes stay open; \`/release schedule ${release.id} <time>\` restarts the countdown, or \`/release ship ${release.id}\` once GO.`);
}

export async function cancelCommand(ctx: Ctx, actor: Actor, platform: string, id: string, reason: string | null): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "cancel", release);
  const next = transition(release.id, release.state, "cancel");
  await ctx.store.cancelJobs(release.id, [...COUNTDOWN_JOBS, "retro_open", "retro_close", "freeze_end"]);
  await ctx.store.dequeue(release.id);
  // Without a reason the card says who cancelled it; the audit line and the notice name them already.
  await ctx.store.updateRelease(release.id, { state: next, stateReason: reason ?? `cancelled by ${actor.name}`, closedAt: ctx.clock.now() });
  await audit(ctx, actor, platform, release.id, { type: "state_changed", data: { from: release.state, to: next, ...(reason ? { reason } : {}), by: actor.id } });
  // Cancelled by someone else: its manager hears of it.
  const manager = isSamePerson(actor, release.managerId) ? [] : [release.managerId];
  ctx.effects.push({ type: "refresh", releaseId: release.id }, notice(release.id, `🛑 ${release.id} was cancelled by ${actor.name}${reason ? `: ${reason}` : "."}`, { mention: manager }));
  return ok(`${release.id} is cancelled.`);
}

/** A phrase as a sentence of its own. */
function sentence(phrase: string): string {
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}
