import { once } from "node:events";
import { Client, Events, GatewayIntentBits, Options, REST, RESTEvents, Routes, type RESTOptions } from "discord.js";
import type { Bot } from "../../src/app/bot-api.js";
import { systemClock, type ChatSurface, type Clock, type Logger } from "../../src/app/ports.js";
import type { Config } from "../../src/config.js";
import type { HttpServer } from "../../src/http/server.js";
import { INTERACTIONS_PATH, registerInteractionsEndpoint } from "./endpoint.js";
import { createInteractionHandler } from "./interactions.js";
import { inviteUrl } from "./invite.js";
import { registerCommands, restApiBase } from "./register-commands.js";
import { errorForLog, scrubText } from "./scrub.js";
import { createDiscordSurface } from "./surface.js";

export interface StartDiscordOptions {
  bot: Bot;
  config: NonNullable<Config["discord"]>;
  log: Logger;
  /** Extra @discordjs/rest options (tests lift the client-side global rate cap). */
  rest?: Partial<RESTOptions>;
  /** Gap between edits of one card; Discord's per-channel edit limit makes 1000 ms the safe default. */
  minUpdateIntervalMs?: number;
  /** When an interaction is deferred because bot.handle is slow (default 2000 ms of Discord's 3 s). */
  deferAfterMs?: number;
  /** How long stop() waits for pending card updates before disconnecting. */
  stopGraceMs?: number;
  /** How long to wait for the gateway READY before giving up. */
  readyTimeoutMs?: number;
  /** The shared server on PORT; with a public key, `POST /discord/interactions` is registered on it. */
  http?: HttpServer;
  /** The interaction signatures' 5-minute window is measured on it (the system clock unless a test gives one). */
  clock?: Clock;
}

/**
 * Builds gonogo's Discord client. The caller attaches `surface` to the bot, then
 * `start()` logs in over the Gateway and registers /release (bulk overwrite: per guild
 * when a guild id is configured, globally otherwise).
 */
export function createDiscordAdapter(opts: StartDiscordOptions): { surface: ChatSurface; start(): Promise<{ stop(): Promise<void> }> } {
  const { config } = opts;
  const api = restApiBase(config.apiUrl);
  if (config.publicKey) {
    // Interactions arrive over HTTP and everything gonogo sends is REST, so no gateway
    // session is opened: any number of instances share the endpoint behind a balancer.
    const rest = new REST({ ...(api ? { api } : {}), ...opts.rest }).setToken(config.token);
    return { surface: createDiscordSurface(rest, opts.minUpdateIntervalMs), start: () => startInteractionsEndpoint(rest, config.publicKey!, opts) };
  }
  // Guilds alone delivers interactions and keeps the guild role cache current; nothing else is read.
  const client = new Client({ intents: [GatewayIntentBits.Guilds], makeCache: lightCache(), rest: { ...(api ? { api } : {}), ...opts.rest } });
  return { surface: createDiscordSurface(client.rest, opts.minUpdateIntervalMs), start: () => startDiscordClient(client, opts) };
}

