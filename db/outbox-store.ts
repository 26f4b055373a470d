import type { DatabaseHandle } from "./client.js";
import { toOutboxEntry, type OutboxMethod } from "./outbox-rows.js";
import type { SyncStore } from "./serialised-store.js";

type OutboxStatements = Pick<SyncStore, OutboxMethod>;

/**
 * "Is a card of this release still owed?", asked for every notice posted. Its predicate is the
 * one of the partial index notice_outbox_card_idx (migration 0020), so SQLite reads that index
 * instead of every row of the outbox.
 */
export const CARD_OWED_QUERY = "SELECT 1 FROM notice_outbox WHERE release_id = ? AND json_extract(notice, '$.kind') = 'card' LIMIT 1";

/**
 * The notice outbox on SQLite, and whose manager was told of a channel closed to the bot. One
 * process owns the file, so a claim is one UPDATE … RETURNING like the jobs'; the SQL mirrors
 * db/postgres/outbox-store.ts. Nothing here runs for a vote.
 */
export function createOutboxStatements({ sqlite }: DatabaseHandle): OutboxStatements {
  const addStmt = sqlite.prepare("INSERT INTO notice_outbox (release_id, notice, created_at, lease_until) VALUES (?, ?, ?, ?) RETURNING id");
  const takeStmt = sqlite.prepare(
    `UPDATE notice_outbox SET holder = @holder, lease_until = @until, attempts = attempts + 1
     WHERE id = @id AND (holder IS NULL OR holder = @holder OR lease_until <= @now) RETURNING *`,
  );
  // Longest due first, not lowest id: notices waiting for a platform still connecting are due again at every
  // sweep, and by id the oldest 50 of them would take every sweep, leaving a failed post behind them for good.
  const claimStmt = sqlite.prepare(
    `UPDATE notice_outbox SET holder = @holder, lease_until = @until, attempts = attempts + 1
     WHERE id IN (SELECT id FROM notice_outbox WHERE lease_until <= @endedBy ORDER BY lease_until, id LIMIT @limit)
     RETURNING *`,
  );
  const renewStmt = sqlite.prepare("UPDATE notice_outbox SET lease_until = @until WHERE id = @id AND holder = @holder");
  const deleteStmt = sqlite.prepare("DELETE FROM notice_outbox WHERE id = ?");
  const deferStmt = sqlite.prepare("UPDATE notice_outbox SET holder = NULL, lease_until = @retryAt, sent_to = @sentTo, attempts = attempts - @giveBack WHERE id = @id AND holder = @holder");
  const listStmt = sqlite.prepare("SELECT * FROM notice_outbox ORDER BY id");
  const cardOwedStmt = sqlite.prepare(CARD_OWED_QUERY);
  const toldStmt = sqlite.prepare("INSERT INTO closed_channels_told (release_id, channel_key, told_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
  const rows = (found: unknown[]) => (found as Array<Record<string, unknown>>).map(toOutboxEntry).sort((a, b) => a.id - b.id);

  return {
    addToOutbox(item, now, graceMs) {
      return (addStmt.get(item.releaseId, JSON.stringify(item), now, now + graceMs) as { id: number }).id;
    },
    takeFromOutbox(id, holder, now, leaseMs) {
      return rows(takeStmt.all({ id, holder, now, until: now + leaseMs }))[0] ?? null;
    },
    claimStaleOutbox(holder, now, leaseMs, limit, endedBy = now) {
      return rows(claimStmt.all({ holder, endedBy, until: now + leaseMs, limit }));
    },
    renewOutboxLease(id, holder, until) {
      return renewStmt.run({ id, holder, until }).changes > 0;
    },
    deleteFromOutbox(id) {
      deleteStmt.run(id);
    },
    deferOutbox(id, holder, sentTo, retryAt, opts) {
      return deferStmt.run({ id, holder, sentTo: JSON.stringify(sentTo), retryAt, giveBack: opts?.uncounted ? 1 : 0 }).changes > 0;
    },
    cardPostOwed(releaseId) {
      return cardOwedStmt.get(releaseId) !== undefined;
    },
    listOutbox() {
      return rows(listStmt.all());
    },
    markClosedChannelTold(releaseId, channelKey, at) {
      return toldStmt.run(releaseId, channelKey, at).changes > 0;
    },
  };
}
