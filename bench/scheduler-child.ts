import { openDatabase } from "../db/client.js";
import { createSqliteStore } from "../db/store.js";
import { createBot } from "../src/app/bot.js";
import type { ChatSurface } from "../src/app/ports.js";
import { defaultCoreConfig } from "../fakes/core-config.js";

/**
 * The measured half of the scheduler benchmark, bundled and run on plain node in a fresh process (as `npm start` runs gonogo): opens a database
 * with 40,000 pending jobs, starts the real runner with the real clock, and reports when
 * each reminder reached the chat surface. Prints one JSON line.
 * argv: <db path> <JSON of { releaseId: dueAt } to watch>
 */
const [dbPath, watchJson] = process.argv.slice(2);
const watch = new Map(Object.entries(JSON.parse(watchJson!) as Record<string, number>));
const startedAt = performance.now();
const handle = openDatabase(dbPath!);
const store = createSqliteStore(handle);
const bot = createBot({ store, config: defaultCoreConfig });
const arrived = new Map<string, number>();
const surface: ChatSurface = {
  platform: "bench",
  minUpdateIntervalMs: 0,
  postCard: () => Promise.resolve({ messageId: "x" }),
  updateCard: () => Promise.resolve(),
  postInChannel: () => Promise.resolve(),
  postNotice(ref, notice) {
    if (watch.has(notice.releaseId) && !arrived.has(notice.releaseId)) arrived.set(notice.releaseId, Date.now());
    return Promise.resolve();
  },
};
bot.attachSurface(surface);
await bot.start();
const readyMs = performance.now() - startedAt;
// The parent times spawn → this line.
process.stdout.write("ready\n");
const rssAfterStartMb = process.memoryUsage().rss / 2 ** 20;

// The floor for lateness: plain timers armed for the same instants in the same process.
const timerLateness: number[] = [];
for (const due of watch.values()) setTimeout(() => timerLateness.push(Date.now() - due), Math.max(0, due - Date.now()));

// Cost of one pass when nothing is due (what the safety-net tick pays every second).
const passes: number[] = [];
for (let i = 0; i < 50; i++) {
  const t = performance.now();
  await bot.runDueJobs();
  passes.push(performance.now() - t);
  await new Promise((r) => setTimeout(r, 5));
}
const lastDue = Math.max(...watch.values());
while (arrived.size < watch.size && Date.now() < lastDue + 5000) await new Promise((r) => setTimeout(r, 50));
const lateness = [...watch].map(([id, due]) => (arrived.has(id) ? arrived.get(id)! - due : Number.NaN));
const rssMb = process.memoryUsage().rss / 2 ** 20;
const heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
await bot.stop();
handle.close();
process.stdout.write(`${JSON.stringify({ readyMs, rssAfterStartMb, rssMb, heapUsedMb, passes, lateness, timerLateness, missing: watch.size - arrived.size })}\n`);
process.exit(0);
