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

  it("answers /readyz with 503 from the moment SIGTERM arrives, while still serving, so a balancer moves traffic before it stops", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-stop-"));
    const child = spawn(process.execPath, PROGRAM_ARGS, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", DATABASE_PATH: join(dir, "g.db"), PORT: "0", HOST: "127.0.0.1", GONOGO_TERMINAL: "off", LOG_LEVEL: "info", GONOGO_SHUTDOWN_DRAIN: "3s", GONOGO_INSTANCE_ID: "web-1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const port = await new Promise<number>((ok) =>
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        const found = /"port":(\d+)/.exec(stderr)?.[1];
        if (found && stderr.includes("gonogo started")) ok(Number(found));
      }),
    );
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('gonogo_instance_info{gonogo_instance="web-1",database="sqlite"} 1');
    // A new file gets every migration, and the log says so (an upgrade is visible the same way).
    expect(stderr).toMatch(/"migrations":\d+,.*"msg":"database migrated to this version's schema"/);
    // Named like one of several instances, yet on its own SQLite file: the operator is told at start.
    expect(stderr).toContain("GONOGO_INSTANCE_ID is set but DATABASE_URL is not: this instance runs alone on its own SQLite file");
    // A replica without DISCORD_PUBLIC_KEY behind the Interactions Endpoint URL says why it refuses.
    const interaction = await fetch(`${base}/discord/interactions`, { method: "POST", body: "{}" });
    expect(interaction.status).toBe(404);
    expect(await interaction.json()).toEqual({ error: "this gonogo instance does not take Discord interactions: DISCORD_PUBLIC_KEY is not set on it" });
    const code = new Promise<number | null>((ok) => child.on("close", ok));
    const signalled = Date.now();
    child.kill("SIGTERM");
    // Poll until the signal has landed: the first 503 must come long before the drain ends.
    let ready: Response;
    do ready = await fetch(`${base}/readyz`);
    while (ready.status === 200 && Date.now() - signalled < 2_000);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, stopping: true });
    expect(Date.now() - signalled).toBeLessThan(2_000);
    // Alive and serving meanwhile: only readiness says "send work elsewhere".
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // The operator reading the log sees the stop begin, not only its end seconds later.
    expect(stderr).toMatch(/"drainMs":3000,.*"msg":"stopping: \/readyz answers 503; finishing the work under way"/);
    expect(await code).toBe(0);
    expect(stderr).toContain("gonogo stopped");
    expect(stderr).toContain("a Discord interaction arrived, but DISCORD_PUBLIC_KEY is not set on this instance");
  }, 20_000);
});
