import { createHmac, timingSafeEqual } from "node:crypto";

/** The signature scheme of gonogo's webhooks, out (deliveries) and in (hooks). */

export const SIGNATURE_HEADER = "X-Gonogo-Signature";
export const TIMESTAMP_HEADER = "X-Gonogo-Timestamp";
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

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
