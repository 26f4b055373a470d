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
    if (row.prevHash !== prev) return { ok: false, count, brokenAt: row.id, problem: `row ${row.id} does not follow the row before it (a row was changed or deleted before it)` };
    if (row.hash !== auditHash(prev, row)) return { ok: false, count, brokenAt: row.id, problem: `row ${row.id} was changed after it was written` };
    prev = row.hash;
  }
  return { ok: true, count };
}
