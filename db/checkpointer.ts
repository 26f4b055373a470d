import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Checkpoint early once this much WAL was written since the last checkpoint. */
export const WAL_CHECKPOINT_BYTES = 16 * 2 ** 20;
/** Otherwise checkpoint this often, when anything was written. */
export const WAL_CHECKPOINT_EVERY_MS = 30_000;
/** A checkpoint waits until nothing was written for this long (a vote storm has passed)… */
export const WAL_QUIET_MS = 1000;
/** …unless the WAL grew this big: then it runs anyway, so the file stays bounded. */
export const WAL_HARD_LIMIT_BYTES = 64 * 2 ** 20;
/** The size a restarted WAL file is cut back to: below the threshold, so growth past it is new writes. */
export const WAL_KEEP_BYTES = 4 * 2 ** 20;

export interface WalState {
  walBytes: number;
  msSinceCheckpoint: number;
  msSinceWrite: number;
}

/**
 * Is a checkpoint due? Even on its own thread a 16 MB checkpoint competes with the votes
 * for the disk and the CPU (the Discord storm's ack p99 rose from 5 to 16-40 ms in the
 * rounds it landed in), so it waits for a lull in writing, as a storm always has one.
 */
export function checkpointDue({ walBytes, msSinceCheckpoint, msSinceWrite }: WalState): boolean {
  if (walBytes > WAL_HARD_LIMIT_BYTES) return true;
  const wanted = walBytes > WAL_CHECKPOINT_BYTES || (walBytes > 0 && msSinceCheckpoint > WAL_CHECKPOINT_EVERY_MS);
  return wanted && msSinceWrite >= WAL_QUIET_MS;
}

// The worker's whole program, plain CommonJS (a worker runs no TypeScript loader): its own
// connection to the same file. SQLite lets a PASSIVE checkpoint run beside the writer.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
parentPort.on("message", () => {
  let error = null;
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (e) { error = String((e && e.message) || e); }
  parentPort.postMessage({ error });
});
`;

export interface Checkpointer {
  /** Starts a PASSIVE checkpoint unless one is running. */
  run(): void;
  /** Checkpoint attempts finished so far (a busy one counts: the next catches up). */
  readonly completed: number;
  stop(): void;
}

/**
 * Runs WAL checkpoints on a worker thread. A checkpoint copies the WAL into the database
 * file and fsyncs it: 5-80 ms after a vote storm, during which every vote's answer would
 * wait if it ran on the event loop. The worker starts on the first checkpoint; if it
 * cannot start, checkpoints run on the calling thread as before.
 */
export function createCheckpointer(path: string, onThisThread: () => void): Checkpointer {
  let worker: Worker | undefined;
  let failed = false;
  let running = false;
  let completed = 0;

  const start = (): Worker => {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver } });
    w.unref();
    w.on("error", () => {
      failed = true;
      worker = undefined;
    });
    return w;
  };

  return {
    run() {
      if (running) return;
      if (failed) {
        onThisThread();
        completed++;
        return;
      }
      worker ??= start();
      const w = worker;
      running = true;
      // A busy or failed checkpoint is harmless: the next one catches up.
      const done = () => {
        w.off("message", done);
        w.off("exit", done);
        running = false;
        completed++;
      };
      w.on("message", done);
      w.on("exit", done);
      w.postMessage("checkpoint");
    },
    get completed() {
      return completed;
    },
    stop() {
      void worker?.terminate();
      worker = undefined;
    },
  };
}
