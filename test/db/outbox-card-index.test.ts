import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client.js";
import { CARD_OWED_QUERY } from "../../db/outbox-store.js";
import { CARD_POST_ROW } from "../../db/postgres/outbox-store.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

/**
 * Every notice posted asks whether a card of its release is still owed. In a storm of no-gos
 * the outbox holds a backlog of notices, and reading every row of it for each one made the
 * core bench's votes 3–15 times slower (2026-12-06). The question reads a partial index instead.
 */
describe("the outbox's 'is a card still owed' question", () => {
  it("reads the card-post index on SQLite, not every row of the outbox", () => {
    const dir = mkdtempSync(join(tmpdir(), "gonogo-outbox-index-"));
    const handle = openDatabase(join(dir, "gonogo.db"));
    try {
      const plan = handle.sqlite.prepare(`EXPLAIN QUERY PLAN ${CARD_OWED_QUERY}`).all("R-1") as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING INDEX notice_outbox_card_idx/);
    } finally {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "on PostgreSQL" : `on PostgreSQL ${SKIP_WITHOUT_POSTGRES}`, () => {
    let databases: TestDatabases;
    beforeAll(() => {
      databases = createTestDatabases(TEST_DATABASE_URL!);
    });
    afterAll(() => databases.dropAll(), 60_000);

    it("can read the card-post index (a small table may still be read whole, so sequential scans are off here)", async () => {
      const client = new pg.Client({ connectionString: await databases.fresh() });
      await client.connect();
      try {
        await client.query("SET enable_seqscan = off");
        const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN SELECT 1 FROM notice_outbox WHERE release_id = $1 AND ${CARD_POST_ROW} LIMIT 1`, ["R-1"]);
        expect(rows.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/notice_outbox_card_idx/);
      } finally {
        await client.end();
      }
    });
  });
});
