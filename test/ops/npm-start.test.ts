import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/program.js";

let dir: string;
let started: number[] = [];
afterEach(() => {
  // If a test failed because gonogo was orphaned, do not leave it running.
  for (const pid of started.filter(isRunning)) process.kill(pid, "SIGKILL");
  started = [];
  rmSync(dir, { recursive: true, force: true });
});

/** `npm start` in the checkout with its own database, no terminal, and the "gonogo started" log line. */
async function npmStart(): Promise<{ npm: ChildProcessWithoutNullStreams; db: string; stderr: () => string }> {
  dir = mkdtempSync(join(tmpdir(), "gonogo-npm-start-"));
  const db = join(dir, "g.db");
  const npm = spawn("npm", ["start", "--silent"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: dir, DATABASE_PATH: db, PORT: "0", HOST: "127.0.0.1", GONOGO_TERMINAL: "off", LOG_LEVEL: "info" },
  });
  let stderr = "";
  await new Promise<void>((ok, fail) => {
    npm.on("exit", (code) => fail(new Error(`npm start exited (${code}) before gonogo started:\n${stderr}`)));
    npm.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes("gonogo started")) ok();
    });
  });
  npm.removeAllListeners("exit");
  started = descendants(npm.pid!);
  return { npm, db, stderr: () => stderr };
}

/** Every process below `pid` (Linux /proc): the shell npm runs scripts with, node running gonogo. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length; ) {
    frontier = [...parentOf].filter(([, parent]) => frontier.includes(parent)).map(([child]) => child);
    found.push(...frontier);
  }
  return found;
}

/** The promise's value, or a failure naming what did not happen in time (instead of the test's own timeout). */
function within<T>(ms: number, promise: Promise<T>, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(failure)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Alive and not a zombie waiting for a parent to reap it. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

describe("npm start", () => {
  it("runs the built program without deleting or rebuilding dist/", async () => {
    // test/global-setup.ts built dist/ from the current sources before this file ran.
    const before = statSync(join(ROOT, "dist/main.js"));
    const { npm } = await npmStart();
    const after = statSync(join(ROOT, "dist/main.js"));
    expect({ ino: after.ino, mtime: after.mtimeMs }).toEqual({ ino: before.ino, mtime: before.mtimeMs });
    const exit = new Promise((ok) => npm.on("exit", ok));
    npm.kill("SIGTERM");
    await exit;
  }, 30_000);

  it.each(["SIGTERM", "SIGINT"] as const)("stops gonogo cleanly when %s is sent to the npm process: exit 0, database closed, nothing left running", async (signal) => {
    const { npm, db, stderr } = await npmStart();
    expect(started.length).toBeGreaterThan(0);
    expect(existsSync(`${db}-wal`)).toBe(true);
    const exit = new Promise<[number | null, string | null]>((ok) => npm.on("exit", (code, sig) => ok([code, sig])));
    // An orphaned gonogo would hold the output pipes open, so "close" is awaited only after these checks.
    const outputClosed = new Promise((ok) => npm.on("close", ok));
    npm.kill(signal);
    expect(await within(10_000, exit, `npm start did not exit after ${signal}`)).toEqual([0, null]);
    expect(started.filter(isRunning)).toEqual([]);
    await outputClosed;
    expect(stderr()).toContain("gonogo stopped");
    // SQLite removes the WAL file when the last connection closes cleanly.
    expect(existsSync(`${db}-wal`)).toBe(false);
  }, 30_000);
});

describe("npm start -- --help", () => {
  it("says how gonogo is configured and starts nothing: no terminal session, no database; an argument it does not take is refused", () => {
    const dir = mkdtempSync(join(tmpdir(), "gonogo-help-"));
    try {
      const env = { PATH: process.env.PATH ?? "", HOME: dir };
      const help = spawnSync(process.execPath, [join(ROOT, "dist/main.js"), "--help"], { cwd: dir, env, encoding: "utf8" });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain("everything is set by environment variables");
      expect(readdirSync(dir)).toEqual([]);
      const wrong = spawnSync(process.execPath, [join(ROOT, "dist/main.js"), "slack"], { cwd: dir, env, encoding: "utf8" });
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain("Unexpected argument 'slack'");
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

