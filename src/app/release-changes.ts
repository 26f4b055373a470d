import type { Cluster } from "./cluster.js";
import type { Timer, TimerHandle } from "./ports.js";

/**
 * The publish port for "this release changed": the effect runner tells it after each commit,
 * and whoever shows releases live (the web view's server-sent events) listens. With several
 * instances (a cluster) it also tells the others, and re-emits what they tell it, so every
 * instance's listeners hear every commit, whichever instance made it.
 */
export interface ReleaseChanges {
  publish(releaseId: string): void;
  subscribe(listener: (releaseId: string) => void): () => void;
  /** Sends what is still waiting for the other instances (call before the cluster closes). */
  stop(): void;
}

export interface ReleaseChangesDeps {
  onListenerError: (err: unknown) => void;
  /** Absent on one process (SQLite): changes stay in-process, nothing waits on a timer. */
  cluster?: Cluster;
  timer: Timer;
}

/**
 * How long changes gather before they go to the other instances again: a vote storm sends
 * one signal per window, not one per vote. The same as a live page's own windowTimer, so a
 * page hears a change made elsewhere within about two of these.
 */
export const CLUSTER_GATHER_MS = 250;

/**
 * Release ids per signal: NOTIFY payloads must stay under PostgreSQL's 8000 bytes, and an id
 * is at most `R-` and 9 digits (14 bytes as a JSON string and a comma): 200 fill under 3 kB.
 */
const IDS_PER_SIGNAL = 200;

export function createReleaseChanges(deps: ReleaseChangesDeps): ReleaseChanges {
  const { onListenerError, cluster, timer } = deps;
  const listeners = new Set<(releaseId: string) => void>();

  function emit(releaseId: string): void {
    for (const listener of listeners) {
      // A listener that throws (a closed page) must not stop the others or the effects.
      try {
        listener(releaseId);
      } catch (err) {
        onListenerError(err);
      }
    }
  }

  // Outgoing, throttled: the first change goes at once (after the commit's other ids join it,
  // at the end of this turn), then a window opens; what changes during it goes at its end.
  let outgoing = new Set<string>();
  let windowTimer: TimerHandle | null = null;
  let leading = false;

  function send(): void {
    const ids = [...outgoing];
    outgoing = new Set();
    for (let i = 0; i < ids.length; i += IDS_PER_SIGNAL) cluster!.publish({ type: "release", releaseIds: ids.slice(i, i + IDS_PER_SIGNAL) });
  }
  function closeWindow(): void {
    windowTimer = null;
    if (!outgoing.size) return;
    send();
    windowTimer = timer.after(CLUSTER_GATHER_MS, closeWindow);
  }
  function tellOthers(releaseId: string): void {
    outgoing.add(releaseId);
    if (windowTimer || leading) return;
    leading = true;
    queueMicrotask(() => {
      leading = false;
      closeWindow();
    });
  }

  // Another instance's commits: heard here as if made here (the cluster never echoes our own).
  cluster?.subscribe((signal) => {
    if (signal.type === "release") for (const id of signal.releaseIds) emit(id);
  });

  return {
    publish(releaseId) {
      emit(releaseId);
      if (cluster) tellOthers(releaseId);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stop() {
      windowTimer?.cancel();
      windowTimer = null;
      if (outgoing.size) send();
    },
  };
}
