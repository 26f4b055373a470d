import { createHmac } from "node:crypto";
import { Agent, request } from "node:http";
import { parentPort } from "node:worker_threads";

/**
 * The load generator for the Slack storms, on its own thread (and so its own core), so
 * that measuring acks does not steal the event loop of the app being measured.
 */
export interface StormJob {
  url: string;
  bodies: string[];
  spreadMs: number;
  signingSecret: string;
}

export interface StormResult {
  latencies: number[];
  statuses: number[];
  /** Date.now() when the last request was sent. */
  lastSentAt: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * node:http with a keep-alive agent, not fetch: fetch's streams allocate several times more
 * per request, and this thread's own GC pauses would count as the apps' latency.
 */
const agent = new Agent({ keepAlive: true });

function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("error", reject);
    req.end(body);
  });
}

function signed(body: string, secret: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
  return { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(ts), "x-slack-signature": sig };
}

async function run(job: StormJob): Promise<StormResult> {
  const latencies = new Array<number>(job.bodies.length).fill(0);
  const statuses = new Array<number>(job.bodies.length).fill(0);
  let lastSentAt = 0;
  const gap = job.spreadMs / job.bodies.length;
  const start = performance.now();
  await Promise.all(
    job.bodies.map(async (body, i) => {
      const wait = start + i * gap - performance.now();
      if (wait > 1) await sleep(wait);
      const headers = signed(body, job.signingSecret);
      lastSentAt = Math.max(lastSentAt, Date.now());
      const t = performance.now();
      try {
        statuses[i] = await post(job.url, headers, body);
      } catch {
        statuses[i] = -1;
      }
      latencies[i] = performance.now() - t;
    }),
  );
  return { latencies, statuses, lastSentAt };
}

// One job at a time: the bench awaits each storm before it sends the next.
parentPort?.on("message", (job: StormJob) => {
  void run(job).then((result) => parentPort!.postMessage(result));
});
