import { afterAll, afterEach, beforeAll, describe } from "vitest";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";
import { startChaosCluster, type ChaosCluster } from "./chaos-cluster.js";

/** Starts a cluster of `count` instances for one test; it is closed after that test. */
export type StartChaos = (count: number, extraEnv?: Record<string, string>) => Promise<ChaosCluster>;

/**
 * A block of chaos tests on PostgreSQL (skipped with one line without TEST_DATABASE_URL): each
 * test starts its own cluster on a fresh database with `start`, and it is closed after the test.
 */
export function describeChaos(name: string, body: (start: StartChaos) => void): void {
  describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? name : `${name} ${SKIP_WITHOUT_POSTGRES}`, () => {
    let databases: TestDatabases;
    let cluster: ChaosCluster | undefined;
    beforeAll(() => {
      databases = createTestDatabases(TEST_DATABASE_URL!);
    });
    afterAll(() => databases.dropAll(), 60_000);
    afterEach(async () => {
      await cluster?.close();
      cluster = undefined;
    }, 60_000);
    body(async (count, extraEnv) => (cluster = await startChaosCluster(databases, count, extraEnv)));
  });
}
