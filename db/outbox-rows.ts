import type { OutboxEntry, OutboxStore } from "../src/app/store.js";
import type { OutboxItem } from "../src/app/outbox-store.js";

/** The outbox methods, one copy of their names for both dialects. */
export type OutboxMethod = keyof OutboxStore;

/** A notice_outbox row, as either dialect reads it (raw SQL gives snake_case and, on PostgreSQL, bigint as text). */
export function toOutboxEntry(r: Record<string, unknown>): OutboxEntry {
  return {
    id: Number(r.id),
    releaseId: String(r.release_id),
    item: JSON.parse(String(r.notice)) as OutboxItem,
    createdAt: Number(r.created_at),
    holder: (r.holder as string | null) ?? null,
    leaseUntil: Number(r.lease_until),
    attempts: Number(r.attempts),
    sentTo: JSON.parse(String(r.sent_to)) as string[],
  };
}
