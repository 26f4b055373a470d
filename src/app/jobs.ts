import { decide, missingSignOffs } from "../domain/decision.js";
import { offsetLabel } from "../domain/countdown.js";
import { formatInZone, relative } from "../domain/time.js";
import type { Release } from "../domain/types.js";
import { audit, isGroupSubject, notice, policyFor, type Ctx } from "./context.js";
import { holdRelease, startShipping } from "./use-cases/lifecycle.js";
import { closeAfterRetro, openRetro } from "./use-cases/retro.js";
import { RETRY_DELAYS_MS, webhookHeaders } from "./webhooks.js";
import type { Job } from "./store.js";
import { transition } from "../domain/release.js";

const SCHEDULER = { id: "gonogo", name: "gonogo" };

/** Who a reminder names: holders of required sign-off roles that still lack a GO. */
function awaited(ctx: Ctx, release: Release): { text: string; mention: string[]; mentionGroups: string[] } {
  const votes = ctx.store.getVotes(release.id);
  const policy = policyFor(ctx, release.channel.key);
  const voted = new Set(votes.map((v) => v.voter));
  const mention: string[] = [];
  const mentionGroups: string[] = [];
  const parts: string[] = [];
  for (const role of missingSignOffs(votes, policy, release.managerId)) {
    const holders = ctx.store.listRoleBindings().filter((b) => b.role === role);
    if (!holders.length) {
      parts.push(`${role}: nobody holds this role yet (\`/release role grant <user> ${role}\`)`);
      continue;
    }
    const users = holders.filter((h) => !isGroupSubject(h.subject) && !voted.has(h.subject)).map((h) => h.subject);
    const groups = holders.filter((h) => isGroupSubject(h.subject)).map((h) => h.subject);
    mention.push(...users);
    mentionGroups.push(...groups);
    // Name people only through mentions: a group's id means nothing to a reader, its mention does.
    parts.push(users.length || groups.length ? role : `${role} (its holders voted, but not GO)`);
  }
  return { text: parts.length ? ` Still waiting for sign-off from ${parts.join("; ")}.` : "", mention, mentionGroups };
}

function decisionText(ctx: Ctx, release: Release): string {
  const d = decide(ctx.store.getVotes(release.id), policyFor(ctx, release.channel.key), release.managerId);
  return d.decision === "go" ? "GO" : `${d.decision === "no_go" ? "NO-GO" : "pending"} (${d.reasons.join(" · ")})`;
}

/** Is the job about the schedule the release still has? A rescheduled release drops old jobs. */
function stillCurrent(release: Release | undefined, job: Job): release is Release {
  return !!release && release.state === "voting" && release.scheduledAt === job.payload.scheduledAt;
}

/** Runs the state part of one due job inside a transaction. Webhooks are sent by the caller. */
export function runJob(ctx: Ctx, job: Job): void {
  const release = ctx.store.getRelease(job.releaseId);
  switch (job.kind) {
    case "reminder": {
      if (!stillCurrent(release, job)) break;
      const who = awaited(ctx, release);
      ctx.effects.push(
        notice(release.id, `⏰ ${offsetLabel(Number(job.payload.offsetMin))}: ${release.id} ${release.service} ${release.version} ships ${relative(release.scheduledAt!, ctx.clock.now())} (${formatInZone(release.scheduledAt!, release.timezone)}). Decision: ${decisionText(ctx, release)}.${who.text}`, { mention: who.mention, mentionGroups: who.mentionGroups }),
        { type: "refresh", releaseId: release.id },
      );
      break;
    }
    case "t0": {
      if (!stillCurrent(release, job)) break;
      const policy = policyFor(ctx, release.channel.key);
      const d = decide(ctx.store.getVotes(release.id), policy, release.managerId);
      if (d.decision === "go") {
        ctx.effects.push(notice(release.id, `🟢 T-0: ${release.id} is GO.`));
        startShipping(ctx, release, SCHEDULER, "scheduler");
      } else if (policy.t0 === "cancel") {
        const why = `T-0 came without GO: ${d.reasons.join(" · ")}`;
        ctx.store.updateRelease(release.id, { state: transition(release.id, release.state, "cancel"), stateReason: why, closedAt: ctx.clock.now() });
        audit(ctx, SCHEDULER, "scheduler", release.id, "state_changed", { from: release.state, to: "cancelled", reason: why });
        ctx.effects.push({ type: "refresh", releaseId: release.id }, notice(release.id, `🛑 T-0: ${release.id} is cancelled. ${why}.`, { mention: [release.managerId] }));
      } else {
        const why = `T-0 came without GO: ${d.reasons.join(" · ")}`;
        holdRelease(ctx, release, SCHEDULER, "scheduler", why);
        ctx.effects.push(notice(release.id, `⏸ T-0: HOLD. ${release.id} did not ship: ${d.reasons.join(" · ")}. Votes stay open; the release manager can \`/release ship ${release.id}\` once GO or reschedule it.`, { mention: [release.managerId] }));
      }
      break;
    }
    case "retro_open":
      if (release && (release.state === "shipped" || release.state === "rolled_back") && !release.retroOpenedAt) openRetro(ctx, release, SCHEDULER, "scheduler");
      break;
    case "retro_close":
      if (release) closeAfterRetro(ctx, release);
      break;
    case "webhook":
      throw new Error("webhook jobs are delivered by deliverWebhook");
  }
  ctx.store.completeJob(job.id, ctx.clock.now());
}

