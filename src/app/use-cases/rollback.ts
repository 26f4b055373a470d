import { UserError } from "../../domain/errors.js";
import { relative } from "../../domain/time.js";
import { transition } from "../../domain/release.js";
import { humanDuration } from "../../domain/duration.js";
import { rollbackTarget, rollbackTargetText } from "../../domain/rollback-target.js";
import type { Actor, Release } from "../../domain/types.js";
import { isSamePerson } from "../../domain/identity.js";
import { audit, getReleaseOrThrow, notice, requirePermission, type Ctx } from "../context.js";
import { planRetro } from "../countdown-jobs.js";
import { keepRetroOpenAfterRollback } from "./retro.js";
import { ok } from "../replies.js";
import { enqueueWebhook, withdrawPendingDeploys, withdrawPendingRollback } from "../webhook-delivery.js";
import type { Reply } from "../views.js";
import type { WebhookDelivery } from "../store.js";
import { planQueueStart } from "../queue-jobs.js";
import { lockAfterRollback, untilLifted } from "./deploy-lock.js";
import { targetName } from "../../domain/deploy-lock.js";

/** `Rolls payments production back from 1.4.2 to 1.4.1 (R-3, shipped 2d ago).`: what the rollback goes back to, from the releases gonogo knows. */
export async function rollbackTargetOf(ctx: Ctx, release: Release, started = false): Promise<{ target: ReturnType<typeof rollbackTarget>; text: string }> {
  const target = rollbackTarget(release, await ctx.store.findReleases({ service: release.service }));
  const now = ctx.clock.now();
  return { target, text: rollbackTargetText(release, target, (ms) => relative(ms, now), started) };
}

/** A rollback already under way answers with who started it, instead of a second rollback. */
function alreadyRollingBack(release: Release): Reply | null {
  if (release.state === "rolling_back" || release.state === "rolled_back") {
    // Where its webhook call stands (sending, attempt 2 failed and when the next try is), as the card says it.
    const call = release.state === "rolling_back" && release.webhookNote ? ` ${release.webhookNote.replace(/[.…]?$/, (end) => end || ".")}` : "";
    return ok(`${release.id} is already ${release.state === "rolling_back" ? "being rolled back" : "rolled back"} (${release.stateReason ?? "no reason given"}). Nothing more was started.${call}`);
  }
  return null;
}

/** Checks a rollback could start, before the confirmation form is shown. */
export async function checkRollback(ctx: Ctx, actor: Actor, id: string): Promise<Release> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "rollback", release);
  if (release.state !== "rolling_back" && release.state !== "rolled_back") transition(release.id, release.state, "rollback");
  return release;
}

/** The rollback call of a release rolling back that asking again would send now (resendRollback); null when there is none. */
export async function rollbackToResend(ctx: Ctx, release: Release): Promise<WebhookDelivery | null> {
  if (release.state !== "rolling_back") return null;
  const call = (await ctx.store.listDeliveries(release.id)).find((d) => d.kind === "rollback" && (d.status === "failed" || (d.status === "pending" && d.attempts > 0)));
  if (!call) return null;
  const retry = call.status === "pending" ? (await ctx.store.listPendingJobs(release.id, { kind: "webhook" })).find((j) => Number(j.payload.deliveryId) === call.id) : undefined;
  // Its next attempt is due or on the wire already: sending it sooner would send it twice.
  if (call.status === "pending" && (!retry || retry.dueAt <= ctx.clock.now())) return null;
  return call;
}

/**
 * A rollback whose webhook call has not gone through is sent again when someone asks for the
 * rollback again (the button or the command), with the same webhook-id, so a receiver that did
 * run it and only answered badly sees a retry: one that FAILED after all its retries starts
 * over; one still waiting for its next retry after a failed attempt is sent now instead of in
 * up to five minutes (the receiver is back, mid-incident). Null when there is nothing to send.
 */
