import type { Criterion } from "../domain/criteria.js";
import type { Policy } from "../domain/policy.js";
import type { ReleaseState } from "../domain/release.js";
import type { Release, UserId, Vote } from "../domain/types.js";
import type { CardLeaseStore } from "./card-lease-store.js";
import type { GuardStore } from "./guard-store.js";
import type { IdentityStore } from "./identity-store.js";
import type { OutboxStore } from "./outbox-store.js";
import type { MessageRef } from "./ports.js";
import type { ChainedAuditEvent, Snapshot } from "./snapshot.js";

export type NewRelease = Omit<Release, "id" | "seq">;

/** The last row of the audit trail as a check saw it: its id and its hash. */
export interface AuditHead {
  id: number;
  hash: string;
}

/** A walk of the audit trail's hash chain: intact up to `head`, or broken at the first bad link. */
export type AuditCheck = { ok: true; count: number; head: AuditHead | null } | { ok: false; count: number; brokenAt: number; problem: string };

/**
 * An audit event as stored: its type name and its data as JSON. Any type and data round-trip,
 * so rows written by another version read back; the core writes only typed events
 * (`AuditEventPayload` in audit-events.ts) and reads them back with `readAuditEvent`.
 */
export interface AuditEvent {
  releaseId: string | null;
  at: number;
  actor: UserId;
  platform: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * `queue_start`: the head of a service + environment's queue starts shipping (deploy-queue.ts).
 * `countdown`: the card's "T-0 in …" is brought up to date (countdown-jobs.ts).
 * `freeze_end`: a held release hears that the freeze its card shows is over (freeze-watch.ts).
 * `lock_reminder`: a deploy lock still on is said again (lock-reminders.ts). A hand-set lock has no
 * release, so these jobs go under the lock's target (`lock:payments production`) in place of a release id.
 */
export type JobKind = "reminder" | "t0" | "countdown" | "retro_open" | "retro_close" | "webhook" | "queue_start" | "freeze_end" | "lock_reminder" | "ship_nudge";

export interface Job {
  id: number;
  releaseId: string;
  kind: JobKind;
  /** Unique per release: re-planning a countdown replaces jobs with the same key. */
  key: string;
  dueAt: number;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface RetroAnswer {
  releaseId: string;
  author: UserId;
  authorName: string;
  wentWell: string;
  wentBadly: string;
  actionItems: string;
  at: number;
}

export interface RoleBinding {
  subject: string;
  role: string;
  grantedBy: UserId;
  at: number;
}

export type WebhookKind = "deploy" | "rollback";

export interface WebhookDelivery {
  id: number;
  releaseId: string;
  kind: WebhookKind;
  idempotencyKey: string;
  url: string;
  body: string;
  /** `withdrawn`: a deploy call still being retried when its release left shipping; it is never sent. */
  status: "pending" | "delivered" | "failed" | "withdrawn";
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** A platform event id to claim for a transaction (see Store.claimEvent), at the clock's now. */
export interface EventClaim {
  id: string;
  at: number;
}

/** The event id was claimed before: a redelivery handled earlier, or another instance has it. */
export class EventClaimedBefore extends Error {
  constructor(readonly eventId: string) {
    super(`event ${eventId} was claimed before`);
    this.name = "EventClaimedBefore";
  }
}

/**
 * The persistence port, asynchronous so a network database can implement it. A use case
 * runs inside `transaction(async (tx) => …)` and writes its state, audit events and jobs
 * through `tx` before anything is acknowledged (commit-then-ack). Transactions never
 * interleave: an `await` inside one never lets another event's writes onto it. A call
 * to `tx.transaction` inside an open transaction joins it (no savepoint: a throw that
 * reaches the outer transaction undoes both). Calls made on the store outside a
 * transaction each run as their own short one, after the open one ends; inside a
 * transaction use only `tx` (the store itself would wait for the transaction it is in).
 * A callback may run more than once (PostgreSQL runs waiting transactions together and
 * runs them again when one of them fails after writing), so it acts only through `tx`.
 * `test/contracts/store-contract.ts` is the definition of this port; every implementation passes it.
 */
export interface Store extends GuardStore, OutboxStore, CardLeaseStore, IdentityStore {
  /**
   * With `claim`, the transaction first claims that platform event id and runs `fn` only
   * when the claim is new; a claim made before rejects with EventClaimedBefore, changing
   * nothing. Claiming here rather than inside `fn` lets PostgreSQL claim a whole batch of
   * presses in one round trip.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>, claim?: EventClaim): Promise<T>;
  /**
   * Runs `fn` on a read-only snapshot of what is committed, outside the writer: transactions
   * commit while it reads (a vote never waits for an audit export) and it sees none of them.
   * Outside a transaction only: a transaction's `tx` refuses it.
   */
  readSnapshot<T>(fn: (snapshot: Snapshot) => Promise<T>): Promise<T>;

