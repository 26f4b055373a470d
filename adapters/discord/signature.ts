import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * Discord signs every request to the Interactions Endpoint URL with the application's
 * Ed25519 key: `X-Signature-Ed25519` (hex) over `X-Signature-Timestamp` + the raw body.
 * Node's crypto verifies Ed25519 itself, so no library is needed. Discord also sends
 * requests with bad signatures now and then, and removes the URL of an app that does not
 * answer them with 401.
 */

/** A signed request older or newer than this is refused, so a captured one cannot be replayed later. */
const SIGNATURE_WINDOW_S = 5 * 60;

/** The application's public key (64 hex characters, General Information → Public Key) as a key object. */
export function discordPublicKey(hex: string): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(hex, "hex").toString("base64url") }, format: "jwk" });
}

export type SignatureVerdict = { ok: true } | { ok: false; problem: string };

/** Checks one request's signature and timestamp; `nowSec` is the server's clock in Unix seconds. */
export function verifyInteractionSignature(key: KeyObject, headers: IncomingHttpHeaders, body: Buffer, nowSec: number): SignatureVerdict {
  const signature = headers["x-signature-ed25519"];
  const timestamp = headers["x-signature-timestamp"];
  if (typeof signature !== "string" || typeof timestamp !== "string") return { ok: false, problem: "missing X-Signature-Ed25519 or X-Signature-Timestamp" };
  if (!/^[0-9a-fA-F]{128}$/.test(signature)) return { ok: false, problem: "X-Signature-Ed25519 is not 64 bytes of hex" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, problem: "X-Signature-Timestamp is not Unix seconds" };
  if (Math.abs(nowSec - Number(timestamp)) > SIGNATURE_WINDOW_S) return { ok: false, problem: "X-Signature-Timestamp is more than 5 minutes from now" };
  const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), body]);
  return verify(null, signed, key, Buffer.from(signature, "hex")) ? { ok: true } : { ok: false, problem: "signature does not match the body" };
}
