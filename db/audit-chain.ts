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
export function linkProblem(prev: string, row: AuditRowForHash & { id: number; prevHash: string | null; hash: string | null }): string | undefined {
  if (row.prevHash !== prev) return `row ${row.id} does not follow the row before it (a row was changed or deleted before it)`;
  if (row.hash !== auditHash(prev, row)) return `row ${row.id} was changed after it was written`;
  return undefined;
}

export type ChainReport = { ok: true; count: number } | { ok: false; count: number; brokenAt: number; problem: string };

/**
 * Walks the audit trail from the first row and reports the first broken link: a row
 * whose content no longer matches its hash, or whose predecessor was changed or removed.
 */
export function verifyChain(sqlite: Database.Database): ChainReport {
  const rows = sqlite
    .prepare("SELECT id, release_id AS releaseId, at, actor, platform, type, data, prev_hash AS prevHash, hash FROM audit_events ORDER BY id")
    .iterate() as IterableIterator<AuditRowForHash & { id: number; prevHash: string | null; hash: string | null }>;
  let prev = GENESIS;
  let count = 0;
  for (const row of rows) {
    count++;
    const problem = linkProblem(prev, row);
    if (problem) return { ok: false, count, brokenAt: row.id, problem };
    prev = row.hash!;
  }
  return { ok: true, count };
}
