import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Releases. `seq` is the number in the human id (`R-<seq>`). Instants are UTC ms. */
export const releases = sqliteTable(
  "releases",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    service: text("service").notNull(),
    version: text("version").notNull(),
    environment: text("environment").notNull(),
    description: text("description"),
    managerId: text("manager_id").notNull(),
    managerName: text("manager_name").notNull(),
    channelPlatform: text("channel_platform").notNull(),
    channelKey: text("channel_key").notNull(),
    channelNativeId: text("channel_native_id").notNull(),
    scheduledAt: integer("scheduled_at"),
    timezone: text("timezone").notNull(),
    state: text("state").notNull(),
    stateReason: text("state_reason"),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    decidedGoAt: integer("decided_go_at"),
    shippedAt: integer("shipped_at"),
    rollbackRequestedAt: integer("rollback_requested_at"),
    recoveredAt: integer("recovered_at"),
    retroOpenedAt: integer("retro_opened_at"),
    closedAt: integer("closed_at"),
    votesVoidedNote: text("votes_voided_note"),
    webhookNote: text("webhook_note"),
  },
  (t) => [index("releases_state_idx").on(t.state), index("releases_service_idx").on(t.service, t.version)],
);

/** The current vote of each voter: unique per (release, voter); history lives in audit_events. */
/**
 * WITHOUT ROWID (migration 0006): a vote is one b-tree write, not a rowid table plus its
 * primary-key index. drizzle cannot express it, so a generated migration that rebuilds
 * `votes` would quietly drop it: write such a rebuild as a custom migration that keeps it.
 */
export const votes = sqliteTable(
  "votes",
  {
    releaseSeq: integer("release_seq").notNull().references(() => releases.seq, { onDelete: "cascade" }),
    voter: text("voter").notNull(),
    voterName: text("voter_name").notNull(),
    choice: text("choice").notNull(),
    reason: text("reason"),
    roles: text("roles").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.releaseSeq, t.voter] })],
);

/** Append-only audit trail (a trigger in the migrations refuses UPDATE and DELETE). */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    // No AUTOINCREMENT: rows are never deleted, so plain rowids never repeat either, and
    // AUTOINCREMENT rewrote the sqlite_sequence page in every vote's transaction.
    id: integer("id").primaryKey(),
    releaseId: text("release_id"),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    platform: text("platform").notNull(),
    type: text("type").notNull(),
    data: text("data").notNull(),
    /** The previous row's hash: editing or deleting any row breaks the chain after it. */
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  // No index on `at`: exports by date are rare and scan, while every vote pays for each index.
  (t) => [index("audit_release_idx").on(t.releaseId)],
);

export const policies = sqliteTable("policies", {
  channelKey: text("channel_key").primaryKey(),
  settings: text("settings").notNull(),
});

export const roleBindings = sqliteTable(
  "role_bindings",
  {
    subject: text("subject").notNull(),
    role: text("role").notNull(),
    grantedBy: text("granted_by").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.role] })],
);

/** Every posted copy of a card; one per (release, platform, channel). */
export const messageRefs = sqliteTable(
  "message_refs",
  {
    releaseSeq: integer("release_seq").notNull().references(() => releases.seq, { onDelete: "cascade" }),
    platform: text("platform").notNull(),
    channelKey: text("channel_key").notNull(),
    channelNativeId: text("channel_native_id").notNull(),
    messageId: text("message_id").notNull(),
  },
  (t) => [uniqueIndex("message_refs_uq").on(t.releaseSeq, t.platform, t.channelKey)],
);

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

export const retroAnswers = sqliteTable("retro_answers", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  releaseId: text("release_id").notNull(),
  author: text("author").notNull(),
  authorName: text("author_name").notNull(),
  wentWell: text("went_well").notNull(),
  wentBadly: text("went_badly").notNull(),
  actionItems: text("action_items").notNull(),
  at: integer("at").notNull(),
});

/** Inbound hooks already applied, by signature: a replayed hook changes nothing. */
export const hookReceipts = sqliteTable("hook_receipts", {
  signature: text("signature").primaryKey(),
  at: integer("at").notNull(),
});

/** Outbound webhook calls; the idempotency key makes a second rollback request a no-op. */
export const webhookDeliveries = sqliteTable("webhook_deliveries", {
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
});

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
  (t) => [primaryKey({ columns: [t.platform, t.channelKey, t.messageId] })],
);
