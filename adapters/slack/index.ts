import type { IncomingMessage } from "node:http";
import { App, HTTPReceiver, SocketModeReceiver, webApi } from "@slack/bolt";
import type { Bot } from "../../src/app/bot-api.js";
import { PlatformUnavailable, systemClock, systemTimer, type ChatSurface, type Clock, type Logger, type Timer } from "../../src/app/ports.js";
import type { Config } from "../../src/config.js";
import type { HttpServer } from "../../src/http/server.js";
import { createSlackIdentity } from "./identity.js";
import { registerListeners } from "./listeners.js";
import { createBoltLogger, describeSlackError, redactedMessage } from "./logger.js";
import { followSocket } from "./socket-state.js";
import { createSlackSurface } from "./surface.js";
import { readRawBody } from "../../src/http/body.js";

export type SlackConfig = NonNullable<Config["slack"]>;

export interface StartSlackOptions {
  bot: Bot;
  config: SlackConfig;
  /** The shared server on PORT; in HTTP mode `POST /slack/events` is registered on it. */
  http: HttpServer;
  log: Logger;
  /** Request-timestamp checks and the name/group caches read it; the system clock unless a test gives one. */
  clock?: Clock;
  /** The lookups' lull, spacing and budget wait on it; the system timer unless a test gives one. */
  timer?: Timer;
  /** Tuning for tests; production uses the defaults. */
  tuning?: { identityBudgetMs?: number; retryConfig?: webApi.RetryOptions };
}

export interface SlackHandle {
  mode: "http" | "socket";
  stop(): Promise<void>;
  /** Socket Mode: whether the socket is up now (false from a drop until Bolt has reconnected). */
  connected?(): boolean;
  /** Socket Mode: told each time the socket drops or is back. */
  onConnectionChange?(listener: (connected: boolean) => void): void;
  /** Socket Mode: one try at opening a new socket after a drop (gonogo retries; the client does not). Throws PlatformUnavailable when a later try may succeed. */
  reconnect?: (signal: AbortSignal) => Promise<void>;
}

export const SLACK_EVENTS_PATH = "/slack/events";

/**
 * A few quick retries instead of WebClient's default of ten over about 30 minutes: a
 * GO posted half an hour late is worse than a logged failure the core retries itself.
 * A 429's Retry-After is still honoured (rejectRateLimitedCalls stays false).
 */
const SLACK_RETRY: webApi.RetryOptions = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000, maxRetryTime: 8000 };

/** gonogo's Slack app before it connects: its card surface (for the composition root to attach) and how to start it. */
export interface SlackAdapter {
  surface: ChatSurface;
  /**
   * Connects: Socket Mode when an app token is set, otherwise HTTP mode on the shared server.
   * Throws PlatformUnavailable when Slack cannot be reached for now; it may be called again then.
   */
  start(): Promise<SlackHandle>;
}

/**
 * Builds gonogo's Slack app. The caller attaches `surface` to the bot before `start()`,
 * so the first event handled already finds Slack among the surfaces.
 */
export function createSlackAdapter(options: StartSlackOptions): SlackAdapter {
  const { config, log } = options;
  const retryConfig = options.tuning?.retryConfig ?? SLACK_RETRY;
  const logger = createBoltLogger(log);
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    retryConfig,
    rejectRateLimitedCalls: false,
    timeout: 10_000,
    logger,
  };
  // Card writes get their own client, so their queue (paused by a 429) never delays
  // views.open, whose trigger_id expires in 3 seconds. Card edits have one more: a 429 on
  // chat.update comes back at once, and the core waits out its Retry-After for that card
  // alone, while posts and thread notices go on.
  const cardClient = new webApi.WebClient(config.botToken, clientOptions);
  const editClient = new webApi.WebClient(config.botToken, { ...clientOptions, rejectRateLimitedCalls: true });
  for (const client of [cardClient, editClient]) {
    client.on(webApi.WebClientEvent.RATE_LIMITED, (retryAfter: number, { url }: { url: string }) => {
      log.warn({ retryAfterSeconds: retryAfter, method: url.split("/").pop() }, "slack: rate limited; waiting as Slack asks");
    });
  }
  return { surface: createSlackSurface(cardClient, editClient), start: () => startSlackApp(options, clientOptions, logger) };
}

