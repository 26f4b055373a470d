import type { Bot } from "../app/bot-api.js";
import type { Clock, Logger } from "../app/ports.js";
import { alertSchema, deployReportSchema } from "../app/use-cases/hooks.js";
import { verifySignature } from "../app/webhooks.js";
import { readBody, sendJson } from "./body.js";
import type { HttpServer } from "./server.js";

/**
 * `POST /hooks/deploy` and `POST /hooks/alert`: the pipeline and monitoring talk to
 * gonogo with the same signature scheme gonogo uses for its own webhooks.
 */
export function registerHookRoutes(http: HttpServer, opts: { bot: Bot; secret: string | undefined; log: Logger; /** The 5-minute signature window is measured on it. */ clock: Clock }): void {
  const { bot, secret, log, clock } = opts;
  for (const kind of ["deploy", "alert"] as const) {
    http.route("POST", `/hooks/${kind}`, async (req, res) => {
      if (!secret) return sendJson(res, 503, { error: "inbound hooks are off: set WEBHOOK_SECRET on the gonogo server and sign requests with it" });
      const body = await readBody(req);
      if (body === null) return sendJson(res, 413, { error: "body over 64 KiB" });
      const ts = Number(req.headers["x-gonogo-timestamp"]);
      const signature = String(req.headers["x-gonogo-signature"] ?? "");
      if (!signature || !req.headers["x-gonogo-timestamp"]) {
        return sendJson(res, 401, { error: "missing X-Gonogo-Timestamp or X-Gonogo-Signature; sign as the README's 'Hooks gonogo receives' shows" });
      }
      if (!verifySignature(secret, ts, body, signature, Math.floor(clock.now() / 1000))) {
        log.warn({ kind, ip: req.socket.remoteAddress }, "rejected an inbound hook with a bad or stale signature");
        return sendJson(res, 401, { error: "signature does not match, or the timestamp is more than 5 minutes from now" });
      }
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return sendJson(res, 400, { error: "body is not JSON" });
      }
      const parsed = kind === "deploy" ? deployReportSchema.safeParse(json) : alertSchema.safeParse(json);
      if (!parsed.success) {
        return sendJson(res, 400, { error: "invalid body", issues: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`) });
      }
      const outcome =
        kind === "deploy"
          ? await bot.handleHook({ kind, report: deployReportSchema.parse(json), signature })
          : await bot.handleHook({ kind, report: alertSchema.parse(json), signature });
      sendJson(res, outcome.status, outcome.body);
    });
  }
}
