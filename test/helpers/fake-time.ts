import type { Clock, Timer, TimerHandle } from "../../src/app/ports.js";

/**
 * A clock and a timer that move only when a test says so. The core reads `now()` and waits on
 * `timer`; `advance`/`set` move the clock and fire every wait that falls due on the way, in
 * due-time order, each with the clock set to its own due time.
 */
export interface FakeTime extends Clock {
  /** Moves the clock to `ms`, firing the waits due by then (a jump back fires nothing). */
  set(ms: number): void;
  /** Moves the clock `ms` forward, firing the waits due by then. */
  advance(ms: number): void;
  /** The timer to inject beside the clock. */
  timer: Timer;
  /** How many waits are pending (`every` ones included). */
  pending(): number;
  /** Resolves once the code under test is waiting on the timer (at once if it already is). */
  waiting(): Promise<void>;
  /**
   * From now on, a short wait (an `after` of at most `horizonMs`) ends as soon as the event
   * loop has had a turn: the clock jumps to its end. For tests against real sockets (the fake
   * Slack and Discord servers), where a test cannot step time between a request and its
   * answer: card spacing and retry back-off pass at once and in order, without sleeping.
   * `every` waits and longer ones (the job runner's) still move only with advance/set.
   * `fastForward(false)` goes back to moving only with advance/set.
   */
  fastForward(horizonMs?: number | false): void;
  /** Whether fastForward is on. */
  fastForwarding(): boolean;
}

interface Pending {
  seq: number;
  dueAt: number;
  /** Set for `every`: the wait is re-armed this far after each call. */
  intervalMs: number | null;
  fn: () => void;
}

export function createFakeTime(start: number): FakeTime {
  let t = start;
  let seq = 0;
  const waits = new Set<Pending>();
  let waiters: Array<() => void> = [];
  let horizon: number | null = null;
  let kicked = false;

  /** The wait that falls due first (ties: the one armed first). */
  const earliest = (filter: (w: Pending) => boolean = () => true): Pending | undefined => {
    let best: Pending | undefined;
    for (const w of waits) if (filter(w) && (!best || w.dueAt < best.dueAt || (w.dueAt === best.dueAt && w.seq < best.seq))) best = w;
    return best;
  };

  const fire = (w: Pending) => {
    t = Math.max(t, w.dueAt);
    if (w.intervalMs === null) waits.delete(w);
    else w.dueAt += w.intervalMs;
    w.fn();
  };

  const moveTo = (target: number) => {
    for (let w = earliest(); w && w.dueAt <= target; w = earliest()) fire(w);
    t = Math.max(t, target);
  };

  /** Fast-forward: after a turn of the event loop, end the first short wait, and look again. */
  const kick = () => {
    if (horizon === null || kicked) return;
    kicked = true;
    setImmediate(() => {
      kicked = false;
      const next = earliest((w) => w.intervalMs === null && w.dueAt - t <= horizon!);
      if (!next) return;
      fire(next);
      kick();
    });
  };

  const arm = (ms: number, intervalMs: number | null, fn: () => void): TimerHandle => {
    const w: Pending = { seq: seq++, dueAt: t + Math.max(ms, 0), intervalMs, fn };
    waits.add(w);
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
    kick();
    return { cancel: () => void waits.delete(w) };
  };

  return {
    now: () => t,
    set(ms) {
      if (ms < t) t = ms;
      else moveTo(ms);
    },
    advance: (ms) => moveTo(t + ms),
    timer: {
      after: (ms, fn) => arm(ms, null, fn),
      every: (ms, fn) => arm(ms, ms, fn),
    },
    pending: () => waits.size,
    waiting: () => (waits.size ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    fastForward(horizonMs = 60_000) {
      horizon = horizonMs === false ? null : horizonMs;
      kick();
    },
    fastForwarding: () => horizon !== null,
  };
}
