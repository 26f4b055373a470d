import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { verifyWebToken, type WebScope } from "../app/web-link.js";
import type { WebConfig } from "../config.js";

/*
 * Who is looking. A `/release web` link (`/web/login?t=<token>`) is checked once and its
 * token kept in an HttpOnly cookie until it expires, so the token leaves the address bar
 * (and browser history) at once; an operator sends `Authorization: Bearer GONOGO_WEB_TOKEN`
 * and sees every workspace. Anything else is a 401 that says how to get in.
 */

const SESSION_COOKIE = "gonogo_web";
export const ZONE_COOKIE = "gonogo_tz";

/** A viewer's scope, and when their sign-in ends (null: the operator's bearer token, which does not). */
export type Authentication = { ok: true; scope: WebScope; until: number | null } | { ok: false; why: "none" | "forged" | "expired" };

/** The cookies of a request, by name (the last one wins). */
export function cookiesOf(req: IncomingMessage): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const value = part.slice(eq + 1).trim();
    try {
      jar.set(part.slice(0, eq).trim(), decodeURIComponent(value));
    } catch {
      // A cookie someone else set that is not ours to read.
    }
  }
  return jar;
}

function bearerIs(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Checks the operator's bearer token, then the session cookie, at `now`. */
export function authenticate(req: IncomingMessage, web: WebConfig, now: number): Authentication {
  if (web.token && bearerIs(req.headers.authorization, web.token)) return { ok: true, scope: { kind: "operator" }, until: null };
  const token = cookiesOf(req).get(SESSION_COOKIE);
  if (!token) return { ok: false, why: "none" };
  const check = verifyWebToken(web.secret, token, now);
  return check.ok ? { ok: true, scope: check.scope, until: check.expiresAt } : { ok: false, why: check.problem };
}

/** The Set-Cookie for a checked link: HttpOnly, only under /web, gone when the link expires. */
export function sessionCookie(token: string, expiresAt: number, now: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/web; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** What a refused viewer is told, by why. */
export const REFUSALS: Record<Exclude<Authentication, { ok: true }>["why"], { title: string; message: string }> = {
  none: { title: "Sign in with a link", message: "This page needs a link from gonogo: type /release web in a channel to get one." },
  forged: { title: "This link is not valid", message: "The link was changed or was not made by this gonogo. Type /release web in a channel for a new one." },
  expired: { title: "This link has expired", message: "Links from /release web work for a limited time. Type /release web in a channel for a new one." },
};
