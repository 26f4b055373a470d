import { describe, PlatformUnavailable, type Clock, type Logger, type Timer, type TimerHandle } from "./ports.js";

/** The first wait after a platform could not be reached; each failure after it doubles the wait. */
export const FIRST_RETRY_MS = 5_000;
/** The longest wait between two tries: a platform back after a long outage is found within a minute. */
const MAX_RETRY_MS = 60_000;

/** How long to wait before try `tries + 1`, after `tries` failed ones (5 s, 10 s, 20 s, 40 s, then 60 s). */
function retryDelayMs(tries: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(tries - 1, 0), MAX_RETRY_MS);
}

export interface KeepTrying {
  /** One more try; `signal` aborts when gonogo stops meanwhile. Throws PlatformUnavailable when a later try may succeed, anything else when none can. */
  attempt(signal: AbortSignal): Promise<void>;
  /** Aborted when gonogo stops: no more tries, and the wait under way is cancelled. */
  signal: AbortSignal;
  /** Said at warn level when a try fails (once, and again only when the reason changes). */
  unavailable(reason: string, retryInSeconds: number): string;
  /** Said at info level when a later try succeeds. */
  recovered: string;
  /** Said at error level when a later try is refused: the tries end. */
  refused(err: unknown): string;
  /** Fields every line carries ({ platform: "Discord" }). */
  fields: Record<string, unknown>;
  log: Logger;
  clock: Clock;
  timer: Timer;
}

/**
 * After a first try failed with `first` (the platform could not be reached), tries again in the
 * background, 5 s then twice as long each time up to a minute, on the injected timer, until a try
 * succeeds, one is refused (a setting no retry can fix), or `signal` aborts (at once, also mid-try).
 * The outage is logged once, and again only when its reason changes: a long outage is not a line every minute.
 */
export function keepTrying(o: KeepTrying, first: PlatformUnavailable): void {
  const firstFailureAt = o.clock.now();
  let tries = 1;
  let lastReason = "";
  let wait: TimerHandle | null = null;
  o.signal.addEventListener("abort", () => wait?.cancel(), { once: true });

  const failed = (err: PlatformUnavailable) => {
    const waitMs = retryDelayMs(tries);
    if (err.message !== lastReason) o.log.warn({ ...o.fields, retryInMs: waitMs }, o.unavailable(err.message, Math.round(waitMs / 1000)));
    lastReason = err.message;
    wait = o.timer.after(waitMs, () => void again());
  };

  const again = async () => {
    wait = null;
    tries += 1;
    try {
      await o.attempt(o.signal);
      if (o.signal.aborted) return;
      o.log.info({ ...o.fields, tries, downForSeconds: Math.round((o.clock.now() - firstFailureAt) / 1000) }, o.recovered);
    } catch (err) {
      if (o.signal.aborted) return;
      if (err instanceof PlatformUnavailable) return failed(err);
      o.log.error({ ...o.fields, err: describe(err) }, o.refused(err));
    }
  };

  if (!o.signal.aborted) failed(first);
}
