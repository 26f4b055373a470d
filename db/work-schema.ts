import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { releases } from "./schema.js";

/*
 * The tables that carry work between a commit and the world, and between instances: jobs and
 * webhook deliveries, claims of events and hooks already handled, card leases and the notice
 * outbox. What gonogo records (releases, votes, the audit trail, policies, guardrails) is in
 * schema.ts. drizzle.config.ts reads both files.
 */

/** Durable jobs: reminders, T-0, retro prompts, webhook deliveries. Claimed by lease. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    releaseId: text("release_id").notNull(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    dueAt: integer("due_at").notNull(),
    payload: text("payload").notNull(),
    attempts: integer("attempts").notNull().default(0),
    leaseUntil: integer("lease_until"),
    doneAt: integer("done_at"),
  },
  (t) => [
    index("jobs_due_idx").on(t.doneAt, t.dueAt),
    // A card shows its release's next reminder: without this, that read scans every pending job.
    index("jobs_release_idx").on(t.releaseId, t.doneAt, t.dueAt),
    uniqueIndex("jobs_pending_key_uq").on(t.releaseId, t.key).where(sql`done_at IS NULL`),
  ],
);

/**
 * Inbound hooks already applied, by webhook-id (or, deprecated, signature): a replayed hook
 * changes nothing. `body_hash` (SHA-256 of the body; null on rows from before it) tells a
 * retry of the same report from a different report sent under an id already used.
 */
export const hookReceipts = sqliteTable(
  "hook_receipts",
  {
    signature: text("signature").primaryKey(),
    at: integer("at").notNull(),
    bodyHash: text("body_hash"),
  },
  // Receipts are pruned by age: without this, the prune reads every receipt ever kept.
  (t) => [index("hook_receipts_at_idx").on(t.at)],
);

/**
 * Platform event ids already handled (a Slack trigger_id, a Discord interaction id): a
 * redelivery, or the same gateway event on another instance, finds its id here and does
 * nothing. Claimed in the handling transaction; rows older than a day are pruned.
 */
// WITHOUT ROWID in its migration (0007): drizzle cannot say it, and a generated rebuild must keep it.
export const eventClaims = sqliteTable("event_claims", {
  id: text("id").primaryKey(),
  // No index on it: every claim stays one B-tree insert, and the hourly prune scans a day's rows.
  at: integer("at").notNull(),
});

/** Outbound webhook calls; the idempotency key makes a second rollback request a no-op. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    releaseId: text("release_id").notNull(),
    kind: text("kind").notNull(),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    url: text("url").notNull(),
    body: text("body").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    deliveredAt: integer("delivered_at"),
  },
  // A release's card, audit and web page list its deliveries: without this, each reads them all.
  (t) => [index("webhook_deliveries_release_idx").on(t.releaseId)],
);

/**
 * Card leases, one row per posted card message: with several instances on one database
 * (PostgreSQL), the holder alone edits that message until `lease_until`; `version` counts
 * committed changes and `rendered` the newest one the card shows, so any instance can mark
 * the card out of date and the holder (or whoever takes the lease next) re-renders it;
 * `last_edit_at` keeps the platform's edit spacing across the cluster. A single process on
 * SQLite keeps this in memory and never writes these rows.
 */
export const cardLeases = sqliteTable(
  "card_leases",
  {
    platform: text("platform").notNull(),
    channelKey: text("channel_key").notNull(),
    messageId: text("message_id").notNull(),
    releaseSeq: integer("release_seq").notNull().references(() => releases.seq, { onDelete: "cascade" }),
    channelNativeId: text("channel_native_id").notNull(),
    holder: text("holder"),
    leaseUntil: integer("lease_until").notNull().default(0),
    lastEditAt: integer("last_edit_at").notNull().default(0),
    version: integer("version").notNull().default(0),
    rendered: integer("rendered").notNull().default(0),
  },
  // Every change to a release marks its copies out of date, in the change's own transaction.
  (t) => [primaryKey({ columns: [t.platform, t.channelKey, t.messageId] }), index("card_leases_release_idx").on(t.releaseSeq)],
);

/**
 * The notice outbox: a notice is written in the transaction whose state it reports and
 * deleted once posted under every copy of its card, so a crash in between repeats it at
 * the next sweep instead of losing it. `notice` is the NoticeView as JSON; `sent_to` the
 * copies (as JSON keys) that already have it.
 */
export const noticeOutbox = sqliteTable(
  "notice_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    releaseId: text("release_id").notNull(),
    notice: text("notice").notNull(),
    createdAt: integer("created_at").notNull(),
    holder: text("holder"),
    leaseUntil: integer("lease_until").notNull(),
    attempts: integer("attempts").notNull().default(0),
    sentTo: text("sent_to").notNull().default("[]"),
  },
  (t) => [
    index("notice_outbox_lease_idx").on(t.leaseUntil),
    // "Is a card of R-1 still owed?" is asked for every notice posted: without this, each asks
    // every row of the outbox, which holds a backlog of notices in a storm of no-gos.
    index("notice_outbox_card_idx").on(t.releaseId).where(sql`json_extract(${t.notice}, '$.kind') = 'card'`),
  ],
);

/**
 * Channels a release's card could not be posted in (the bot may not post there) whose manager
 * was told so privately: one row per release and channel, so they are told once, across a
 * restart and (PostgreSQL) across instances. Written by the first to tell; never read for more.
 */
export const closedChannelsTold = sqliteTable(
  "closed_channels_told",
  {
    releaseId: text("release_id").notNull(),
    channelKey: text("channel_key").notNull(),
    toldAt: integer("told_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.channelKey] })],
);
