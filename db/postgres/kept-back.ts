import { sql } from "drizzle-orm";
import pg from "pg";
import type { Vote } from "../../src/domain/types.js";
import { auditHash } from "../audit-chain.js";
import { BUMP_SHARED_ROWS } from "./shared-rows.js";
import type { Queryable } from "./store.js";
import { NO_HEAD } from "./transactions.js";
import type { TxState } from "./vote-cache.js";

/*
 * What a PostgreSQL transaction keeps back to send with its COMMIT, in the same round trip:
 * vote writes whose outcome is known under the writer lock, its audit events linked into
 * the chain, and the shared rows' new version. A read that must see them sends them first.
 */

const literal = (v: string | number | null) => (v === null ? "NULL" : typeof v === "number" ? String(v) : pg.escapeLiteral(v));

/**
 * The statement that writes a transaction's pending audit events, linked from the chain
 * head it locked with BEGIN, and moves the head: as plain SQL text with its values quoted,
 * so COMMIT can go in the same round trip. Identity ids are drawn in VALUES order, so id
 * order is chain order. Empty when there is nothing to write.
 */
function auditStatement(tx: TxState): string {
  if (tx.audit.length === 0) return "";
  if (tx.head === undefined) throw new Error(NO_HEAD);
  let prev = tx.head;
  const values = tx.audit.splice(0).map((e) => {
    const row = { releaseId: e.releaseId, at: e.at, actor: e.actor, platform: e.platform, type: e.type, data: JSON.stringify(e.data) };
    const hash = auditHash(prev, row);
    const value = `(${[row.releaseId, row.at, row.actor, row.platform, row.type, row.data, prev, hash].map(literal).join(", ")})`;
    prev = hash;
    return value;
  });
  tx.head = prev;
  return `WITH appended AS (INSERT INTO audit_events (release_id, at, actor, platform, type, data, prev_hash, hash) VALUES ${values.join(", ")}) UPDATE audit_chain_head SET hash = ${literal(prev)} WHERE id = 1`;
}

/** What the transaction kept back, as one text to send with COMMIT: its vote writes, its audit events, its card marks, the shared rows' new version. */
export function keptBackStatement(tx: TxState): string {
  return [voteWrites(tx), auditStatement(tx), cardMarks(tx), tx.touchedShared ? BUMP_SHARED_ROWS : ""].filter(Boolean).join("; ");
}

/** The releases whose posted cards went out of date, emptying the set: every copy's version moves on. */
function cardMarks(tx: TxState): string {
  if (tx.cardsChanged.size === 0) return "";
  const seqs = [...tx.cardsChanged].map(Number).join(", ");
  tx.cardsChanged.clear();
  return `UPDATE card_leases SET version = version + 1 WHERE release_seq IN (${seqs})`;
}

/** Keeps back a vote write under the writer lock, which moves its release to the known `version`. */
export function keepVoteWrite(tx: TxState, seq: number, v: Vote, version: number): void {
  const kept = tx.pending.get(seq) ?? { version, rows: new Map<string, string>() };
  kept.version = version;
  kept.rows.set(v.voter, `(${[seq, v.voter, v.voterName, v.choice, v.reason, JSON.stringify(v.roles), v.at, version].map(literal).join(", ")})`);
  tx.pending.set(seq, kept);
}

/**
 * The kept-back vote writes as statements, emptying the list: per release one version bump
 * and one insert of every voter's latest row (a voter who voted twice in the batch once).
 */
function voteWrites(tx: TxState): string {
  const statements = [...tx.pending].flatMap(([seq, kept]) => [
    `INSERT INTO vote_versions (release_seq, version) VALUES (${seq}, ${kept.version}) ON CONFLICT (release_seq) DO UPDATE SET version = excluded.version`,
    `INSERT INTO votes (release_seq, voter, voter_name, choice, reason, roles, at, version) VALUES ${[...kept.rows.values()].join(", ")} ` +
      `ON CONFLICT (release_seq, voter) DO UPDATE SET voter_name = excluded.voter_name, choice = excluded.choice, reason = excluded.reason, roles = excluded.roles, at = excluded.at, version = excluded.version`,
  ]);
  tx.pending.clear();
  return statements.join("; ");
}

/** Sends the vote writes kept back now: a read of the votes table must see them. */
export async function flushVoteWrites(q: Queryable, tx: TxState | undefined): Promise<void> {
  if (tx?.pending.size) await q.execute(sql.raw(voteWrites(tx)));
}

/** Writes the pending audit events now (a read of the trail inside the transaction must see them). */
export async function flushAudit(q: Queryable, tx: TxState): Promise<void> {
  const statement = auditStatement(tx);
  if (statement) await q.execute(sql.raw(statement));
}

