import { asc, gt } from "drizzle-orm";
import { chainWalk, type ChainHead, type ChainReport } from "../audit-chain.js";
import { auditEvents } from "./schema.js";
import type { Queryable } from "./store.js";

/** Rows of the chain per page: one round trip each. */
const CHAIN_PAGE = 5_000;

/**
 * Walks the chain on `q` in pages by id, so a long trail is never held in memory at once: the
 * store's own check (on the pool or in a transaction) and a snapshot's (snapshot.ts) alike.
 */
export async function verifyChainOn(q: Queryable, recorded?: ChainHead): Promise<ChainReport> {
  const walk = chainWalk(recorded);
  let after = 0;
  for (;;) {
    const page = await q.select().from(auditEvents).where(gt(auditEvents.id, after)).orderBy(asc(auditEvents.id)).limit(CHAIN_PAGE);
    for (const row of page) {
      const broken = walk.step(row);
      if (broken) return broken;
      after = row.id;
    }
    if (page.length < CHAIN_PAGE) return walk.end();
  }
}
