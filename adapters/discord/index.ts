import { REST, RESTEvents, Routes } from "discord.js";
import type { Bot } from "../../src/app/bot-api.js";
import { PlatformUnavailable, systemClock, type ChatSurface, type Clock, type Logger, type StartedPlatform, type UnfinishedStep } from "../../src/app/ports.js";
import type { Config } from "../../src/config.js";
import type { HttpServer } from "../../src/http/server.js";
import { INTERACTIONS_PATH, registerInteractionsEndpoint } from "./endpoint.js";
import { createGateway } from "./gateway.js";
import { inviteUrl } from "./invite.js";
import { registerCommands, restApiBase } from "./register-commands.js";
import { errorForLog, scrubText } from "./scrub.js";
import { hintFor, reasonOf, refusedSettings, START_CALL_MS } from "./start-errors.js";
import { createDiscordSurface } from "./surface.js";

export interface StartDiscordOptions {
  bot: Bot;
  config: NonNullable<Config["discord"]>;
  log: Logger;
  /** Gap between edits of one card; Discord's per-channel edit limit makes 1000 ms the safe default. */
  minUpdateIntervalMs?: number;
  /** When an interaction is deferred because bot.handle is slow (default 2000 ms of Discord's 3 s). */
  deferAfterMs?: number;
  /** The shared server on PORT; with a public key, `POST /discord/interactions` is registered on it. */
  http?: HttpServer;
  /** The interaction signatures' 5-minute window is measured on it (the system clock unless a test gives one). */
  clock?: Clock;
}

/**
 * Builds gonogo's Discord client. The caller attaches `surface` to the bot, then calls
 * `start()`: over the Gateway it logs in and registers /release; with a public key it
 * registers /release over REST and serves the interactions endpoint. A start that fails
 * because Discord cannot be reached throws PlatformUnavailable, and may be called again;
 * in HTTP mode the endpoint is served anyway, and the registration is left `unfinished`.
 */
export function createDiscordAdapter(opts: StartDiscordOptions): { surface: ChatSurface; start(signal?: AbortSignal): Promise<StartedPlatform> } {
  const { config } = opts;
  const api = restApiBase(config.apiUrl);
  if (config.publicKey) {
    // Interactions arrive over HTTP and everything gonogo sends is REST, so no gateway
    // session is opened: any number of instances share the endpoint behind a balancer.
    const rest = new REST(api ? { api } : {}).setToken(config.token);
    return { surface: createDiscordSurface(() => rest, opts.minUpdateIntervalMs), start: () => startInteractionsEndpoint(rest, config.publicKey!, opts) };
  }
  const gateway = createGateway(opts, api);
  return { surface: createDiscordSurface(gateway.rest, opts.minUpdateIntervalMs), start: (signal) => gateway.start(signal) };
}

/**
 * HTTP mode (DISCORD_PUBLIC_KEY set): registers /release over REST and serves the
 * Interactions Endpoint URL on the shared HTTP server. No gateway connection. When Discord
 * cannot be reached for the registration, the endpoint is served with the commands
 * registered before, and the registration is handed back to be tried again later.
 */
async function startInteractionsEndpoint(rest: REST, publicKey: string, opts: StartDiscordOptions): Promise<StartedPlatform> {
  const { bot, config, log } = opts;
  const secrets = [config.token];
  if (!opts.http) throw new Error("Discord's interactions endpoint needs the HTTP server (DISCORD_PUBLIC_KEY is set)");
  rest.on(RESTEvents.RateLimited, (info) =>
    log.warn({ route: scrubText(info.route, secrets), retryAfterMs: info.retryAfter, global: info.global, scope: info.scope }, "discord rate limited; waiting"),
  );
  let registered: Awaited<ReturnType<typeof registerCommands>> | null = null;
  let unreachable: PlatformUnavailable | null = null;
  try {
    // Bounded: a Discord that accepts the connection and never answers must not hold start-up (and /healthz) for a minute.
    registered = await registerCommands(rest, config.applicationId, config.guildId, AbortSignal.timeout(START_CALL_MS));
  } catch (err) {
    // Discord refused the settings (a wrong token or id): say so now, and do not start.
    // eslint-disable-next-line preserve-caught-error -- the cause may carry the token
    if (refusedSettings(err)) throw new Error(`Discord start failed: ${scrubText(err instanceof Error ? err.message : String(err), secrets)}${hintFor(err)}`);
    // Not reachable (an outage, a proxy): the endpoint still answers what Discord sends, with the
    // commands registered at an earlier start, this instance keeps serving Slack too, and the
    // registration is tried again (or /release might stay unregistered until the next restart).
    unreachable = new PlatformUnavailable(reasonOf(err, secrets));
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
      await Promise.race([bot.idle(), new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
    },
    ...(unreachable ? { unfinished: registrationLater(unreachable, rest, publicKey, opts) } : {}),
  };
}

/** /release's registration, left undone at start-up because Discord could not be reached: what the caller tries again. */
function registrationLater(failure: PlatformUnavailable, rest: REST, publicKey: string, opts: StartDiscordOptions): UnfinishedStep {
  const { config, log } = opts;
  const secrets = [config.token];
  return {
    failure,
    failed: "could not register /release",
    meanwhile: "the interactions endpoint answers with the commands registered before (unless Discord is down, check this machine's network and proxy, and DISCORD_API_URL if set)",
    done: "/release registered",
    whenRefused: "gonogo no longer tries to register it: fix that setting, then restart gonogo (or run `npm run discord:register`); until then the interactions endpoint answers with the commands registered before.",
    async retry(signal) {
      try {
        await registerCommands(rest, config.applicationId, config.guildId, AbortSignal.any([AbortSignal.timeout(START_CALL_MS), signal]));
      } catch (err) {
        // Not kept as cause: its URL or message may carry the token.
        throw refusedSettings(err) ? new Error(`${reasonOf(err, secrets)}.${hintFor(err)}`) : new PlatformUnavailable(reasonOf(err, secrets));
      }
      // Skipped at start-up while Discord was unreachable. The endpoint is already served, so a
      // key of another application is said loudly rather than stopping gonogo.
      await checkPublicKey(rest, publicKey, log, secrets).catch((err: unknown) =>
        log.error({}, `${err instanceof Error ? err.message : String(err)} Until then every Discord interaction sent to this instance is refused (401).`),
      );
    },
  };
}

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