  insertRelease(r: NewRelease): Promise<Release>;
  getRelease(id: string): Promise<Release | undefined>;
  updateRelease(id: string, patch: Partial<Omit<Release, "id" | "seq" | "channel">>): Promise<Release>;
  listReleases(filter: { states?: ReleaseState[]; channelKey?: string; limit?: number }): Promise<Release[]>;
  /** How many releases are in each state (states with none are left out): counted by the database, for /metrics. */
  countReleasesByState(): Promise<Partial<Record<ReleaseState, number>>>;
  /** Releases of a service, newest first (for stats and hook lookups). */
  /** Newest first. `activeSince`: only releases created at or after it, or not closed before it (any event since lies in one of them). */
  findReleases(filter: { service?: string; version?: string; activeSince?: number }): Promise<Release[]>;

  getVotes(releaseId: string): Promise<Vote[]>;
  /**
   * How many current votes each release has (releases without votes are left out), counted by
   * the database in one query however many releases are asked: for statistics over a long
   * history, which must neither read every vote nor hold the writer for a query per release.
   */
  countVotes(releaseIds: readonly string[]): Promise<Map<string, number>>;
  /** The same votes as a live view, without copying them: read at once, never across a write. Every press decides on it. */
  currentVotes(releaseId: string): Promise<ReadonlyMap<UserId, Vote>>;
  /** One person's current vote: asked on every press, so it must not copy the whole list. */
  getVote(releaseId: string, voter: string): Promise<Vote | undefined>;
  upsertVote(releaseId: string, vote: Vote): Promise<void>;
  deleteVote(releaseId: string, voter: UserId): Promise<boolean>;
  clearVotes(releaseId: string): Promise<number>;

  /** A release's readiness criteria, in the order its channel named them. */
  listCriteria(releaseId: string): Promise<Criterion[]>;
  /** Replaces all of a release's criteria (creation copies the channel's list); their order is kept. */
  replaceCriteria(releaseId: string, criteria: Criterion[]): Promise<void>;
  /** Writes one criterion's status and evidence by name; false when the release has no such criterion. */
  saveCriterion(releaseId: string, criterion: Criterion): Promise<boolean>;

  appendAudit(e: AuditEvent): Promise<void>;
  listAudit(releaseId: string): Promise<AuditEvent[]>;
  /** The events of `types` of many releases at once (statistics), each release's oldest first. */
  listAuditOf(releaseIds: readonly string[], types: readonly string[]): Promise<AuditEvent[]>;
  /** Audit events with `from <= at <= to`, oldest first, in one read (an export reads a `Snapshot` instead). */
  listAuditRange(from: number, to: number): Promise<ChainedAuditEvent[]>;
  /**
   * Walks the hash chain; `recorded`, a head seen earlier, must still be in it unchanged. `head` is the last row now.
   * The use cases walk a snapshot's chain instead (Snapshot.verifyAudit), beside the writer.
   */
  verifyAudit(recorded?: AuditHead): Promise<AuditCheck>;
  /**
   * Remembers an inbound hook by its webhook-id (or, deprecated, signature) and its report's
   * hash: "new" the first time; "same" for a replay of the same report (or a receipt kept
   * before reports were hashed); "different" when the id came with another report before.
   */
  recordHookReceipt(signature: string, at: number, reportHash: string): Promise<"new" | "same" | "different">;
  /** Forgets hook receipts recorded before `before` (senders stop retrying within a day or two); how many went. */
  forgetHookReceipts(before: number): Promise<number>;
  /** Forgets jobs done before `before`: nothing reads a done job (reminders, T-0s and retros leave their mark in the audit trail); how many went. */
  forgetDoneJobs(before: number): Promise<number>;
  /**
   * Claims a platform event id (a Slack trigger_id, a Discord interaction id) for the
   * transaction it runs in; false when it was claimed before, by a redelivery handled
   * earlier or by another instance. A rolled-back transaction leaves it unclaimed.
   */
  claimEvent(id: string, at: number): Promise<boolean>;
  /** Forgets claims made before `before` (platforms stop redelivering within minutes); how many went. */
  forgetEventClaims(before: number): Promise<number>;

