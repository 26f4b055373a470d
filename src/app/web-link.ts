import { createHmac, timingSafeEqual } from "node:crypto";
import { parseChannelKey } from "../domain/identity.js";
import type { Asker } from "../domain/places.js";
import type { ChannelRef, Release } from "../domain/types.js";

/*
 * The web view's sign-in links. `/release web` signs a token naming the workspace or server
 * it was typed in and when it stops working; the web view checks the signature and the time
 * before it shows anything. No accounts of our own: whoever holds an unexpired link sees that
 * workspace's releases, the way whoever holds the chat sees them.
 */

/**
 * What a viewer may see: one Slack workspace / Discord server / terminal, or everything (an
 * operator's bearer token). `name` is only what the page calls it (as the platform named it when
 * the link was made); what may be seen is decided by `platform` and `scope` alone.
 */
export type WebScope = { kind: "workspace"; platform: string; scope: string; name?: string } | { kind: "operator" };

/** The scope a `/release web` typed in this channel signs for: the channel's own workspace or server. */
export function scopeOfChannel(channel: ChannelRef): WebScope | null {
  const place = parseChannelKey(channel.key);
  return place ? { kind: "workspace", platform: place.platform, scope: place.scope } : null;
}

/** Does the scope own the release's channel? Operators see every release. */
export function scopeOwns(scope: WebScope, release: Pick<Release, "channel">): boolean {
  return scopeOwnsChannel(scope, release.channel.key);
}

/** Is the channel with this stored key in the scope's workspace or server? Operators own every channel. */
export function scopeOwnsChannel(scope: WebScope, channelKey: string): boolean {
  if (scope.kind === "operator") return true;
  const place = parseChannelKey(channelKey);
  return place !== null && place.platform === scope.platform && place.scope === scope.scope;
}

/**
 * The scope as an asker of the one rule of who sees a release (context.ts `isSeenBy`): its
 * workspace or server as a whole, so a release shared into it is seen there as `/release list`
 * sees it. Null for an operator, who sees every release.
 */
export function askerOfScope(scope: WebScope): Asker | null {
  return scope.kind === "operator" ? null : { channelKey: null, place: { platform: scope.platform, scope: scope.scope }, linked: [] };
}

const PLACES: Record<string, string> = { slack: "Slack workspace", discord: "Discord server" };

/** What a scope is called on the page: `acme (Slack workspace)`, `the Discord server 1187…`, `the terminal`, `every workspace`. */
export function scopeLabel(scope: WebScope): string {
  if (scope.kind === "operator") return "every workspace (operator)";
  const place = PLACES[scope.platform];
  if (!place) return scope.platform === "terminal" ? "the terminal" : `${scope.platform} ${scope.scope}`;
  return scope.name ? `${scope.name} (${place})` : `the ${place} ${scope.scope}`;
}

/** A name longer than any workspace's or server's is not shown (Discord allows 100 characters, Slack's domains 21). */
const NAME_MAX = 100;

/** Versioned, so a later format never reads an older token the wrong way. */
const PREFIX = "gonogo-web-v1";

function mac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(`${PREFIX}.${payload}`).digest();
}

/** A token for one workspace that works until `expiresAt` (UTC ms): `<payload>.<signature>`, both base64url. */
export function signWebToken(secret: string, scope: Extract<WebScope, { kind: "workspace" }>, expiresAt: number): string {
  const named = scope.name && scope.name.length <= NAME_MAX ? { n: scope.name } : {};
  const payload = Buffer.from(JSON.stringify({ p: scope.platform, s: scope.scope, e: expiresAt, ...named })).toString("base64url");
  return `${payload}.${mac(secret, payload).toString("base64url")}`;
}

export type TokenCheck = { ok: true; scope: Extract<WebScope, { kind: "workspace" }>; expiresAt: number } | { ok: false; problem: "forged" | "expired" };

/** Checks a token's signature (in constant time) and then its expiry, at `now`. */
export function verifyWebToken(secret: string, token: string, now: number): TokenCheck {
  const [payload, signature, ...extra] = token.split(".");
  if (!payload || !signature || extra.length) return { ok: false, problem: "forged" };
  // Compared as text, so only the one canonical spelling of the signature is accepted.
  const given = Buffer.from(signature);
  const want = Buffer.from(mac(secret, payload).toString("base64url"));
  if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, problem: "forged" };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, problem: "forged" };
  }
  const { p, s, e, n } = (body ?? {}) as Record<string, unknown>;
  if (typeof p !== "string" || typeof s !== "string" || typeof e !== "number") return { ok: false, problem: "forged" };
  if (e <= now) return { ok: false, problem: "expired" };
  const name = typeof n === "string" && n.length <= NAME_MAX ? { name: n } : {};
  return { ok: true, scope: { kind: "workspace", platform: p, scope: s, ...name }, expiresAt: e };
}
