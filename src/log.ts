import type { Logger } from "./app/ports.js";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

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
export function scrub(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const s of extraSecrets) if (s.length >= 6) out = out.split(s).join("[redacted]");
  for (const [re, rep] of SECRET_TEXT) out = out.replace(re, rep);
  return out;
}

function clean(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return scrub(value, secrets);
  if (value instanceof Error) return scrub(`${value.name}: ${value.message}`, secrets);
  if (!value || typeof value !== "object" || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : clean(v, secrets, depth + 1);
  return out;
}

/**
 * JSON lines on stderr (stdout belongs to the terminal adapter). Known secrets from the
 * configuration are removed from every line, as are token shapes and secret-named keys.
 */
export function createLogger(level: LogLevel, secrets: readonly string[] = [], write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = LEVELS[level];
  const emit = (lvl: "info" | "warn" | "error", obj: Record<string, unknown>, msg: string) => {
    if (LEVELS[lvl] < min) return;
    write(`${JSON.stringify({ level: lvl, time: new Date().toISOString(), msg: scrub(msg, secrets), ...(clean(obj, secrets) as Record<string, unknown>) })}\n`);
  };
  return {
    info: (obj, msg) => emit("info", obj, msg),
    warn: (obj, msg) => emit("warn", obj, msg),
    error: (obj, msg) => emit("error", obj, msg),
  };
}
