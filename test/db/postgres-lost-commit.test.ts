import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgres } from "../../db/postgres/client.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { runJob } from "../../src/app/due-jobs.js";
import { newCtx } from "../../src/app/door.js";
import type { Store } from "../../src/app/store.js";
import { defaultCoreConfig } from "../../fakes/core-config.js";
import { createFakeTime } from "../helpers/fake-time.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

const T = Date.UTC(2030, 0, 15, 9, 0);
const CHANNEL = { platform: "slack", key: "slack:T1:C1", nativeId: "C1" };
const HOUR = 3_600_000;

/** A release voting on `channel`, T-0 in an hour. */
const releaseDue = (store: Store) =>
  store.insertRelease({
    service: "payments", version: "1.0.0", environment: "production", description: null, managerId: "slack:T1:U1", managerName: "Ana",
    channel: CHANNEL, scheduledAt: T + HOUR, timezone: "UTC", state: "voting", stateReason: null,
    createdAt: T, createdBy: "slack:T1:U1", decidedGoAt: null, shippedAt: null, rollbackRequestedAt: null, recoveredAt: null, retroOpenedAt: null,
    closedAt: null, votesVoidedNote: null, webhookNote: null,
  });

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "PostgreSQL, a COMMIT whose answer was lost" : `PostgreSQL, a COMMIT whose answer was lost ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);

  it("runs a reminder once when the answer to its COMMIT was lost and its batch runs again one by one", async () => {
    const url = await databases.fresh();
    const handle = await openPostgres(url);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the client as `this`
    const realQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => Promise<unknown>;
    try {
      const store = createPostgresStore(handle);
      const releases = [await releaseDue(store), await releaseDue(store)];
      for (const r of releases) await store.upsertJob({ releaseId: r.id, kind: "reminder", key: "reminder:15", dueAt: T + HOUR - 15 * 60_000, payload: { scheduledAt: T + HOUR, offsetMin: 15 } });
      const clock = createFakeTime(T + HOUR - 15 * 60_000);
      const jobs = await store.claimDueJobs(clock.now(), 10_000, 10);
      expect(jobs).toHaveLength(2);
      // The first COMMIT goes through, then its connection breaks before the answer comes back.
      let cut = false;
      vi.spyOn(pg.Client.prototype, "query").mockImplementation(async function (this: pg.Client, ...args: unknown[]) {
        const result = await realQuery.apply(this, args);
        if (!cut && typeof args[0] === "string" && args[0].includes("INSERT INTO audit_events") && args[0].endsWith("; COMMIT")) {
          cut = true;
          throw new Error("Connection terminated unexpectedly");
        }
        return result;
      });
      const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
      // Both due while a transaction runs: the next batch takes them together, then each again in a transaction of its own.
      let release!: () => void;
      let running!: Promise<void>;
      await new Promise<void>((started) => {
        running = store.transaction(() => {
          started();
          return new Promise<void>((resolve) => (release = resolve));
        });
      });
      const runs = jobs.map((job) => store.transaction((tx) => runJob(newCtx({ clock, config: defaultCoreConfig, log }, tx), job)));
      release();
      await running;
      await Promise.all(runs);
      expect(cut).toBe(true);
      const sent = (await store.listAuditRange(0, Number.MAX_SAFE_INTEGER)).filter((e) => e.type === "reminder_sent");
      expect(sent.map((e) => e.releaseId).sort()).toEqual(releases.map((r) => r.id).sort());
      expect(await store.listPendingJobs()).toEqual([]);
    } finally {
      vi.restoreAllMocks();
      await handle.close();
      await databases.drop(url);
    }
  });
});
