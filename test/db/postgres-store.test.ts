import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { connect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from "node:net";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client.js";
import { copySqliteToPostgres } from "../../db/copy-to-postgres.js";
import { claimSqliteFile } from "../../db/sqlite-claim.js";
import { openStore } from "../../db/open-store.js";
import { openPostgres, type PostgresHandle } from "../../db/postgres/client.js";
import { createSqliteStore } from "../../db/store.js";
import { createPostgresStore } from "../../db/postgres/store.js";
import type { AuditEvent, Store } from "../../src/app/store.js";
import { freshCriteria } from "../../src/domain/criteria.js";
import { describeStoreContract } from "../contracts/store-contract.js";
import { PROGRAM_ARGS, ROOT } from "../helpers/program.js";
import { runGonogo } from "../helpers/run-gonogo.js";
import { createTestDatabases, SKIP_WITHOUT_POSTGRES, TEST_DATABASE_URL, type TestDatabases } from "../helpers/postgres.js";

const T = Date.UTC(2030, 0, 15, 9, 0);

/**
 * A TCP proxy to the database that can be cut (every connection dropped, nothing accepted) and
 * restored on the same port, or stalled (connections accepted and kept, nothing passed on: a
 * network that swallows packets) and let flow again.
 */
async function startTcpProxy(host: string, port: number) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let own = 0;
  let stalled = false;
  const listen = async () => {
    server = createNetServer((client) => {
      sockets.add(client);
      client.on("error", () => undefined);
      client.on("close", () => sockets.delete(client));
      if (stalled) return;
      const upstream = connect(port, host);
      sockets.add(upstream);
      upstream.on("error", () => undefined);
      upstream.on("close", () => sockets.delete(upstream));
      client.on("data", (chunk) => stalled || upstream.write(chunk));
      upstream.on("data", (chunk) => stalled || client.write(chunk));
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    server.listen(own, "127.0.0.1");
    await once(server, "listening");
    own = (server.address() as AddressInfo).port;
  };
  await listen();
  return {
    port: own,
    cut() {
      server?.close();
      server = null;
      for (const s of sockets) s.destroy();
    },
    restore: listen,
    stall() {
      stalled = true;
    },
    flow() {
      stalled = false;
      // What was swallowed is gone: the connections that saw it cannot go on.
      for (const s of sockets) s.destroy();
    },
    /** Client connections open now. */
    connections: () => [...sockets].filter((s) => s.localPort === own).length,
  };
}
const CHANNEL = { platform: "slack", key: "slack:T1:C1", nativeId: "C1" };
const event = (type: string, at: number): AuditEvent => ({ releaseId: "R-1", at, actor: "slack:T1:U1", platform: "slack", type, data: {} });

/** Every PostgreSQL suite, each test on a fresh database; one line says so when there is no server to run them on. */
describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? "PostgreSQL" : `PostgreSQL ${SKIP_WITHOUT_POSTGRES}`, () => {
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
      async tamperAudit(id, type) {
        // Only a superuser can switch the append-only trigger off: the tampering verify exists to catch.
        await handle.pool.query("ALTER TABLE audit_events DISABLE TRIGGER USER");
        await handle.pool.query("UPDATE audit_events SET type = $1 WHERE id = $2", [type, id]);
        await handle.pool.query("ALTER TABLE audit_events ENABLE TRIGGER USER");
      },
      async close() {
        await handle.close();
        await databases.drop(url);
      },
    };
  });

  /** gonogo instances opened by a test on its database(s): closed, and the databases dropped, after it. */
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

  describe("several instances on one database", () => {
    it("migrates an empty database once when three instances start at the same moment", async () => {
      const url = await databases.fresh({ migrated: false });
      const [a, b, c] = await Promise.all([instance(url), instance(url), instance(url)]);
      const applied = await a.pool.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
      // Each migration in the folder's journal, applied once.
      const journal = JSON.parse(readFileSync(join(ROOT, "db/postgres/migrations/meta/_journal.json"), "utf8")) as { entries: unknown[] };
      expect(applied.rows[0]).toEqual({ n: journal.entries.length });
      expect((await a.pool.query("SELECT hash FROM audit_chain_head")).rows).toEqual([{ hash: "genesis" }]);
      const stores = [a, b, c].map((h) => createPostgresStore(h));
      for (const [i, store] of stores.entries()) await store.appendAudit(event(`from ${i}`, T + i));
      expect(await stores[2]!.verifyAudit()).toMatchObject({ ok: true, count: 3 });
    });

    it("keeps one audit chain, without a fork, when two instances append at the same moment", async () => {
      const url = await databases.fresh();
      const [one, two] = (await Promise.all([instance(url), instance(url)])).map((h) => createPostgresStore(h)) as [Store, Store];
      const appends = Array.from({ length: 40 }, (_, i) => {
        const store = i % 2 ? two : one;
        // Plain appends and appends inside transactions, both at once.
        return i % 3 ? store.appendAudit(event(`e${i}`, T + i)) : store.transaction(async (tx) => tx.appendAudit(event(`e${i}`, T + i)));
      });
      await Promise.all(appends);
      expect(await one.verifyAudit()).toMatchObject({ ok: true, count: 40 });
      const links = await open[0]!.pool.query("SELECT count(DISTINCT prev_hash)::int AS n FROM audit_events");
      expect(links.rows[0]).toEqual({ n: 40 });
    });

    it("never loses an update when two instances read then write the same release at the same moment", async () => {
      const url = await databases.fresh();
      const [one, two] = (await Promise.all([instance(url), instance(url)])).map((h) => createPostgresStore(h)) as [Store, Store];
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

    it("an instance that keeps the release, policy, criteria and roles every press reads sees another instance's change to each at its next transaction", async () => {
      const url = await databases.fresh();
      const [one, two] = (await Promise.all([instance(url), instance(url)])).map((h) => createPostgresStore(h)) as [Store, Store];
      const r = await one.insertRelease({
        service: "payments", version: "1.0.0", environment: "production", description: "first", managerId: "slack:T1:U1", managerName: "Ana",
        channel: CHANNEL, scheduledAt: null, timezone: "UTC", state: "voting", stateReason: null,
        createdAt: T, createdBy: "slack:T1:U1", decidedGoAt: null, shippedAt: null, rollbackRequestedAt: null, recoveredAt: null, retroOpenedAt: null,
        closedAt: null, votesVoidedNote: null, webhookNote: null,
      });
      await one.replaceCriteria(r.id, freshCriteria([{ name: "ci", role: null }]));
      await one.setPolicy(CHANNEL.key, { quorum: 2 });
      await one.grantRole({ subject: "slack:T1:U2", role: "qa", grantedBy: "slack:T1:U1", at: T });
      // What a press reads, as one instance sees it inside a transaction.
      const seen = (store: Store) =>
        store.transaction(async (tx) => ({
          description: (await tx.getRelease(r.id))!.description,
          quorum: (await tx.getPolicy(CHANNEL.key))?.quorum,
          criteria: (await tx.listCriteria(r.id)).map((c) => `${c.name}:${c.status}`),
          roles: (await tx.listRoleBindings(["slack:T1:U2"])).map((b) => b.role),
          linked: (await tx.linkedAccounts("slack:T1:U2")).map((a) => a.account),
        }));
      expect(await seen(one)).toEqual({ description: "first", quorum: 2, criteria: ["ci:pending"], roles: ["qa"], linked: [] });
      await two.transaction(async (tx) => {
        await tx.updateRelease(r.id, { description: "second" });
        await tx.setPolicy(CHANNEL.key, { quorum: 3 });
        const [ci] = await tx.listCriteria(r.id);
        await tx.saveCriterion(r.id, { ...ci!, status: "passed", at: T + 1 });
        await tx.grantRole({ subject: "slack:T1:U2", role: "release_manager", grantedBy: "slack:T1:U1", at: T + 1 });
        await tx.linkAccounts({ account: "discord:G1:9", name: "u2" }, { account: "slack:T1:U2", name: "U2" }, T + 1);
      });
      expect(await seen(one)).toEqual({ description: "second", quorum: 3, criteria: ["ci:passed"], roles: ["qa", "release_manager"], linked: ["discord:G1:9"] });
      // A change one instance rolled back is not what it sees afterwards either.
      await expect(
        one.transaction(async (tx) => {
          await tx.updateRelease(r.id, { description: "undone" });
          await tx.revokeRole("slack:T1:U2", "qa");
          await tx.unlinkAccount("slack:T1:U2");
          throw new Error("changed my mind");
        }),
      ).rejects.toThrow("changed my mind");
      expect(await seen(one)).toEqual({ description: "second", quorum: 3, criteria: ["ci:passed"], roles: ["qa", "release_manager"], linked: ["discord:G1:9"] });
      // A single write outside a transaction is seen too.
      await two.revokeRole("slack:T1:U2", "release_manager");
      expect((await seen(one)).roles).toEqual(["qa"]);
      await two.unlinkAccount("discord:G1:9");
      expect((await seen(one)).linked).toEqual([]);
    });

    it("with more linked accounts than it keeps, reads the whole table once, then asks per account: not 1,001 rows for every press", async () => {
      const url = await databases.fresh();
      const handle = await instance(url);
      await handle.pool.query(
        "INSERT INTO identity_links (account, person, name, linked_at) SELECT 'slack:T1:U' || i, 'person' || (i / 2), 'u' || i, i FROM generate_series(0, 1001) AS i",
      );
      const store = createPostgresStore(handle);
      const queries = vi.spyOn(pg.Client.prototype, "query");
      let reads: string[];
      try {
        for (let press = 0; press < 5; press++) {
          // Each press asks who else its voter is, as a vote does.
          const linked = await store.transaction((tx) => tx.linkedAccounts(`slack:T1:U${2 * press}`));
          expect(linked.map((a) => a.account)).toEqual([`slack:T1:U${2 * press + 1}`]);
        }
        reads = queries.mock.calls.map(([q]) => (typeof q === "string" ? q : ((q as { text?: string }).text ?? ""))).filter((text) => text.includes("identity_links"));
      } finally {
        queries.mockRestore();
      }
      // The first press reads the table and finds it too large; each press then asks for its own account.
      expect(reads.filter((q) => /limit/i.test(q))).toHaveLength(1);
      expect(reads).toHaveLength(6);
    });

    it("keeps every vote when two instances vote on the same release at once, each deciding on all votes so far, with one audit chain", async () => {
      const url = await databases.fresh();
      const [one, two] = (await Promise.all([instance(url), instance(url)])).map((h) => createPostgresStore(h)) as [Store, Store];
      const r = await one.insertRelease({
        service: "payments", version: "1.0.0", environment: "production", description: null, managerId: "slack:T1:U1", managerName: "Ana",
        channel: CHANNEL, scheduledAt: null, timezone: "UTC", state: "voting", stateReason: null,
        createdAt: T, createdBy: "slack:T1:U1", decidedGoAt: null, shippedAt: null, rollbackRequestedAt: null, recoveredAt: null, retroOpenedAt: null,
        closedAt: null, votesVoidedNote: null, webhookNote: null,
      });
      // Each vote, as castVote does: read the release and the current votes (each instance keeps them cached), write one, decide on all.
      const vote = (store: Store, i: number) =>
        store.transaction(async (tx) => {
          const release = (await tx.getRelease(r.id))!;
          const voter = `slack:T1:V${i % 15}`;
          const before = await tx.getVote(release.id, voter);
          await tx.upsertVote(release.id, { voter, voterName: `v${i}`, choice: before?.choice === "go" ? "no_go" : "go", reason: null, roles: [], at: T + i });
          // Quotes, backslashes and SQL in the text: an appended event is written as quoted SQL text along with COMMIT.
          await tx.appendAudit({ ...event(before ? "vote_changed" : "vote_cast", T + i), actor: `slack:T1:O'Brien\\${i}`, data: { i, note: "it's \\ 'q'; COMMIT; -- ü 🚀 $$ \u0001" } });
          expect((await tx.currentVotes(release.id)).get(voter)?.at).toBe(T + i);
          if (i % 7 === 3) await tx.deleteVote(release.id, `slack:T1:V${(i + 1) % 15}`);
        });
      await Promise.all(Array.from({ length: 60 }, (_, i) => vote(i % 2 ? two : one, i)));
      // A vote another instance wrote is in the next transaction's view, whichever instance runs it.
      const stored = await open[0]!.pool.query<{ voter: string; choice: string }>("SELECT voter, choice FROM votes");
      const direct = stored.rows.map((v) => `${v.voter}=${v.choice}`).sort();
      expect(direct.length).toBeGreaterThan(10);
      for (const store of [one, two]) {
        const viaTx = await store.transaction(async (tx) => [...(await tx.currentVotes(r.id)).values()].map((v) => `${v.voter}=${v.choice}`).sort());
        expect(viaTx).toEqual(direct);
        expect((await store.getVotes(r.id)).map((v) => `${v.voter}=${v.choice}`).sort()).toEqual(direct);
      }
      // One chain, no fork, and every event as written.
      expect(await one.verifyAudit()).toMatchObject({ ok: true, count: 60 });
      const trail = await two.listAudit("R-1");
      expect(trail.map((e) => e.data.i).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(trail[0]).toMatchObject({ actor: `slack:T1:O'Brien\\${String(trail[0]!.data.i)}`, data: { note: "it's \\ 'q'; COMMIT; -- ü 🚀 $$ \u0001" } });
      // A vote rolled back on one instance is in nobody's view afterwards.
      await expect(
        one.transaction(async (tx) => {
          await tx.upsertVote(r.id, { voter: "slack:T1:GHOST", voterName: "ghost", choice: "go", reason: null, roles: [], at: T + 99 });
          expect((await tx.currentVotes(r.id)).has("slack:T1:GHOST")).toBe(true);
          throw new Error("changed my mind");
        }),
      ).rejects.toThrow("changed my mind");
      // Even once another instance's vote brings the release to the version the rolled-back one had reached.
      await two.transaction((tx) => tx.upsertVote(r.id, { voter: "slack:T1:LATE", voterName: "late", choice: "go", reason: null, roles: [], at: T + 100 }));
      for (const store of [one, two]) {
        const view = await store.transaction((tx) => tx.currentVotes(r.id));
        expect([view.has("slack:T1:GHOST"), view.has("slack:T1:LATE")]).toEqual([false, true]);
      }
    });

    it("runs presses that arrive together in one transaction, and a vote write that fails only at COMMIT fails only its own press", async () => {
      const url = await databases.fresh();
      const handle = await instance(url);
      const store = createPostgresStore(handle);
      const r = await store.insertRelease({
        service: "payments", version: "1.0.0", environment: "production", description: null, managerId: "slack:T1:U1", managerName: "Ana",
        channel: CHANNEL, scheduledAt: null, timezone: "UTC", state: "voting", stateReason: null,
        createdAt: T, createdBy: "slack:T1:U1", decidedGoAt: null, shippedAt: null, rollbackRequestedAt: null, recoveredAt: null, retroOpenedAt: null,
        closedAt: null, votesVoidedNote: null, webhookNote: null,
      });
      // Each transaction takes a connection of its own from the pool (a plain read passes a callback).
      let transactions = 0;
      const connect = handle.pool.connect.bind(handle.pool) as (...args: unknown[]) => unknown;
      (handle.pool as unknown as { connect: typeof connect }).connect = (...args) => {
        if (args.length === 0) transactions++;
        return connect(...args);
      };
      // Press 5 votes on a release that does not exist: its write waits for COMMIT, where the foreign key refuses it.
      const press = (i: number) =>
        store.transaction(async (tx) => {
          const id = i === 5 ? "R-404" : r.id;
          await tx.getVotes(id);
          await tx.upsertVote(id, { voter: `slack:T1:U${i}`, voterName: `u${i}`, choice: "go", reason: null, roles: [], at: T + i });
          await tx.appendAudit(event("vote_cast", T + i));
          return i;
        }, { id: `press-${i}`, at: T });
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => press(i)));
      expect(results.filter((x) => x.status === "fulfilled").map((x) => x.value)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);
      expect(results[5]).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/foreign key/) } });
      expect((await store.getVotes(r.id)).map((v) => v.voter)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11].map((i) => `slack:T1:U${i}`));
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 11 });
      // The first press alone, the other eleven together; that batch failed at COMMIT and ran again one by one.
      expect(transactions).toBe(1 + 1 + 11);
      expect(await store.claimEvent("press-5", T)).toBe(true);
    });

    it("a use case that only read before it failed leaves the others of its batch alone: they run once", async () => {
      const url = await databases.fresh();
      const store = createPostgresStore(await instance(url));
      const r = await store.insertRelease({
        service: "payments", version: "1.0.0", environment: "production", description: null, managerId: "slack:T1:U1", managerName: "Ana",
        channel: CHANNEL, scheduledAt: null, timezone: "UTC", state: "voting", stateReason: null,
        createdAt: T, createdBy: "slack:T1:U1", decidedGoAt: null, shippedAt: null, rollbackRequestedAt: null, recoveredAt: null, retroOpenedAt: null,
        closedAt: null, votesVoidedNote: null, webhookNote: null,
      });
      let voteRuns = 0;
      // Queued together, they run as one batch: the vote first, then a stats read that fails.
      const vote = store.transaction(async (tx) => {
        voteRuns++;
        await tx.upsertVote(r.id, { voter: "slack:T1:U2", voterName: "u2", choice: "go", reason: null, roles: [], at: T });
      });
      const failing = store.transaction(async (tx) => {
        await tx.countVotes([r.id]);
        await tx.countReleasesByState();
        throw new Error("the stats request failed");
      });
      await expect(failing).rejects.toThrow("the stats request failed");
      await vote;
      expect(voteRuns).toBe(1);
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
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 2 });
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

  describe("moving an installation from SQLite (npm run db:copy)", () => {
    let dir: string;
    let sqlite: DatabaseHandle | undefined;
    const release = (version: string) => ({
      service: "payments", version, environment: "production", description: null, managerId: "slack:T1:U1", managerName: "Ana", channel: CHANNEL,
      scheduledAt: T + 3_600_000, timezone: "UTC", state: "voting" as const, stateReason: null, createdAt: T, createdBy: "slack:T1:U1", decidedGoAt: null,
      shippedAt: null, rollbackRequestedAt: null, recoveredAt: null, retroOpenedAt: null, closedAt: null, votesVoidedNote: null, webhookNote: null,
    });

    /** An SQLite installation with a row in every table. */
    async function seedSqlite(): Promise<string> {
      dir = mkdtempSync(join(tmpdir(), "gonogo-copy-"));
      const path = join(dir, "gonogo.db");
      const handle = openDatabase(path);
      const store = createSqliteStore(handle);
      await store.transaction(async (tx) => {
        for (const version of ["1.0.0", "1.1.0"]) {
          const r = await tx.insertRelease(release(version));
          await tx.appendAudit({ ...event("release_created", T), releaseId: r.id });
        }
        await tx.upsertVote("R-1", { voter: "slack:T1:bob", voterName: "Bob", choice: "go", reason: null, roles: ["qa"], at: T + 1 });
        await tx.upsertVote("R-1", { voter: "slack:T1:eve", voterName: "Eve", choice: "no_go", reason: "flaky 🐛", roles: [], at: T + 2 });
        await tx.appendAudit(event("vote_cast", T + 2));
        await tx.upsertJob({ releaseId: "R-1", kind: "reminder", key: "reminder:15", dueAt: T + 2_700_000, payload: { minutes: 15 } });
        await tx.upsertJob({ releaseId: "R-1", kind: "t0", key: "t0", dueAt: T + 3_600_000, payload: {} });
        await tx.addMessageRef("R-1", { platform: "slack", channel: CHANNEL, messageId: "1700000000.000100" });
        await tx.setPolicy(CHANNEL.key, { quorum: 3, require: ["qa"] });
        await tx.grantRole({ subject: "slack:T1:bob", role: "qa", grantedBy: "slack:T1:U1", at: T });
        await tx.putRetroAnswer({ releaseId: "R-2", author: "slack:T1:bob", authorName: "Bob", wentWell: "smooth", wentBadly: "", actionItems: "", at: T + 5 });
        await tx.createDelivery({ releaseId: "R-2", kind: "deploy", idempotencyKey: "deploy:R-2", url: "https://ci.example.com/h", body: "{}", createdAt: T + 6 });
        await tx.recordHookReceipt("sig-1", T + 7, "report-a");
        await tx.addToOutbox({ releaseId: "R-1", text: "⏰ T-1h: not posted yet", mention: ["slack:T1:U1"], mentionGroups: [], buttons: [] }, T + 8, 10_000);
        await tx.linkAccounts({ account: "slack:T1:bob", name: "Bob" }, { account: "discord:G1:7", name: "bob_d" }, T + 9);
        await tx.saveLinkCode("code-hash", { account: "slack:T1:eve", name: "Eve" }, T + 600_000);
        await tx.markClosedChannelTold("R-1", "discord:G1:C9", T + 10);
      });
      handle.close();
      return path;
    }

    afterEach(() => {
      sqlite?.close();
      sqlite = undefined;
      rmSync(dir, { recursive: true, force: true });
    });

    it("copies every table, verifies the audit chain, and the copy carries on where SQLite stopped", async () => {
      const from = await seedSqlite();
      sqlite = openDatabase(from);
      const before = createSqliteStore(sqlite);
      const url = await databases.fresh({ migrated: false });
      used.add(url);
      const report = await copySqliteToPostgres(from, url);
      expect(report.auditEvents).toBe(3);
      expect(report.rows).toMatchObject({ releases: 2, votes: 2, audit_events: 3, jobs: 2, message_refs: 1, policies: 1, role_bindings: 1, retro_answers: 1, webhook_deliveries: 1, hook_receipts: 1, notice_outbox: 1, closed_channels_told: 1 });

      const handle = await instance(url);
      const after = createPostgresStore(handle);
      for (const id of ["R-1", "R-2"]) {
        expect(await after.getRelease(id)).toEqual(await before.getRelease(id));
        expect(await after.getVotes(id)).toEqual(await before.getVotes(id));
        expect(await after.listAudit(id)).toEqual(await before.listAudit(id));
        expect(await after.listMessageRefs(id)).toEqual(await before.listMessageRefs(id));
        expect(await after.listRetroAnswers(id)).toEqual(await before.listRetroAnswers(id));
        expect(await after.listDeliveries(id)).toEqual(await before.listDeliveries(id));
      }
      expect(await after.listPendingJobs()).toEqual(await before.listPendingJobs());
      expect(await after.getPolicy(CHANNEL.key)).toEqual(await before.getPolicy(CHANNEL.key));
      expect(await after.listRoleBindings()).toEqual(await before.listRoleBindings());
      // Linked accounts stay one voter, and a code given out just before the move still works.
      expect(await after.linkedAccounts("discord:G1:7")).toEqual([{ account: "slack:T1:bob", name: "Bob" }]);
      expect(await after.takeLinkCode("code-hash", T + 10)).toEqual({ account: "slack:T1:eve", name: "Eve" });
      // A manager told that the bot may not post in a channel is not told again from the new database.
      expect(await after.markClosedChannelTold("R-1", "discord:G1:C9", T + 11)).toBe(false);
      // The receipt comes over with its report's hash: a replay is known, another report under its id too.
      expect(await after.recordHookReceipt("sig-1", T + 8, "report-a")).toBe("same");
      expect(await after.recordHookReceipt("sig-1", T + 9, "report-b")).toBe("different");
      // A notice still in the outbox is posted from the new database; the next one gets a fresh id.
      expect(await after.listOutbox()).toEqual(await before.listOutbox());
      expect(await after.addToOutbox({ releaseId: "R-2", text: "next", mention: [], mentionGroups: [], buttons: [] }, T + 9, 10_000)).toBe(2);
      // New rows follow the copied ones: the next release is R-3 and the chain goes on.
      expect((await after.insertRelease(release("2.0.0"))).id).toBe("R-3");
      await after.appendAudit(event("after the move", T + 9));
      expect(await after.verifyAudit()).toMatchObject({ ok: true, count: 4 });
    });

    it("refuses a target that already holds data, and changes nothing in it", async () => {
      const from = await seedSqlite();
      const url = await databases.fresh();
      const handle = await instance(url);
      const store = createPostgresStore(handle);
      await store.insertRelease(release("9.9.9"));
      await store.appendAudit(event("already here", T));

      const cli = spawnSync(process.execPath, [...PROGRAM_ARGS.slice(0, -1), "dist/db-copy.js", "--from", from, "--to", url], { cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toMatch(/is not empty \(releases, audit_events hold rows\); nothing was copied\. Copy into a new, empty database\./);
      expect((await store.listReleases({})).map((r) => r.version)).toEqual(["9.9.9"]);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 1 });
    });

    it("refuses to copy from a file a gonogo process is running on, and copies nothing", async () => {
      const from = await seedSqlite();
      const claim = claimSqliteFile(from);
      try {
        const url = await databases.fresh({ migrated: false });
        used.add(url);
        await expect(copySqliteToPostgres(from, url)).rejects.toThrow(`gonogo is running on ${from}: stop it first, so nothing it writes after the copy is lost.`);
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          expect((await client.query("SELECT to_regclass('public.releases') AS t")).rows[0]).toEqual({ t: null });
        } finally {
          await client.end();
        }
      } finally {
        claim.release();
      }
    });

    it("names --to, not DATABASE_URL, when the target cannot be opened", async () => {
      const from = await seedSqlite();
      const url = new URL(await databases.fresh());
      url.pathname = "/gonogo_no_such_database";
      const cli = spawnSync(process.execPath, [...PROGRAM_ARGS.slice(0, -1), "dist/db-copy.js", "--from", from, "--to", url.toString()], { cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toContain("Check the --to URL and that the server answers");
      expect(cli.stderr).not.toContain("DATABASE_URL");
    });
  });

  describe("opening the database", () => {
    it("says why PostgreSQL refused the migrations (the server's reason, not the statement), and what the role needs", async () => {
      const url = new URL(await databases.fresh({ migrated: false }));
      used.add(url.toString());
      url.searchParams.set("options", "-c default_transaction_read_only=on");
      const refused = await openPostgres(url.toString()).then(() => null, (err: Error) => err.message);
      expect(refused).toContain("cannot execute CREATE SCHEMA in a read-only transaction — the connection is read-only");
      expect(refused).toContain("point it at the primary");
      expect(refused).not.toContain("Failed query");
    });
  });

  describe("migrating at start-up", () => {
    it("says how many migrations opening the database applied: all of them the first time, none the next", async () => {
      const url = await databases.fresh({ migrated: false });
      used.add(url);
      const first = await openPostgres(url);
      await first.close();
      const again = await openPostgres(url);
      await again.close();
      expect(first.migrated).toBeGreaterThan(0);
      expect(again.migrated).toBe(0);
    });
  });

  describe("readiness", () => {
    it("answers ready only while PostgreSQL answers: cut off from it, the database check fails at once, and passes again once it is back", async () => {
      const url = new URL(await databases.fresh());
      used.add(url.toString());
      const proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
      url.host = `127.0.0.1:${proxy.port}`;
      const opened = await openStore({ databaseUrl: url.toString(), databasePath: "" });
      try {
        expect(await opened.reachable()).toBe(true);
        proxy.cut();
        expect(await opened.reachable()).toBe(false);
        expect(opened.isOpen()).toBe(true); // alive all the while: a restart would not bring the database back
        await proxy.restore();
        expect(await opened.reachable()).toBe(true);
      } finally {
        await opened.close();
        proxy.cut();
      }
    });

    it("behind a network that swallows packets, many readiness probes at once hold at most one connection, and the pool serves again once it is back", async () => {
      const url = new URL(await databases.fresh());
      used.add(url.toString());
      const proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
      url.host = `127.0.0.1:${proxy.port}`;
      const opened = await openStore({ databaseUrl: url.toString(), databasePath: "" }, undefined, { reachableWithinMs: 300 });
      try {
        expect(await opened.reachable()).toBe(true);
        proxy.stall();
        expect(await Promise.all(Array.from({ length: 15 }, () => opened.reachable()))).toEqual(Array(15).fill(false));
        expect(proxy.connections()).toBeLessThanOrEqual(2); // the pool's one idle client, or the probe's new one
        proxy.flow();
        expect(await opened.reachable()).toBe(true);
        expect(await opened.store.countReleasesByState()).toEqual({});
      } finally {
        await opened.close();
        proxy.cut();
      }
    });
  });

  describe("npm run audit:verify with DATABASE_URL", () => {
    const verify = (url: string) =>
      spawnSync(process.execPath, [...PROGRAM_ARGS.slice(0, -1), "dist/audit-verify.js"], { cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "", DATABASE_URL: url } });

    it("walks the chain in PostgreSQL and says it is intact", async () => {
      const url = await databases.fresh();
      const store = createPostgresStore(await instance(url));
      for (let i = 0; i < 3; i++) await store.appendAudit(event(`step ${i}`, T + i));
      const r = verify(url);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^Audit trail intact: 3 events, every link verified\. Head: 3:[0-9a-f]{64} /);
      expect(r.status).toBe(0);
    });

    it("names the first broken link and exits 1 when a row was changed behind the trigger's back", async () => {
      const url = await databases.fresh();
      const handle = await instance(url);
      const store = createPostgresStore(handle);
      for (let i = 0; i < 3; i++) await store.appendAudit(event(`step ${i}`, T + i));
      // Only a superuser can switch the append-only trigger off: the tampering verify exists to catch.
      await handle.pool.query("ALTER TABLE audit_events DISABLE TRIGGER USER");
      await handle.pool.query("UPDATE audit_events SET type = 'rewritten' WHERE id = (SELECT min(id) + 1 FROM audit_events)");
      const r = verify(url);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^Audit trail BROKEN at event \d+: .+\. 1 event before it verified\.\n$/);
    });
  });
});
