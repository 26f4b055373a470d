import { createHmac, timingSafeEqual } from "node:crypto";
import type { Release } from "../domain/types.js";
import type { Ctx } from "./context.js";
import type { WebhookKind } from "./store.js";

export const SIGNATURE_HEADER = "X-Gonogo-Signature";
export const TIMESTAMP_HEADER = "X-Gonogo-Timestamp";
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** Attempts before a delivery is marked failed, and the waits between them. */
export const RETRY_DELAYS_MS = [2_000, 10_000, 60_000, 300_000];

/** `v1=<hex>` HMAC-SHA256 over `<timestamp>.<body>`, with the timestamp in seconds. */
export function signPayload(secret: string, timestampSec: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestampSec}.${body}`).digest("hex")}`;
}

/** Checks a signature in constant time, within a 5-minute window either side. */
export function verifySignature(secret: string, timestampSec: number, body: string, signature: string, nowSec: number): boolean {
  if (!Number.isFinite(timestampSec) || Math.abs(nowSec - timestampSec) > 300) return false;
  const expected = Buffer.from(signPayload(secret, timestampSec, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Records a delivery and a job to send it, in the caller's transaction. The idempotency
 * key makes a second request for the same action a no-op (exactly one rollback).
 */
export function enqueueWebhook(ctx: Ctx, release: Release, kind: WebhookKind, url: string, actor: string, reason: string | null): boolean {
  // One rollback per release ever; a deploy may legitimately repeat after a hold, so it counts.
  const previous = kind === "deploy" ? ctx.store.listDeliveries(release.id).filter((d) => d.kind === "deploy").length : 0;
  const idempotencyKey = kind === "rollback" ? `rollback:${release.id}` : `deploy:${release.id}:${previous + 1}`;
  const body = JSON.stringify({
    event: kind,
    idempotencyKey,
    release: { id: release.id, service: release.service, version: release.version, environment: release.environment },
    requestedBy: actor,
    reason,
    requestedAt: new Date(ctx.clock.now()).toISOString(),
  });
  const { delivery, created } = ctx.store.createDelivery({ releaseId: release.id, kind, idempotencyKey, url, body, createdAt: ctx.clock.now() });
  if (created) {
    ctx.store.upsertJob({ releaseId: release.id, kind: "webhook", key: `webhook:${delivery.id}`, dueAt: ctx.clock.now(), payload: { deliveryId: delivery.id } });
    ctx.effects.push({ type: "wake" });
  }
  return created;
}
