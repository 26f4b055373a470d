import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { relative } from "../domain/time.js";
import type { ReleaseState } from "../domain/release.js";
import type { RollbackTarget } from "../domain/rollback-target.js";
import type { Release } from "../domain/types.js";
import { audit, notice, SCHEDULER, type Ctx } from "./context.js";
import type { Clock } from "./ports.js";
import type { Job, Store, WebhookKind } from "./store.js";
import { webhookHeaders } from "./webhook-signature.js";
import { recordDurableEffects } from "./durable-effects.js";
import { countOf } from "../domain/plural.js";
import { ROLLBACK_BUTTON } from "./views.js";

/**
 * Deploy and rollback webhooks, from the use case's request to the last attempt: the
 * delivery row and its job (in the use case's transaction), the signed POST (outside
 * any transaction), and the bookkeeping of each attempt (retry with back-off, or done).
 */

/** Attempts before a delivery is marked failed, and the waits between them. */
export const RETRY_DELAYS_MS = [2_000, 10_000, 60_000, 300_000];

/**
 * Records a delivery and a job to send it, in the caller's transaction. The idempotency
 * key makes a second request for the same action a no-op (exactly one rollback).
 */
export async function enqueueWebhook(ctx: Ctx, release: Release, kind: WebhookKind, url: string, actor: string, reason: string | null, rollbackTo: RollbackTarget["previous"] = null): Promise<boolean> {
  // One rollback per release ever; a deploy may legitimately repeat after a hold, so it counts.
  const previous = kind === "deploy" ? (await ctx.store.listDeliveries(release.id)).filter((d) => d.kind === "deploy").length : 0;
  const idempotencyKey = kind === "rollback" ? `rollback:${release.id}` : `deploy:${release.id}:${previous + 1}`;
  const body = JSON.stringify({
    event: kind,
    idempotencyKey,
    release: { id: release.id, service: release.service, version: release.version, environment: release.environment },
    requestedBy: actor,
    reason,
    requestedAt: new Date(ctx.clock.now()).toISOString(),
    // What it goes back to, as far as gonogo knows (null: no earlier release there went live through it).
    ...(kind === "rollback" ? { rollbackTo: rollbackTo && { id: rollbackTo.id, version: rollbackTo.version, shippedAt: new Date(rollbackTo.shippedAt!).toISOString() } } : {}),
  });
  const { delivery, created } = await ctx.store.createDelivery({ releaseId: release.id, kind, idempotencyKey, url, body, createdAt: ctx.clock.now() });
  if (created) {
    await ctx.store.upsertJob({ releaseId: release.id, kind: "webhook", key: `webhook:${delivery.id}`, dueAt: ctx.clock.now(), payload: { deliveryId: delivery.id } });
    ctx.effects.push({ type: "wake" });
  }
  return created;
}

/**
 * A deploy webhook still pending when its release leaves shipping (rolled back, held,
 * marked shipped) is withdrawn in the same transaction: a retry minutes later would
 * deploy again what was just rolled back or stopped. A call already on the wire cannot be
 * taken back; its answer is then only noted (recordDelivery). Says whether there was one.
 */
export async function withdrawPendingDeploys(ctx: Ctx, release: Release, to: ReleaseState, who: { id: string; name: string }, platform: string): Promise<boolean> {
  // Only a shipping release has a deploy call in flight (a hold from voting, a rollback after shipped: nothing to read).
  if (release.state !== "shipping") return false;
  if (!(await withdrawPending(ctx, release, "deploy", to, who, platform))) return false;
  await ctx.store.updateRelease(release.id, { webhookNote: "Deploy webhook: withdrawn, not sent again (the release left shipping)" });
  return true;
}

/**
 * A rollback webhook still pending when the service is marked restored is withdrawn in the
 * same transaction: sent later, it would roll back whatever is live by then (often the fix).
 * Says whether there was one, so the answer can tell the person.
 */
export async function withdrawPendingRollback(ctx: Ctx, release: Release, to: ReleaseState, who: { id: string; name: string }, platform: string): Promise<boolean> {
  if (release.state !== "rolling_back") return false;
  return withdrawPending(ctx, release, "rollback", to, who, platform);
}

async function withdrawPending(ctx: Ctx, release: Release, kind: WebhookKind, to: ReleaseState, who: { id: string; name: string }, platform: string): Promise<boolean> {
  const pending = (await ctx.store.listDeliveries(release.id)).filter((d) => d.kind === kind && d.status === "pending");
  if (!pending.length) return false;
  const jobs = await ctx.store.listPendingJobs(release.id, { kind: "webhook" });
  for (const delivery of pending) {
    await ctx.store.updateDelivery(delivery.id, { status: "withdrawn" });
    for (const job of jobs.filter((j) => Number(j.payload.deliveryId) === delivery.id)) await ctx.store.completeJob(job.id, ctx.clock.now());
    await audit(ctx, who, platform, release.id, { type: "webhook_withdrawn", data: { kind, status: delivery.lastStatus, attempts: delivery.attempts, to } });
  }
  return true;
}

