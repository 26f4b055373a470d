import type { IncomingMessage, ServerResponse } from "node:http";
import type { Bot } from "../app/bot-api.js";
import type { Clock, Logger, Timer } from "../app/ports.js";
import { scopeLabel, type WebScope } from "../app/web-link.js";
import type { WebConfig } from "../config.js";
import { ENVIRONMENT, SERVICE } from "../domain/command-fields.js";
import { isValidTimeZone } from "../domain/policy.js";
import type { WebAuditCheck } from "../app/web-views.js";
import type { HttpServer } from "../http/server.js";
import { ASSETS } from "./assets.js";
import { authenticate, cookiesOf, REFUSALS, ZONE_COOKIE } from "./auth.js";
import { messagePage } from "./layout.js";
import { openLiveStream } from "./live.js";
import { registerLoginRoutes } from "./login.js";
import { numbersPage } from "./pages/numbers-page.js";
import { releasePage } from "./pages/release-page.js";
import { releasesPage } from "./pages/releases-page.js";

export interface WebRoutesDeps {
  bot: Bot;
  web: WebConfig;
  /** GONOGO_TIMEZONE: times are written in it until the browser says its own zone. */
  defaultZone: string;
  clock: Clock;
  timer: Timer;
  log: Logger;
}

/**
 * The strictest policy the pages work under: script, style and images only from this
 * origin (one script file, one stylesheet, the icon), no inline anything, no framing, forms
 * post only here. User text is escaped by the templates; this is the second wall.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  // Pages show one workspace's releases to one viewer: never keep them in a shared cache.
  "cache-control": "no-store",
};

function sendPage(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...PAGE_HEADERS, ...extra }).end(body);
}

function urlOf(req: IncomingMessage): URL {
  return new URL(req.url ?? "/", "http://localhost");
}

/** Days the numbers page may look back: as `/release stats` allows. */
/** The window asked for, or 30 days with the reason when the address asks for one that is not a window. */
function daysOf(text: string | null): { days: number; problem: string | null } {
  if (text === null || text === "") return { days: 30, problem: null };
  const n = /^[0-9]{1,4}$/.test(text) ? Number(text) : NaN;
  if (n >= 1 && n <= 3650) return { days: n, problem: null };
  return { days: 30, problem: `“${text}” is not a window of 1 to 3650 days: showing the last 30 days.` };
}

/**
 * The read-only web view on the one HTTP server: `/web/` (releases), `/web/release?id=R-1`,
 * `/web/numbers`, `/web/events` (live refresh), `/web/login` (a `/release web` link: login.ts), and
 * the static script, stylesheet and icon. Registered only when GONOGO_PUBLIC_URL is set.
 */
/** How long the numbers page shows an audit chain check before walking the chain again. */
const AUDIT_CHECK_REUSE_MS = 60_000;
/**
 * How long an open Numbers page gathers changes before it refreshes: its figures move on a ship
 * or a rollback, and each refresh computes the stats inside the transaction votes wait for, so a
 * vote storm refreshes it every 10 s, not four times a second as a release page is.
 */
const NUMBERS_GATHER_MS = 10_000;

