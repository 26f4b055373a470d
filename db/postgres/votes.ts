import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { Store } from "../../src/app/store.js";
import { inChunks, seqOf, toVote } from "../rows.js";
import { flushVoteWrites, keepVoteWrite } from "./kept-back.js";
import { votes } from "./schema.js";
import type { Vote } from "../../src/domain/types.js";
import type { Queryable } from "./store.js";
import type { TxState, VoteCache, VoteMap } from "./vote-cache.js";

/*
 * A release's votes on PostgreSQL. Each instance keeps a copy of the votes of the releases
 * voted on lately (vote-cache.ts), checked against the release's vote version and brought up
 * to date with only the votes written since, on their own or with a transaction's BEGIN.
 */

type Row = Record<string, unknown>;

const toCachedVote = (r: Row): Vote => ({ voter: r.voter as string, voterName: r.voter_name as string, choice: r.choice as Vote["choice"], reason: r.reason as string | null, roles: JSON.parse(r.roles as string) as string[], at: Number(r.at) });

/** A release's vote version, the version of its last removal, and its votes written after `after`, in vote-time order: one snapshot. */
const votesSince = (seq: number, after: number) => `
  SELECT vv.version, vv.cleared, v.voter, v.voter_name, v.choice, v.reason, v.roles, v.at
  FROM (SELECT coalesce(max(version), 0) AS version, coalesce(max(cleared), 0) AS cleared FROM vote_versions WHERE release_seq = ${Number(seq)}) vv
  LEFT JOIN votes v ON v.release_seq = ${Number(seq)} AND v.version > ${Number(after)}
  ORDER BY v.at`;

type VoteCopy = { version: number; votes: VoteMap };

/**
 * `older` brought up to date with the rows `votesSince` read after its version; undefined
 * when a vote was removed since (a removal leaves no row to find) and the whole list must
 * be read. Without `older`, the rows are the whole list.
 */
function advanced(rows: Row[], older?: VoteCopy): VoteCopy | undefined {
  let byVoter: VoteMap;
  if (older) {
    if (Number(rows[0]?.cleared ?? 0) > older.version) return undefined;
    // The votes changed since, in vote-time order, move to the end, as ORDER BY at would put them.
    byVoter = new Map(older.votes);
    for (const r of rows) if (r.voter !== null) byVoter.delete(r.voter as string);
  } else {
    byVoter = new Map();
  }
  for (const r of rows) if (r.voter !== null) byVoter.set(r.voter as string, toCachedVote(r));
  return { version: Number(rows[0]?.version ?? 0), votes: byVoter };
}

/**
 * A release's vote version and votes. Given an older copy, reads only the votes written
 * since it, and the whole list only when a vote was removed since: in a storm spread over
 * several instances each one reads the few votes the others took, not all of them.
 */
async function loadVotes(q: Queryable, seq: number, older?: VoteCopy): Promise<VoteCopy> {
  const read = async (after: number) => ((await q.execute(sql.raw(votesSince(seq, after)))) as unknown as { rows: Row[] }).rows;
  return (older && advanced(await read(older.version), older)) ?? advanced(await read(-1))!;
}

/** How many releases' votes a transaction brings up to date with its BEGIN: a storm is on one or a few. */
const PREFETCHED_RELEASES = 4;

/**
 * With BEGIN (under the writer lock): the votes other instances wrote since this one's
 * copies of the releases voted on most recently, so the batch's presses read no votes.
 */
export function votePrefetch(cache: VoteCache): { statements: string[]; apply(results: Array<{ rows: Row[] }>, tx: TxState): void } {
  const recent = cache.recent(PREFETCHED_RELEASES);
  return {
    statements: recent.map(([seq, copy]) => votesSince(seq, copy.version)),
    apply(results, tx) {
      recent.forEach(([seq, copy], i) => {
        const rows = results[i]?.rows ?? [];
        const next = advanced(rows, copy);
        tx.versions.set(seq, Number(rows[0]?.version ?? 0));
        if (!next) return; // a removal since: votesOf reads the whole list when asked
        // Committed state, read under the lock before this transaction wrote anything.
        cache.publish(seq, next.version, next.votes);
        tx.votes.set(seq, next.votes);
      });
    },
  };
}


/**
 * Bumps a release's vote version; a statement that writes its votes starts with this, so
 * both commit together. A write that removes votes also records the version as `cleared`.
 */
const bumpVersion = (seq: number, removes: boolean) =>
  removes
    ? sql`INSERT INTO vote_versions (release_seq, version, cleared) VALUES (${seq}, 1, 1) ON CONFLICT (release_seq) DO UPDATE SET version = vote_versions.version + 1, cleared = vote_versions.version + 1 RETURNING version`
    : sql`INSERT INTO vote_versions (release_seq, version) VALUES (${seq}, 1) ON CONFLICT (release_seq) DO UPDATE SET version = vote_versions.version + 1 RETURNING version`;

type VoteStatements = Pick<Store, "getVotes" | "countVotes" | "currentVotes" | "getVote" | "upsertVote" | "deleteVote" | "clearVotes">;