export interface DeliveryResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  /** Where the attempt went: the URL configured when it was sent. */
  url?: string;
}

/** Sends one signed webhook. No state is touched here: the network is outside any transaction. */
async function sendWebhook(fetchFn: typeof fetch, url: string, body: string, key: string, secret: string, nowMs: number): Promise<DeliveryResult> {
  try {
    const res = await fetchFn(url, {
      method: "POST",
      headers: webhookHeaders(secret, key, body, nowMs),
      body,
      signal: AbortSignal.timeout(10_000),
      // A redirect is a failure, never followed: a 301/302 turns the POST into a bodyless GET whose
      // 200 would mark a rollback done that never ran, and a 307 would carry the signed call to
      // whatever host the receiver names.
      redirect: "manual",
    });
    await res.body?.cancel();
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get("location");
      return { ok: false, status: res.status, error: `HTTP ${res.status}, redirected${to ? ` to ${to.slice(0, 200)}` : ""}: set the webhook URL to where it points` };
    }
    return { ok: res.ok, status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    // The host, so the card and the log say where it could not connect (never the path or query: they may hold a token).
    return { ok: false, status: null, error: `${e.cause?.code ?? e.name} at ${hostOf(url)}` };
  }
}

/** `ci.example.com:8443`: where a webhook goes, without the path or query that may carry a token. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an unreadable URL";
  }
}

/** Records a delivery attempt: delivered, retry later, or failed for good. */
async function recordDelivery(ctx: Ctx, job: Job, result: DeliveryResult): Promise<void> {
  const delivery = await ctx.store.getDelivery(Number(job.payload.deliveryId));
  // Withdrawn while this attempt was on the wire: nothing is retried, and the card keeps what it says.
  if (!delivery || delivery.status !== "pending") {
    await ctx.store.completeJob(job.id, ctx.clock.now());
    return;
  }
  const release = await ctx.store.getRelease(delivery.releaseId);
  const attempts = delivery.attempts + 1;
  // Where this attempt went, recorded with its outcome in the same write (an operator may have corrected the URL).
  const sentTo = result.url && result.url !== delivery.url ? { url: result.url } : {};
  if (!result.ok) {
    const variable = delivery.kind === "rollback" ? "ROLLBACK_WEBHOOK_URL" : "DEPLOY_WEBHOOK_URL";
    ctx.log.warn({ release: delivery.releaseId, kind: delivery.kind, host: hostOf(result.url ?? delivery.url), status: result.status, error: result.error, attempts, retriesLeft: Math.max(0, RETRY_DELAYS_MS.length + 1 - attempts) }, `webhook: ${delivery.kind} call failed; check ${variable} and that its receiver is up`);
  }
  const label = delivery.kind === "rollback" ? "Rollback webhook" : "Deploy webhook";
  const now = ctx.clock.now();
  let note: string;
  if (result.ok) {
    await ctx.store.updateDelivery(delivery.id, { ...sentTo, status: "delivered", attempts, lastStatus: result.status, lastError: null, deliveredAt: now });
    await ctx.store.completeJob(job.id, now);
    note = `${label}: delivered (HTTP ${result.status})${delivery.kind === "rollback" ? ` — mark the service restored with \`/release recovered ${delivery.releaseId}\`` : ""}`;
    await audit(ctx, SCHEDULER, "webhook", delivery.releaseId, { type: "webhook_delivered", data: { kind: delivery.kind, status: result.status, attempts } });
    // The thread heard that the rollback call was failing: it hears that it went through.
    const failedBefore = delivery.attempts > 0 || delivery.lastError !== null;
    if (delivery.kind === "rollback" && failedBefore) ctx.effects.push(notice(delivery.releaseId, `✅ ${label}: delivered (HTTP ${result.status}) after the failures above.`, { mention: callersOf(release, delivery) }));
  } else if (attempts <= RETRY_DELAYS_MS.length) {
    const delay = RETRY_DELAYS_MS[attempts - 1]!;
    await ctx.store.updateDelivery(delivery.id, { ...sentTo, attempts, lastStatus: result.status, lastError: result.error });
    await ctx.store.retryJob(job.id, now + delay);
    // A time, not "in 5m": the card's note stands until the next attempt, and a countdown in it would go stale.
    const zone = release?.timezone ?? "UTC";
    note = `${label}: attempt ${attempts} failed (${result.error}); next try at ${format(new TZDate(now + delay, zone), "HH:mm:ss")} (${zone})`;
    await audit(ctx, SCHEDULER, "webhook", delivery.releaseId, { type: "webhook_attempt_failed", data: { kind: delivery.kind, status: result.status, error: result.error, attempts } });
    // A rollback that does not go through is an emergency: say so at the first failure, not only after the last retry.
    if (delivery.kind === "rollback" && attempts === 1) {
      const left = RETRY_DELAYS_MS.length;
      const check = result.status === null ? ` An admin should check ROLLBACK_WEBHOOK_URL and that its receiver is up.` : "";
      ctx.effects.push(notice(delivery.releaseId, `⚠️ ${label}: attempt 1 failed (${result.error}). Retrying ${left} more times over about ${relative(now + RETRY_DELAYS_MS.reduce((a, b) => a + b, 0), now).replace(/^in /, "")}; the card shows each attempt, and pressing Roll back again sends it at once.${check}`, { mention: callersOf(release, delivery), buttons: [ROLLBACK_BUTTON] }));
    }
    ctx.effects.push({ type: "wake" });
  } else {
    await ctx.store.updateDelivery(delivery.id, { ...sentTo, status: "failed", attempts, lastStatus: result.status, lastError: result.error });
    await ctx.store.completeJob(job.id, now);
    note = `${label}: FAILED after ${countOf(attempts, "attempt")} (${result.error}). Run it by hand.`;
    await audit(ctx, SCHEDULER, "webhook", delivery.releaseId, { type: "webhook_failed", data: { kind: delivery.kind, status: result.status, error: result.error, attempts } });
    // A failed rollback is the on-call's emergency: the person who asked for it hears of it too, and how to send it again.
    const again = delivery.kind === "rollback" ? ` Or press Roll back again (\`/release rollback ${delivery.releaseId} <reason>\`) to send it again once the receiver is back.` : "";
    // The card, rolling back, has no buttons: the notice carries the Roll back it names.
    ctx.effects.push(notice(delivery.releaseId, `⚠️ ${note}${again}`, { mention: callersOf(release, delivery), ...(delivery.kind === "rollback" ? { buttons: [ROLLBACK_BUTTON] } : {}) }));
  }
  await ctx.store.updateRelease(delivery.releaseId, { webhookNote: note });
  ctx.effects.push({ type: "refresh", releaseId: delivery.releaseId });
}

