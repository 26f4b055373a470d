import { keepTrying } from "./keep-trying.js";
import { PlatformUnavailable, type Clock, type Logger, type StartedPlatform, type Timer, type UnfinishedStep } from "./ports.js";

export type { StartedPlatform } from "./ports.js";

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
  /** Called once the platform is connected (at the first try or a later one), and each time it is back after a drop. */
  onConnected(): void;
  /** Called when its connection drops after it connected (its client reconnects by itself). */
  onDisconnected(): void;
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
 * A step of its start that failed for the same reason (Discord's command registration in
 * HTTP mode) is tried again the same way, while the platform runs without it.
 */
export async function connectPlatform(opts: ConnectOptions): Promise<PlatformConnection> {
  const { name, log, clock, timer } = opts;
  const stopping = new AbortController();
  let started: StartedPlatform | null = null;

  const connection: PlatformConnection = {
    connected: () => started !== null && (started.connected?.() ?? true),
    async stop() {
      stopping.abort(new Error(`gonogo is stopping; no longer trying to connect to ${name}`));
      // A try under way sees the abort and gives up by itself: shutdown does not wait for it.
      await started?.stop();
    },
  };

  async function attempt(signal: AbortSignal): Promise<void> {
    const handle = await opts.start(signal);
    if (signal.aborted) {
      await handle.stop();
      return;
    }
    started = handle;
    opts.onConnected();
    handle.onConnectionChange?.(followConnection(handle));
    if (handle.unfinished) finishLater(handle.unfinished);
  }

  /**
   * A drop after start, and the return: said once each way, and told to the core (what is meant
   * for the platform waits meanwhile). Nothing once stopping: the disconnect that stopping makes
   * is no outage. A platform with `reconnect` is brought back by gonogo (reconnectLater); the
   * others' clients come back by themselves.
   */
  function followConnection(handle: StartedPlatform): (connected: boolean) => void {
    let up = true;
    let droppedAt = 0;
    const reconnecting = { now: false };
    return (connected) => {
      if (connected === up || stopping.signal.aborted) return;
      up = connected;
      if (!connected) {
        droppedAt = clock.now();
        opts.onDisconnected();
        if (handle.reconnect) {
          // A drop while a reconnect is under way: its try sees it and the tries go on.
          if (!reconnecting.now) reconnectLater(handle, handle.reconnect, reconnecting);
          return;
        }
        log.warn({ platform: name }, `${name}'s connection dropped; its client is reconnecting; ${opts.meanwhile}, and what is meant for ${name} waits for it`);
        return;
      }
      // gonogo's own tries say the return themselves (reconnectLater).
      if (!handle.reconnect) log.info({ platform: name, downForSeconds: Math.round((clock.now() - droppedAt) / 1000) }, `${name} is connected again`);
      opts.onConnected();
    };
  }

  /**
   * Tries `reconnect` 5 s after the drop, then twice as long each time up to a minute, on the
   * injected timer, until the platform is back, refuses gonogo, or gonogo stops: however long
   * the outage, it is said once (again only when its reason changes), and the return once.
   */
  function reconnectLater(handle: StartedPlatform, reconnect: (signal: AbortSignal) => Promise<void>, reconnecting: { now: boolean }): void {
    reconnecting.now = true;
    keepTrying(
      {
        async attempt(signal) {
          await reconnect(signal);
          if (!(handle.connected?.() ?? true)) throw new PlatformUnavailable("its connection dropped again at once");
          reconnecting.now = false;
        },
        signal: stopping.signal,
        unavailable: (reason, seconds) => `${name} is disconnected (${reason}); ${opts.meanwhile}, and what is meant for ${name} waits for it; reconnecting in ${seconds} s, then less and less often (at most a minute apart)`,
        recovered: `${name} is connected again`,
        refused: (err) => `${name} refused gonogo's settings when reconnecting (${err instanceof Error ? err.message : String(err)}), so gonogo no longer tries to reconnect to it and runs on without it; fix the setting the message names and restart gonogo`,
        fields: { platform: name },
        log,
        clock,
        timer,
      },
      new PlatformUnavailable("its connection dropped"),
    );
  }

  function finishLater(step: UnfinishedStep): void {
    keepTrying(
      {
        attempt: (signal) => step.retry(signal),
        signal: stopping.signal,
        unavailable: (reason, seconds) => `${name} ${step.failed} (${reason}); ${step.meanwhile}; retrying in ${seconds} s, then less and less often (at most a minute apart)`,
        recovered: `${name} is reachable again: ${step.done}`,
        refused: (err) => `${name} ${step.failed}: ${err instanceof Error ? err.message : String(err)} ${step.whenRefused}`,
        fields: { platform: name },
        log,
        clock,
        timer,
      },
      step.failure,
    );
  }

  try {
    await attempt(stopping.signal);
  } catch (err) {
    if (!(err instanceof PlatformUnavailable)) throw err;
    keepTrying(
      {
        attempt,
        signal: stopping.signal,
        unavailable: (reason, seconds) => `${name} is unreachable (${reason}); ${opts.meanwhile}; retrying in ${seconds} s, then less and less often (at most a minute apart)`,
        recovered: `${name} is reachable again: connected`,
        // A token revoked during the outage: gonogo goes on without the platform.
        refused: () => `${name} refused gonogo's settings, so gonogo no longer tries to connect to it and runs on without it; fix the setting the message names and restart gonogo`,
        fields: { platform: name },
        log,
        clock,
        timer,
      },
      err,
    );
  }
  return connection;
}
