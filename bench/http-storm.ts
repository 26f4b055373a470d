import { Worker } from "node:worker_threads";
import type { StormJob, StormResult } from "./http-storm-worker.js";

export type { StormResult };

/** Runs one storm of signed Slack requests from a worker thread; resolves with every ack latency. */
export function httpStorm(job: StormJob): Promise<StormResult> {
  return new Promise((resolve, reject) => {
    // Node 20 does not run --import hooks in workers: the worker registers tsx itself.
    const entry = new URL("./http-storm-worker.ts", import.meta.url).href;
    const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    worker.once("message", (r: StormResult) => resolve(r));
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`storm worker exited with ${code}`))));
  });
}
