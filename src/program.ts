import { hostname, userInfo } from "node:os";
import { dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { openStore } from "../db/open-store.js";
import { createTerminalAdapter } from "../adapters/terminal/index.js";
import { INTERACTIONS_PATH } from "../adapters/discord/paths.js";
import { createBot } from "./app/bot.js";
import type { Bot } from "./app/bot-api.js";
import { connectPlatform, type PlatformConnection } from "./app/platform-connect.js";
import { sleep, systemClock, systemTimer, type Clock, type Logger, type Timer } from "./app/ports.js";
import type { Store } from "./app/store.js";
import type { Config } from "./config.js";
import { registerHookRoutes } from "./http/hooks.js";
import { createMetrics } from "./http/metrics.js";
import { registerOpsRoutes } from "./http/ops.js";
import { createHttpServer, type HttpServer } from "./http/server.js";
import { createLogger } from "./log.js";
import { registerWebRoutes } from "./web/routes.js";

export interface ProgramIo {
  stdin: Readable;
  stdout: Writable;
  /** Where log lines go (stderr in production, a buffer in tests). */
  writeLog: (line: string) => void;
  /** Whether PORT was set explicitly (a terminal-only run opens HTTP only then). */
  portExplicit: boolean;
  /** Whether LOG_LEVEL was set explicitly (a terminal session defaults to warnings only). */
  logLevelExplicit: boolean;
  /** Real time unless a test runs the whole program on a fake clock. */
  clock?: Clock;
  timer?: Timer;
}

export interface RunningGonogo {
  bot: Bot;
  /** The program's logger (secrets redacted), for the entry point's own last words. */
  log: Logger;
  store: Store;
  /** The HTTP port, or null when no server was opened. */
  port: number | null;
  /** Resolves when the terminal adapter's input ends (never when there is no terminal). */
  terminalDone: Promise<void>;
  /** Stops taking events, finishes in-flight work, closes the database. */
  stop(): Promise<void>;
}

/** Values that must never reach a log line, whatever library error carries them. */
function secretsOf(config: Config): string[] {
  const databasePassword = passwordOf(config.databaseUrl);
  const listenPassword = passwordOf(config.listenUrl);
  return [config.apiToken, config.metricsToken, config.slack?.botToken, config.slack?.signingSecret, config.slack?.appToken, config.discord?.token, config.webhookSecret, config.web?.secret, config.web?.token, config.databaseUrl, databasePassword, config.listenUrl, listenPassword].filter(
    (s): s is string => Boolean(s),
  );
}

/** A URL's password as the server sees it (and as a library error may quote it); as written when it does not decode. */
function passwordOf(url: string | null | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  const { password } = new URL(url);
  try {
    return decodeURIComponent(password);
  } catch {
    return password;
  }
}

/** The OS user name if it is usable as a chat name, else "me". */
function safeUserName(): string {
  const name = userInfo().username.replace(/[^A-Za-z0-9._-]/g, "");
  return name.slice(0, 32) || "me";
}

/** Wires database, core, HTTP and the configured adapters, and starts them. The one composition root. */
export async function startGonogo(config: Config, io: ProgramIo): Promise<RunningGonogo> {
  const useTerminal = config.terminal === "on" || (config.terminal === "auto" && !config.slack && !config.discord);
  // In a terminal session info lines would interleave with the chat; show them only when asked.
  const level = io.logLevelExplicit || !useTerminal ? config.logLevel : "warn";
  const log = createLogger(level, secretsOf(config), io.writeLog);
  // Names this instance in metrics, logs, the card leases it holds and its database connections.
  const instanceId = config.instanceId ?? `${hostname()}-${process.pid}`;
  const db = await openStore(config, instanceId);
  const store = db.store;
  // An upgrade changes the file for good: say so, so the operator knows an older gonogo can no longer run on it.
  if (db.migrated) log.info({ database: db.where, migrations: db.migrated }, "database migrated to this version's schema");
  // A name for one instance among several means a cluster; on SQLite this one shares nothing with the others.
  if (config.instanceId && db.dialect === "sqlite") {
    log.warn({ instance: config.instanceId, database: db.where }, "GONOGO_INSTANCE_ID is set but DATABASE_URL is not: this instance runs alone on its own SQLite file and shares no releases with other instances. Set the same DATABASE_URL on every instance to run them as one.");
  }
  // Several instances may share a PostgreSQL database: they tell each other about new jobs, cards and release changes.
  const cluster = db.startCluster ? await db.startCluster({ instanceId, listenUrl: config.listenUrl, log }) : undefined;
  let ready = false;
  let stopAsked = false;
  // Each configured chat platform, once its first try at starting is over: connected now, or still
  // trying; and whether its events reach gonogo through this HTTP server (what /readyz answers for).
  const platforms: Record<string, { connection: PlatformConnection; overHttp: boolean }> = {};
  const platformStates = (overHttp: boolean) => Object.fromEntries(Object.entries(platforms).filter(([, p]) => p.overHttp === overHttp).map(([name, p]) => [name, ready && p.connection.connected()]));
  const metrics = createMetrics(store, { id: instanceId, database: db.dialect }, () => Object.fromEntries(Object.entries(platforms).map(([name, p]) => [name, p.connection.connected()])));
  // The one place real time enters: everything below reads this clock and waits on this timer.
  const clock = io.clock ?? systemClock;
  const timer = io.timer ?? systemTimer;
  const bot = createBot({ store, config, log, telemetry: metrics.telemetry, clock, timer, cluster });
  const stops: Array<() => Promise<void>> = [];

  // One HTTP server on PORT for health, metrics, hooks, the web view, Slack's HTTP mode and Discord's
  // interactions endpoint. A terminal-only run does not need it unless PORT is set (or the web view or
  // the Discord endpoint is on), so two terminals can run side by side.
  const wantHttp = !useTerminal || io.portExplicit || Boolean(config.web) || Boolean(config.discord?.publicKey);
  const http = createHttpServer((err) => log.error({ err: String(err) }, "HTTP handler failed"));
  registerOpsRoutes(http, {
    bot,
    registry: metrics.registry,
    apiToken: config.apiToken,
    metricsToken: config.metricsToken,
    // Ready means able to serve what a balancer routes here: a platform on its own connection
    // (Discord's gateway, Slack's Socket Mode) that is down is shown, and does not take the
    // instance out of the pool with the platforms that still work.
    readiness: { alive: () => ready && db.isOpen(), checks: async () => ({ database: ready && (await db.reachable()), ...platformStates(true) }), connections: () => platformStates(false), stopping: () => stopAsked },
  });
  registerHookRoutes(http, { bot, secret: config.webhookSecret, log, clock });
  if (config.web) registerWebRoutes(http, { bot, web: config.web, defaultZone: config.timezone, clock, timer, log });
  if (!config.discord?.publicKey) answerUnconfiguredDiscordEndpoint(http, log);
  let port: number | null = null;
  if (wantHttp) {
    port = await http.listen(config.port, config.host);
    log.info({ port }, "HTTP server listening");
    stops.push(() => http.close());
  }

  // One platform's outage at start-up does not take the others (or the scheduler) down: its adapter
  // keeps trying in the background, and what is meant for it waits (platform-connect.ts). A setting
  // it refuses still stops start-up here, with what to fix.
  /** What keeps working while `name` is away, as a log line says it: "Slack and the scheduler keep running", "the scheduler keeps running". */
  const othersRunning = (name: string) => {
    const others = [config.slack && name !== "Slack" ? "Slack" : null, config.discord && name !== "Discord" ? "Discord" : null, useTerminal ? "the terminal" : null, "the scheduler"].filter(Boolean);
    return `${others.join(", ").replace(/, ([^,]+)$/, " and $1")} ${others.length === 1 ? "keeps" : "keep"} running`;
  };
  const connect = async (key: string, name: string, overHttp: boolean, surface: Parameters<Bot["attachSurface"]>[0], start: (signal: AbortSignal) => Promise<{ stop(): Promise<void>; connected?(): boolean }>) => {
    bot.attachSurface(surface, { connected: false });
    const connection = await connectPlatform({ name, start, meanwhile: othersRunning(name), onConnected: () => bot.surfaceConnected(surface.platform), onDisconnected: () => bot.surfaceDisconnected(surface.platform), log, clock, timer });
    platforms[key] = { connection, overHttp };
    stops.push(() => connection.stop());
  };
  if (config.slack) {
    // Loaded only when configured: Bolt and discord.js cost about a second and 90 MB to load.
    const { createSlackAdapter } = await import("../adapters/slack/index.js");
    const adapter = createSlackAdapter({ bot, config: config.slack, http, log, clock, timer });
    // HTTP mode takes Slack's events on /slack/events; Socket Mode over a connection of its own.
    await connect("slack", "Slack", !config.slack.appToken, adapter.surface, () => adapter.start());
  }
  if (config.discord) {
    const { createDiscordAdapter } = await import("../adapters/discord/index.js");
    const adapter = createDiscordAdapter({ bot, config: config.discord, log, http, clock });
    // With a public key Discord sends interactions to /discord/interactions; else over the gateway.
    await connect("discord", "Discord", Boolean(config.discord.publicKey), adapter.surface, (signal) => adapter.start(signal));
  }

  // The terminal shows what start-up produces (a T-0 held while offline, missed
  // reminders, re-rendered cards), so it is attached first; it reads commands only after.
  const terminal = useTerminal
    ? createTerminalAdapter({
        bot,
        input: io.stdin,
        output: io.stdout,
        colour: Boolean((io.stdout as { isTTY?: boolean }).isTTY),
        user: config.terminalUser ?? safeUserName(),
        fileDir: join(dirname(config.databasePath), "exports"),
        timer,
      })
    : null;
  if (terminal) bot.attachSurface(terminal.surface);

  await bot.start();
  ready = true;
  log.info({ database: db.where, instance: instanceId, listening: cluster ? cluster.listening() : undefined, terminal: useTerminal, slack: Boolean(config.slack), discord: Boolean(config.discord) }, "gonogo started");

  const terminalDone = terminal ? terminal.run() : new Promise<void>(() => {});

  let stopping: Promise<void> | null = null;
  return {
    bot,
    log,
    store,
    port,
    terminalDone,
    stop() {
      stopping ??= (async () => {
        // /readyz answers 503 from now on; the rest is still served while the balancer notices.
        stopAsked = true;
        log.info({ drainMs: config.shutdownDrainMs }, "stopping: /readyz answers 503; finishing the work under way");
        if (config.shutdownDrainMs > 0) await sleep(timer, config.shutdownDrainMs);
        // Stop taking events (requests in flight finish), then finish the work they started:
        // running jobs complete, card edits under way go out, and this instance's leases are
        // let go, so another instance takes its cards and jobs over at once.
        for (const stop of stops.reverse()) await stop().catch((err: unknown) => log.error({ err: String(err) }, "stopping failed"));
        ready = false;
        await bot.stop();
        await cluster?.close();
        await db.close();
        log.info({}, "gonogo stopped");
      })();
      return stopping;
    },
  };
}

/**
 * Discord interactions reaching an instance without DISCORD_PUBLIC_KEY (one replica behind a
 * balancer configured unlike the others): a 404 that says why, and one log line, instead of a
 * bare "no route" that fails one press in N without a trace.
 */
function answerUnconfiguredDiscordEndpoint(http: HttpServer, log: Logger): void {
  let told = false;
  http.route("POST", INTERACTIONS_PATH, (_req, res) => {
    if (!told) {
      told = true;
      log.warn({ path: INTERACTIONS_PATH }, "a Discord interaction arrived, but DISCORD_PUBLIC_KEY is not set on this instance: set it (and the other DISCORD_ variables) like on every instance behind the Interactions Endpoint URL");
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "this gonogo instance does not take Discord interactions: DISCORD_PUBLIC_KEY is not set on it" }));
  });
}
