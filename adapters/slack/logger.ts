import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../../src/app/ports.js";

const ORDER = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
/** What @slack/web-api logs at warn for each failed attempt of a request (WebClient.makeRequest). */
const RETRIED_ATTEMPT = "http request failed";
/** What @slack/socket-mode logs at error for each failed apps.connections.open (SocketModeClient.retrieveWSSURL): a try gonogo makes again. */
const FAILED_SOCKET_TRY = "Failed to retrieve a new WSS URL";
/** Anything that looks like a Slack token or a bearer header, in case a library message ever carries one. */
const SECRET = /\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)|(Bearer\s+)\S+/g;

/** Turns Bolt/WebClient log arguments into one line, with anything token-shaped blanked out. */
export function redactedMessage(args: unknown[]): string {
  return args
    .map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : safeJson(a)))
    .join(" ")
    .replace(SECRET, (_m, _token: string | undefined, bearer: string | undefined) => (bearer ? `${bearer}[redacted]` : "[redacted]"));
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/**
 * Bolt and WebClient log through this into gonogo's structured logger. Debug output
 * (which includes request bodies) is dropped; the rest is redacted on the way through.
 */
export function createBoltLogger(log: Logger, level: LogLevel = LogLevel.INFO): BoltLogger {
  let current = level;
  let name = "slack";
  const enabled = (l: LogLevel) => ORDER.indexOf(l) >= ORDER.indexOf(current);
  return {
    debug: () => undefined,
    info: (...args: unknown[]) => enabled(LogLevel.INFO) && log.info({ component: name }, redactedMessage(args)),
    // The web client warns at each failed attempt of a call it retries; whoever made the call logs
    // how it ended, once (an outage at start-up: one "Slack is unreachable" line, not three a minute).
    warn: (...args: unknown[]) => enabled(LogLevel.WARN) && args[0] !== RETRIED_ATTEMPT && log.warn({ component: name }, redactedMessage(args)),
    // Socket Mode's tries at a new socket likewise: gonogo logs the outage and the return (platform-connect.ts).
    error: (...args: unknown[]) => enabled(LogLevel.ERROR) && !(typeof args[0] === "string" && args[0].startsWith(FAILED_SOCKET_TRY)) && log.error({ component: name }, redactedMessage(args)),
    setLevel: (l: LogLevel) => void (current = l),
    getLevel: () => current,
    setName: (n: string) => void (name = n),
  };
}

/** The fields of a Slack API error worth logging: never the request, never a token. */
export function describeSlackError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: redactedMessage([err]) };
  const e = err as Error & { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; retryAfter?: unknown };
  return {
    error: redactedMessage([e.message]),
    ...(typeof e.code === "string" ? { code: e.code } : {}),
    ...(e.data && typeof e.data.error === "string" ? { slackError: e.data.error } : {}),
    ...(typeof e.statusCode === "number" ? { status: e.statusCode } : {}),
  };
}
