import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";

/*
 * The PostgreSQL twin of db/schema.ts (and work-schema.ts, of db/work-schema.ts): the same
 * tables and column names, so one model and one `db:copy` serve both. drizzle has no
 * dialect-neutral table builder, hence two files per part. Instants are UTC ms, which outgrow
 * a 32-bit integer: `bigint` read back as a JS number. Ids are identity columns "by default",
 * so `db:copy` can insert the SQLite ids as they are.
 */

export const ms = (name: string) => bigint(name, { mode: "number" });

/** Releases. `seq` is the number in the human id (`R-<seq>`). */
export const releases = pgTable(
  "releases",
  {
    seq: integer("seq").primaryKey().generatedByDefaultAsIdentity(),
    service: text("service").notNull(),
    version: text("version").notNull(),
    environment: text("environment").notNull(),
    description: text("description"),
    managerId: text("manager_id").notNull(),
    managerName: text("manager_name").notNull(),
    channelPlatform: text("channel_platform").notNull(),
    channelKey: text("channel_key").notNull(),
    channelNativeId: text("channel_native_id").notNull(),
    scheduledAt: ms("scheduled_at"),
    timezone: text("timezone").notNull(),
    state: text("state").notNull(),
    stateReason: text("state_reason"),
    createdAt: ms("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    decidedGoAt: ms("decided_go_at"),
    shippedAt: ms("shipped_at"),
    rollbackRequestedAt: ms("rollback_requested_at"),
    recoveredAt: ms("recovered_at"),
    retroOpenedAt: ms("retro_opened_at"),
    closedAt: ms("closed_at"),
    votesVoidedNote: text("votes_voided_note"),
    webhookNote: text("webhook_note"),
  },
  (t) => [
    index("releases_state_idx").on(t.state),
    index("releases_service_idx").on(t.service, t.version),
    // Stats over a window read the releases created or still open in it (created_at >= ? OR
    // closed_at IS NULL OR closed_at >= ?): with these, one index range each, not every release.
    index("releases_created_idx").on(t.createdAt),
    index("releases_closed_idx").on(t.closedAt),
  ],
);

/** The current vote of each voter: unique per (release, voter); history lives in audit_events. */
export const votes = pgTable(
  "votes",
  {
    releaseSeq: integer("release_seq").notNull().references(() => releases.seq, { onDelete: "cascade" }),
    voter: text("voter").notNull(),
    voterName: text("voter_name").notNull(),
    choice: text("choice").notNull(),
    reason: text("reason"),
    roles: text("roles").notNull(),
    at: ms("at").notNull(),
    /** The release's vote version this vote was written at (PostgreSQL only): an instance whose copy is older reads only the votes written since. */
    version: integer("version").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.releaseSeq, t.voter] })],
);

/**
 * Each release's readiness criteria, copied from its channel's policy at creation, in the
 * channel's order (`position`). The current status and its evidence; the history of ticks
 * lives in audit_events.
 */
export const releaseCriteria = pgTable(
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
    at: ms("at"),
    note: text("note"),
    url: text("url"),
    ciOwned: boolean("ci_owned").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.releaseSeq, t.name] })],
);

/** Append-only audit trail: a trigger (custom migration) refuses UPDATE, DELETE and TRUNCATE. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    releaseId: text("release_id"),
    at: ms("at").notNull(),
    actor: text("actor").notNull(),
    platform: text("platform").notNull(),
    type: text("type").notNull(),
    data: text("data").notNull(),
    /** The previous row's hash: editing or deleting any row breaks the chain after it. */
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [index("audit_release_idx").on(t.releaseId)],
);

/**
 * The tip of the audit hash chain, one row (seeded by a custom migration). An append locks
 * it (`FOR UPDATE`) until its transaction ends, so two instances appending at the same
 * moment take turns instead of both linking to the same predecessor (a fork).
 */
export const auditChainHead = pgTable("audit_chain_head", {
  id: integer("id").primaryKey(),
  hash: text("hash").notNull(),
});

export const policies = pgTable("policies", {
  channelKey: text("channel_key").primaryKey(),
  settings: text("settings").notNull(),
});

