import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { build } from "esbuild";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openDatabase } from "../db/client.js";
import { createSqliteStore } from "../db/store.js";
import { createBot } from "../src/app/bot.js";
import { createFakeClock, defaultCoreConfig } from "../fakes/core-config.js";
import { createRecordingSurface } from "../fakes/recording-surface.js";
import { actorOf } from "../src/domain/identity.js";
import type { Actor, ChannelRef } from "../src/domain/types.js";
import { percentile, round } from "./stats.js";

export interface SchedulerScale {
  releases: number;
  pendingJobs: number;
  watchedReminders: number;
  remindersMissing: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  latenessMaxMs: number;
  /** Plain setTimeout lateness for the same instants in the same process: the floor. */
  timerLatenessP50Ms: number;
  timerLatenessP99Ms: number;
  passP50Ms: number;
  passP99Ms: number;
  /** Open, migrate, catch up, reconcile and start the runner, inside the process. */
  openToReadyMs: number;
  /** From spawning `node` on the bundled program to ready, and the same for a process that loads nothing. */
  spawnToReadyMs: number;
  bareSpawnToReadyMs: number;
  rssAfterStartMb: number;
  rssMb: number;
  heapUsedMb: number;
  /** RSS of a node process that loads nothing. */
  bareRssMb: number;
  setupSec: number;
}

const ROOT = resolve(import.meta.dirname, "..");
/** Beside dist/main.js, so packages and db/migrations resolve exactly as they do for `npm start`. */
const CHILD = join(ROOT, "dist", "bench-scheduler-child.mjs");

/** Bundles the child like `npm run build` bundles the program, so it runs on plain node as `npm start` does. */
async function buildChild(): Promise<void> {
  await build({ entryPoints: [join(ROOT, "bench", "scheduler-child.ts")], bundle: true, platform: "node", target: "node20", format: "esm", packages: "external", outfile: CHILD, logLevel: "warning" });
}
const channel: ChannelRef = { platform: "bench", key: "bench:local:#releases", nativeId: "#releases" };
/** Someone typing commands, as the terminal's people do. */
const benchActor = (name: string): Actor => actorOf({ kind: "person", platform: "terminal", scope: null, user: name }, name);

/** The floor for start-up and memory: a node process that loads nothing, says ready and reports its RSS. */
const EMPTY = ["-e", "process.stdout.write('ready\\n' + JSON.stringify({ rssMb: process.memoryUsage().rss / 2 ** 20 }) + '\\n')"];

function runChild(args: string[]): Promise<{ out: Record<string, unknown>; ms: number }> {
  const t = performance.now();
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    let ms = 0;
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (!ms && out.includes("\n")) ms = performance.now() - t;
    });
    child.on("error", rej);
    child.on("close", (code) => (code === 0 ? res({ out: JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, unknown>, ms }) : rej(new Error(`scheduler child exited ${code}: ${err}`))));
  });
}

/**
 * 10,000 scheduled releases (4 jobs each: T-60m, T-15m, T-5m, T-0). `watched` of them
 * have their T-60m reminder due a few seconds after a fresh process starts the real
 * runner with the real clock; the rest are days away.
 */
export async function benchSchedulerScale(releases = 10_000, watched = 200): Promise<SchedulerScale> {
  const dir = mkdtempSync(join(tmpdir(), "gonogo-sched-"));
  const dbPath = join(dir, "gonogo.db");
  try {
    await buildChild();
    const setupStart = performance.now();
    const handle = openDatabase(dbPath);
    const store = createSqliteStore(handle);
    const clock = createFakeClock(Date.now());
    const bot = createBot({ store, config: defaultCoreConfig, clock });
    const rec = createRecordingSurface("bench");
    bot.attachSurface(rec.surface);
    const actor = benchActor("rm");
    for (let i = 0; i < releases - watched; i++) {
      clock.set(Date.now());
      const r = await bot.handle({ kind: "command", actor, channel, text: `create svc${i} 1.0.${i} at in ${2 + (i % 20)}d ${i % 24}h ${i % 60}m` });
      if (r.type === "message" && r.error) throw new Error(r.text);
    }
    const bare = await runChild(EMPTY);
    // The watched ones last, so their reminders land several seconds after the child is ready.
    const watch: Record<string, number> = {};
    const firstDue = Date.now() + 15_000;
    for (let i = 0; i < watched; i++) {
      const now = Date.now();
      clock.set(now);
      const due = firstDue + i * 25;
      const r = await bot.handle({ kind: "command", actor, channel, text: `create watched${i} 2.0.${i} at in ${Math.round((due - now) / 1000) + 3600}s` });
      if (r.type === "message" && r.error) throw new Error(r.text);
      const release = (await store.listReleases({ limit: 1 }))[0]!;
      watch[release.id] = release.scheduledAt! - 3_600_000;
    }
    await bot.idle();
    const pendingJobs = (await store.listPendingJobs()).length;
    handle.close();
    const setupSec = (performance.now() - setupStart) / 1000;

    const { out, ms } = await runChild([CHILD, dbPath, JSON.stringify(watch)]);
    const lateness = (out.lateness as number[]).filter((n) => Number.isFinite(n));
    const passes = out.passes as number[];
    const timers = out.timerLateness as number[];
    return {
      releases,
      pendingJobs,
      watchedReminders: watched,
      remindersMissing: out.missing as number,
      latenessP50Ms: round(percentile(lateness, 50)),
      latenessP99Ms: round(percentile(lateness, 99)),
      latenessMaxMs: round(Math.max(...lateness)),
      timerLatenessP50Ms: round(percentile(timers, 50)),
      timerLatenessP99Ms: round(percentile(timers, 99)),
      passP50Ms: round(percentile(passes, 50), 3),
      passP99Ms: round(percentile(passes, 99), 3),
      openToReadyMs: round(out.readyMs as number),
      spawnToReadyMs: round(ms),
      bareSpawnToReadyMs: round(bare.ms),
      rssAfterStartMb: round(out.rssAfterStartMb as number, 1),
      rssMb: round(out.rssMb as number, 1),
      heapUsedMb: round(out.heapUsedMb as number, 1),
      bareRssMb: round(bare.out.rssMb as number, 1),
      setupSec: round(setupSec, 1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
