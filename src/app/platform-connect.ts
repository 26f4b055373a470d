import { describe, PlatformUnavailable, type Clock, type Logger, type StartedPlatform, type Timer, type TimerHandle } from "./ports.js";

export type { StartedPlatform } from "./ports.js";

/** The first wait after a platform could not be reached; each failure after it doubles the wait. */
export const FIRST_RETRY_MS = 5_000;
/** The longest wait between two tries: a platform back after a long outage is found within a minute. */
export const MAX_RETRY_MS = 60_000;

/** How long to wait before try `tries + 1`, after `tries` failed ones (5 s, 10 s, 20 s, 40 s, then 60 s). */
export function retryDelayMs(tries: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(tries - 1, 0), MAX_RETRY_MS);
}

/** One chat platform's connection, as the composition root sees it while gonogo runs. */
export interface PlatformConnection {
  /** Started and (where the platform says so) connected now: `/readyz` reports it. */
  connected(): boolean;
  /** Stops trying (at once, also mid-try) or disconnects. */
  stop(): Promise<void>;
}

export interface ConnectOptions {
  /** As people name it: "Discord", "Slack". */
  name: string;
  /** One try at starting the adapter; `signal` aborts when gonogo stops meanwhile. Throws PlatformUnavailable when a later try may succeed. */
  start(signal: AbortSignal): Promise<StartedPlatform>;
  /** What keeps working meanwhile, for the log line ("Slack and the scheduler keep running"). */
  meanwhile: string;
  /** Called once the platform is connected (at the first try or a later one). */
  onConnected(): void;
  log: Logger;
  clock: Clock;
  timer: Timer;
}

/**
 * Starts one platform without letting its outage stop the rest of gonogo. A setting the
 * platform refuses (a wrong token, an id it does not know) fails at once, as before: no
 * retry can fix it. A platform that cannot be reached for now is logged once, and tried
 * again in the background, 5 s then twice as long each time up to a minute, on the
 * injected timer; once it answers, the adapter finishes starting and `onConnected` runs.
 */
export async function connectPlatform(opts: ConnectOptions): Promise<PlatformConnection> {
  const { name, log } = opts;
  const stopping = new AbortController();
  let started: StartedPlatform | null = null;
  let retry: TimerHandle | null = null;
  let tries = 0;
  let firstFailureAt = 0;
  let lastReason = "";

  const connection: PlatformConnection = {
    connected: () => started !== null && (started.connected?.() ?? true),
    async stop() {
      stopping.abort(new Error(`gonogo is stopping; no longer trying to connect to ${name}`));
      retry?.cancel();
      retry = null;
      // A try under way sees the abort and gives up by itself: shutdown does not wait for it.
      await started?.stop();
    },
  };

  /** One try; true once connected. Throws what the first try must not swallow (a refused setting). */
  async function attempt(): Promise<boolean> {
    tries += 1;
    try {
      const handle = await opts.start(stopping.signal);
      if (stopping.signal.aborted) {
        await handle.stop();
        return false;
      }
      started = handle;
      if (tries > 1) log.info({ platform: name, tries, downForSeconds: Math.round((opts.clock.now() - firstFailureAt) / 1000) }, `${name} is reachable again: connected`);
      opts.onConnected();
      return true;
    } catch (err) {
      if (stopping.signal.aborted) return false;
      if (!(err instanceof PlatformUnavailable)) throw err;
      const waitMs = retryDelayMs(tries);
      if (tries === 1) firstFailureAt = opts.clock.now();
      // Once, and again only when the reason changes: a long outage is not a line every minute.
      if (err.message !== lastReason) {
        log.warn({ platform: name, retryInMs: waitMs }, `${name} is unreachable (${err.message}); ${opts.meanwhile}; retrying in ${Math.round(waitMs / 1000)} s, then less and less often (at most a minute apart)`);
      }
      lastReason = err.message;
      retry = opts.timer.after(waitMs, () => void tryAgain());
      return false;
    }
  }

  /** A background try: a refused setting now (a token revoked during the outage) is logged, and gonogo goes on without the platform. */
  async function tryAgain(): Promise<void> {
    retry = null;
    try {
      await attempt();
    } catch (err) {
      log.error({ platform: name, err: describe(err) }, `${name} refused gonogo's settings, so gonogo no longer tries to connect to it and runs on without it; fix the setting the message names and restart gonogo`);
    }
  }

  await attempt();
  return connection;
}