export interface DeliveryResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** Sends one signed webhook. No state is touched here: the network is outside any transaction. */
export async function sendWebhook(fetchFn: typeof fetch, url: string, body: string, key: string, secret: string, nowMs: number): Promise<DeliveryResult> {
  try {
    const res = await fetchFn(url, {
      method: "POST",
      headers: webhookHeaders(secret, key, body, nowMs),
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    return { ok: res.ok, status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, status: null, error: e.cause?.code ?? e.name };
  }
}

/** Records a delivery attempt: delivered, retry later, or failed for good. */
export function recordDelivery(ctx: Ctx, job: Job, result: DeliveryResult): void {
  const delivery = ctx.store.getDelivery(Number(job.payload.deliveryId));
  if (!delivery) {
    ctx.store.completeJob(job.id, ctx.clock.now());
    return;
  }
  const attempts = delivery.attempts + 1;
  const label = delivery.kind === "rollback" ? "Rollback webhook" : "Deploy webhook";
  const now = ctx.clock.now();
  let note: string;
  if (result.ok) {
    ctx.store.updateDelivery(delivery.id, { status: "delivered", attempts, lastStatus: result.status, lastError: null, deliveredAt: now });
    ctx.store.completeJob(job.id, now);
    note = `${label}: delivered (HTTP ${result.status})${delivery.kind === "rollback" ? ` — mark the service restored with \`/release recovered ${delivery.releaseId}\`` : ""}`;
    audit(ctx, SCHEDULER, "webhook", delivery.releaseId, "webhook_delivered", { kind: delivery.kind, status: result.status, attempts });
  } else if (attempts <= RETRY_DELAYS_MS.length) {
    const delay = RETRY_DELAYS_MS[attempts - 1]!;
    ctx.store.updateDelivery(delivery.id, { attempts, lastStatus: result.status, lastError: result.error });
    ctx.store.retryJob(job.id, now + delay);
    note = `${label}: attempt ${attempts} failed (${result.error}); retrying ${relative(now + delay, now)}`;
    audit(ctx, SCHEDULER, "webhook", delivery.releaseId, "webhook_attempt_failed", { kind: delivery.kind, status: result.status, error: result.error, attempts });
    ctx.effects.push({ type: "wake" });
  } else {
    ctx.store.updateDelivery(delivery.id, { status: "failed", attempts, lastStatus: result.status, lastError: result.error });
    ctx.store.completeJob(job.id, now);
    note = `${label}: FAILED after ${attempts} attempts (${result.error}). Run it by hand.`;
    audit(ctx, SCHEDULER, "webhook", delivery.releaseId, "webhook_failed", { kind: delivery.kind, status: result.status, error: result.error, attempts });
    const release = ctx.store.getRelease(delivery.releaseId);
    ctx.effects.push(notice(delivery.releaseId, `⚠️ ${note}`, { mention: release ? [release.managerId] : [] }));
  }
  ctx.store.updateRelease(delivery.releaseId, { webhookNote: note });
  ctx.effects.push({ type: "refresh", releaseId: delivery.releaseId });
}
