import { sql } from "drizzle-orm";
import type { MessageRef } from "../../src/app/ports.js";
import { seqOf, toCardLease, type CardLeaseMethod } from "../rows.js";
import type { Queryable, Statements } from "./store.js";

type CardLeaseStatements = Pick<Statements, CardLeaseMethod>;

/**
 * Card leases on PostgreSQL: each call is one statement, so the row lock orders a vote's
 * "out of date" mark against the holder's "done, let go": either the holder sees the newer
 * version and keeps going, or the lease is free and the marker takes it. Never both, never
 * neither. The SQL mirrors db/card-leases.ts.
 */
export function createPgCardLeaseStatements(q: Queryable): CardLeaseStatements {
  const rows = async (query: ReturnType<typeof sql>) => ((await q.execute(query)) as unknown as { rows: Array<Record<string, unknown>> }).rows.map(toCardLease);
  const free = (holder: string, now: number) => sql`(card_leases.holder IS NULL OR card_leases.lease_until <= ${now} OR card_leases.holder = ${holder})`;
  const at = (ref: MessageRef) => sql`platform = ${ref.platform} AND channel_key = ${ref.channel.key} AND message_id = ${ref.messageId}`;

  return {
    async markCardDirty(releaseId, ref, holder, now, leaseMs) {
      const [lease] = await rows(sql`
        INSERT INTO card_leases (platform, channel_key, message_id, release_seq, channel_native_id, holder, lease_until, version)
        VALUES (${ref.platform}, ${ref.channel.key}, ${ref.messageId}, ${seqOf(releaseId)}, ${ref.channel.nativeId}, ${holder}, ${now + leaseMs}, 1)
        ON CONFLICT (platform, channel_key, message_id) DO UPDATE SET
          version = card_leases.version + 1,
          lease_until = CASE WHEN ${free(holder, now)} THEN ${now + leaseMs} ELSE card_leases.lease_until END,
          holder = CASE WHEN ${free(holder, now)} THEN ${holder}::text ELSE card_leases.holder END
        RETURNING *`);
      return lease!;
    },
    async markCardsChanged(releaseId) {
      await q.execute(sql`UPDATE card_leases SET version = version + 1 WHERE release_seq = ${seqOf(releaseId)}`);
    },
    async recordCardPost(releaseId, ref, at) {
      await q.execute(sql`
        INSERT INTO card_leases (platform, channel_key, message_id, release_seq, channel_native_id, last_edit_at)
        VALUES (${ref.platform}, ${ref.channel.key}, ${ref.messageId}, ${seqOf(releaseId)}, ${ref.channel.nativeId}, ${at})
        ON CONFLICT (platform, channel_key, message_id) DO UPDATE SET last_edit_at = greatest(card_leases.last_edit_at, excluded.last_edit_at)`);
    },
    async takeCardLease(ref, holder, now, leaseMs) {
      const [lease] = await rows(sql`UPDATE card_leases SET holder = ${holder}, lease_until = ${now + leaseMs} WHERE ${at(ref)} AND ${free(holder, now)} RETURNING *`);
      return lease ?? null;
    },
    async settleCardLease(ref, holder, now, leaseMs, rendered, editedAt) {
      const shown = sql`greatest(rendered, ${rendered}::integer)`;
      const [lease] = await rows(sql`
        UPDATE card_leases SET
          rendered = ${shown},
          last_edit_at = coalesce(${editedAt}::bigint, last_edit_at),
          holder = CASE WHEN version <= ${shown} THEN NULL ELSE holder END,
          lease_until = CASE WHEN version <= ${shown} THEN 0 ELSE ${now + leaseMs}::bigint END
        WHERE ${at(ref)} AND holder = ${holder}
        RETURNING *`);
      return lease ?? null;
    },
    /** SKIP LOCKED: instances sweeping at the same moment share the orphans out instead of queueing on them. */
    claimStaleCards(holder, now, leaseMs, limit) {
      return rows(sql`
        UPDATE card_leases SET holder = ${holder}, lease_until = ${now + leaseMs}
        WHERE (platform, channel_key, message_id) IN (
          SELECT platform, channel_key, message_id FROM card_leases
          WHERE version > rendered AND (holder IS NULL OR lease_until <= ${now})
          LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING *`);
    },
    async releaseCardLeases(holder) {
      const result = (await q.execute(sql`UPDATE card_leases SET holder = NULL, lease_until = 0 WHERE holder = ${holder}`)) as unknown as { rowCount: number | null };
      return result.rowCount ?? 0;
    },
    async forgetSettledCardLeases(before) {
      const result = (await q.execute(sql`
        DELETE FROM card_leases WHERE version <= rendered AND last_edit_at < ${before} AND (holder IS NULL OR lease_until < ${before})
          AND release_seq IN (SELECT seq FROM releases WHERE state IN ('cancelled', 'closed'))`)) as unknown as { rowCount: number | null };
      return result.rowCount ?? 0;
    },
  };
}
