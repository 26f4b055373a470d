import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { sleep } from "./stats.js";

/** The repository root: the programs run from it, as `npm start` does. */
export const ROOT = resolve(import.meta.dirname, "..");

/** The bundle `npm start` runs (`npm run bench` builds it first). */
const MAIN_BUNDLE = "dist/main.js";

/** Every process a benchmark started: stopped when the bench exits or is interrupted, so none outlives it. */
const children = new Set<ChildProcess>();
const killAll = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
};
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface RunningGonogo {
  child: ChildProcess;
  /** The HTTP port the program reported (PORT=0 picks a free one). */
  port: number;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * The gonogo program as `npm start` runs it (`dist/main.js`), with only `env`; resolves
 * once it logged "gonogo started".
 */
export function startProgram(env: Record<string, string>, timeoutMs = 20_000): Promise<RunningGonogo> {
  const child = spawn(process.execPath, [...appNodeArgs(), "--enable-source-maps", MAIN_BUNDLE], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "info", GONOGO_TERMINAL: "off", HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  let err = "";
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gonogo did not start within ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    let ready = false;
    child.once("exit", (code) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`gonogo exited with ${code} before it was ready:\n${err}`));
    });
    child.stderr.on("data", (c: Buffer) => {
      // Only the start-up lines are kept: a long run logs a line per card update.
      if (ready) return;
      err += c.toString();
      const port = /"port":(\d+)/.exec(err)?.[1];
      if (!port || !err.includes("gonogo started")) return;
      ready = true;
      clearTimeout(timer);
      resolvePromise({
        child,
        port: Number(port),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}

/**
 * The storms run each app under test in its own process, as it runs in production: the
 * fake platform and the load generator live in the bench process, so their CPU and heap
 * are not charged to the app (in one process, the fakes' call logs made every young-GC
 * pause of the app longer).
 */
export interface BareApp {
  /** What the app printed after `ready` (the Bolt app's port). */
  readyArg: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `bench/bare/<name>.mjs` with `env` and resolves once it prints `ready`. */
export function startBare(name: "bolt" | "discord", env: Record<string, string>): Promise<BareApp> {
  const child: ChildProcess = spawn(process.execPath, [`bench/bare/${name}.mjs`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`bare ${name} app did not start within 20 s`));
    }, 20_000);
    child.once("exit", (code) => reject(new Error(`bare ${name} app exited with ${code} before it was ready`)));
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /^ready ?(.*)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        readyArg: m[1] ?? "",
        pid: child.pid!,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}

/** `BENCH_APP_NODE_ARGS` go to the gonogo process only, e.g. `--cpu-prof` to profile the app under test. */
function appNodeArgs(): string[] {
  return (process.env.BENCH_APP_NODE_ARGS ?? "").split(" ").filter(Boolean);
}

/** Every voter stored in the program's database (the app keeps running: WAL allows the read). */
export function storedVoters(dbPath: string): Set<string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    return new Set(db.prepare<[], { voter: string }>("SELECT voter FROM votes").all().map((r) => r.voter));
  } finally {
    db.close();
  }
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux; null
 * elsewhere).
 */
