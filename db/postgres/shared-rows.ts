import type { RoleBinding } from "../../src/app/store.js";
import type { toCriterion, toRelease } from "../rows.js";

type ReleaseRow = Parameters<typeof toRelease>[0];
type CriterionRow = Parameters<typeof toCriterion>[0];

/**
 * The rows every press reads — its release, the channel's policy, the readiness criteria,
 * the role bindings, the linked accounts — as this instance last read them inside a transaction, with the
 * `shared_rows_version` they belong to. Every transaction holds the writer lock and reads
 * that version with BEGIN: when it is the one these copies were read at, nobody changed
 * them since and a batch of presses reads none of them again. A transaction that writes
 * one of them changes the copy and bumps the version with COMMIT; one that rolls back
 * forgets them all. Readers get fresh objects, never these rows themselves.
 */
export interface SharedRows {
  /** The shared_rows_version these copies are at; undefined: none kept. */
  version: number | undefined;
  releases: Map<number, ReleaseRow>;
  /** A release's criteria in order; absent: not read. */
  criteria: Map<number, CriterionRow[]>;
  /** A channel's stored policy (JSON), null for none; absent: not read. */
  policies: Map<string, string | null>;
  /** The whole role_bindings table; undefined: not read. More than it keeps (its first rows): too large, asked per subject. */
  roleBindings: RoleBinding[] | undefined;
  /** The whole identity_links table, oldest link first; undefined: not read. More than it keeps (its first rows): too large, asked per account. */
  identityLinks: Array<{ account: string; person: string; name: string }> | undefined;
}

/**
 * How many releases' rows (and criteria) are kept at most. The copies are only forgotten when
 * another instance writes or a transaction rolls back, so an instance writing alone (one
 * instance on PostgreSQL, or a quiet cluster) would otherwise keep every release it ever read.
 * A press reads its own release: the ones read most recently are the ones worth keeping.
 */
export const KEPT_RELEASES = 256;

export function createSharedRows(): SharedRows {
  return { version: undefined, releases: new Map(), criteria: new Map(), policies: new Map(), roleBindings: undefined, identityLinks: undefined };
}

/** Keeps the copies if they are at `version` (read with BEGIN, under the writer lock), else forgets them. */
export function atVersion(rows: SharedRows, version: number | undefined): void {
  if (rows.version === version && version !== undefined) return;
  rows.releases.clear();
  rows.criteria.clear();
  rows.policies.clear();
  rows.roleBindings = undefined;
  rows.identityLinks = undefined;
  rows.version = version;
}

/** After a commit: drops the releases' copies read longest ago beyond KEPT_RELEASES (one dropped is read again when next needed). */
export function keepRecent(rows: SharedRows): void {
  for (const copies of [rows.releases, rows.criteria]) {
    for (const seq of copies.keys()) {
      if (copies.size <= KEPT_RELEASES) break;
      copies.delete(seq);
    }
  }
}

/** After a rollback, or an error that leaves it unknown what was written: nothing kept is trusted. */
export function forget(rows: SharedRows): void {
  atVersion(rows, undefined);
}

/** The statement that bumps the version, sent with COMMIT by a transaction that wrote shared rows. */
export const BUMP_SHARED_ROWS = "UPDATE shared_rows_version SET version = version + 1 WHERE id = 1";