export const roleBindings = pgTable(
  "role_bindings",
  {
    subject: text("subject").notNull(),
    role: text("role").notNull(),
    grantedBy: text("granted_by").notNull(),
    at: ms("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.role] })],
);

/**
 * Accounts of one person on several platforms or workspaces (`/release link`): each account
 * names its person by one of them. Linked accounts share one vote and the release manager's
 * self-approval rule; roles stay with each account.
 */
export const identityLinks = pgTable(
  "identity_links",
  {
    account: text("account").primaryKey(),
    person: text("person").notNull(),
    /** The account's display name when it was linked, for telling people whom they are linked with. */
    name: text("name").notNull(),
    linkedAt: ms("linked_at").notNull(),
  },
  (t) => [index("identity_links_person_idx").on(t.person)],
);

/** A code `/release link` gave an account, kept hashed until it is used on the other account or expires; one per account. */
export const linkCodes = pgTable(
  "link_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    account: text("account").notNull(),
    /** The account's display name, shown to whoever uses the code. */
    name: text("name").notNull(),
    expiresAt: ms("expires_at").notNull(),
  },
  (t) => [uniqueIndex("link_codes_account_idx").on(t.account)],
);

/** Every posted copy of a card; one per (release, platform, channel). */
export const messageRefs = pgTable(
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

/** One answer per person per release: a person's later answer replaces theirs (putRetroAnswer); every answer as written is in the audit trail. */
export const retroAnswers = pgTable(
  "retro_answers",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    releaseId: text("release_id").notNull(),
    author: text("author").notNull(),
    authorName: text("author_name").notNull(),
    wentWell: text("went_well").notNull(),
    wentBadly: text("went_badly").notNull(),
    actionItems: text("action_items").notNull(),
    at: ms("at").notNull(),
  },
  (t) => [uniqueIndex("retro_answers_release_author_idx").on(t.releaseId, t.author)],
);

/** Freeze windows per channel (`F-<id>`): a one-off span of instants, or a weekly span of wall-clock times in `zone`. */
export const freezeWindows = pgTable(
  "freeze_windows",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    channelKey: text("channel_key").notNull(),
    kind: text("kind").notNull(),
    startAt: ms("start_at"),
    endAt: ms("end_at"),
    startDay: integer("start_day"),
    startMinute: integer("start_minute"),
    endDay: integer("end_day"),
    endMinute: integer("end_minute"),
    zone: text("zone").notNull(),
    reason: text("reason"),
    createdBy: text("created_by").notNull(),
    createdByName: text("created_by_name").notNull(),
    createdAt: ms("created_at").notNull(),
  },
  (t) => [index("freeze_windows_channel_idx").on(t.channelKey)],
);

/** Locked service + environment pairs: at most one lock each, set by a rollback or by hand. */
export const deployLocks = pgTable(
  "deploy_locks",
  {
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    reason: text("reason").notNull(),
    lockedBy: text("locked_by").notNull(),
    lockedByName: text("locked_by_name").notNull(),
    at: ms("at").notNull(),
    releaseId: text("release_id"),
    // Where it was set, so its reminders reach the people there; null on locks set before gonogo recorded it (they get no reminders).
    channelPlatform: text("channel_platform"),
    channelKey: text("channel_key"),
    channelNativeId: text("channel_native_id"),
  },
  (t) => [primaryKey({ columns: [t.service, t.environment] })],
);

/** GO releases waiting for their service + environment, oldest first; one entry per release. */
export const deployQueue = pgTable(
  "deploy_queue",
  {
    releaseId: text("release_id").primaryKey(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    behind: text("behind").notNull(),
    queuedAt: ms("queued_at").notNull(),
    scheduledAt: ms("scheduled_at"),
  },
  (t) => [index("deploy_queue_target_idx").on(t.service, t.environment, t.queuedAt)],
);

/** Who shipped a release inside a freeze, and why: shown on its card. */
export const freezeOverrides = pgTable("freeze_overrides", {
  releaseId: text("release_id").primaryKey(),
  by: text("by").notNull(),
  byName: text("by_name").notNull(),
  reason: text("reason").notNull(),
  freeze: text("freeze").notNull(),
  at: ms("at").notNull(),
});