  getPolicy(channelKey: string): Promise<Partial<Policy> | undefined>;
  setPolicy(channelKey: string, policy: Partial<Policy>): Promise<void>;

  listRoleBindings(subjects?: string[]): Promise<RoleBinding[]>;
  grantRole(b: RoleBinding): Promise<boolean>;
  revokeRole(subject: string, role: string): Promise<boolean>;

  addMessageRef(releaseId: string, ref: MessageRef): Promise<void>;
  listMessageRefs(releaseId: string): Promise<MessageRef[]>;
  /** Forgets the copy of the card at `ref` (it was deleted in chat). */
  removeMessageRef(releaseId: string, ref: MessageRef): Promise<void>;

  /** Inserts or replaces (same release + key) a job that is not done yet. */
  upsertJob(job: Omit<Job, "id" | "attempts">): Promise<void>;
  cancelJobs(releaseId: string, kinds: JobKind[]): Promise<number>;
  /**
   * Atomically leases due jobs: one statement, so two runners never take the same job.
   * A leased job that is not completed comes back after the lease expires.
   */
  claimDueJobs(now: number, leaseMs: number, limit: number): Promise<Job[]>;
  /**
   * A runner still working on a job it claimed extends the lease to `now + leaseMs`, so a
   * short lease (a quick takeover when it dies) never ends under a slow job. False when the
   * lease had already ended or the job is done: it may be another runner's by now.
   */
  renewJobLease(id: number, now: number, leaseMs: number): Promise<boolean>;
  /**
   * Marks the job done; false when it was done already. A job's transaction completes it
   * first and stops on false: when the answer to its COMMIT was lost and it runs again
   * (PostgreSQL), the run that committed is not repeated.
   */
  completeJob(id: number, now: number): Promise<boolean>;
  retryJob(id: number, dueAt: number): Promise<void>;
  nextJobDueAt(): Promise<number | null>;
  listPendingJobs(releaseId?: string, filter?: { kind?: JobKind; dueBefore?: number }): Promise<Job[]>;

  /**
   * Saves a person's retro answer: their first, or in place of the one they gave before (one
   * answer per person per release, which keeps its place in the list).
   */
  putRetroAnswer(a: RetroAnswer): Promise<void>;
  /** Removes a person's answer to a release's retro (they withdrew it); false when they had none. */
  deleteRetroAnswer(releaseId: string, author: string): Promise<boolean>;
  listRetroAnswers(releaseId: string): Promise<RetroAnswer[]>;

  /** Creates a delivery, or returns the existing one with the same idempotency key. */
  createDelivery(d: Omit<WebhookDelivery, "id" | "attempts" | "lastStatus" | "lastError" | "deliveredAt" | "status">): Promise<{ delivery: WebhookDelivery; created: boolean }>;
  getDelivery(id: number): Promise<WebhookDelivery | undefined>;
  /** `url`: where the latest attempt went (the configured URL then, which an operator may have corrected). */
  updateDelivery(id: number, patch: Partial<Pick<WebhookDelivery, "status" | "attempts" | "lastStatus" | "lastError" | "deliveredAt" | "url">>): Promise<void>;
  listDeliveries(releaseId: string): Promise<WebhookDelivery[]>;
}

// The parts of the port in modules of their own, still importable from here.
export type { GuardStore } from "./guard-store.js";
export type { CardPost, OutboxEntry, OutboxStore } from "./outbox-store.js";
