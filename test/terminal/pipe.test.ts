import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGonogo } from "../helpers/run-gonogo.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

const SECRET = "pipe-test-secret-0123456789";
let dir: string;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gonogo-pipe-"));
  receiver = await startWebhookReceiver(SECRET);
  env = { DATABASE_PATH: join(dir, "gonogo.db"), GONOGO_USER: "alice", GONOGO_ADMINS: "terminal:admin", ROLLBACK_WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET };
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the terminal adapter through a pipe", () => {
  it("runs a release from creation to retro across a restart", async () => {
    const first = await runGonogo(
      [
        "/release create payments 1.4.2 env staging",
        "/as bob",
        "/press R-1 go",
        "/as dave",
        "/press R-1 no-go",
        "/submit reason=migration not tested",
        "/release vote R-1 go",
        "/as alice",
        "/release ship R-1",
        "/release shipped R-1",
      ].join("\n"),
      env,
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("posted  R-1  payments 1.4.2 → staging  [Voting]");
    expect(first.stdout).toContain("Decision: NO-GO: blocked by no-go from dave: migration not tested");
    expect(first.stdout).toContain("Your GO on R-1 replaces your NO-GO. Decision: GO.");
    expect(first.stdout).toContain("R-1 is GO and shipping (started by alice)");
    expect(first.stdout).toContain("R-1 is marked shipped");
    // The last line says that nothing happens while it is not running.
    expect(first.stdout.trimEnd().split("\n").at(-1)).toBe("gonogo stopped. Reminders and T-0 run only while it runs; start it again (npm start) and it catches up on what it missed.");
    // Piped output carries no colour codes.
    expect(first.stdout).not.toContain("\u001b[");

    const second = await runGonogo(
      [
        "/release status R-1",
        "/press R-1 rollback",
        "/submit reason=error rate 5x",
        "/release recovered R-1",
        "/release retro R-1",
        "/submit went_well=quick vote went_badly=late QA action_items=@dana add canary alerts",
        "/release status R-1",
        "/as admin",
        "/release audit export",
        "/release audit export",
      ].join("\n"),
      env,
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/\(private\) file: .*exports\/gonogo-audit-[\d-]+-to-[\d-]+\.csv/);
    const csvPath = /file: (\S+\.csv)/.exec(second.stdout)![1]!;
    expect(readFileSync(csvPath, "utf8")).toContain("rollback_requested");
    // The second export the same day is a file of its own; the first is still there.
    const paths = [...second.stdout.matchAll(/file: (\S+\.csv)/g)].map((m) => m[1]!);
    expect(paths).toEqual([csvPath, csvPath.replace(/\.csv$/, "-2.csv")]);
    expect(readFileSync(csvPath, "utf8")).toContain("rollback_requested");
    expect(second.stdout).toContain("R-1  payments 1.4.2 → staging  [Shipped]");
    expect(second.stdout).toContain("Roll back R-1: payments 1.4.2 → staging");
    expect(second.stdout).toContain("Rollback of R-1 started");
    expect(second.stdout).toContain("Rollback webhook: delivered (HTTP 200)");
    expect(second.stdout).toContain("R-1 is marked rolled back. Time to restore:");
    expect(second.stdout).toContain("your retro notes for R-1 are saved");
    expect(second.stdout).toMatch(/Retro: 1 answer, 1 with action items/);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.validSignature).toBe(true);
    expect(receiver.received[0]!.json).toMatchObject({ event: "rollback", reason: "error rate 5x" });
  }, 30_000);

  it("answers bad input with what to do instead and keeps going", async () => {
    const r = await runGonogo(["/release frobnicate", "/release vote R-99 go", "/release create payments", "/press R-1", "/as", "/release schedule R-1 yesterday", "/release help"].join("\n"), {
      DATABASE_PATH: join(dir, "bad-input.db"),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("`frobnicate` is not a /release command");
    expect(r.stdout).toContain("There is no release R-99 here. `/release list` shows the open ones.");
    expect(r.stdout).toContain("Name the service and the version");
    expect(r.stdout).toContain("Use /press <id> <button>");
    expect(r.stdout).toContain("Use /as <name>");
    expect(r.stdout).toContain("/release create <service> <version>");
  }, 30_000);

  it("stops at /quit and runs none of the lines piped after it", async () => {
    const r = await runGonogo("/release create payments 1.4.2\n/quit\n/release create search 2.0.0\n", { DATABASE_PATH: join(dir, "quit.db") });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Created R-1");
    expect(r.stdout).not.toContain("R-2");
  }, 30_000);

  it("stops at start-up with a message naming a wrong variable", async () => {
    const r = await runGonogo("", { DATABASE_PATH: join(dir, "x.db"), GONOGO_TIMEZONE: "Mars/Olympus", WEBHOOK_SECRET: "", ROLLBACK_WEBHOOK_URL: "not a url" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("GONOGO_TIMEZONE must be an IANA time zone");
    expect(r.stderr).toContain("ROLLBACK_WEBHOOK_URL");
  }, 30_000);
});
