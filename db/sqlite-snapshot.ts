import Database from "better-sqlite3";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import type { Snapshot } from "../src/app/snapshot.js";
import type { Store } from "../src/app/store.js";
import { CHAIN_COLUMNS, chainWalk, type AuditRowForHash, type ChainRow } from "./audit-chain.js";
import { tables } from "./client.js";
import { seqOf, toRelease } from "./rows.js";
import { releases } from "./schema.js";

/**
 * How many rows of the trail one page reads (ids, matching the range or not). A page and its
 * export lines take about 10 ms of the event loop, so a press waits about that long for a turn
 * (1,000,000 rows: presses answered within 20 ms through a 12-19 s export on a loaded 2-core machine).
 */
export const SQLITE_PAGE_IDS = 1_000;

/** A row of the trail as an export page reads it: what its hash covers, its id and its hash. */
type AuditRow = AuditRowForHash & { id: number; hash: string | null };

/** A turn of the event loop: what came in meanwhile (a press) runs before the next page. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A snapshot's reads on `sqlite`, inside the read transaction the caller began. better-sqlite3
 * answers synchronously, so a read of the whole trail would never let the event loop turn:
 * every page waits a turn first, and the presses that came in meanwhile commit in between.
 */
function snapshotOn(sqlite: Database.Database): Snapshot {
  const db = drizzle(sqlite, { schema: tables });
  const release = db.select().from(releases).where(eq(releases.seq, sql.placeholder("seq"))).prepare();
  const page = sqlite.prepare<[number, number, number, number], AuditRow>(
    "SELECT id, release_id AS releaseId, at, actor, platform, type, data, hash FROM audit_events WHERE id > ? AND id <= ? AND at >= ? AND at <= ? ORDER BY id",
  );
  const chainPage = sqlite.prepare<[number, number], ChainRow>(`SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE id > ? AND id <= ? ORDER BY id`);
  // The snapshot's last row, read first: it also fixes the snapshot (the read transaction starts with it).
  const last = (sqlite.prepare("SELECT coalesce(max(id), 0) AS last FROM audit_events").get() as { last: number }).last;
  return {
    getRelease(id) {
      const row = release.get({ seq: seqOf(id) });
      return Promise.resolve(row ? toRelease(row) : undefined);
    },
    async auditPage(from, to, after) {
      await turn();
      const upTo = after + SQLITE_PAGE_IDS;
      const events = page.all(after, upTo, from, to).map((r) => ({ id: r.id, releaseId: r.releaseId, at: r.at, actor: r.actor, platform: r.platform, type: r.type, data: JSON.parse(r.data) as Record<string, unknown>, hash: r.hash ?? "" }));
      return { events, next: upTo < last ? upTo : null };
    },
    async verifyAudit(recorded) {
      // The walk of verifyChain (audit-chain.ts), the same report, with a turn before every page.
      const walk = chainWalk(recorded);
      for (let after = 0; after < last; after += SQLITE_PAGE_IDS) {
        await turn();
        for (const row of chainPage.iterate(after, after + SQLITE_PAGE_IDS)) {
          const broken = walk.step(row);
          if (broken) return broken;
        }
      }
      return walk.end();
    },
  };
}

/**
 * `Store.readSnapshot` on SQLite: a read transaction on a second, read-only connection to the
 * file. In WAL mode the writer commits beside it and it goes on reading the moment it began.
 * An in-memory database has no second connection: its snapshot is read under the writer's
 * lock (`underLock`), as one transaction.
 */
export function createSqliteSnapshots(main: Database.Database, underLock: <T>(fn: () => Promise<T>) => Promise<T>): Store["readSnapshot"] {
  return async (fn) => {
    if (main.memory) return underLock(() => fn(snapshotOn(main)));
    const reader = new Database(main.name, { readonly: true, fileMustExist: true, timeout: 5000 });
    try {
      reader.exec("BEGIN");
      return await fn(snapshotOn(reader));
    } finally {
      if (reader.inTransaction) reader.exec("COMMIT");
      reader.close();
    }
  };
}
