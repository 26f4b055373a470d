import type { MessageRef } from "./ports.js";

/**
 * A word one instance sends the others through the database (PostgreSQL NOTIFY). Best
 * effort: a receiver may miss one, so each also polls (the job runner's tick, card sync's
 * sweep) and the signals only make things happen sooner; a live web page that misses a
 * "release" is refreshed by the next change it hears of, or on reload.
 */
export type ClusterSignal =
  /** A job was planned or moved: re-arm your timer, it may be due before the one you armed. */
  | { type: "jobs" }
  /** The card at `ref` is out of date and `holder` has its lease: it should re-render. */
  | { type: "card"; releaseId: string; ref: MessageRef; holder: string }
  /** These releases changed in a commit on the sender: live web pages showing them should refresh. */
  | { type: "release"; releaseIds: string[] }
  /** Signals may have been lost (an instance let go of its leases, or the listener reconnected): look for orphaned cards now. */
  | { type: "sweep" };

/**
 * What the core needs to run beside other instances on one database. Absent when gonogo
 * runs as one process (SQLite): then cards and jobs stay on their in-memory paths.
 */
export interface Cluster {
  /** This instance's name: the holder of its card leases, and its metrics label. */
  instanceId: string;
  /** Tells the other instances; never throws, never waits. */
  publish(signal: ClusterSignal): void;
  /** Calls `fn` for each signal another instance published. */
  subscribe(fn: (signal: ClusterSignal) => void): void;
}
