import type { DatabaseHandle } from "./client.js";
import { seqOf, toCardLease, type CardLeaseMethod } from "./rows.js";
import type { SyncStore } from "./serialised-store.js";

type CardLeaseStatements = Pick<SyncStore, CardLeaseMethod>;

/**
 * Card leases on SQLite. One process never needs them (card sync keeps its spacing in
 * memory there); they are here so the Store port is the same on both dialects and the
 * contract suite pins one behaviour. The SQL mirrors db/postgres/card-leases.ts.
 */
export function createCardLeaseStatements(handle: DatabaseHandle): CardLeaseStatements {
  const { sqlite } = handle;
  // Free for `holder`: nobody has it, its lease ended, or it is `holder`'s already.
  const FREE = "(card_leases.holder IS NULL OR card_leases.lease_until <= @now OR card_leases.holder = @holder)";
  const markStmt = sqlite.prepare(
    `INSERT INTO card_leases (platform, channel_key, message_id, release_seq, channel_native_id, holder, lease_until, version)
     VALUES (@platform, @channelKey, @messageId, @seq, @nativeId, @holder, @until, 1)
     ON CONFLICT (platform, channel_key, message_id) DO UPDATE SET
       version = card_leases.version + 1,
       lease_until = CASE WHEN ${FREE} THEN @until ELSE card_leases.lease_until END,
       holder = CASE WHEN ${FREE} THEN @holder ELSE card_leases.holder END
     RETURNING *`,
  );
  const postStmt = sqlite.prepare(
    `INSERT INTO card_leases (platform, channel_key, message_id, release_seq, channel_native_id, last_edit_at)
     VALUES (@platform, @channelKey, @messageId, @seq, @nativeId, @at)
     ON CONFLICT (platform, channel_key, message_id) DO UPDATE SET last_edit_at = max(card_leases.last_edit_at, excluded.last_edit_at)`,
  );
  const takeStmt = sqlite.prepare(
    `UPDATE card_leases SET holder = @holder, lease_until = @until
     WHERE platform = @platform AND channel_key = @channelKey AND message_id = @messageId AND ${FREE}
     RETURNING *`,
  );
  const settleStmt = sqlite.prepare(
    `UPDATE card_leases SET
       rendered = max(rendered, @rendered),
       last_edit_at = coalesce(@editedAt, last_edit_at),
       holder = CASE WHEN version <= max(rendered, @rendered) THEN NULL ELSE holder END,
       lease_until = CASE WHEN version <= max(rendered, @rendered) THEN 0 ELSE @until END
     WHERE platform = @platform AND channel_key = @channelKey AND message_id = @messageId AND holder = @holder
     RETURNING *`,
  );
  const claimStmt = sqlite.prepare(
    `UPDATE card_leases SET holder = @holder, lease_until = @until
     WHERE rowid IN (SELECT rowid FROM card_leases WHERE version > rendered AND (holder IS NULL OR lease_until <= @now) LIMIT @limit)
     RETURNING *`,
  );
  const releaseStmt = sqlite.prepare("UPDATE card_leases SET holder = NULL, lease_until = 0 WHERE holder = ?");
  const forgetSettledStmt = sqlite.prepare(
    `DELETE FROM card_leases WHERE version <= rendered AND last_edit_at < @before AND (holder IS NULL OR lease_until < @before)
       AND release_seq IN (SELECT seq FROM releases WHERE state IN ('cancelled', 'closed'))`,
  );
  const changedStmt = sqlite.prepare("UPDATE card_leases SET version = version + 1 WHERE release_seq = ?");
  const keyOf = (ref: { platform: string; channel: { key: string }; messageId: string }) => ({ platform: ref.platform, channelKey: ref.channel.key, messageId: ref.messageId });
  const row = (r: unknown) => (r ? toCardLease(r as Record<string, unknown>) : null);

  return {
    markCardDirty(releaseId, ref, holder, now, leaseMs) {
      return toCardLease(markStmt.get({ ...keyOf(ref), seq: seqOf(releaseId), nativeId: ref.channel.nativeId, holder, now, until: now + leaseMs }) as Record<string, unknown>);
    },
    markCardsChanged(releaseId) {
      changedStmt.run(seqOf(releaseId));
    },
    recordCardPost(releaseId, ref, at) {
      postStmt.run({ ...keyOf(ref), seq: seqOf(releaseId), nativeId: ref.channel.nativeId, at });
    },
    takeCardLease(ref, holder, now, leaseMs) {
      return row(takeStmt.get({ ...keyOf(ref), holder, now, until: now + leaseMs }));
    },
    settleCardLease(ref, holder, now, leaseMs, rendered, editedAt) {
      return row(settleStmt.get({ ...keyOf(ref), holder, until: now + leaseMs, rendered, editedAt }));
    },
    claimStaleCards(holder, now, leaseMs, limit) {
      return claimStmt.all({ holder, now, until: now + leaseMs, limit }).map((r) => toCardLease(r as Record<string, unknown>));
    },
    releaseCardLeases(holder) {
      return releaseStmt.run(holder).changes;
    },
    forgetSettledCardLeases(before) {
      return forgetSettledStmt.run({ before }).changes;
    },
  };
}
