import type { Policy } from "../domain/policy.js";
import type { ReleaseState } from "../domain/release.js";
import type { ChannelRef, Release, UserId, Vote } from "../domain/types.js";
import type { MessageRef } from "./ports.js";

export type NewRelease = Omit<Release, "id" | "seq">;

export interface AuditEvent {
  releaseId: string | null;
  at: number;
  actor: UserId;
  platform: string;
  type: string;
  data: Record<string, unknown>;
}

export type JobKind = "reminder" | "t0" | "retro_open" | "retro_close" | "webhook";

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
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/**
 * The persistence port. Synchronous on purpose: better-sqlite3 is synchronous, and a
 * use case writes its state, audit events and jobs inside one `transaction` before
 * anything is acknowledged.
 */
export interface Store {
  transaction<T>(fn: () => T): T;

  insertRelease(r: NewRelease): Release;
  getRelease(id: string): Release | undefined;
  updateRelease(id: string, patch: Partial<Omit<Release, "id" | "seq" | "channel">>): Release;
  listReleases(filter: { states?: ReleaseState[]; channelKey?: string; limit?: number }): Release[];
  /** Releases of a service, newest first (for stats and hook lookups). */
  findReleases(filter: { service?: string; version?: string; since?: number }): Release[];

  getVotes(releaseId: string): Vote[];
  /** The same votes as a live view, without copying them: read at once, never across a write. Every press decides on it. */
  currentVotes(releaseId: string): ReadonlyMap<UserId, Vote>;
  /** One person's current vote: asked on every press, so it must not copy the whole list. */
  getVote(releaseId: string, voter: string): Vote | undefined;
  upsertVote(releaseId: string, vote: Vote): void;
  deleteVote(releaseId: string, voter: UserId): boolean;
  clearVotes(releaseId: string): number;

  appendAudit(e: AuditEvent): void;
  listAudit(releaseId: string): AuditEvent[];
  /** Audit events with `from <= at <= to`, oldest first, for export. */
  listAuditRange(from: number, to: number): Array<AuditEvent & { id: number; hash: string }>;
  /** Walks the hash chain and reports the first broken link. */
  verifyAudit(): { ok: true; count: number } | { ok: false; count: number; brokenAt: number; problem: string };
  /** Remembers an inbound hook's signature; false when it was seen before (a replay). */
  recordHookReceipt(signature: string, at: number): boolean;

  getPolicy(channelKey: string): Partial<Policy> | undefined;
  setPolicy(channelKey: string, policy: Partial<Policy>): void;

  listRoleBindings(subjects?: string[]): RoleBinding[];
  grantRole(b: RoleBinding): boolean;
  revokeRole(subject: string, role: string): boolean;

  addMessageRef(releaseId: string, ref: MessageRef): void;
  listMessageRefs(releaseId: string): MessageRef[];
  /** Forgets the copy of the card at `ref` (it was deleted in chat). */
  removeMessageRef(releaseId: string, ref: MessageRef): void;

  /** Inserts or replaces (same release + key) a job that is not done yet. */
  upsertJob(job: Omit<Job, "id" | "attempts">): void;
  cancelJobs(releaseId: string, kinds: JobKind[]): number;
  /**
   * Atomically leases due jobs: one statement, so two runners never take the same job.
   * A leased job that is not completed comes back after the lease expires.
   */
  claimDueJobs(now: number, leaseMs: number, limit: number): Job[];
  completeJob(id: number, now: number): void;
  retryJob(id: number, dueAt: number): void;
  nextJobDueAt(): number | null;
  listPendingJobs(releaseId?: string, filter?: { kind?: JobKind; dueBefore?: number }): Job[];

  addRetroAnswer(a: RetroAnswer): void;
  listRetroAnswers(releaseId: string): RetroAnswer[];

  /** Creates a delivery, or returns the existing one with the same idempotency key. */
  createDelivery(d: Omit<WebhookDelivery, "id" | "attempts" | "lastStatus" | "lastError" | "deliveredAt" | "status">): { delivery: WebhookDelivery; created: boolean };
  getDelivery(id: number): WebhookDelivery | undefined;
  updateDelivery(id: number, patch: Partial<Pick<WebhookDelivery, "status" | "attempts" | "lastStatus" | "lastError" | "deliveredAt">>): void;
  listDeliveries(releaseId: string): WebhookDelivery[];
}

export type { ChannelRef };
