import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../db/postgres/client.js";
import { startPgCluster } from "../../db/postgres/notify.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { createBot } from "../../src/app/bot.js";
import type { Logger } from "../../src/app/ports.js";
import { startPruning } from "../../src/app/pruning.js";
import { createFakeTime, defaultCoreConfig, T0, type TestCore } from "../helpers/core.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";
import { aDayOfReleases, DAY } from "./activity.js";

const silent: Logger = { info() {}, warn() {}, error() {} };

/*
 * Weeks of releases on an instance of a cluster: each posted card has a lease row that every
 * instance's sweep reads each second. Once a release ended and its card shows it, the row goes.
 */
describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "a cluster's work tables over weeks" : `a cluster's work tables over weeks ${SKIP_WITHOUT_POSTGRES}`, { timeout: 120_000 }, () => {
  let databases: TestDatabases;
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);

  it("keeps the card leases of releases still going, and about a day of done jobs", async () => {
    const url = await databases.fresh();
    const handle = await openPostgres(url, { max: 4 });
    const cluster = await startPgCluster({ pool: handle.pool, listenUrl: url, instanceId: "A", log: silent });
    const store = createPostgresStore(handle);
    const clock = createFakeTime(T0);
    // Card spacing and lease waits end as soon as the event loop has had a turn.
    clock.fastForward();
    const bot = createBot({ store, config: defaultCoreConfig, clock, timer: clock.timer, log: silent, cluster });
    bot.attachSurface(createRecordingSurface("terminal", 1_000).surface);
    // The bot is not started (its sweeps would run each second of the weeks simulated): its hourly pruning is.
    const pruning = startPruning({ store, clock, timer: clock.timer, log: silent });
    const rows = async (table: string) => Number((await handle.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    try {
      const core = { bot, clock } as unknown as TestCore;
      const made: string[] = [];
      for (let day = 1; day <= 20; day++) made.push(...(await aDayOfReleases(core, day)));
      const releases = await Promise.all(made.map(async (id) => (await store.getRelease(id))!));
      // Still going, or ended within the last two days (a settled card's row goes a day after its last edit, at the hourly prune).
      const kept = releases.filter((r) => (r.state !== "cancelled" && r.state !== "closed") || (r.closedAt ?? 0) > clock.now() - 2 * DAY).length;
      expect(await rows("message_refs")).toBe(made.length);
      expect(kept).toBeLessThan(made.length / 2);
      expect(await rows("card_leases")).toBeLessThanOrEqual(kept);
      expect(await rows("jobs WHERE done_at IS NOT NULL")).toBeLessThanOrEqual(12);
    } finally {
      pruning.cancel();
      clock.fastForward();
      await bot.stop();
      await cluster.close();
      await handle.close();
    }
  });
});
