import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../app/ports.js";
import { scopeLabel, verifyWebToken } from "../app/web-link.js";
import type { WebConfig } from "../config.js";
import { readBody } from "../http/body.js";
import type { HttpServer } from "../http/server.js";
import { ASSETS } from "./assets.js";
import { authenticate, REFUSALS, sessionCookie } from "./auth.js";
import { constantMarkup, html } from "./html.js";
import { messagePage } from "./layout.js";
import { timeEl } from "./time.js";

/*
 * Signing in with a `/release web` link, without login CSRF. The link is a GET anyone can make
 * a browser open, and signing in replaces the session the browser had: another site's page
 * could sign a viewer in to a workspace of its choosing, whose releases they would then read
 * as their own. So a link opened from the chat app or typed (`Sec-Fetch-Site: none`, or a
 * client that sends no such header) signs in at once, as before; one another site's page sent
 * the browser to (Slack's and Discord's web clients too) shows whose view it opens and a button
 * (unless the browser is signed in to that same workspace already),
 * and that button's POST is taken only from the web view's own page (`Sec-Fetch-Site:
 * same-origin`, or an `Origin` that is GONOGO_PUBLIC_URL's). Nothing else in the web view
 * changes anything: every other request is a GET that reads.
 */

export interface LoginDeps {
  web: WebConfig;
  clock: Clock;
  /** Sends a page with the web view's headers (CSP, no-store, no-referrer, no framing). */
  sendPage: (res: ServerResponse, status: number, body: string, extra?: Record<string, string>) => void;
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Did another site's page send the browser here (a link, a redirect, a script)? */
function sentByAnotherSite(req: IncomingMessage): boolean {
  const site = header(req, "sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}

/** Was this POST sent by the web view's own page? A browser's form post always says where it came from. */
function postedByOwnPage(req: IncomingMessage, publicOrigin: string): boolean {
  const site = header(req, "sec-fetch-site");
  if (site !== undefined) return site === "same-origin";
  return header(req, "origin") === publicOrigin;
}

/** The page that asks before signing in: whose view it opens, until when, and one button. */
function confirmPage(token: string, label: string, expiresAt: number, zone: string): string {
  return html`${constantMarkup("<!doctype html>")}
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Open the web view · gonogo</title>
<link rel="icon" href="${ASSETS.icon.path}" type="image/svg+xml">
<link rel="stylesheet" href="${ASSETS.style.path}">
</head>
<body>
<main id="main"><h1>Open the web view of ${label}?</h1>
<p>This link from <code>/release web</code> signs this browser in to the read-only view of ${label}'s releases until ${timeEl(expiresAt, zone)}, in place of any view it had open.</p>
<form method="post" action="/web/login"><input type="hidden" name="t" value="${token}"><button type="submit">Open the web view</button></form>
<p class="muted">You see this because another site's page sent you here. If you did not ask for a link in chat, close this page.</p></main>
</body>
</html>
`.markup;
}

/** `GET /web/login?t=…` and `POST /web/login` (the confirming button). */
export function registerLoginRoutes(http: HttpServer, deps: LoginDeps, defaultZone: string): void {
  const { web, clock, sendPage } = deps;
  const secure = web.publicUrl.startsWith("https:");
  const publicOrigin = new URL(web.publicUrl).origin;

  /** Checks the token; signs in (303 to the releases) or sends the refusal. */
  function signIn(res: ServerResponse, token: string): void {
    const now = clock.now();
    const check = verifyWebToken(web.secret, token, now);
    if (!check.ok) {
      const refusal = REFUSALS[check.problem];
      return sendPage(res, 401, messagePage(refusal.title, refusal.message, "Nothing was shown and nothing changed."));
    }
    // The token moves to a cookie and out of the address bar before anything is shown.
    res.writeHead(303, { location: "/web/", "set-cookie": sessionCookie(token, check.expiresAt, now, secure), "cache-control": "no-store", "referrer-policy": "no-referrer" }).end();
  }

  http.route("GET", "/web/login", (req, res) => {
    const token = new URL(req.url ?? "/", "http://localhost").searchParams.get("t") ?? "";
    if (!sentByAnotherSite(req)) return signIn(res, token);
    const check = verifyWebToken(web.secret, token, clock.now());
    if (!check.ok) return signIn(res, token);
    // Already signed in to the same workspace (a link clicked again in Slack's web client): nothing
    // another site could change by it but the session's end, so it does not ask again.
    const current = authenticate(req, web, clock.now());
    if (current.ok && current.scope.kind === "workspace" && current.scope.platform === check.scope.platform && current.scope.scope === check.scope.scope) return signIn(res, token);
    sendPage(res, 200, confirmPage(token, scopeLabel(check.scope), check.expiresAt, defaultZone));
  });

  http.route("POST", "/web/login", async (req, res) => {
    if (!postedByOwnPage(req, publicOrigin)) {
      req.resume();
      return sendPage(res, 403, messagePage("Not signed in", "This sign-in was not sent from the web view's own page, so nothing changed.", "Type /release web in a channel for a link of your own."));
    }
    const body = await readBody(req);
    signIn(res, new URLSearchParams(body ?? "").get("t") ?? "");
  });
}
