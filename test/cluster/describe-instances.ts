import { afterAll, afterEach, beforeAll, describe } from "vitest";
import type { PostgresHandle } from "../../db/postgres/client.js";
import type { PgCluster } from "../../db/postgres/notify.js";
import type { Bot } from "../../src/app/bot-api.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

/** An instance run inside the test process: its bot, its cluster signals and its pool. */
export interface InProcessInstance {
  bot: Bot;
  cluster: PgCluster;
  handle: PostgresHandle;
}

export interface InstancesBlock {
  /** A new database for one test (migrated unless `{ migrated: false }`); every one is dropped after the block. */
  fresh: (options?: { migrated?: boolean }) => Promise<string>;
  /** Closes the instance after the test: its bot first, then its signals, then its pool. */
  closeAfter: (instance: InProcessInstance) => void;
}

/**
 * A block of tests whose instances run in this process on PostgreSQL (skipped with one line
 * without TEST_DATABASE_URL); each test makes its own instances on `fresh()` databases.
 */
export function describeInstances(name: string, body: (block: InstancesBlock) => void): void {
  describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? name : `${name} ${SKIP_WITHOUT_POSTGRES}`, () => {
    let databases: TestDatabases;
    const open: InProcessInstance[] = [];
    beforeAll(() => {
      databases = createTestDatabases(TEST_DATABASE_URL!);
    });
    afterAll(() => databases.dropAll(), 60_000);
    afterEach(async () => {
      for (const i of open.splice(0)) {
        await i.bot.stop();
        await i.cluster.close();
        await i.handle.close();
      }
    });
    body({ fresh: (options) => databases.fresh(options), closeAfter: (instance) => void open.push(instance) });
  });
}
