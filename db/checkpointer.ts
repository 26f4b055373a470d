import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Checkpoint early once this much WAL was written since the last checkpoint. */
export const WAL_CHECKPOINT_BYTES = 16 * 2 ** 20;
/** Otherwise checkpoint this often, when anything was written. */
export const WAL_CHECKPOINT_EVERY_MS = 30_000;
/** The size a restarted WAL file is cut back to: below the threshold, so growth past it is new writes. */
export const WAL_KEEP_BYTES = 4 * 2 ** 20;

/** Is a checkpoint due, given the WAL file's size and the time since the last one? */
export function checkpointDue(walBytes: number, msSinceLast: number): boolean {
  return walBytes > WAL_CHECKPOINT_BYTES || (walBytes > 0 && msSinceLast > WAL_CHECKPOINT_EVERY_MS);
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
  /** Resolves when no checkpoint is running (tests). */
  settled(): Promise<void>;
  stop(): void;
}

/**
 * Runs WAL checkpoints on a worker thread. A checkpoint copies the WAL into the database
 * file and fsyncs it: 5-40 ms after a vote storm, during which every vote's answer would
 * wait if it ran on the event loop. The worker starts on the first checkpoint; if it
 * cannot start, checkpoints run on the calling thread as before.
 */
export function createCheckpointer(path: string, onThisThread: () => void): Checkpointer {
  let worker: Worker | undefined;
  let failed = false;
  let running: Promise<void> | undefined;

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
      if (failed) return onThisThread();
      worker ??= start();
      const w = worker;
      running = new Promise<void>((resolve) => {
        const done = () => {
          w.off("message", done);
          w.off("exit", done);
          running = undefined;
          resolve();
        };
        // A busy or failed checkpoint is harmless: the next one catches up.
        w.on("message", done);
        w.on("exit", done);
      });
      w.postMessage("checkpoint");
    },
    settled: () => running ?? Promise.resolve(),
    stop() {
      void worker?.terminate();
      worker = undefined;
    },
  };
}