async function startDiscordClient(client: Client, opts: StartDiscordOptions): Promise<{ stop(): Promise<void> }> {
  const { bot, config, log } = opts;
  const secrets = [config.token];

  // Without an error listener an emitted error would crash the process.
  client.on(Events.Error, (err) => log.error({ err: errorForLog(err, secrets) }, "discord client error"));
  client.on(Events.ShardError, (err, shard) => log.error({ err: errorForLog(err, secrets), shard }, "discord gateway error; discord.js reconnects"));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ code: event.code, shard }, "discord gateway disconnected"));
  client.on(Events.Warn, (msg) => log.warn({ detail: scrubText(msg, secrets) }, "discord client warning"));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    log.warn({ route: scrubText(info.route, secrets), retryAfterMs: info.retryAfter, global: info.global, scope: info.scope }, "discord rate limited; waiting"),
  );
  client.on(Events.InteractionCreate, createInteractionHandler({ bot, log, secrets, deferAfterMs: opts.deferAfterMs, guildId: config.guildId }));

  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error(`no READY from the Discord gateway within ${opts.readyTimeoutMs ?? 30_000} ms`)), opts.readyTimeoutMs ?? 30_000);
  const ready = once(client, Events.ClientReady, { signal: timeout.signal });
  // If login itself fails, `ready` is abandoned; keep its later rejection from going unhandled.
  ready.catch(() => undefined);
  let registered: Awaited<ReturnType<typeof registerCommands>>;
  try {
    await client.login(config.token);
    await ready;
    registered = await registerCommands(client.rest, config.applicationId, config.guildId);
  } catch (err) {
    await client.destroy();
    // The original error is not attached as cause: its URL or message may carry the token.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`Discord start failed: ${scrubText(err instanceof Error ? err.message : String(err), secrets)}${hintFor(err)}`);
  } finally {
    clearTimeout(timer);
  }
  log.info({ user: client.user?.tag, commands: registered.count, scope: registered.scope }, "discord connected; /release registered");
  log.info({ url: inviteUrl(config.applicationId) }, "discord invite URL (bot permissions gonogo needs)");

  return {
    async stop() {
      // Let queued card edits and notices go out first: destroy() drops the token, and
      // anything sent after it fails. Bounded, so a Discord outage cannot block shutdown.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([bot.idle(), new Promise<void>((r) => (timer = setTimeout(r, opts.stopGraceMs ?? 5000)))]);
      clearTimeout(timer);
      await client.destroy();
    },
  };
}

/**
 * HTTP mode (DISCORD_PUBLIC_KEY set): registers /release over REST and serves the
 * Interactions Endpoint URL on the shared HTTP server. No gateway connection.
 */
async function startInteractionsEndpoint(rest: REST, publicKey: string, opts: StartDiscordOptions): Promise<{ stop(): Promise<void> }> {
  const { bot, config, log } = opts;
  const secrets = [config.token];
  if (!opts.http) throw new Error("Discord's interactions endpoint needs the HTTP server (DISCORD_PUBLIC_KEY is set)");
  rest.on(RESTEvents.RateLimited, (info) =>
    log.warn({ route: scrubText(info.route, secrets), retryAfterMs: info.retryAfter, global: info.global, scope: info.scope }, "discord rate limited; waiting"),
  );
  let registered: Awaited<ReturnType<typeof registerCommands>> | null = null;
  try {
    // Bounded: a Discord that accepts the connection and never answers must not hold start-up (and /healthz) for a minute.
    registered = await registerCommands(rest, config.applicationId, config.guildId, AbortSignal.timeout(START_CALL_MS));
  } catch (err) {
    const why = `${scrubText(err instanceof Error ? err.message : String(err), secrets)}${hintFor(err)}`;
    // Discord refused the settings (a wrong token or id): say so now, and do not start.
    // eslint-disable-next-line preserve-caught-error -- the cause may carry the token
    if (refusedSettings(err)) throw new Error(`Discord start failed: ${why}`);
    // Not reachable (an outage, a proxy): the endpoint still answers what Discord sends, with the
    // commands registered at an earlier start, and this instance keeps serving Slack too.
    log.error({ err: errorForLog(err, secrets) }, `discord: could not register /release (${why}); serving the interactions endpoint with the commands registered before`);
  }
  if (registered) await checkPublicKey(rest, publicKey, log, secrets);
  registerInteractionsEndpoint(opts.http, {
    bot,
    log,
    rest,
    applicationId: config.applicationId,
    publicKey,
    clock: opts.clock ?? systemClock,
    secrets,
    guildId: config.guildId,
    ...(opts.deferAfterMs ? { deferAfterMs: opts.deferAfterMs } : {}),
  });
  log.info({ ...(registered ? { commands: registered.count, scope: registered.scope } : {}), path: INTERACTIONS_PATH }, `discord interactions endpoint ready (no gateway)${registered ? "; /release registered" : ""}`);
  log.info({ url: inviteUrl(config.applicationId) }, "discord invite URL (bot permissions gonogo needs)");
  return {
    async stop() {
      // Queued card edits and notices go out first; bounded, so a Discord outage cannot block shutdown.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([bot.idle(), new Promise<void>((r) => (timer = setTimeout(r, opts.stopGraceMs ?? 5000)))]);
      clearTimeout(timer);
    },
  };
}