/** Whom a call's trouble concerns: the release's manager and, for a rollback, whoever asked for it. */
function callersOf(release: Release | undefined, delivery: { kind: WebhookKind; body: string }): string[] {
  const requester = delivery.kind === "rollback" ? requestedBy(delivery.body) : null;
  return [...new Set([...(release ? [release.managerId] : []), ...(requester ? [requester] : [])])];
}

/** Who asked for the call, as its body names them (gonogo's own body, so it reads; anything else is no one). */
function requestedBy(body: string): string | null {
  try {
    const who = (JSON.parse(body) as { requestedBy?: unknown }).requestedBy;
    return typeof who === "string" ? who : null;
  } catch {
    return null;
  }
}

export interface WebhookDeliveryDeps {
  store: Store;
  /** The signature's timestamp: receivers check it against their own clock. */
  clock: Clock;
  fetch: typeof fetch;
  secret: string | undefined;
  /**
   * The URLs configured now, per kind: each attempt goes there, so a URL an operator corrects
   * and restarts with reaches the retries and re-sends of calls made before (the one a delivery
   * was created with is used only when its kind has none configured any more).
   */
  urls: Partial<Record<WebhookKind, string>>;
}

/**
 * Runs one due webhook job: reads the delivery, sends it with no transaction open (the
 * network may take seconds), then records the attempt in one transaction. `ctxFor`
 * gives the use-case context on that transaction, so its effects run after commit.
 */
export async function deliverWebhookJob(deps: WebhookDeliveryDeps, job: Job, ctxFor: (tx: Store) => Ctx): Promise<Ctx> {
  const delivery = await deps.store.getDelivery(Number(job.payload.deliveryId));
  const url = delivery ? (deps.urls[delivery.kind] ?? delivery.url) : "";
  const result = delivery?.status === "pending"
    ? { ...(await sendWebhook(deps.fetch, url, delivery.body, delivery.idempotencyKey, deps.secret ?? "", deps.clock.now())), url }
    : { ok: false, status: null, error: "missing delivery" };
  return deps.store.transaction(async (tx) => {
    const ctx = ctxFor(tx);
    await recordDelivery(ctx, job, result);
    await recordDurableEffects(ctx);
    return ctx;
  });
}
