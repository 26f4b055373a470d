import { Worker } from "node:worker_threads";
import type { StormJob, StormResult } from "./http-storm-worker.js";

export type { StormResult };

/**
 * One worker thread sends every storm of a benchmark, warm from the warm-up storms. A fresh
 * worker per storm made its first fetch load undici's fetch implementation mid-storm: the
 * first 10-17 presses of every storm took 25-60 ms on both sides, so the p99 of 500 measured
 * the load generator, not the apps.
 */
let worker: Worker | undefined;

function startWorker(): Worker {
  // Node 20 does not run --import hooks in workers: the worker registers tsx itself.
  const entry = new URL("./http-storm-worker.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const w = new Worker(boot, { eval: true });
  w.once("exit", () => {
    if (worker === w) worker = undefined;
  });
  return w;
}

/** Runs one storm of signed Slack requests from the sender thread; resolves with every ack latency. */
export function httpStorm(job: StormJob): Promise<StormResult> {
  const w = (worker ??= startWorker());
  return new Promise((resolve, reject) => {
    const done = () => {
      w.off("message", onResult);
      w.off("error", onError);
      w.off("exit", onExit);
    };
    const onResult = (r: StormResult) => (done(), resolve(r));
    const onError = (err: Error) => (done(), reject(err));
    const onExit = (code: number) => (done(), reject(new Error(`storm worker exited with ${code}`)));
    w.on("message", onResult);
    w.once("error", onError);
    w.once("exit", onExit);
    w.postMessage(job);
  });
}

/** Stops the sender thread (the next storm starts a new one). */
export async function stopHttpStorms(): Promise<void> {
  const w = worker;
  worker = undefined;
  await w?.terminate();
}
