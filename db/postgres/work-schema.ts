import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ms, releases } from "./schema.js";

/*
 * PostgreSQL's tables that carry work between a commit and the world, and between instances
 * (see db/work-schema.ts), and the two version counters that tell an instance whether its
 * copies of votes and shared rows are current. drizzle.postgres.config.ts reads both files.
 */

/** Durable jobs: reminders, T-0, retro prompts, webhook deliveries. Claimed by lease. */
export const jobs = pgTable(
  "jobs",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    releaseId: text("release_id").notNull(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    dueAt: ms("due_at").notNull(),
    payload: text("payload").notNull(),
    attempts: integer("attempts").notNull().default(0),
    leaseUntil: ms("lease_until"),
    doneAt: ms("done_at"),
  },
  (t) => [
    index("jobs_due_idx").on(t.doneAt, t.dueAt),
    index("jobs_release_idx").on(t.releaseId, t.doneAt, t.dueAt),
    uniqueIndex("jobs_pending_key_uq").on(t.releaseId, t.key).where(sql`done_at IS NULL`),
  ],
);

/**
 * Inbound hooks already applied, by webhook-id (or, deprecated, signature): a replayed hook
 * changes nothing. `body_hash` (SHA-256 of the body; null on rows from before it) tells a
 * retry of the same report from a different report sent under an id already used.
 */
export const hookReceipts = pgTable(
  "hook_receipts",
  {
    signature: text("signature").primaryKey(),
    at: ms("at").notNull(),
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
export const eventClaims = pgTable("event_claims", {
  id: text("id").primaryKey(),
  // No index on it: every claim stays one B-tree insert, and the hourly prune scans a day's rows.
  at: ms("at").notNull(),
});

/** Outbound webhook calls; the idempotency key makes a second rollback request a no-op. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    releaseId: text("release_id").notNull(),
    kind: text("kind").notNull(),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    url: text("url").notNull(),
    body: text("body").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    createdAt: ms("created_at").notNull(),
    deliveredAt: ms("delivered_at"),
  },
  // A release's card, audit and web page list its deliveries: without this, each reads them all.
  (t) => [index("webhook_deliveries_release_idx").on(t.releaseId)],
);

/** Card leases: see db/work-schema.ts. Written only when several instances share the database. */
export const cardLeases = pgTable(
  "card_leases",
  {
    platform: text("platform").notNull(),
    channelKey: text("channel_key").notNull(),
    messageId: text("message_id").notNull(),
    releaseSeq: integer("release_seq").notNull().references(() => releases.seq, { onDelete: "cascade" }),
    channelNativeId: text("channel_native_id").notNull(),
    holder: text("holder"),
    leaseUntil: ms("lease_until").notNull().default(0),
    lastEditAt: ms("last_edit_at").notNull().default(0),
    version: integer("version").notNull().default(0),
    rendered: integer("rendered").notNull().default(0),
  },
  // Every change to a release marks its copies out of date, in the change's own transaction.
  (t) => [primaryKey({ columns: [t.platform, t.channelKey, t.messageId] }), index("card_leases_release_idx").on(t.releaseSeq)],
);

/** The notice outbox (see db/work-schema.ts). */
export const noticeOutbox = pgTable(
  "notice_outbox",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    releaseId: text("release_id").notNull(),
    notice: text("notice").notNull(),
    createdAt: ms("created_at").notNull(),
    holder: text("holder"),
    leaseUntil: ms("lease_until").notNull(),
    attempts: integer("attempts").notNull().default(0),
    sentTo: text("sent_to").notNull().default("[]"),
  },
  (t) => [
    index("notice_outbox_lease_idx").on(t.leaseUntil),
    // "Is a card of R-1 still owed?" is asked for every notice posted: without this, each asks
    // every row of the outbox, which holds a backlog of notices in a storm of no-gos.
    index("notice_outbox_card_idx").on(t.releaseId).where(sql`(${t.notice}::jsonb ->> 'kind') = 'card'`),
  ],
);

/** Channels closed to the bot whose release's manager was told so (see db/work-schema.ts). */
export const closedChannelsTold = pgTable(
  "closed_channels_told",
  {
    releaseId: text("release_id").notNull(),
    channelKey: text("channel_key").notNull(),
    toldAt: ms("told_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.channelKey] })],
);

/**
 * How many times each release's votes changed (PostgreSQL only: several instances keep a
 * copy of a release's votes in memory and reuse it while this number is the one they read
 * it at). Bumped in the same statement as every vote write; a release without a row has 0.
 */
export const voteVersions = pgTable("vote_versions", {
  releaseSeq: integer("release_seq")
    .primaryKey()
    .references(() => releases.seq, { onDelete: "cascade" }),
  version: integer("version").notNull(),
  /** The version of the last write that removed votes: a copy older than it is read again whole. */
  cleared: integer("cleared").notNull().default(0),
});

/**
 * How many times the rows every press reads — releases, policies, readiness criteria, role
 * bindings — have changed (PostgreSQL only; one row). Each instance keeps those rows in
 * memory and reuses them while this number is the one it read them at; every transaction
 * that writes one of them bumps it before COMMIT, under the writer lock.
 */
export const sharedRowsVersion = pgTable("shared_rows_version", {
  id: integer("id").primaryKey(),
  version: bigint("version", { mode: "number" }).notNull(),
});