async function resendRollback(ctx: Ctx, actor: Actor, platform: string, release: Release, why: string | undefined): Promise<Reply | null> {
  const call = await rollbackToResend(ctx, release);
  if (!call) return null;
  const now = ctx.clock.now();
  if (!why) throw new UserError("rollback_reason", `Say why you send the rollback of ${release.id} again, so the team knows: \`/release rollback ${release.id} receiver is back\`.`, "reason");
  if (call.status === "failed") await ctx.store.updateDelivery(call.id, { status: "pending", attempts: 0 });
  await ctx.store.upsertJob({ releaseId: release.id, kind: "webhook", key: `webhook:${call.id}`, dueAt: now, payload: { deliveryId: call.id } });
  await ctx.store.updateRelease(release.id, { webhookNote: "Rollback webhook: sending again…" });
  await audit(ctx, actor, platform, release.id, { type: "rollback_requested", data: { from: release.state, reason: why, webhook: true, again: true } });
  ctx.effects.push(
    { type: "wake" },
    { type: "refresh", releaseId: release.id },
    notice(release.id, `⏪ ${actor.name} is sending the rollback of ${release.id} again: ${why}`, { mention: isSamePerson(actor, release.managerId) ? [] : [release.managerId] }),
  );
  const last = call.lastError ?? (call.lastStatus !== null ? `HTTP ${call.lastStatus}` : "no answer");
  return call.status === "failed"
    ? ok(`The rollback webhook of ${release.id} had failed (${last}); it is being sent again with the same webhook-id, retried as before. The card shows the result.`)
    : ok(`The rollback webhook of ${release.id} had not gone through yet (attempt ${call.attempts} failed: ${last}); it is being sent now instead of at its next retry, with the same webhook-id. The card shows the result.`);
}

/**
 * Starts the one rollback of a release: state, audit and webhook job in the caller's
 * transaction. Repeated requests (20 presses at once) find the state already moved.
 */
