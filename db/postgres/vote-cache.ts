import type { Vote } from "../../src/domain/types.js";
import type { AuditEvent } from "../../src/app/store.js";
import type { SharedRows } from "./shared-rows.js";

/** A release's current votes by voter, in vote-time order (a changed vote moves to the end, as ORDER BY at does). */
export type VoteMap = Map<string, Vote>;

/**
 * Each release's votes as this instance last read them, with the release's vote version
 * (vote_versions) they belong to. Every vote write bumps that version in the same
 * statement, and a version is committed at most once, so a copy whose version equals the
 * one read from the database now is exactly what the database holds: other instances'
 * writes make the versions differ and the copy is read again. Only committed states are
 * kept here (a transaction publishes its copies after COMMIT), and copies are never changed
 * in place: a transaction that writes a vote works on its own copy.
 */
export interface VoteCache {
  get(seq: number): { version: number; votes: VoteMap } | undefined;
  publish(seq: number, version: number, votes: VoteMap): void;
  /** The `n` releases published most recently, newest last. */
  recent(n: number): Array<[number, { version: number; votes: VoteMap }]>;
}

/** How many releases the cache keeps, those voted on most recently: a storm is on one or a few. */
const CACHED_RELEASES = 64;

export function createVoteCache(): VoteCache {
  const entries = new Map<number, { version: number; votes: VoteMap }>();
  return {
    get: (seq) => entries.get(seq),
    recent: (n) => [...entries].slice(-n),
    publish(seq, version, votes) {
      const had = entries.get(seq);
      if (had && had.version > version) return;
      entries.delete(seq);
      entries.set(seq, { version, votes });
      if (entries.size > CACHED_RELEASES) entries.delete(entries.keys().next().value!);
    },
  };
}

/**
 * What one open transaction knows beyond the database: valid for its whole life because
 * every write transaction holds the writer lock, so nobody else changes a release, its
 * votes or its criteria while this one runs; its own writes keep these copies current.
 */
/** A release's vote writes kept back for COMMIT: the version they bring it to, and each voter's row as SQL values. */
export interface KeptBackVotes {
  version: number;
  rows: Map<string, string>;
}

export interface TxState {
  /** The vote version of each release this transaction read or wrote. */
  versions: Map<number, number>;
  /** The votes as this transaction sees them, at `versions`; possibly shared with the cache until `owned`. */
  votes: Map<number, VoteMap>;
  /** Releases whose map in `votes` is this transaction's own copy (safe to change). */
  owned: Set<number>;
  /** The instance's copies of the rows every press reads, valid at this transaction's BEGIN (shared-rows.ts). */
  shared: SharedRows;
  /** This transaction wrote one of the shared rows: COMMIT bumps their version. */
  touchedShared: boolean;
  /** Vote writes whose outcome is known (the version they move to): sent with COMMIT, or before a read of the votes table. */
  pending: Map<number, KeptBackVotes>;
  /** Audit events appended and not yet written: they go in together, with COMMIT. */
  audit: AuditEvent[];
  /**
   * Releases whose posted cards this transaction marked out of date: one UPDATE with COMMIT, so a
   * card's row, which every instance's card editor wants, is locked only while the batch commits.
   */
  cardsChanged: Set<number>;
  /** The audit chain's head as this transaction has it locked (undefined until it locks it). */
  head?: string;
}

export function newTxState(shared: SharedRows): TxState {
  return { versions: new Map(), votes: new Map(), owned: new Set(), shared, touchedShared: false, pending: new Map(), audit: [], cardsChanged: new Set() };
}

/** After COMMIT: the transaction's copies are the committed state at their versions. */
export function publishVotes(cache: VoteCache, tx: TxState): void {
  for (const [seq, votes] of tx.votes) {
    const version = tx.versions.get(seq);
    if (version !== undefined) cache.publish(seq, version, votes);
  }
}
