import { once } from "node:events";
import { Client, Events, GatewayIntentBits, Options, RESTEvents, type REST } from "discord.js";
import type { StartedPlatform } from "../../src/app/ports.js";
import type { StartDiscordOptions } from "./index.js";
import { followGateway } from "./gateway-state.js";
import { createInteractionHandler } from "./interactions.js";
import { inviteUrl } from "./invite.js";
import { registerCommands } from "./register-commands.js";
import { errorForLog, scrubText } from "./scrub.js";
import { gatewayRefusal, START_CALL_MS, startFailure } from "./start-errors.js";

/** How long a try waits for the gateway's READY before giving up on it (and gonogo tries again later). */
const READY_TIMEOUT_MS = 30_000;

/**
 * gonogo's gateway session. Each try at starting logs in with a fresh discord.js client: a
 * client that failed to log in has been destroyed by discord.js, and one destroyed once
 * cannot be destroyed again after a later login, so its session would outlive shutdown.
 * The card surface sends through whichever client is current (`rest`).
 */
export function createGateway(opts: StartDiscordOptions, api: string | undefined) {
  const build = () => new Client({ intents: [GatewayIntentBits.Guilds], makeCache: lightCache(), rest: api ? { api } : {} });
  let client = build();
  let tried = false;
  return {
    rest: (): REST => client.rest,
    start(signal?: AbortSignal): Promise<StartedPlatform> {
      if (tried) client = build();
      tried = true;
      return startClient(client, opts, signal);
    },
  };
}

/**
 * Logs in over the Gateway, waits for READY, and registers /release (bulk overwrite: per guild
 * when a guild id is configured, globally otherwise). Throws what startFailure makes of a
 * failure: a refused setting, or PlatformUnavailable when a later try may succeed.
 */
async function startClient(client: Client, opts: StartDiscordOptions, signal: AbortSignal | undefined): Promise<StartedPlatform> {
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
  const handleInteraction = createInteractionHandler({ bot, log, secrets, deferAfterMs: opts.deferAfterMs, guildId: config.guildId });
  // What each handler is still doing (waiting for the database, answering), so stop() lets it finish before the database closes.
  const inFlight = new Set<Promise<void>>();
  client.on(Events.InteractionCreate, (i) => {
    const p = handleInteraction(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });

  const noReady = new AbortController();
  const timer = setTimeout(() => noReady.abort(new Error(`no READY from the Discord gateway within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
  const giveUp = signal ? AbortSignal.any([noReady.signal, signal]) : noReady.signal;
  // A gateway that refuses the token or the intents closes with a code discord.js does not
  // reconnect after, and login never ends: that close ends the try, as a refused setting.
  const refused = new Promise<never>((_, reject) => client.on(Events.ShardDisconnect, (event) => {
    const refusal = gatewayRefusal(event.code);
    if (refusal) reject(refusal);
  }));
  // login does not end while the gateway refuses connections (discord.js keeps reconnecting), so it races READY's deadline.
  const login = client.login(config.token);
  const ready = once(client, Events.ClientReady, { signal: giveUp });
  // Whichever loses the race is abandoned; keep its later rejection from going unhandled.
  for (const p of [login, ready, refused]) p.catch(() => undefined);
  let registered: Awaited<ReturnType<typeof registerCommands>>;
  try {
    await Promise.race([Promise.all([login, ready]), refused]);
    const callSignal = AbortSignal.any([AbortSignal.timeout(START_CALL_MS), ...(signal ? [signal] : [])]);
    registered = await registerCommands(client.rest, config.applicationId, config.guildId, callSignal);
  } catch (err) {
    await client.destroy();
    throw startFailure(err, secrets);
  } finally {
    clearTimeout(timer);
  }
  log.info({ user: client.user?.tag, commands: registered.count, scope: registered.scope }, "discord connected; /release registered");
  log.info({ url: inviteUrl(config.applicationId) }, "discord invite URL (bot permissions gonogo needs)");

  // The gateway session's own state: false from a drop until discord.js has resumed it.
  const session = followGateway(client);
  return {
    connected: session.connected,
    onConnectionChange: session.onConnectionChange,
    async stop() {
      // Let queued card edits and notices go out first: destroy() drops the token, and
      // anything sent after it fails. Bounded, so a Discord outage cannot block shutdown.
      const graceMs = 5000;
      await within(bot.idle(), graceMs);
      await client.destroy();
      // No interaction comes in now. One in flight may be waiting for the database (its press claimed by
      // another instance, or about to be claimed here): closing the database under it would tell the
      // person "nothing was changed" about a press that counted, or leave its deferral unanswered.
      if (inFlight.size > 0) {
        log.info({ interactions: inFlight.size }, "stopping: finishing the Discord interactions in flight");
        await within(Promise.allSettled([...inFlight]), graceMs);
      }
    },
  };
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

/** Waits for `work`, at most `ms` (a Discord or database outage cannot block shutdown). */
async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