/** `page`: more people and groups its notice calls (an automatic rollback calls on-call, who did not press it). */
export async function rollback(ctx: Ctx, actor: Actor, platform: string, id: string, reason: string | null, page: { mention: string[]; mentionGroups: string[] } = { mention: [], mentionGroups: [] }): Promise<Reply> {
  const release = await checkRollback(ctx, actor, id);
  const why = reason?.trim();
  const again = await resendRollback(ctx, actor, platform, release, why);
  if (again) return again;
  const already = alreadyRollingBack(release);
  if (already) return already;
  if (!why) throw new UserError("rollback_reason", `Say why you roll back, so the team knows: \`/release rollback ${release.id} error rate 5x\`.`, "reason", "Say why you roll back, so the team knows (e.g. error rate 5x since the deploy).");
  const next = transition(release.id, release.state, "rollback");
  // A deploy call still being retried would deploy again what is being rolled back.
  const deployWithdrawn = await withdrawPendingDeploys(ctx, release, next, actor, platform);
  const url = ctx.config.rollbackWebhookUrl;
  const goesBack = await rollbackTargetOf(ctx, release, true);
  // The thread hears what it goes back to when gonogo knows (or warns of a later release); "it does not know" is for the confirmation.
  const backTo = goesBack.target.previous || goesBack.target.newer.length ? goesBack.text : null;
  if (url) await enqueueWebhook(ctx, release, "rollback", url, actor.id, why, goesBack.target.previous);
  await ctx.store.updateRelease(release.id, {
    state: next,
    stateReason: `rollback by ${actor.name}: ${why}`,
    rollbackRequestedAt: ctx.clock.now(),
    webhookNote: url ? "Rollback webhook: sending…" : `No rollback webhook is configured: roll back by hand, then \`/release recovered ${release.id}\`.`,
  });
  await ctx.store.cancelJobs(release.id, ["retro_open"]);
  await audit(ctx, actor, platform, release.id, { type: "rollback_requested", data: { from: release.state, reason: why, webhook: Boolean(url) } });
  // A confirmed rollback locks its service + environment: nothing else ships there until someone unlocks it.
  // Said in the thread too, not only to whoever confirmed it: the channel learns why its next release is held.
  const locked = await lockAfterRollback(ctx, release, actor, platform, why);
  ctx.effects.push(
    { type: "refresh", releaseId: release.id },
    // The card's webhook line goes to the rollback call from here on: the thread keeps the withdrawn deploy call.
    notice(release.id, `⏪ ${actor.name} is rolling back ${release.id} (${release.service} ${release.version}): ${why}${deployWithdrawn ? ". The deploy call still being retried is withdrawn: it will not be sent again." : ""}${backTo ? `\n${backTo}` : ""}\n${locked}`, { mention: [...new Set([release.managerId, ...page.mention])].filter((id) => !isSamePerson(actor, id)), mentionGroups: page.mentionGroups }),
  );
  return ok(`Rollback of ${release.id} started${backTo ? `. ${backTo}` : ";"} ${release.service} ${release.environment} is locked until \`/release unlock ${release.service} ${release.environment} reason <text>\`.${url ? " The rollback webhook is being called; the card shows the result." : ` No rollback webhook is configured: roll back by hand, then \`/release recovered ${release.id}\`.`}`);
}

/** The service is restored: records time to restore and plans the retro. */
export async function recovered(ctx: Ctx, actor: Actor, platform: string, id: string): Promise<Reply> {
  const release = await getReleaseOrThrow(ctx, id);
  await requirePermission(ctx, actor, "recovered", release);
  // Said twice (two people, or the pipeline and a person): the first one counted.
  if (release.state === "rolled_back" && release.recoveredAt !== null) {
    return ok(`${release.id} is already marked rolled back and restored (${relative(release.recoveredAt, ctx.clock.now())}). Nothing changed.`);
  }
  const next = transition(release.id, release.state, "recovered");
  const now = ctx.clock.now();
  // Restored by hand while the rollback call was still being retried: sent later, it would roll back the fix.
  const withdrawn = await withdrawPendingRollback(ctx, release, next, actor, platform);
  // The rollback notes ("roll back by hand, then /release recovered", "webhook delivered — mark it restored") are done with.
  const webhookNote = withdrawn ? "Rollback webhook: withdrawn, not sent (the service was marked restored first)" : null;
  const updated = await ctx.store.updateRelease(release.id, { state: next, recoveredAt: now, webhookNote });
  const restoreMs = release.rollbackRequestedAt === null ? null : now - release.rollbackRequestedAt;
  await audit(ctx, actor, platform, release.id, { type: "state_changed", data: { from: release.state, to: next, timeToRestoreMs: restoreMs } });
  // Rolled back while its retro was open (a close due meanwhile found it rolling back and left it
  // open): it stays open a whole window from now, so the rollback gets into it.
  const retro = release.retroOpenedAt === null ? "" : await keepRetroOpenAfterRollback(ctx, updated);
  if (release.retroOpenedAt === null) await planRetro(ctx, updated, now);
  await planQueueStart(ctx, updated);
  const took = restoreMs === null ? "" : ` Time to restore: ${humanDuration(restoreMs)}.`;
  const unsent = withdrawn ? " The rollback webhook had not gone through yet: it is withdrawn and will not be sent." : "";
  // Restored is not unlocked: the next release there would be held, so say so while the lock stands.
  const lock = await ctx.store.getLock(release.service, release.environment);
  const stays = lock ? ` ${targetName(release.service, release.environment)} stays locked ${await untilLifted(ctx, lock)}.` : "";
  ctx.effects.push({ type: "refresh", releaseId: release.id }, notice(release.id, `🩹 ${release.id} is rolled back and the service is restored (${actor.name}).${took}${unsent}${stays}`));
  return ok(`${release.id} is marked rolled back.${took}${unsent}${stays}${retro}`);
}
