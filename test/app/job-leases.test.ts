import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.js";
import { createSqliteStore } from "../../db/store.js";
import { createBot } from "../../src/app/bot.js";
import { newCtx } from "../../src/app/door.js";
import { createJobRunner, JOB_LEASE_MS } from "../../src/app/job-runner.js";
import { noTelemetry, type Logger } from "../../src/app/ports.js";
import type { Store } from "../../src/app/store.js";
import { channel, createFakeTime, defaultCoreConfig, person, T0 } from "../helpers/core.js";

let dir: string;
let db: DatabaseHandle;
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const silent: Logger = { info() {}, warn() {}, error() {} };

describe("job leases on the way out", () => {
  it("a job that failed here is handed on at stop, not after its lease: a rolling restart runs it at once", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-job-leases-"));
    db = openDatabase(join(dir, "gonogo.db"));
    const store = createSqliteStore(db);
    // A store whose next job transaction fails, as a database blip would make it.
    let failNextJob = false;
    const flaky: Store = {
      ...store,
      transaction: (fn, claim) => {
        if (failNextJob) {
          failNextJob = false;
          return Promise.reject(new Error("connection reset"));
        }
        return store.transaction(fn, claim);
      },
    };
    const clock = createFakeTime(T0);
    const bot = createBot({ store: flaky, config: defaultCoreConfig, clock, timer: clock.timer, log: silent });
    await bot.start();
    await bot.handle({ kind: "command", actor: person("alice"), channel, text: "create api 2.0.0 at in 10m" });
    // The reminders before T-0 run as usual; the T-0's transaction then fails.
    for (let t = T0; t < T0 + 10 * 60_000 - 1_000; t += 60_000) {
      clock.set(t);
      await bot.idle();
    }
    expect(await store.listPendingJobs("R-1")).toMatchObject([{ kind: "t0" }]);
    failNextJob = true;
    clock.set(T0 + 10 * 60_000);
    await bot.idle();
    // The runner re-armed for the T-0 as the clock got there: one more tick runs it.
    clock.advance(1_000);
    await bot.idle();
    expect(failNextJob).toBe(false);
    // The T-0 failed: it is leased to this runner and nobody else may take it for a while…
    expect(await store.claimDueJobs(clock.now() + 1, JOB_LEASE_MS, 10)).toEqual([]);
    expect((await store.getRelease("R-1"))?.state).toBe("voting");
    // …until the runner stops: then the next one takes it straight away.
    await bot.stop();
    expect((await store.claimDueJobs(clock.now() + 1, JOB_LEASE_MS, 10)).map((j) => j.kind)).toEqual(["t0"]);
  });
});

describe("jobs that failed here over months", () => {
  it("forgets a failed job once its lease ended, when it was cancelled before it came back (50 cancelled after failing leave nothing behind)", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-job-leases-"));
    db = openDatabase(join(dir, "gonogo.db"));
    const store = createSqliteStore(db);
    // A database blip fails every job transaction for a while.
    let failing = true;
    const flaky: Store = { ...store, transaction: (fn, claim) => (failing ? Promise.reject(new Error("connection reset")) : store.transaction(fn, claim)) };
    const clock = createFakeTime(T0);
    const runner = createJobRunner({
      store: flaky,
      clock,
      timer: clock.timer,
      log: silent,
      telemetry: noTelemetry,
      webhooks: { fetch, secret: undefined, urls: {} },
      ctxFor: (tx) => newCtx({ clock, config: defaultCoreConfig, log: silent }, tx),
      afterCommit: () => {},
    });
    for (let n = 1; n <= 50; n++) await store.upsertJob({ releaseId: `R-${n}`, kind: "reminder", key: "reminder:15", dueAt: T0, payload: { offsetMin: 15 } });
    expect(await runner.runDueJobs()).toBe(50);
    expect(runner.failedHere).toBe(50);
    // Each release is cancelled before its reminder comes back: the job is gone from the database.
    failing = false;
    for (let n = 1; n <= 50; n++) await store.cancelJobs(`R-${n}`, ["reminder"]);
    clock.advance(JOB_LEASE_MS);
    expect(await runner.runDueJobs()).toBe(0);
    expect(runner.failedHere).toBe(0);
  });
});
