import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** A checkpoint waits until nothing was written for this long (a vote storm has passed)… */
export const WAL_QUIET_MS = 1000;
/**
 * …unless the WAL grew past this: then it runs anyway, so the file stays bounded. It is
 * also the size a bigger WAL file is cut back to when it restarts (journal_size_limit).
 */
export const WAL_HARD_LIMIT_BYTES = 64 * 2 ** 20;

export interface WalState {
  /** The WAL file's size: SQLite reuses the file from its start after a checkpoint, so it only grows past the largest WAL so far. */
  walBytes: number;
  /** Was anything committed since the last checkpoint started? */
  writtenSinceCheckpoint: boolean;
  msSinceWrite: number;
}

/**
 * Is a checkpoint due? Even on its own thread a big checkpoint competes with the votes
 * for the disk and the CPU (the Discord storm's ack p99 rose from 5 to 16-40 ms in the
 * rounds it landed in), so it waits for a lull in writing, as a storm always has one.
 * In a lull it is cheap and off the event loop, so every lull after a write gets one.
 */
export function checkpointDue(state: WalState): boolean {
  return state.walBytes > WAL_HARD_LIMIT_BYTES || inLull(state);
}

/** Writes happened since the last checkpoint, and none for a while: a vote storm has passed. */
export function inLull({ writtenSinceCheckpoint, msSinceWrite }: WalState): boolean {
  return writtenSinceCheckpoint && msSinceWrite >= WAL_QUIET_MS;
}

// The worker's whole program, plain CommonJS (a worker runs no TypeScript loader): its own
// connection to the same file. SQLite lets a PASSIVE checkpoint run beside the writer.
//
// Once a checkpoint has copied the whole WAL, the next commit starts the WAL over from its
// start and, with synchronous=NORMAL, fsyncs its new header: that commit was the first
// vote of the next storm, 3-4 ms slower than the rest in the Discord storm's profile. So
// the worker makes that commit itself, in the lull: it rewrites page 1 (user_version set
// to the value it has, which no code here uses) and the votes find the WAL already begun.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { statSync } = require("node:fs");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
const restartWal = db.transaction(() => {
  db.pragma("user_version = " + Number(db.pragma("user_version", { simple: true })));
});
parentPort.on("message", () => {
  let error = null;
  let settledUntilMs = 0;
  try {
    const [{ busy, log, checkpointed }] = db.pragma("wal_checkpoint(PASSIVE)");
    if (busy === 0 && log > 0 && checkpointed === log) {
      restartWal.immediate();
      ownWriteMtimeMs = statSync(workerData.path + "-wal").mtimeMs;
    }
  } catch (e) { error = String((e && e.message) || e); }
  parentPort.postMessage({ error, ownWriteMtimeMs });
});
`;

export interface Checkpointer {
  /** Starts a PASSIVE checkpoint unless one is running. */
  run(): void;
  /** Checkpoint attempts finished so far (a busy one counts: the next catches up). */
  readonly completed: number;
  /**
   * A WAL file last modified no later than this holds nothing a checkpoint has not taken
   * up: the moment the last checkpoint started, or the checkpointer's own commit after it.
   */
  readonly settledUntilMs: number;
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
  let settledUntilMs = 0;

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
      settledUntilMs = Date.now();
      if (failed) {
        onThisThread();
        completed++;
        return;
      }
      worker ??= start();
      const w = worker;
      running = true;
      // A busy or failed checkpoint is harmless: the next one catches up.
      const done = (reply?: { ownWriteMtimeMs?: number }) => {
        w.off("message", done);
        w.off("exit", done);
        running = false;
        completed++;
        // The exit event passes a number; a reply names the WAL's time after the worker's own commit.
        if (typeof reply === "object" && reply.ownWriteMtimeMs) settledUntilMs = Math.max(settledUntilMs, reply.ownWriteMtimeMs);
      };
      w.on("message", done);
      w.on("exit", done);
      w.postMessage("checkpoint");
    },
    get completed() {
      return completed;
    },
    get settledUntilMs() {
      return settledUntilMs;
    },
    stop() {
      void worker?.terminate();
      worker = undefined;
    },
  };
}
