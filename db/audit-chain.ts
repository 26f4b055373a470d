import { hash } from "node:crypto";
import type Database from "better-sqlite3";

export interface AuditRowForHash {
  releaseId: string | null;
  at: number;
  actor: string;
  platform: string;
  type: string;
  data: string;
}

/** The hash of one audit row, chained to the one before it (one-shot `hash`: no Hash object per vote). */
export function auditHash(prevHash: string, row: AuditRowForHash): string {
  return hash("sha256", JSON.stringify([prevHash, row.releaseId, row.at, row.actor, row.platform, row.type, row.data]), "hex");
}

export const GENESIS = "genesis";

/** What is wrong with `row` as the link after a row whose hash is `prev`, or undefined when it holds. */
function linkProblem(prev: string, row: AuditRowForHash & { id: number; prevHash: string | null; hash: string | null }): string | undefined {
  if (row.prevHash !== prev) return `row ${row.id} does not follow the row before it (a row was changed or deleted before it)`;
  if (row.hash !== auditHash(prev, row)) return `row ${row.id} was changed after it was written`;
  return undefined;
}

/** The last row of the trail as a check once saw it: recorded outside gonogo, it must still be there, unchanged. */
export interface ChainHead {
  id: number;
  hash: string;
}

export type ChainReport = { ok: true; count: number; head: ChainHead | null } | { ok: false; count: number; brokenAt: number; problem: string };

/** One row of the chain as the walk reads it. */
export type ChainRow = AuditRowForHash & { id: number; prevHash: string | null; hash: string | null };

/** The columns of a ChainRow, as SQLite names them (shared by the whole-file walk and a snapshot's pages). */
export const CHAIN_COLUMNS = "id, release_id AS releaseId, at, actor, platform, type, data, prev_hash AS prevHash, hash";

/**
 * The chain's check, one row at a time in id order (both dialects feed it). The links alone
 * cannot show rows deleted from the end, or a trail rewritten with its hashes recomputed:
 * a head recorded earlier can, so `recorded` must still be in the chain with its hash.
 */
export function chainWalk(recorded?: ChainHead) {
  let prev = GENESIS;
  let count = 0;
  let head: ChainHead | null = null;
  let sawRecorded = false;
  return {
    /** A failed report at the first broken link, else undefined. */
    step(row: ChainRow): ChainReport | undefined {
      count++;
      const problem = linkProblem(prev, row);
      if (problem) return { ok: false, count, brokenAt: row.id, problem };
      if (recorded && row.id === recorded.id) {
        if (row.hash !== recorded.hash) return { ok: false, count, brokenAt: row.id, problem: `row ${row.id} no longer has the hash recorded for it (the trail was rewritten and its hashes computed again)` };
        sawRecorded = true;
      }
      prev = row.hash!;
      head = { id: row.id, hash: row.hash! };
      return undefined;
    },
    end(): ChainReport {
      if (recorded && !sawRecorded) return { ok: false, count: count + 1, brokenAt: recorded.id, problem: `row ${recorded.id}, recorded earlier, is gone (rows were deleted from the trail)` };
      return { ok: true, count, head };
    },
  };
}

/**
 * Walks the audit trail from the first row and reports the first broken link: a row
 * whose content no longer matches its hash, or whose predecessor was changed or removed.
 */
export function verifyChain(sqlite: Database.Database, recorded?: ChainHead): ChainReport {
  const rows = sqlite
    .prepare(`SELECT ${CHAIN_COLUMNS} FROM audit_events ORDER BY id`)
    .iterate() as IterableIterator<ChainRow>;
  const walk = chainWalk(recorded);
  for (const row of rows) {
    const broken = walk.step(row);
    if (broken) return broken;
  }
  return walk.end();
}