/**
 * The vote statements on `q`. With `tx` (an open transaction holding the writer lock) a
 * version once read stays right, so a vote reads its release's votes without a round trip
 * when the copy is current, and a vote write waits for COMMIT (kept-back.ts).
 */
export function createPgVoteStatements(q: Queryable, cache: VoteCache, tx?: TxState): VoteStatements {
  const rows = async (query: ReturnType<typeof sql>) => ((await q.execute(query)) as unknown as { rows: Row[] }).rows;
  /** The release's current votes: from this transaction, the cache, or the database. Never changed in place. */
  async function votesOf(seq: number): Promise<VoteMap> {
    const mine = tx?.votes.get(seq);
    if (mine) return mine;
    const version = tx?.versions.get(seq) ?? Number((await rows(sql`SELECT version FROM vote_versions WHERE release_seq = ${seq}`))[0]?.version ?? 0);
    let entry = cache.get(seq);
    if (entry?.version !== version) {
      await flushVoteWrites(q, tx);
      entry = await loadVotes(q, seq, entry);
      // Outside a transaction what was read is committed; inside, it may hold the transaction's own writes: published after COMMIT.
      if (!tx) cache.publish(seq, entry.version, entry.votes);
    }
    if (tx) {
      tx.versions.set(seq, entry.version);
      tx.votes.set(seq, entry.votes);
    }
    return entry.votes;
  }
  /** After a vote write moved the release to `version`: this transaction's copy follows, or is dropped when it was not at the version before. */
  function changed(seq: number, version: number, change: (m: VoteMap) => void): void {
    if (!tx) return;
    let copy = tx.votes.get(seq);
    if (copy && tx.versions.get(seq) === version - 1) {
      if (!tx.owned.has(seq)) {
        copy = new Map(copy);
        tx.votes.set(seq, copy);
        tx.owned.add(seq);
      }
      change(copy);
    } else {
      tx.votes.delete(seq);
    }
    tx.versions.set(seq, version);
  }
  return {
    getVotes: async (releaseId) => [...(await votesOf(seqOf(releaseId))).values()],
    currentVotes: (releaseId) => votesOf(seqOf(releaseId)),
    async countVotes(releaseIds) {
      // Counted by the database in one query per chunk (not through the copies: a year of releases must not stay in memory).
      await flushVoteWrites(q, tx);
      const counted = new Map<string, number>();
      for (const ids of inChunks(releaseIds)) {
        const rows = await q.select({ seq: votes.releaseSeq, n: count() }).from(votes).where(inArray(votes.releaseSeq, ids.map(seqOf))).groupBy(votes.releaseSeq);
        for (const r of rows) counted.set(`R-${r.seq}`, Number(r.n));
      }
      return counted;
    },
    async getVote(releaseId, voter) {
      if (tx) return (await votesOf(seqOf(releaseId))).get(voter);
      const [row] = await q.select().from(votes).where(and(eq(votes.releaseSeq, seqOf(releaseId)), eq(votes.voter, voter)));
      return row ? toVote(row) : undefined;
    },
    async upsertVote(releaseId, v) {
      const seq = seqOf(releaseId);
      const known = tx?.versions.get(seq);
      let version: number;
      if (tx && known !== undefined) {
        // Under the writer lock the version it moves to is known: the write waits for COMMIT and goes with it.
        version = known + 1;
        keepVoteWrite(tx, seq, v, version);
      } else {
        const [row] = await rows(sql`
        WITH bumped AS (${bumpVersion(seq, false)})
        INSERT INTO votes (release_seq, voter, voter_name, choice, reason, roles, at, version)
        VALUES (${seq}, ${v.voter}, ${v.voterName}, ${v.choice}, ${v.reason}, ${JSON.stringify(v.roles)}, ${v.at}, (SELECT version FROM bumped))
        ON CONFLICT (release_seq, voter) DO UPDATE SET voter_name = excluded.voter_name, choice = excluded.choice, reason = excluded.reason, roles = excluded.roles, at = excluded.at, version = excluded.version
        RETURNING version`);
        version = Number(row!.version);
      }
      changed(seq, version, (m) => {
        m.delete(v.voter);
        m.set(v.voter, { ...v, roles: [...v.roles] });
      });
    },
    async deleteVote(releaseId, voter) {
      const seq = seqOf(releaseId);
      await flushVoteWrites(q, tx);
      const [row] = await rows(sql`
        WITH deleted AS (DELETE FROM votes WHERE release_seq = ${seq} AND voter = ${voter} RETURNING 1), bumped AS (${bumpVersion(seq, true)})
        SELECT (SELECT version FROM bumped) AS version, (SELECT count(*) FROM deleted) AS n`);
      changed(seq, Number(row!.version), (m) => m.delete(voter));
      return Number(row!.n) > 0;
    },
    async clearVotes(releaseId) {
      const seq = seqOf(releaseId);
      await flushVoteWrites(q, tx);
      const [row] = await rows(sql`
        WITH deleted AS (DELETE FROM votes WHERE release_seq = ${seq} RETURNING 1), bumped AS (${bumpVersion(seq, true)})
        SELECT (SELECT version FROM bumped) AS version, (SELECT count(*) FROM deleted) AS n`);
      changed(seq, Number(row!.version), (m) => m.clear());
      return Number(row!.n);
    },
  };
}
