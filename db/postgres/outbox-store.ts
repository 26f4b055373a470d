import { sql } from "drizzle-orm";
import { toOutboxEntry, type OutboxMethod } from "../outbox-rows.js";
import type { Queryable, Statements } from "./store.js";

type OutboxStatements = Pick<Statements, OutboxMethod>;

/**
 * Which rows are card posts: the predicate of the partial index notice_outbox_card_idx
 * (migration 0018), so "is a card of this release still owed?", asked for every notice posted,
 * reads that index instead of every row of the outbox.
 */
export const CARD_POST_ROW = "notice::jsonb ->> 'kind' = 'card'";

/**
 * The notice outbox on PostgreSQL, and whose manager was told of a channel closed to the bot:
 * each call is one statement, and a sweep claims with FOR UPDATE SKIP LOCKED, so instances
 * sweeping at the same moment share leftover notices out instead of posting one twice. The SQL
 * mirrors db/outbox-store.ts.
 */
export function createPgOutboxStatements(q: Queryable): OutboxStatements {
  const rows = async (query: ReturnType<typeof sql>) =>
    ((await q.execute(query)) as unknown as { rows: Array<Record<string, unknown>> }).rows.map(toOutboxEntry).sort((a, b) => a.id - b.id);
  const changed = async (query: ReturnType<typeof sql>) => (((await q.execute(query)) as unknown as { rowCount: number | null }).rowCount ?? 0) > 0;

  return {
    async addToOutbox(item, now, graceMs) {
      const [row] = await rows(sql`
        INSERT INTO notice_outbox (release_id, notice, created_at, lease_until)
        VALUES (${item.releaseId}, ${JSON.stringify(item)}, ${now}, ${now + graceMs}) RETURNING *`);
      return row!.id;
    },
    async takeFromOutbox(id, holder, now, leaseMs) {
      const [row] = await rows(sql`
        UPDATE notice_outbox SET holder = ${holder}, lease_until = ${now + leaseMs}, attempts = attempts + 1
        WHERE id = ${id} AND (holder IS NULL OR holder = ${holder} OR lease_until <= ${now}) RETURNING *`);
      return row ?? null;
    },
    claimStaleOutbox(holder, now, leaseMs, limit, endedBy) {
      // Longest due first, as on SQLite: notices waiting for a platform are due at every sweep and must not hold the rest back.
      return rows(sql`
        UPDATE notice_outbox SET holder = ${holder}, lease_until = ${now + leaseMs}, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM notice_outbox WHERE lease_until <= ${endedBy ?? now}
          ORDER BY lease_until, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING *`);
    },
    renewOutboxLease(id, holder, until) {
      return changed(sql`UPDATE notice_outbox SET lease_until = ${until} WHERE id = ${id} AND holder = ${holder}`);
    },
    async cardPostOwed(releaseId) {
      const found = (await q.execute(sql`SELECT 1 FROM notice_outbox WHERE release_id = ${releaseId} AND ${sql.raw(CARD_POST_ROW)} LIMIT 1`)) as unknown as { rows: unknown[] };
      return found.rows.length > 0;
    },
    async deleteFromOutbox(id) {
      await q.execute(sql`DELETE FROM notice_outbox WHERE id = ${id}`);
    },
    deferOutbox(id, holder, sentTo, retryAt, opts) {
      const giveBack = opts?.uncounted ? 1 : 0;
      return changed(sql`UPDATE notice_outbox SET holder = NULL, lease_until = ${retryAt}, sent_to = ${JSON.stringify(sentTo)}, attempts = attempts - ${giveBack} WHERE id = ${id} AND holder = ${holder}`);
    },
    listOutbox() {
      return rows(sql`SELECT * FROM notice_outbox ORDER BY id`);
    },
    // One statement: of instances telling at the same moment, one inserts the row and tells.
    markClosedChannelTold(releaseId, channelKey, at) {
      return changed(sql`INSERT INTO closed_channels_told (release_id, channel_key, told_at) VALUES (${releaseId}, ${channelKey}, ${at}) ON CONFLICT DO NOTHING`);
    },
  };
}
