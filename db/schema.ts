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

/**
 * Each release's readiness criteria, copied from its channel's policy at creation, in the
 * channel's order (`position`). The current status and its evidence; the history of ticks
 * lives in audit_events.
 */
export const releaseCriteria = sqliteTable(
  "release_criteria",
  {
    releaseSeq: integer("release_seq").notNull().references(() => releases.seq, { onDelete: "cascade" }),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    role: text("role"),
    status: text("status").notNull(),
    setBy: text("set_by"),
    setByName: text("set_by_name"),
    source: text("source"),
    at: integer("at"),
    note: text("note"),
    url: text("url"),
    ciOwned: integer("ci_owned", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.releaseSeq, t.name] })],
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

/** Freeze windows per channel (`F-<id>`): a one-off span of instants, or a weekly span of wall-clock times in `zone`. */
export const freezeWindows = sqliteTable(
  "freeze_windows",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channelKey: text("channel_key").notNull(),
    kind: text("kind").notNull(),
    startAt: integer("start_at"),
    endAt: integer("end_at"),
    startDay: integer("start_day"),
    startMinute: integer("start_minute"),
    endDay: integer("end_day"),
    endMinute: integer("end_minute"),
    zone: text("zone").notNull(),
    reason: text("reason"),
    createdBy: text("created_by").notNull(),
    createdByName: text("created_by_name").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("freeze_windows_channel_idx").on(t.channelKey)],
);

/** Locked service + environment pairs: at most one lock each, set by a rollback or by hand. */
export const deployLocks = sqliteTable(
  "deploy_locks",
  {
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    reason: text("reason").notNull(),
    lockedBy: text("locked_by").notNull(),
    lockedByName: text("locked_by_name").notNull(),
    at: integer("at").notNull(),
    releaseId: text("release_id"),
  },
  (t) => [primaryKey({ columns: [t.service, t.environment] })],
);

/** GO releases waiting for their service + environment, oldest first; one entry per release. */
export const deployQueue = sqliteTable(
  "deploy_queue",
  {
    releaseId: text("release_id").primaryKey(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    behind: text("behind").notNull(),
    queuedAt: integer("queued_at").notNull(),
    scheduledAt: integer("scheduled_at"),
  },
  (t) => [index("deploy_queue_target_idx").on(t.service, t.environment, t.queuedAt)],
);

/** Who shipped a release inside a freeze, and why: shown on its card. */
export const freezeOverrides = sqliteTable("freeze_overrides", {
  releaseId: text("release_id").primaryKey(),
  by: text("by").notNull(),
  byName: text("by_name").notNull(),
  reason: text("reason").notNull(),
  freeze: text("freeze").notNull(),
  at: integer("at").notNull(),
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
  (t) => [index("notice_outbox_lease_idx").on(t.leaseUntil)],
);