export function registerWebRoutes(http: HttpServer, deps: WebRoutesDeps): void {
  const { bot, web, clock, timer, log } = deps;
  /** The numbers page's last audit chain check, shown again for a minute. */
  let auditCheck: { at: number; check: WebAuditCheck } | null = null;

  /** The viewer's scope, or a 401 page already sent. */
  function viewer(req: IncomingMessage, res: ServerResponse): WebScope | null {
    return signedIn(req, res)?.scope ?? null;
  }

  /** The viewer's scope and when their sign-in ends, or a 401 page already sent. */
  function signedIn(req: IncomingMessage, res: ServerResponse): { scope: WebScope; until: number | null } | null {
    const auth = authenticate(req, web, clock.now());
    if (auth.ok) return auth;
    const refusal = REFUSALS[auth.why];
    sendPage(res, 401, messagePage(refusal.title, refusal.message, "Operators may send Authorization: Bearer <GONOGO_WEB_TOKEN> instead."), { "www-authenticate": 'Bearer realm="gonogo web view"' });
    return null;
  }

  /** The zone the browser told us (a cookie its script sets), else the configured one. */
  function zoneOf(req: IncomingMessage): string {
    const asked = cookiesOf(req).get(ZONE_COOKIE);
    return asked && isValidTimeZone(asked) ? asked : deps.defaultZone;
  }

  for (const asset of Object.values(ASSETS)) {
    http.route("GET", asset.path, (_req, res) => {
      // The path carries the content's hash, so the file never changes under it.
      res.writeHead(200, { "content-type": asset.contentType, "cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff" }).end(asset.body);
    });
  }

  registerLoginRoutes(http, { web, clock, sendPage }, deps.defaultZone);

  const releases = async (req: IncomingMessage, res: ServerResponse) => {
    const scope = viewer(req, res);
    if (!scope) return;
    const calendar = await bot.webRead({ kind: "web_calendar", scope, zone: zoneOf(req), channel: urlOf(req).searchParams.get("channel") || null });
    sendPage(res, 200, releasesPage(calendar, scopeLabel(scope)));
  };
  http.route("GET", "/web", releases);
  http.route("GET", "/web/", releases);
  // A mistyped page gets a page, not the API's JSON.
  http.notFound("/web/", (req, res) => {
    sendPage(res, 404, messagePage("No such page", `The web view has no page ${urlOf(req).pathname}.`, "The releases page, /web/, links to everything it shows."));
  });

  http.route("GET", "/web/release", async (req, res) => {
    const scope = viewer(req, res);
    if (!scope) return;
    // `12` means R-12, as in chat.
    const asked = (urlOf(req).searchParams.get("id") ?? "").trim().toUpperCase();
    const id = /^[0-9]{1,9}$/.test(asked) ? `R-${asked}` : asked;
    const view = /^R-[0-9]{1,9}$/.test(id) ? await bot.webRead({ kind: "web_release", scope, id }) : null;
    // Another workspace's release is as unknown here as one that does not exist.
    if (!view) return sendPage(res, 404, messagePage("No such release", `There is no release ${id || "(none named)"} in ${scopeLabel(scope)}.`, "The releases page lists every release you can see."));
    sendPage(res, 200, releasePage(view, scopeLabel(scope), zoneOf(req), clock.now()));
  });

  http.route("GET", "/web/numbers", async (req, res) => {
    const scope = viewer(req, res);
    if (!scope) return;
    const params = urlOf(req).searchParams;
    // Names are kept in lower case, as chat reads them: `PAYMENTS` is payments.
    const service = params.get("service")?.trim().toLowerCase();
    const environment = params.get("environment")?.trim().toLowerCase();
    const window = daysOf(params.get("days"));
    // Walking the whole audit chain takes about a second of CPU per 100,000 events (beside the
    // writer, from a snapshot, so votes do not wait for it): one check a minute serves every page load.
    const checkAudit = auditCheck === null || clock.now() - auditCheck.at >= AUDIT_CHECK_REUSE_MS;
    const numbers = await bot.webRead({
      kind: "web_numbers",
      scope,
      service: service && SERVICE.test(service) ? service : null,
      environment: environment && ENVIRONMENT.test(environment) ? environment : null,
      days: window.days,
      checkAudit,
    });
    if (numbers.audit) auditCheck = { at: clock.now(), check: numbers.audit };
    sendPage(res, 200, numbersPage({ ...numbers, audit: numbers.audit ?? auditCheck!.check }, scopeLabel(scope), zoneOf(req), window.problem));
  });

  http.route("GET", "/web/events", async (req, res) => {
    const viewing = signedIn(req, res);
    if (!viewing) return;
    const { scope, until } = viewing;
    const only = urlOf(req).searchParams.get("release")?.toUpperCase() ?? null;
    if (only !== null && (!/^R-[0-9]{1,9}$/.test(only) || !(await bot.webRead({ kind: "web_owned", scope, ids: [only] })).length)) {
      return sendPage(res, 404, messagePage("No such release", "There is no such release to follow.", ""));
    }
    openLiveStream({
      res,
      timer,
      gatherMs: urlOf(req).searchParams.get("for") === "numbers" ? NUMBERS_GATHER_MS : undefined,
      // A stream outlives no sign-in: the browser's reconnect then meets the 401 that says the link expired.
      endsInMs: until === null ? undefined : Math.max(0, until - clock.now()),
      subscribe: (listener) => bot.onReleaseChanged(listener),
      visible: async (ids) => (only ? ids.filter((id) => id === only) : await bot.webRead({ kind: "web_owned", scope, ids })),
      onError: (err) => log.warn({ err: String(err) }, "web: a live page's update failed"),
    });
  });
}
