import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgres } from "../../db/postgres/client.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

const T = Date.UTC(2030, 0, 15, 9, 0);
const CHANNEL = { platform: "slack", key: "slack:T1:C1", nativeId: "C1" };

/** The text of every query the pg clients sent while `work` ran. */
async function queriesDuring(work: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, "query");
  try {
    await work();
    return spy.mock.calls.map(([q]) => (typeof q === "string" ? q : ((q as { text?: string }).text ?? "")));
  } finally {
    spy.mockRestore();
  }
}

describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "PostgreSQL commits" : `PostgreSQL commits ${SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);

  /*
   * Every instance's write transactions take the writer lock in turns, and a durable COMMIT
   * keeps it until the disk has flushed the log. A press must still be answered only once its
   * vote is on disk (commit-then-ack): what a release manager was told was stored must survive
   * a crash of the database server. Both hold when the transaction commits without waiting and
   * a durable empty transaction follows it in the same round trip.
   */
  it("lets go of the writer lock before the disk flush, and answers a write only after a durable commit that follows it", async () => {
    const url = await databases.fresh();
    const handle = await openPostgres(url);
    try {
      const store = createPostgresStore(handle);
      const release = await store.insertRelease({
        service: "payments", version: "1.0.0", environment: "production", description: null, managerId: "slack:T1:U1", managerName: "Ana",
        channel: CHANNEL, scheduledAt: null, timezone: "UTC", state: "voting", stateReason: null,
        createdAt: T, createdBy: "slack:T1:U1", decidedGoAt: null, shippedAt: null, rollbackRequestedAt: null, recoveredAt: null, retroOpenedAt: null,
        closedAt: null, votesVoidedNote: null, webhookNote: null,
      });
      const sent = await queriesDuring(async () => {
        await store.transaction(async (tx) => {
          await tx.upsertVote(release.id, { voter: "slack:T1:U2", voterName: "bo", choice: "go", reason: null, roles: [], at: T });
          await tx.appendAudit({ releaseId: release.id, at: T, actor: "slack:T1:U2", platform: "slack", type: "vote_cast", data: {} });
        }, { id: "press-1", at: T });
      });
      const last = sent.at(-1)!;
      expect(last.startsWith("SET LOCAL synchronous_commit = off; ")).toBe(true);
      expect(last).toMatch(/; COMMIT; SELECT pg_current_xact_id\(\)$/);
      expect((await store.getVotes(release.id)).map((v) => v.voter)).toEqual(["slack:T1:U2"]);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 1 });

      // A transaction that only read has nothing to flush: a plain COMMIT, no second transaction.
      const read = await queriesDuring(() => store.transaction((tx) => tx.getRelease(release.id)));
      expect(read.at(-1)).toBe("COMMIT");
    } finally {
      await handle.close();
      await databases.drop(url);
    }
  });
});