function cpuMsOf(pid: number): number | null {
  try {
    // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SEC = 100;

/** Runs `work` and reports the CPU process `pid` used meanwhile: per press, a steadier figure than p99. */
export async function cpuDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpuMs: number | null }> {
  const { result, cpuMs } = await cpuOfAll([pid], work);
  return { result, cpuMs };
}

/** The machine's CPU time so far, busy and in all (every core, in ticks), from /proc/stat's first line; null off Linux. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal: idle and iowait are the time nothing ran.
    const ticks = fields.slice(0, 8).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    return { busy: total - ticks[3]! - ticks[4]!, total };
  } catch {
    return null;
  }
}

/**
 * Runs `work` and reports the CPU the processes `pids` used meanwhile (ms, summed), and how
 * busy the whole machine was (%, all cores): a storm on a machine near 100% measures the wait
 * for a core as much as the program.
 */
export async function cpuOfAll<T>(pids: number[], work: () => Promise<T>): Promise<{ result: T; cpuMs: number | null; machineBusyPct: number | null }> {
  const before = pids.map(cpuMsOf);
  const machineBefore = machineTicks();
  const result = await work();
  const machineAfter = machineTicks();
  const after = pids.map(cpuMsOf);
  const used = after.map((a, i) => {
    const b = before[i] ?? null;
    return a === null || b === null ? null : a - b;
  });
  const cpuMs = used.some((u) => u === null) ? null : used.reduce<number>((sum, u) => sum + (u ?? 0), 0);
  const span = machineBefore && machineAfter ? machineAfter.total - machineBefore.total : 0;
  const machineBusyPct = machineBefore && machineAfter && span > 0 ? Math.round((100 * (machineAfter.busy - machineBefore.busy)) / span) : null;
  return { result, cpuMs, machineBusyPct };
}

export interface Contenders {
  bare: BareApp;
  app: RunningGonogo;
  /** The program's SQLite file, to count stored votes. */
  dbPath: string;
  /** Stops both and removes the database. */
  stop: () => Promise<void>;
}

/**
 * Starts one storm's two contenders: the bare framework app and the gonogo program on a
 * fresh SQLite file, with the largest quorum a team can set (a storm crosses it mid-way,
 * and the card says so).
 */
export async function startContenders(bare: { name: "bolt" | "discord"; env: Record<string, string> }, appEnv: Record<string, string>): Promise<Contenders> {
  const dir = mkdtempSync(join(tmpdir(), "gonogo-bench-storm-"));
  const dbPath = join(dir, "gonogo.db");
  const bareApp = await startBare(bare.name, bare.env);
  try {
    const app = await startProgram({ ...appEnv, DATABASE_PATH: dbPath, GONOGO_QUORUM: "100" });
    return {
      bare: bareApp,
      app,
      dbPath,
      stop: async () => {
        await app.stop();
        await bareApp.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await bareApp.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

setFlagsFromString("--expose-gc");
const fullGc = runInNewContext("gc") as () => void;

/**
 * A full GC of the bench process (fakes and load generator), run before each side's storm:
 * its own collections stall presses and callbacks alike (a trace showed scavenges of up to
 * 20 ms once its call logs had grown), and they should not fall into one side's storm by
 * chance. Then a pause: V8 finishes sweeping on other threads, and a storm started at once
 * had its first 20 presses 10-25 ms slower.
 */
export async function collectBenchGarbage(): Promise<void> {
  fullGc();
  await sleep(GC_SETTLE_MS);
}
const GC_SETTLE_MS = 500;

/**
 * How long the bench waits after gonogo's storm: the work a storm leaves behind (the
 * card's last update, Slack name lookups after the storm) would otherwise land in the
 * bare app's next storm.
 */
const AFTER_GONOGO_MS = 2300;
const AFTER_BARE_MS = 500;

/** After work outside the storms (a card's creation): waits for what follows it, so it falls into neither side's storm. */
export function gonogoLullPassed(): Promise<void> {
  return sleep(AFTER_GONOGO_MS);
}

/**
 * Runs one round's two sides: the bare app first in even rounds, gonogo first in odd ones,
 * so neither always runs in the other's aftermath.
 */
export async function bothSides<B, G>(round: number, bareSide: () => Promise<B>, gonogoSide: () => Promise<G>): Promise<{ bare: B; gonogo: G }> {
  const bare = () => oneSide(bareSide, AFTER_BARE_MS);
  const gonogo = () => oneSide(gonogoSide, AFTER_GONOGO_MS);
  if (round % 2 === 0) return { bare: await bare(), gonogo: await gonogo() };
  const gonogoFirst = await gonogo();
  return { bare: await bare(), gonogo: gonogoFirst };
}

/** One side's storm: from a collected bench heap, then the wait its aftermath needs. */
async function oneSide<T>(run: () => Promise<T>, afterMs: number): Promise<T> {
  await collectBenchGarbage();
  const result = await run();
  await sleep(afterMs);
  return result;
}
