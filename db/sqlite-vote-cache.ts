import type { Vote } from "../src/domain/types.js";

/**
 * How many releases' current votes the SQLite store keeps in memory: a vote storm is on one
 * or a few releases at a time, and the same bound as PostgreSQL's cache (postgres/vote-cache.ts).
 */
export const VOTE_CACHE_RELEASES = 64;

/**
 * The current votes of the releases voted on or read most recently, keyed by voter in
 * vote-time order. Every card read and every web page fills an entry, so without a bound a
 * process running for months would hold the votes of every release it ever showed.
 */
export function createSqliteVoteCache(load: (seq: number) => Map<string, Vote>, limit = VOTE_CACHE_RELEASES) {
  const entries = new Map<number, Map<string, Vote>>();
  return {
    /** The release's votes, read from the file on a miss; the entry becomes the most recent. */
    votesOf(seq: number): Map<string, Vote> {
      let byVoter = entries.get(seq);
      if (byVoter) entries.delete(seq);
      else byVoter = load(seq);
      entries.set(seq, byVoter);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
      return byVoter;
    },
    drop(seq: number): void {
      entries.delete(seq);
    },
    clear(): void {
      entries.clear();
    },
    /** How many releases are held: for the test that pins the bound. */
    get size(): number {
      return entries.size;
    },
  };
}

export type SqliteVoteCache = ReturnType<typeof createSqliteVoteCache>;
