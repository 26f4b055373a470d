import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * gonogo signs its webhooks, and checks the hooks it receives, per the Standard Webhooks
 * specification (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, so a receiver
 * can use the `standardwebhooks` library. The `X-Gonogo-*` headers are the scheme before
 * it, sent and accepted alongside for one release (deprecated).
 */
const STANDARD_HEADERS = { id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature" } as const;
/** @deprecated `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`; use `webhook-signature`. */
const SIGNATURE_HEADER = "X-Gonogo-Signature";
/** @deprecated use `webhook-timestamp`. */
const TIMESTAMP_HEADER = "X-Gonogo-Timestamp";
/** @deprecated use `webhook-id`, which carries the same key. */
const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** How far a signature's timestamp may be from now, either way (the specification's and the library's 5 minutes). */
const TOLERANCE_SEC = 300;

const WHSEC_PREFIX = "whsec_";
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** What is wrong with a `WEBHOOK_SECRET`, or null. Only `whsec_` secrets have a form to get wrong. */
export function webhookSecretProblem(secret: string): string | null {
  // A plain secret is the HMAC key as it is: a short one can be guessed offline from one signed call.
  if (!secret.startsWith(WHSEC_PREFIX)) return secret.length >= 16 ? null : `expected at least 16 characters (it has ${secret.length}), or better whsec_ followed by the base64 of 24 to 64 random bytes; make one with: node -e "console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))"`;
  const encoded = secret.slice(WHSEC_PREFIX.length);
  const bytes = CANONICAL_BASE64.test(encoded) ? Buffer.from(encoded, "base64").length : 0;
  if (bytes >= 24 && bytes <= 64) return null;
  return "expected whsec_ followed by the base64 of 24 to 64 random bytes (Standard Webhooks); make one with: node -e \"console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))\"";
}

/**
 * The HMAC key a `WEBHOOK_SECRET` stands for, in both schemes: `whsec_<base64>` is the decoded
 * bytes, as the specification says; any other secret (the form before `whsec_`) is its UTF-8 bytes.
 */
function signingKey(secret: string): Buffer {
  return secret.startsWith(WHSEC_PREFIX) ? Buffer.from(secret.slice(WHSEC_PREFIX.length), "base64") : Buffer.from(secret, "utf8");
}

/** `v1,<base64>`: the Standard Webhooks signature of one message. */
function standardSignature(key: Buffer, id: string, timestampSec: number, body: string): string {
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSec}.${body}`).digest("base64")}`;
}

/** @deprecated `v1=<hex>` HMAC-SHA256 over `<timestamp>.<body>`, with the timestamp in seconds. */
function legacySignature(key: Buffer, timestampSec: number, body: string): string {
  return `v1=${createHmac("sha256", key).update(`${timestampSec}.${body}`).digest("hex")}`;
}

/**
 * Every header of one webhook attempt. `id` is the delivery's idempotency key: the same on
 * every retry (the specification's `webhook-id`), while the timestamp is the attempt's own.
 */
export function webhookHeaders(secret: string, id: string, body: string, nowMs: number): Record<string, string> {
  const key = signingKey(secret);
  const ts = Math.floor(nowMs / 1000);
  return {
    "content-type": "application/json",
    "user-agent": "gonogo",
    [STANDARD_HEADERS.id]: id,
    [STANDARD_HEADERS.timestamp]: String(ts),
    [STANDARD_HEADERS.signature]: standardSignature(key, id, ts, body),
    // Deprecated: kept for one release so receivers that check them keep working.
    [TIMESTAMP_HEADER]: String(ts),
    [SIGNATURE_HEADER]: legacySignature(key, ts, body),
    [IDEMPOTENCY_HEADER]: id,
  };
}

/** A checked inbound hook: the key that makes a replay a no-op, or why it is refused (401). */
export type HookVerdict = { ok: true; scheme: "standard" | "legacy"; replayKey: string } | { ok: false; error: string };

const SIGN_HOW = "sign as the README's 'Hooks gonogo receives' shows";

/**
 * Checks an inbound hook's signature. A request with any `webhook-*` header is held to the
 * Standard Webhooks scheme alone; one without is checked against the deprecated `X-Gonogo-*` one.
 */
export function verifyInboundHook(secret: string, headers: IncomingHttpHeaders, body: string, nowSec: number): HookVerdict {
  const header = (name: string) => {
    const v = headers[name.toLowerCase()];
    return (Array.isArray(v) ? v.join(" ") : v)?.trim() ?? "";
  };
  const key = signingKey(secret);
  const standard = { id: header(STANDARD_HEADERS.id), timestamp: header(STANDARD_HEADERS.timestamp), signature: header(STANDARD_HEADERS.signature) };
  if (standard.id || standard.timestamp || standard.signature) {
    const missing = Object.entries(STANDARD_HEADERS).filter(([field]) => !standard[field as keyof typeof standard]).map(([, name]) => name);
    if (missing.length) return { ok: false, error: `missing ${missing.join(" and ")} header${missing.length > 1 ? "s" : ""}; a Standard Webhooks request carries webhook-id, webhook-timestamp and webhook-signature (${SIGN_HOW})` };
    const stale = timestampProblem(standard.timestamp, "webhook-timestamp", nowSec);
    if (stale) return { ok: false, error: stale };
    const expected = Buffer.from(standardSignature(key, standard.id, Number(standard.timestamp), body));
    // Several signatures, space-separated, while a sender rotates its secret: one match is enough.
    const given = standard.signature.split(" ").filter(Boolean);
    if (!given.some((s) => s.startsWith("v1,"))) {
      return { ok: false, error: "webhook-signature has no v1 signature: gonogo checks `v1,<base64 HMAC-SHA256>` signatures made with WEBHOOK_SECRET" };
    }
    if (!given.some((s) => constantTimeEqual(Buffer.from(s), expected))) {
      return { ok: false, error: `webhook-signature does not match: sign "<webhook-id>.<webhook-timestamp>.<body>" with the same WEBHOOK_SECRET as the gonogo server (${SIGN_HOW})` };
    }
    return { ok: true, scheme: "standard", replayKey: `webhook-id ${standard.id}` };
  }
  const legacy = { timestamp: header(TIMESTAMP_HEADER), signature: header(SIGNATURE_HEADER) };
  if (!legacy.timestamp || !legacy.signature) {
    return { ok: false, error: `missing signature headers: send webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks; ${SIGN_HOW})` };
  }
  const stale = timestampProblem(legacy.timestamp, TIMESTAMP_HEADER, nowSec);
  if (stale) return { ok: false, error: stale };
  if (!constantTimeEqual(Buffer.from(legacy.signature), Buffer.from(legacySignature(key, Number(legacy.timestamp), body)))) {
    return { ok: false, error: `${SIGNATURE_HEADER} does not match (that scheme is deprecated: switch to webhook-signature; ${SIGN_HOW})` };
  }
  // The signature itself is the replay key, as it was before webhook-id existed.
  return { ok: true, scheme: "legacy", replayKey: legacy.signature };
}

function timestampProblem(value: string, name: string, nowSec: number): string | null {
  if (!/^\d{1,12}$/.test(value)) return `${name} must be the time of sending in whole unix seconds, such as ${nowSec}`;
  const skew = Number(value) - nowSec;
  if (Math.abs(skew) <= TOLERANCE_SEC) return null;
  const when = skew < 0 ? `${-skew} s old` : `${skew} s in the future`;
  return `${name} is ${when}; gonogo accepts ${TOLERANCE_SEC / 60} minutes either way: sign each attempt with the current time, and check the sender's clock`;
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
