import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isClaimed } from "../../db/sqlite-claim.js";
import { startFakeDiscord } from "../../fakes/discord-server.js";
import { PROGRAM_ARGS, ROOT } from "../helpers/program.js";

/**
 * A DATABASE_PATH that cannot be used is refused within 2 s: about 0.4 s on an idle machine,
 * most of it Node starting. The deadline leaves room for a loaded test machine; the old
 * failure (the /proc paths) never ended at all.
 */
const DATABASE_WITHIN_MS = 5000;
/** HOST and PORT are tried after the database opens; they only need to fail cleanly, not hang. */
const SERVER_WITHIN_MS = 10_000;

interface Outcome {
  code: number | null;
  stderr: string;
  stdout: string;
  ms: number;
}

/** Starts the built program and waits for it to exit; kills it (and reports code null) if it is still running after `withinMs`. */
function start(env: Record<string, string>, withinMs = DATABASE_WITHIN_MS): Promise<Outcome> {
  return new Promise((resolvePromise, reject) => {
    const began = Date.now();
    const child = spawn(process.execPath, PROGRAM_ARGS, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", GONOGO_TERMINAL: "off", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const deadline = setTimeout(() => child.kill("SIGKILL"), withinMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(deadline);
      resolvePromise({ code, stderr, stdout, ms: Date.now() - began });
    });
  });
}

/** Exit 1 in time (a process still running at the deadline was killed: code null), with one line on stderr that contains every part of `expected`. */
function expectRefusal(outcome: Outcome, ...expected: string[]): void {
  expect(outcome.code, `exit code after ${outcome.ms} ms (null: killed at the deadline); stderr: ${outcome.stderr}`).toBe(1);
  // Structured log lines from before the failure (a database migrated) may precede it; the refusal is one plain line.
  const lines = outcome.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("{"));
  expect(lines, outcome.stderr).toHaveLength(1);
  for (const part of expected) expect(lines[0]).toContain(part);
  expect(outcome.stderr).not.toMatch(/\n\s+at /);
}

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "gonogo-startup-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("a DATABASE_PATH that cannot be used stops start-up at once, exit 1, one line naming DATABASE_PATH", { timeout: 15_000 }, () => {
  const server = { PORT: "0", HOST: "127.0.0.1" };

  it("a folder", async () => {
    expectRefusal(await start({ ...server, DATABASE_PATH: dir }), `DATABASE_PATH ${dir} is a folder`, "set DATABASE_PATH to a file");
  });

  it("/dev/null", async () => {
    expectRefusal(await start({ ...server, DATABASE_PATH: "/dev/null" }), "DATABASE_PATH /dev/null is not a regular file");
  });

  it("a file that is not a SQLite database (left untouched)", async () => {
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "shopping list\n");
    expectRefusal(await start({ ...server, DATABASE_PATH: notes }), `DATABASE_PATH ${notes} is not an SQLite database`);
  });

  it("a path whose folder is a file", async () => {
    const file = join(dir, "file");
    writeFileSync(file, "");
    expectRefusal(await start({ ...server, DATABASE_PATH: join(file, "gonogo.db") }), `${file} is a file, not a folder`);
  });

  it.each(["/proc/gonogo.db", "/proc/gonogo/data/gonogo.db", "/proc/self/status"])("%s, which used to hang at full CPU, ignoring SIGTERM", async (path) => {
    expectRefusal(await start({ ...server, DATABASE_PATH: path }), `DATABASE_PATH ${path} is under /proc`);
  });

  it("still creates missing folders for a path that can be used", async () => {
    const path = join(dir, "a", "b", "gonogo.db");
    const child = spawn(process.execPath, PROGRAM_ARGS, { cwd: ROOT, env: { PATH: process.env.PATH ?? "", DATABASE_PATH: path }, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end("/quit\n");
    expect(await new Promise((ok) => child.on("close", ok))).toBe(0);
    expect(existsSync(path)).toBe(true);
  });
});

