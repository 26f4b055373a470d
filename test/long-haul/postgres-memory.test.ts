import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../db/postgres/client.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createSharedRows, KEPT_RELEASES } from "../../db/postgres/shared-rows.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { createBot } from "../../src/app/bot.js";
import type { Logger } from "../../src/app/ports.js";
import { channel, createFakeTime, defaultCoreConfig, person, T0 } from "../helpers/core.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

const silent: Logger = { info() {}, warn() {}, error() {} };

/*
 * One instance on PostgreSQL writes alone for months: the copies of shared rows it keeps
 * (releases, criteria) are never invalidated by another instance, so they must stay bounded
 * by themselves.
 */
describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "one PostgreSQL instance running for months" : `one PostgreSQL instance running for months ${SKIP_WITHOUT_POSTGRES}`, { timeout: 120_000 }, () => {
  let databases: TestDatabases;
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);

  it("keeps copies of a bounded number of releases, not of every release it ever read", async () => {
    const handle = await openPostgres(await databases.fresh(), { max: 4 });
    const shared = createSharedRows();
    const store = createPostgresStore(handle, { shared });
    const clock = createFakeTime(T0);
    const bot = createBot({ store, config: defaultCoreConfig, clock, timer: clock.timer, log: silent });
    bot.attachSurface(createRecordingSurface().surface);
    const say = (who: string, text: string) => bot.handle({ kind: "command", actor: person(who), channel, text });
    try {
      const releases = KEPT_RELEASES + 44;
      for (let n = 1; n <= releases; n++) {
        await say("rm", `create payments 1.${n}.0`);
        await say("carol", `vote R-${n} go`);
        clock.advance(60_000);
      }
      await bot.idle();
      expect(shared.releases.size).toBeLessThanOrEqual(KEPT_RELEASES);
      expect(shared.criteria.size).toBeLessThanOrEqual(KEPT_RELEASES);
      // A release whose copy was dropped is read again, as it is now.
      expect(await say("carol", "vote R-1 no-go wait")).toMatchObject({ type: "message", error: false });
      expect((await store.getVotes("R-1")).map((v) => v.choice)).toEqual(["no_go"]);
    } finally {
      await bot.stop();
      await handle.close();
    }
  });
});