async function startSlackApp(options: StartSlackOptions, clientOptions: webApi.WebClientOptions, logger: ReturnType<typeof createBoltLogger>): Promise<SlackHandle> {
  const { bot, config, http, log } = options;
  const clock = options.clock ?? systemClock;
  const socketMode = Boolean(config.appToken);
  if (!socketMode && !config.signingSecret) {
    throw new Error("Slack HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode)");
  }

  // The socket client does not reconnect by itself: gonogo does (`reconnect` below), on its own
  // clock, until Slack answers. Left to itself, the client gives up for good, with a rejection
  // nobody can catch, when apps.connections.open fails with a network error or an HTTP status
  // past its WebClient's retries (SocketModeClient.retrieveWSSURL); and its WebClient would
  // wait on its own timers between them. So one request per try, and gonogo's back-off between.
  const receiver = socketMode
    ? new SocketModeReceiver({ appToken: config.appToken!, logger, autoReconnectEnabled: false, installerOptions: { clientOptions: { ...clientOptions, retryConfig: { retries: 0 } } } })
    : new HTTPReceiver({ signingSecret: config.signingSecret!, endpoints: SLACK_EVENTS_PATH, logger, processBeforeResponse: false });

  // deferInitialization: the auth.test call happens in init() where its failure is an
  // error we can report, not an unhandled rejection from the constructor.
  // No conversation store: gonogo keeps its state in SQLite, and Bolt's in-memory store
  // costs every request a lookup and a timer.
  const app = new App({ token: config.botToken, receiver, clientOptions, logger, deferInitialization: true, convoStore: false });
  await app.init().catch((err: unknown) => {
    throw slackStartError(err, "SLACK_BOT_TOKEN", config.apiUrl);
  });

  // Name and group lookups are nice-to-have: when Slack rate-limits them they fail at
  // once (and the payload's name is used) instead of pausing a queue for Retry-After.
  const lookupClient = new webApi.WebClient(config.botToken, { ...clientOptions, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const identity = createSlackIdentity(lookupClient, log, { budgetMs: options.tuning?.identityBudgetMs ?? 1000, clock, timer: options.timer ?? systemTimer });
  registerListeners(app, { bot, identity, log });

  if (socketMode) {
    const socket = followSocket(receiver as SocketModeReceiver);
    await app.start().catch((err: unknown) => {
      identity.stop();
      throw slackStartError(err, "SLACK_APP_TOKEN", config.apiUrl);
    });
    log.info({ mode: "socket" }, "slack: connected over Socket Mode");
    return {
      mode: "socket",
      connected: socket.connected,
      onConnectionChange: socket.onConnectionChange,
      async reconnect(signal) {
        await app.start().catch((err: unknown) => {
          throw slackStartError(err, "SLACK_APP_TOKEN", config.apiUrl);
        });
        // gonogo stopped while this try was under way: its stop found no socket to close.
        if (signal.aborted) await app.stop();
      },
      async stop() {
        identity.stop();
        await app.stop().catch((err: unknown) => log.warn(describeSlackError(err), "slack: error while disconnecting"));
      },
    };
  }

  let stopped = false;
  const http_ = receiver as HTTPReceiver;
  http.route("POST", SLACK_EVENTS_PATH, async (req, res) => {
    if (stopped) {
      // Slack retries events that get a 5xx; commands show the person an error. Both are right while shutting down.
      res.writeHead(503, { "content-type": "text/plain" }).end("shutting down");
      return;
    }
    // Bolt rejects only stale timestamps; a request dated in the future would stay
    // replayable until then. Refuse it before Bolt sees it (Bolt checks the rest).
    const ts = Number(req.headers["x-slack-request-timestamp"]);
    if (Number.isFinite(ts) && ts > Math.floor(clock.now() / 1000) + 300) {
      res.writeHead(401).end();
      return;
    }
    const raw = await readRawBody(req, MAX_SLACK_BODY);
    if (raw === null || !interactivePayloadIsObject(raw, String(req.headers["content-type"] ?? ""))) {
      res.writeHead(400).end();
      return;
    }
    // Bolt uses an already buffered body as is (HTTPModuleFunctions.bufferIncomingMessage).
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    http_.requestListener(req, res);
  });
  log.info({ mode: "http", path: SLACK_EVENTS_PATH }, "slack: listening for events over HTTP");
  return {
    mode: "http",
    stop() {
      stopped = true;
      identity.stop();
      return Promise.resolve();
    },
  };
}

const MAX_SLACK_BODY = 4 * 1024 * 1024;

/**
 * Bolt 5.1 reads `payload.ssl_check` without a null check, so `payload=null` (or any
 * non-object) in an interactive body makes it reject outside any handler and would take
 * the process down. Such a body is malformed: answer 400 before Bolt parses it.
 * Slack's own bodies are decided from their first bytes: a value that starts with `{` is an
 * object or invalid JSON, which Bolt answers with a 400 of its own. Only other bodies are
 * decoded here in full (decoding every press twice was 3 KB of garbage per press).
 */
function interactivePayloadIsObject(raw: Buffer, contentType: string): boolean {
  if (!contentType.includes("application/x-www-form-urlencoded")) return true;
  if (OBJECT_PAYLOAD_STARTS.some((start) => raw.length >= start.length && start.compare(raw, 0, start.length) === 0)) return true;
  const payload = new URLSearchParams(raw.toString("utf8")).get("payload");
  if (payload === null) return true;
  try {
    const parsed: unknown = JSON.parse(payload);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
const OBJECT_PAYLOAD_STARTS = ["payload=%7B", "payload=%7b", "payload={"].map((s) => Buffer.from(s));

/** Slack's answers that mean the token itself is wrong. */
const TOKEN_REFUSED = new Set(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type"]);
/** Slack's answers (HTTP 200, `ok: false`) that mean a trouble on its side: a later try may succeed. */
const SLACK_SIDE = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"]);

/**
 * Why Slack could not be reached or refused gonogo at start-up (or when reopening the socket), naming the variable to fix.
 * Bolt's own message ("A request error occurred: fetch failed") names neither Slack nor the setting.
 * Not reachable, or failing on its side (a 5xx, a 429): PlatformUnavailable, and gonogo tries again later.
 */
function slackStartError(err: unknown, token: "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN", apiUrl: string | undefined): Error {
  const e = err as { code?: unknown; statusCode?: unknown; data?: { error?: unknown }; original?: { cause?: { code?: unknown }; message?: unknown } };
  const slackError = typeof e?.data?.error === "string" ? e.data.error : null;
  // The Socket Mode client says nothing more when its socket closes before Slack's hello.
  if (err === undefined) return new PlatformUnavailable("the Socket Mode connection closed before Slack said hello");
  if (slackError && SLACK_SIDE.has(slackError)) return new PlatformUnavailable(`Slack answered ${slackError}`);
  if (slackError && TOKEN_REFUSED.has(slackError)) {
    const where = token === "SLACK_BOT_TOKEN" ? "the Bot User OAuth Token (xoxb-…) from OAuth & Permissions" : "an app-level token (xapp-…) with connections:write from Basic Information → App-Level Tokens";
    return new Error(`Slack refused ${token} (${slackError}): copy ${where} again, and check it belongs to this app.`);
  }
  if (e?.code === "slack_webapi_request_error") {
    const code = e.original?.cause?.code ?? e.original?.message;
    const cause = typeof code === "string" ? code : "no answer";
    const url = apiUrl ?? "https://slack.com/api/";
    return new PlatformUnavailable(`cannot reach Slack at ${url} (${cause}): check this machine's network and proxy${apiUrl ? ", and SLACK_API_URL" : ""}`);
  }
  if (e?.code === "slack_webapi_http_error" && typeof e.statusCode === "number" && (e.statusCode >= 500 || e.statusCode === 429)) {
    return new PlatformUnavailable(`Slack answered HTTP ${e.statusCode}`);
  }
  return new Error(`Slack start failed: ${redactedMessage([err])}`);
}