describe("a SQLite file another gonogo is running on", { timeout: 20_000 }, () => {
  /** The program with its terminal on, resolved once it has printed its prompt (the file is claimed by then). */
  function startHolding(path: string): Promise<ChildProcessWithoutNullStreams> {
    const child = spawn(process.execPath, PROGRAM_ARGS, { cwd: ROOT, env: { PATH: process.env.PATH ?? "", DATABASE_PATH: path, PORT: "0", HOST: "127.0.0.1" }, stdio: ["pipe", "pipe", "pipe"] });
    return new Promise((ok, fail) => {
      child.stdout.once("data", () => ok(child));
      child.on("close", (code) => fail(new Error(`exited with ${code}`)));
    });
  }

  it("is refused with one line saying what to do; once the first process dies (even SIGKILLed), the file is free again", async () => {
    const path = join(dir, "g.db");
    const first = await startHolding(path);
    expect(isClaimed(path)).toBe(true);
    expectRefusal(await start({ DATABASE_PATH: path, PORT: "0", HOST: "127.0.0.1" }), `another gonogo process is already running on ${path}`, "stop the other one first", "use PostgreSQL (DATABASE_URL");
    first.kill("SIGKILL");
    await new Promise((ok) => first.on("close", ok));
    expect(isClaimed(path)).toBe(false);
    const second = await startHolding(path);
    second.stdin.end("/quit\n");
    expect(await new Promise((ok) => second.on("close", ok))).toBe(0);
  });
});

describe("HOST and PORT that cannot be used stop start-up with one line naming the variable", { timeout: 15_000 }, () => {
  let taken: Server;
  afterEach(() => void taken?.close());

  it("PORT in use: says so and what to do, without a stack trace", async () => {
    taken = createServer();
    const port = await new Promise<number>((ok) => taken.listen(0, "127.0.0.1", () => ok((taken.address() as { port: number }).port)));
    const outcome = await start({ DATABASE_PATH: join(dir, "g.db"), PORT: String(port), HOST: "127.0.0.1" }, SERVER_WITHIN_MS);
    expectRefusal(outcome, `PORT ${port} is already in use — set PORT to a free port`);
  });

  it("a HOST that is not an address of this machine", async () => {
    const outcome = await start({ DATABASE_PATH: join(dir, "g.db"), PORT: "0", HOST: "192.0.2.1" }, SERVER_WITHIN_MS);
    expectRefusal(outcome, "HOST 192.0.2.1 is not an address of this machine", "set HOST to 0.0.0.0");
  });

  it("a HOST name that does not resolve", async () => {
    const outcome = await start({ DATABASE_PATH: join(dir, "g.db"), PORT: "0", HOST: "no-such-host.invalid" }, SERVER_WITHIN_MS);
    expectRefusal(outcome, "HOST no-such-host.invalid cannot be resolved", "set HOST to an IP address");
  });
});

describe("a chat platform that refuses gonogo's settings still stops start-up (an outage does not: test/faults/platform-outage.test.ts)", { timeout: 20_000 }, () => {
  it("a DISCORD_TOKEN Discord refuses: exit 1, one line saying to check DISCORD_TOKEN, without the token", async () => {
    const fake = await startFakeDiscord();
    const token = "MTE4NzMzMTA0ODc2MzYyOTYyOQ.GhXyZw.refused-token-0123456789abcdef";
    try {
      fake.fail({ method: "GET", pathPrefix: "/gateway/bot", times: 1, status: 401, body: { message: "401: Unauthorized", code: 0 } });
      const outcome = await start(
        { DATABASE_PATH: join(dir, "g.db"), PORT: "0", HOST: "127.0.0.1", DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: fake.world.applicationId, DISCORD_GUILD_ID: fake.world.guildId, DISCORD_API_URL: fake.apiUrl },
        SERVER_WITHIN_MS,
      );
      expectRefusal(outcome, "Discord start failed", "Check DISCORD_TOKEN (Developer Portal → Bot → Reset Token).");
      expect(outcome.stderr).not.toContain(token);
      expect(outcome.stderr).not.toContain("Discord is unreachable");
    } finally {
      await fake.close();
    }
  });
});