/** What to do about the usual start-up failures, in the operator's terms. */
/**
 * A public key of another application (or a typo that is still 64 hex digits) would make this
 * instance refuse every interaction it is sent with a 401, while /readyz says ready: behind a
 * balancer, one press in N fails as "This interaction failed" and the log says only that a
 * signature did not match (Discord also sends bad signatures on purpose, so that cannot be a
 * warning). The application's own key is one GET away with the bot token: compare at start-up.
 */
async function checkPublicKey(rest: REST, publicKey: string, log: Logger, secrets: readonly string[]): Promise<void> {
  let verifyKey: unknown;
  try {
    verifyKey = ((await rest.get(Routes.currentApplication(), { signal: AbortSignal.timeout(START_CALL_MS) })) as { verify_key?: unknown }).verify_key;
  } catch (err) {
    log.warn({ err: errorForLog(err, secrets) }, "discord: could not read the application's public key to check DISCORD_PUBLIC_KEY; continuing");
    return;
  }
  if (typeof verifyKey === "string" && verifyKey.toLowerCase() !== publicKey.toLowerCase()) {
    throw new Error(
      "DISCORD_PUBLIC_KEY is not this application's public key: Discord would have every interaction refused here. Copy it again from the Developer Portal → your application → General Information → Public Key (the application whose bot token is DISCORD_TOKEN).",
    );
  }
}

/** How long a start-up call to Discord's API may take before start-up goes on without it. */
const START_CALL_MS = 10_000;

/**
 * Whether Discord refused the settings themselves: a token it does not know (401), an
 * application or server the bot may not reach (403) or that does not exist (404). Anything
 * else (no answer, a timeout, a 5xx of an outage, a proxy's 407 or 502) is Discord or the
 * network being unavailable: start-up goes on without it.
 */
function refusedSettings(err: unknown): boolean {
  const e = err as { status?: unknown; code?: unknown };
  return e?.status === 401 || e?.status === 403 || e?.status === 404 || e?.code === "TokenInvalid";
}

function hintFor(err: unknown): string {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  if (!refusedSettings(err)) return " Check this machine's network and proxy, and DISCORD_API_URL if set.";
  if (e?.status === 401 || e?.code === "TokenInvalid" || /invalid token/i.test(String(e?.message))) {
    return " Check DISCORD_TOKEN (Developer Portal → Bot → Reset Token).";
  }
  if (e?.status === 403 || e?.status === 404 || e?.code === 50001) {
    return " Check DISCORD_APPLICATION_ID and DISCORD_GUILD_ID, and that the bot was invited with the applications.commands scope (see the Discord section of README.md).";
  }
  return "";
}

/**
 * By default discord.js keeps every user, member and message an interaction carries, for
 * ever: a vote storm in a big server left ~7 KB per voter on the heap, and every young-GC
 * pause (which copies live objects) grew with it. gonogo reads who acted from each
 * interaction's own payload and never reads cached messages, so only the bot itself stays
 * cached. Guilds, channels and roles keep their defaults (roles resolve member roles).
 */
function lightCache() {
  const onlyTheBot = { maxSize: 0, keepOverLimit: (x: { id: string; client: Client }) => x.id === x.client.user?.id };
  return Options.cacheWithLimits({
    ...Options.DefaultMakeCacheSettings,
    UserManager: onlyTheBot,
    GuildMemberManager: onlyTheBot,
    MessageManager: 0,
  });
}
