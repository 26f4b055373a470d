import type { ChannelRef } from "../domain/types.js";
import type { NoticeView } from "./views.js";

/**
 * A card owed to a channel: the release was created there, or shared into it. Posted from the
 * outbox like a notice, so a platform that is down or still connecting, or a restart meanwhile,
 * delays the card and never loses it; done once its copy is recorded.
 */
export interface CardPost {
  kind: "card";
  releaseId: string;
  channel: ChannelRef;
  /** Who shared it there: told privately when the bot may not post in that channel. */
  askedBy?: string;
}

/** What waits in the outbox: a notice, or a card owed to a channel. */
export type OutboxItem = NoticeView | CardPost;

export const isCardPost = (item: OutboxItem): item is CardPost => "kind" in item && item.kind === "card";

/**
 * A notice or card post waiting in the outbox: written in the transaction whose state it
 * reports, deleted once it is posted (a notice under every copy of the card). `sentTo` names
 * the copies (MessageRef keys) that already have a notice, so a retry after a partial failure
 * posts only to the others.
 */
export interface OutboxEntry {
  id: number;
  releaseId: string;
  item: OutboxItem;
  createdAt: number;
  /** Who is posting it now (null: nobody, or its writer until `leaseUntil`). */
  holder: string | null;
  leaseUntil: number;
  attempts: number;
  sentTo: string[];
}

/**
 * The outbox: notices and card posts, at least once across a crash. A row is added in the use case's
 * transaction with no holder and a grace of `graceMs`: until then only the instance that
 * wrote it posts it (taking it with `takeFromOutbox`); after that any instance's sweep may claim it.
 */
export interface OutboxStore {
  /** Adds a notice or card post in the open transaction; its id. */
  addToOutbox(item: OutboxItem, now: number, graceMs: number): Promise<number>;
  /**
   * Leases one notice to `holder` for `leaseMs` (and counts an attempt) when nobody holds it,
   * its lease ended, or `holder` has it already; null when another holder has it or it is gone (posted).
   */
  takeFromOutbox(id: number, holder: string, now: number, leaseMs: number): Promise<OutboxEntry | null>;
  /**
   * Leases to `holder` the notices whose lease or grace ended by `endedBy` (default `now`),
   * oldest first; instances claiming at once never take the same row. One process alone on
   * its database passes a far `endedBy` at start-up: every row left is a dead run's.
   */
  claimStaleOutbox(holder: string, now: number, leaseMs: number, limit: number, endedBy?: number): Promise<OutboxEntry[]>;
  /**
   * Keeps holding a row while it is being posted (a slow chat API): its lease runs to `until`,
   * so no sweep elsewhere takes it and posts it a second time. False when `holder` no longer holds it.
   */
  renewOutboxLease(id: number, holder: string, until: number): Promise<boolean>;
  /** Posted to every copy (or given up): the notice leaves the outbox. */
  deleteFromOutbox(id: number): Promise<void>;
  /**
   * Some copies failed: records those that have it and lets go until `retryAt`, when a sweep claims it again. False when `holder` no longer held it.
   * `uncounted`: nothing was tried (the copies left wait for a platform still connecting), so the take's attempt is given back.
   */
  deferOutbox(id: number, holder: string, sentTo: string[], retryAt: number, opts?: { uncounted?: boolean }): Promise<boolean>;
  /** Whether a card of the release is still in the outbox, not posted yet (a notice about it waits for it). */
  cardPostOwed(releaseId: string): Promise<boolean>;
  /**
   * Records that the release's manager is told the bot may not post its card in `channelKey`:
   * true the first time, so the caller tells them; false when they were told before (by this
   * process before a restart, or by another instance), so nobody tells them again.
   */
  markClosedChannelTold(releaseId: string, channelKey: string, at: number): Promise<boolean>;
  /** Every row in the outbox, oldest first (operators and tests). */
  listOutbox(): Promise<OutboxEntry[]>;
}
