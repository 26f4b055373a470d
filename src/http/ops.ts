import { timingSafeEqual } from "node:crypto";
import type { Registry } from "prom-client";
import type { Bot } from "../app/bot-api.js";
import { ENVIRONMENT } from "../domain/command-fields.js";
import { sendJson } from "./body.js";
import type { HttpServer } from "./server.js";

export interface Readiness {
  /** Started and its database open: the process is alive (a database that stops answering does not make it so). */
  alive(): boolean;
  /**
   * What the requests a balancer routes here need, by name: the database answering now, and each
   * platform whose events arrive over this HTTP server (Slack's HTTP mode, Discord's interactions
   * endpoint) able to take them. Any false makes `/readyz` 503.
   */
  checks(): Promise<Record<string, boolean>>;
  /**
   * Platforms on a connection of their own (Discord's gateway, Slack's Socket Mode), connected or
   * not: shown, but never making the instance unready. No balancer routes their events, so leaving
   * the pool would only cut off the platforms that still work, and a restart would not bring them back.
   */
  connections?(): Record<string, boolean>;
  /** True from the moment a shutdown begins (SIGTERM): not ready, whatever the checks say, so a balancer sends new work elsewhere. */
  stopping?(): boolean;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, "") ?? "");
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** `/healthz` (alive), `/readyz` (ready to serve), `/metrics` (Prometheus) and `/api/stats` (JSON, bearer token). */
export function registerOpsRoutes(http: HttpServer, opts: { bot: Bot; registry: Registry; readiness: Readiness; apiToken: string | undefined; metricsToken?: string | undefined }): void {
  const { bot, registry, readiness } = opts;
  // Alive and serving: the database is open and start-up has finished (Slack's health checks use this).
  http.route("GET", "/healthz", (_req, res) => {
    const ok = readiness.alive();
    sendJson(res, ok ? 200 : 503, { ok });
  });
  http.route("GET", "/readyz", async (_req, res) => {
    const checks = await readiness.checks();
    const connections = readiness.connections?.() ?? {};
    const shown = Object.keys(connections).length > 0 ? { checks, connections } : { checks };
    if (readiness.stopping?.()) return sendJson(res, 503, { ready: false, stopping: true, ...shown });
    const ready = Object.values(checks).every(Boolean);
    sendJson(res, ready ? 200 : 503, { ready, ...shown });
  });
  http.route("GET", "/metrics", async (req, res) => {
    // Prometheus sends it with `authorization: { credentials: … }` (or `bearer_token`) in its scrape config.
    if (opts.metricsToken && !bearerMatches(req.headers.authorization, opts.metricsToken)) return sendJson(res, 401, { error: "send Authorization: Bearer <GONOGO_METRICS_TOKEN>" });
    const text = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType }).end(text);
  });
  http.route("GET", "/api/stats", async (req, res) => {
    if (!opts.apiToken) return sendJson(res, 503, { error: "the stats API is off: set GONOGO_API_TOKEN on the gonogo server" });
    if (!bearerMatches(req.headers.authorization, opts.apiToken)) return sendJson(res, 401, { error: "send Authorization: Bearer <GONOGO_API_TOKEN>" });
    const url = new URL(req.url ?? "/", "http://localhost");
    const days = Number(url.searchParams.get("days") ?? 30);
    // As chat reads them: in any case, and empty means every service or environment.
    const service = url.searchParams.get("service")?.trim().toLowerCase() || null;
    const environment = url.searchParams.get("environment")?.trim().toLowerCase() || null;
    if (!Number.isInteger(days) || days < 1 || days > 3650) return sendJson(res, 400, { error: "days must be a whole number from 1 to 3650" });
    if (environment !== null && !ENVIRONMENT.test(environment)) return sendJson(res, 400, { error: "environment must be one word such as production or staging (leave it out for every environment)" });
    sendJson(res, 200, await bot.stats({ service, days, environment }));
  });
}
