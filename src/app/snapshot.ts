import type { Release } from "../domain/types.js";
import type { AuditCheck, AuditHead, AuditEvent } from "./store.js";

/** An audit event as exported: with its row id and its link in the hash chain. */
export type ChainedAuditEvent = AuditEvent & { id: number; hash: string };

/**
 * The committed database as it stood when `Store.readSnapshot` began: every read of one
 * snapshot sees that one moment, whatever commits meanwhile, so an export read in pages is
 * still one consistent stretch of the hash chain.
 */
export interface Snapshot {
  getRelease(id: string): Promise<Release | undefined>;
  /**
   * A page of the audit events with `from <= at <= to` and an id after `after`, oldest first;
   * `next` is the `after` of the page that follows, null once the trail is read to its end. The
   * store bounds how much of the trail one page reads, so a page may be empty with a `next`.
   */
  auditPage(from: number, to: number, after: number): Promise<{ events: ChainedAuditEvent[]; next: number | null }>;
  /**
   * Walks the hash chain of the snapshot's trail as `Store.verifyAudit` does, with the same
   * report, a page at a time: on a trail of a million events the walk takes seconds, and it
   * must neither hold the writer nor keep the event loop from the presses meanwhile.
   */
  verifyAudit(recorded?: AuditHead): Promise<AuditCheck>;
}
