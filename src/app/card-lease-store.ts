import type { MessageRef } from "./ports.js";

/**
 * The lease on one posted card message, for several instances on one database: only the
 * holder edits the message until `leaseUntil`. Every committed change bumps `version`; the
 * card shows `rendered`, so it is out of date while `version > rendered`, whoever holds it.
 */
export interface CardLease {
  releaseId: string;
  ref: MessageRef;
  holder: string | null;
  leaseUntil: number;
  /** When the message was last edited, by any instance: the platform's spacing counts from here. */
  lastEditAt: number;
  version: number;
  rendered: number;
}

/**
 * Card leases: only when several instances share the database (one process keeps its card
 * spacing in memory, local-cards.ts); shared-cards.ts is their one user.
 */
export interface CardLeaseStore {
  /**
   * Marks the card at `ref` out of date (`version + 1`) and gives its lease to
   * `holder` when nobody holds it, the lease ended, or `holder` has it already.
   */
  markCardDirty(releaseId: string, ref: MessageRef, holder: string, now: number, leaseMs: number): Promise<CardLease>;
  /**
   * Marks every posted copy of the release's card out of date (`version + 1`), without
   * touching leases: called inside the transaction that changed the release, so the mark
   * commits with the change. An instance that dies right after its commit leaves the card
   * out of date in the store, where its holder or any instance's sweep finds it.
   */
  markCardsChanged(releaseId: string): Promise<void>;
  /**
   * A copy of the card was just posted at `at`, before its message ref is recorded: its lease
   * row starts with the post as the last edit, so the first edit, whichever instance makes
   * it, keeps the platform's spacing from the post. Nothing is out of date yet.
   */
  recordCardPost(releaseId: string, ref: MessageRef, at: number): Promise<void>;
  /** Takes or renews the lease for `holder` (free, ended or its own); null when another holder has it or there is no row. */
  takeCardLease(ref: MessageRef, holder: string, now: number, leaseMs: number): Promise<CardLease | null>;
  /**
   * After the holder sent the card showing `rendered` (and edited it at `editedAt`, or null
   * when it gave up): records both, and lets the lease go when nothing newer came in,
   * else renews it. Null when `holder` no longer holds it.
   */
  settleCardLease(ref: MessageRef, holder: string, now: number, leaseMs: number, rendered: number, editedAt: number | null): Promise<CardLease | null>;
  /** Takes the leases of out-of-date cards that nobody holds or whose lease ended (their holder died or left). */
  claimStaleCards(holder: string, now: number, leaseMs: number, limit: number): Promise<CardLease[]>;
  /** Lets go of every lease `holder` has (it is shutting down); returns how many. */
  releaseCardLeases(holder: string): Promise<number>;
  /**
   * Forgets the rows of cards whose release ended (cancelled or closed), that show their last
   * change and were last edited before `before`: nothing is owed there and the spacing is long
   * over, yet every instance's sweep reads every row each second. A later change to such a card
   * writes its row again (markCardDirty). Returns how many went.
   */
  forgetSettledCardLeases(before: number): Promise<number>;
}
