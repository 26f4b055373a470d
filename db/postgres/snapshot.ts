import { and, asc, eq, gt, gte, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type { Snapshot } from "../../src/app/snapshot.js";
import type { Store } from "../../src/app/store.js";
import { seqOf, toEvent, toRelease } from "../rows.js";
import { verifyChainOn } from "./audit-chain.js";
import { auditEvents, releases } from "./schema.js";
import type { Queryable } from "./store.js";

/** Audit events per page: one round trip each, the rows parsed while the next ones are asked for. */
const PAGE = 2_000;

/**
 * `Store.readSnapshot` on PostgreSQL: a REPEATABLE READ, READ ONLY transaction on a connection
 * of its own. It takes no writer lock, so the use cases' transactions (on every instance) commit
 * while it reads; every statement in it sees the snapshot its first one took.
 */
export function createPgSnapshots(pool: pg.Pool): Store["readSnapshot"] {
  return async (fn) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      // The snapshot is taken by the first statement after BEGIN: this one, so it is the moment asked.
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1 FROM audit_events LIMIT 1");
      const result = await fn(snapshotOn(drizzle(client) as unknown as Queryable));
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw err;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: closed, not returned to the pool.
      client.release(broken);
    }
  };
}

function snapshotOn(q: Queryable): Snapshot {
  return {
    async getRelease(id) {
      const [row] = await q.select().from(releases).where(eq(releases.seq, seqOf(id)));
      return row ? toRelease(row) : undefined;
    },
    async auditPage(from, to, after) {
      const rows = await q
        .select()
        .from(auditEvents)
        .where(and(gt(auditEvents.id, after), gte(auditEvents.at, from), lte(auditEvents.at, to)))
        .orderBy(asc(auditEvents.id))
        .limit(PAGE);
      return { events: rows.map((r) => ({ ...toEvent(r), id: r.id, hash: r.hash ?? "" })), next: rows.length === PAGE ? rows.at(-1)!.id : null };
    },
    // Every page is a statement of the one REPEATABLE READ transaction: one moment of the chain.
    verifyAudit: (recorded) => verifyChainOn(q, recorded),
  };
}
