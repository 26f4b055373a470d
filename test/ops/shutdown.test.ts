import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROGRAM_ARGS, ROOT } from "../helpers/program.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("shutdown", () => {
  it("on SIGTERM stops taking events, finishes, closes the database cleanly and exits 0", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-stop-"));
    const db = join(dir, "g.db");
    const child = spawn(process.execPath, PROGRAM_ARGS, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", DATABASE_PATH: db, PORT: "0", HOST: "127.0.0.1", GONOGO_TERMINAL: "off", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const started = new Promise<void>((ok) =>
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes("gonogo started")) ok();
      }),
    );
    await started;
    expect(existsSync(`${db}-wal`)).toBe(true);
    const code = new Promise<number | null>((ok) => child.on("close", ok));
    child.kill("SIGTERM");
    expect(await code).toBe(0);
    expect(stderr).toContain("gonogo stopped");
    // SQLite removes the WAL file when the last connection closes cleanly.
    expect(existsSync(`${db}-wal`)).toBe(false);
  }, 20_000);
});
