import { pino } from "pino";
import { describe, type Logger } from "./app/ports.js";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Keys whose values are never written, whatever they hold. */
const SECRET_KEY = /token|secret|password|authorization|signature|response_url/i;
/** Token shapes scrubbed from any string: Slack tokens, Discord interaction/webhook URLs, bearer values. */
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/xox[abposr]-[A-Za-z0-9-]+/g, "xox?-[redacted]"],
  [/xapp-[A-Za-z0-9-]+/g, "xapp-[redacted]"],
  [/(\/interactions\/\d+\/)[^/\s"']+/g, "$1[redacted]"],
  [/(\/webhooks\/\d+\/)[^/\s"'?]+/g, "$1[redacted]"],
  [/(hooks\.slack\.com\/(?:actions|commands|services)\/)[^\s"']+/g, "$1[redacted]"],
  [/(Bot|Bearer) [A-Za-z0-9._-]{20,}/g, "$1 [redacted]"],
];

/** Removes secrets from text; exported so adapters can scrub library errors too. */
function scrub(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const s of extraSecrets) if (s.length >= 6) out = out.split(s).join("[redacted]");
  for (const [re, rep] of SECRET_TEXT) out = out.replace(re, rep);
  return out;
}

function clean(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return scrub(value, secrets);
  if (value instanceof Error) return scrub(describe(value), secrets);
  if (!value || typeof value !== "object" || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : clean(v, secrets, depth + 1);
  return out;
}

/**
 * Structured JSON logs through pino, on stderr (stdout belongs to the terminal adapter).
 * Secret-named keys are censored by pino's redaction; known secret values from the
 * configuration and token shapes (Slack tokens, Discord interaction/webhook URLs, Slack
 * response_urls) are scrubbed from every string before the line is written.
 */
export function createLogger(level: LogLevel, secrets: readonly string[] = [], write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const logger = pino(
    {
      level,
      base: undefined,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (obj) => clean(obj, secrets) as Record<string, unknown> },
      redact: { paths: ["token", "*.token", "headers.authorization", "*.headers.authorization", "response_url", "*.response_url"], censor: "[redacted]" },
    },
    { write },
  );
  return {
    info: (obj, msg) => logger.info(obj, scrub(msg, secrets)),
    warn: (obj, msg) => logger.warn(obj, scrub(msg, secrets)),
    error: (obj, msg) => logger.error(obj, scrub(msg, secrets)),
  };
}
