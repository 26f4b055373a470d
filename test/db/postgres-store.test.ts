import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type PostgresHandle } from "../../db/postgres/client.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import type { AuditEvent, Store } from "../../src/app/store.js";
import { describeStoreContract } from "../contracts/store-contract.js";
import { runGonogo } from "../helpers/run-gonogo.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

const T = Date.UTC(2030, 0, 15, 9, 0);
const event = (type: string, at: number): AuditEvent => ({ releaseId: "R-1", at, actor: "slack:T1:U1", platform: "slack", type, data: {} });

/** Every PostgreSQL suite, each test on a fresh database; one line says so when there is no server to run them on. */
describe.skipIf(!TEST_DATABASE_URL)(`PostgreSQL ${TEST_DATABASE_URL ? "" : SKIP_WITHOUT_POSTGRES}`, () => {
  let databases: TestDatabases;
  beforeAll(() => {
    databases = createTestDatabases(TEST_DATABASE_URL!);
  });
  afterAll(() => databases.dropAll(), 60_000);

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
      async close() {
        await handle.close();
        await databases.drop(url);
      },
    };
  });

  describe("several instances on one database", () => {
    const open: PostgresHandle[] = [];
    const used = new Set<string>();
    const instance = async (url: string) => {
      used.add(url);
      const handle = await openPostgres(url);
      open.push(handle);
      return handle;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((h) => h.close()));
      for (const url of used) await databases.drop(url);
      used.clear();
    });

    it("migrates an empty database once when three instances start at the same moment", async () => {
      const url = await databases.fresh({ migrated: false });
      const [a, b, c] = await Promise.all([instance(url), instance(url), instance(url)]);
      const applied = await a!.pool.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
      expect(applied.rows[0]).toEqual({ n: 2 });
      expect((await a!.pool.query("SELECT hash FROM audit_chain_head")).rows).toEqual([{ hash: "genesis" }]);
      const stores = [a!, b!, c!].map(createPostgresStore);
      for (const [i, store] of stores.entries()) await store.appendAudit(event(`from ${i}`, T + i));
      expect(await stores[2]!.verifyAudit()).toEqual({ ok: true, count: 3 });
    });

    it("keeps one audit chain, without a fork, when two instances append at the same moment", async () => {
      const url = await databases.fresh();
      const [one, two] = (await Promise.all([instance(url), instance(url)])).map(createPostgresStore) as [Store, Store];
      const appends = Array.from({ length: 40 }, (_, i) => {
        const store = i % 2 ? two : one;
        // Plain appends and appends inside transactions, both at once.
        return i % 3 ? store.appendAudit(event(`e${i}`, T + i)) : store.transaction(async (tx) => tx.appendAudit(event(`e${i}`, T + i)));
      });
      await Promise.all(appends);
      expect(await one.verifyAudit()).toEqual({ ok: true, count: 40 });
      const links = await open[0]!.pool.query("SELECT count(DISTINCT prev_hash)::int AS n FROM audit_events");
      expect(links.rows[0]).toEqual({ n: 40 });
    });

    it("never loses an update when two instances read then write the same release at the same moment", async () => {
      const url = await databases.fresh();
      const [one, two] = (await Promise.all([instance(url), instance(url)])).map(createPostgresStore) as [Store, Store];
      const r = await one.insertRelease({
        service: "payments", version: "1.0.0", environment: "production", description: "0", managerId: "slack:T1:U1", managerName: "Ana",
        channel: { platform: "slack", key: "slack:T1:C1", nativeId: "C1" }, scheduledAt: null, timezone: "UTC", state: "voting", stateReason: null,
        createdAt: T, createdBy: "slack:T1:U1", decidedGoAt: null, shippedAt: null, rollbackRequestedAt: null, recoveredAt: null, retroOpenedAt: null,
        closedAt: null, votesVoidedNote: null, webhookNote: null,
      });
      const increment = (store: Store) =>
        store.transaction(async (tx) => {
          const n = Number((await tx.getRelease(r.id))!.description);
          await tx.updateRelease(r.id, { description: String(n + 1) });
        });
      await Promise.all(Array.from({ length: 20 }, (_, i) => increment(i % 2 ? two : one)));
      expect((await two.getRelease(r.id))!.description).toBe("20");
    });

    it("refuses to change, delete or truncate audit events, whoever asks", async () => {
      const url = await databases.fresh();
      const handle = await instance(url);
      const store = createPostgresStore(handle);
      await store.appendAudit(event("vote_cast", T));
      await store.appendAudit(event("decision", T + 1));
      await expect(handle.pool.query("UPDATE audit_events SET actor = 'slack:T1:MALLORY' WHERE type = 'vote_cast'")).rejects.toThrow(/append-only/);
      await expect(handle.pool.query("DELETE FROM audit_events WHERE type = 'vote_cast'")).rejects.toThrow(/append-only/);
      await expect(handle.pool.query("TRUNCATE audit_events")).rejects.toThrow(/append-only/);
      expect((await store.listAudit("R-1")).map((e) => e.type)).toEqual(["vote_cast", "decision"]);
      expect(await store.verifyAudit()).toEqual({ ok: true, count: 2 });
    });
  });

  describe("choosing the database", () => {
    it("keeps gonogo's data in PostgreSQL when DATABASE_URL is set, and writes no SQLite file", async () => {
      const url = await databases.fresh({ migrated: false });
      const dir = mkdtempSync(join(tmpdir(), "gonogo-pg-program-"));
      try {
        const { code, stdout } = await runGonogo("/release create api 1.0.0\n/quit\n", { DATABASE_URL: url, DATABASE_PATH: join(dir, "gonogo.db"), GONOGO_USER: "ana" });
        expect(code).toBe(0);
        expect(stdout).toContain("R-1");
        expect(existsSync(join(dir, "gonogo.db"))).toBe(false);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          expect((await client.query("SELECT service, version, created_by FROM releases")).rows).toEqual([{ service: "api", version: "1.0.0", created_by: "terminal:ana" }]);
          expect((await client.query("SELECT type FROM audit_events")).rows.map((r: { type: string }) => r.type)).toContain("release_created");
        } finally {
          await client.end();
        }
      } finally {
        await databases.drop(url);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
