import type { Criterion, CriterionSource, CriterionStatus } from "../src/domain/criteria.js";
import type { CardLease, CardLeaseStore } from "../src/app/card-lease-store.js";
import type { AuditEvent, Job, JobKind, WebhookDelivery, WebhookKind } from "../src/app/store.js";
import type { ReleaseState } from "../src/domain/release.js";
import type { Release, Vote, VoteChoice } from "../src/domain/types.js";
import type { auditEvents, releaseCriteria, releases, votes } from "./schema.js";
import type { jobs, webhookDeliveries } from "./work-schema.js";

/*
 * Rows as both dialects read them back (same column names, instants and ids as numbers),
 * turned into the Store port's values. One copy for SQLite and PostgreSQL.
 */

/** `R-<seq>` to seq; -1 (no such row) for anything that is not an id a 32-bit integer column holds. */
export function seqOf(id: string): number {
  const n = Number(id.replace(/^R-/, ""));
  return Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? n : -1;
}

/** Ids split into lists short enough for one `IN (…)` on either database (SQLite allows 32,766 parameters, PostgreSQL 65,535). */
export function inChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += 500) chunks.push(items.slice(i, i + 500));
  return chunks;
}

export function toRelease(r: typeof releases.$inferSelect): Release {
  const { seq, channelPlatform, channelKey, channelNativeId, ...rest } = r;
  return { id: `R-${seq}`, seq, ...rest, channel: { platform: channelPlatform, key: channelKey, nativeId: channelNativeId }, state: r.state as ReleaseState };
}

export function toVote(v: typeof votes.$inferSelect): Vote {
  return { voter: v.voter, voterName: v.voterName, choice: v.choice as VoteChoice, reason: v.reason, roles: JSON.parse(v.roles) as string[], at: v.at };
}

export function toCriterion(r: typeof releaseCriteria.$inferSelect): Criterion {
  return { name: r.name, role: r.role, status: r.status as CriterionStatus, setBy: r.setBy, setByName: r.setByName, source: r.source as CriterionSource | null, at: r.at, note: r.note, url: r.url, ciOwned: r.ciOwned };
}

/** A criterion as a row's columns (both dialects), bar the release and position. */
export function criterionColumns(c: Criterion) {
  return { role: c.role, status: c.status, setBy: c.setBy, setByName: c.setByName, source: c.source, at: c.at, note: c.note, url: c.url, ciOwned: c.ciOwned };
}

export function toEvent(r: typeof auditEvents.$inferSelect): AuditEvent {
  return { releaseId: r.releaseId, at: r.at, actor: r.actor, platform: r.platform, type: r.type, data: JSON.parse(r.data) as Record<string, unknown> };
}

export function toJob(r: typeof jobs.$inferSelect): Job {
  return { id: r.id, releaseId: r.releaseId, kind: r.kind as JobKind, key: r.key, dueAt: r.dueAt, payload: JSON.parse(r.payload) as Record<string, unknown>, attempts: r.attempts };
}

export function toDelivery(r: typeof webhookDeliveries.$inferSelect): WebhookDelivery {
  return { ...r, kind: r.kind as WebhookKind, status: r.status as WebhookDelivery["status"] };
}

/** A card_leases row as either driver returns it from raw SQL (PostgreSQL's bigints as strings). */
export function toCardLease(r: Record<string, unknown>): CardLease {
  const platform = String(r.platform);
  return {
    releaseId: `R-${Number(r.release_seq)}`,
    ref: { platform, channel: { platform, key: String(r.channel_key), nativeId: String(r.channel_native_id) }, messageId: String(r.message_id) },
    holder: typeof r.holder === "string" ? r.holder : null,
    leaseUntil: Number(r.lease_until),
    lastEditAt: Number(r.last_edit_at),
    version: Number(r.version),
    rendered: Number(r.rendered),
  };
}

/** The card lease methods, for both dialects. */
export type CardLeaseMethod = keyof CardLeaseStore;

/** The Store methods of the half no vote reads: durable jobs, retro answers, webhook deliveries, hook receipts. */
export type JobMethod =
  | "upsertJob"
  | "cancelJobs"
  | "claimDueJobs"
  | "renewJobLease"
  | "completeJob"
  | "retryJob"
  | "nextJobDueAt"
  | "listPendingJobs"
  | "putRetroAnswer"
  | "deleteRetroAnswer"
  | "listRetroAnswers"
  | "createDelivery"
  | "getDelivery"
  | "updateDelivery"
  | "listDeliveries"
  | "recordHookReceipt"
  | "forgetHookReceipts"
  | "forgetDoneJobs";
