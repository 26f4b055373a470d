import { afterAll, beforeAll, describe } from "vitest";
import { openPostgres } from "../../db/postgres/client.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { describeStoreContract } from "../contracts/store-contract.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

/** The PostgreSQL store on a fresh database per test, with the real migrations applied. */
describe.skipIf(!TEST_DATABASE_URL)(`PostgreSQL ${TEST_DATABASE_URL ? "" : SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll());

  describeStoreContract("PostgreSQL", async () => {
    const url = await databases.fresh();
    let handle = await openPostgres(url);
    return {
      store: createPostgresStore(handle),
      async reopen() {
        await handle.close();
        handle = await openPostgres(url);
        return createPostgresStore(handle);
      },
      close: () => handle.close(),
    };
  });
});
