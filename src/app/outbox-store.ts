import type { NoticeView } from "./views.js";

/**
 * A notice waiting in the outbox: written in the transaction whose state it reports, deleted
 * once it is posted under every copy of the card. `sentTo` names the copies (MessageRef keys)
 * that already have it, so a retry after a partial failure posts only to the others.
 */
export interface OutboxNotice {
  id: number;
  releaseId: string;
  notice: NoticeView;
  createdAt: number;
  /** Who is posting it now (null: nobody, or its writer until `leaseUntil`). */
  holder: string | null;
  leaseUntil: number;
  attempts: number;
  sentTo: string[];
}

/**
 * The notice outbox (notices at least once across a crash). A row is added in the use case's
 * transaction with no holder and a grace of `graceMs`: until then only the instance that
 * wrote it posts it (taking it with `takeNotice`); after that any instance's sweep may claim it.
 */
export interface OutboxStore {
  /** Adds a notice in the open transaction; its id. */
  addNotice(notice: NoticeView, now: number, graceMs: number): Promise<number>;
  /**
   * Leases one notice to `holder` for `leaseMs` (and counts an attempt) when nobody holds it,
   * its lease ended, or `holder` has it already; null when another holder has it or it is gone (posted).
   */
  takeNotice(id: number, holder: string, now: number, leaseMs: number): Promise<OutboxNotice | null>;
  /**
   * Leases to `holder` the notices whose lease or grace ended by `endedBy` (default `now`),
   * oldest first; instances claiming at once never take the same row. One process alone on
   * its database passes a far `endedBy` at start-up: every row left is a dead run's.
   */
  claimStaleNotices(holder: string, now: number, leaseMs: number, limit: number, endedBy?: number): Promise<OutboxNotice[]>;
  /** Posted to every copy (or given up): the notice leaves the outbox. */
  deleteNotice(id: number): Promise<void>;
  /**
   * Some copies failed: records those that have it and lets go until `retryAt`, when a sweep claims it again. False when `holder` no longer held it.
   * `uncounted`: nothing was tried (the copies left wait for a platform still connecting), so the take's attempt is given back.
   */
  deferNotice(id: number, holder: string, sentTo: string[], retryAt: number, opts?: { uncounted?: boolean }): Promise<boolean>;
  /** Every notice in the outbox, oldest first (operators and tests). */
  listNotices(): Promise<OutboxNotice[]>;
}
