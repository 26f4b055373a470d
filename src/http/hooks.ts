import type { Bot } from "../app/bot-api.js";
import type { Clock, Logger } from "../app/ports.js";
import { alertSchema, checkReportSchema, deployReportSchema } from "../app/use-cases/hooks.js";
import { verifyInboundHook } from "../app/webhook-signature.js";
import { readBody, sendJson } from "./body.js";
import type { HttpServer } from "./server.js";

/**
 * `POST /hooks/deploy`, `POST /hooks/alert` and `POST /hooks/check` (a readiness criterion
 * from CI): the pipeline and monitoring talk to
 * gonogo signed per Standard Webhooks, as gonogo signs its own webhooks (or, deprecated,
 * with the `X-Gonogo-*` headers).
 */
export function registerHookRoutes(http: HttpServer, opts: { bot: Bot; secret: string | undefined; log: Logger; /** The 5-minute signature window is measured on it. */ clock: Clock }): void {
  const { bot, secret, log, clock } = opts;
  const schemas = { deploy: deployReportSchema, alert: alertSchema, check: checkReportSchema } as const;
  for (const kind of ["deploy", "alert", "check"] as const) {
    http.route("POST", `/hooks/${kind}`, async (req, res) => {
      if (!secret) return sendJson(res, 503, { error: "inbound hooks are off: set WEBHOOK_SECRET on the gonogo server and sign requests with it" });
      const body = await readBody(req);
      if (body === null) return sendJson(res, 413, { error: "body over 64 KiB" });
      const verdict = verifyInboundHook(secret, req.headers, body, Math.floor(clock.now() / 1000));
      if (!verdict.ok) {
        log.warn({ kind, ip: req.socket.remoteAddress, problem: verdict.error }, "rejected an inbound hook with a missing, bad or stale signature");
        return sendJson(res, 401, { error: verdict.error });
      }
      if (verdict.scheme === "legacy") log.warn({ kind, ip: req.socket.remoteAddress }, "accepted an inbound hook signed with the deprecated X-Gonogo-* headers; move the sender to webhook-signature");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return sendJson(res, 400, { error: "body is not JSON" });
      }
      const parsed = schemas[kind].safeParse(json);
      if (!parsed.success) {
        return sendJson(res, 400, { error: "invalid body", issues: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`) });
      }
      // The core records the replay key (HookEvent's `signature`) with the change, so a replay applies nothing.
      const signature = verdict.replayKey;
      const outcome =
        kind === "deploy"
          ? await bot.handleHook({ kind, report: deployReportSchema.parse(json), signature })
          : kind === "alert"
            ? await bot.handleHook({ kind, report: alertSchema.parse(json), signature })
            : await bot.handleHook({ kind, report: checkReportSchema.parse(json), signature });
      sendJson(res, outcome.status, outcome.body);
    });
  }
}
