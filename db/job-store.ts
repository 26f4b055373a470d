import { and, asc, eq, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import type { JobKind, RetroAnswer } from "../src/app/store.js";
import { toDelivery, toJob, type JobMethod } from "./rows.js";
import type { SyncStore } from "./serialised-store.js";
import type { DatabaseHandle } from "./client.js";
import { retroAnswers } from "./schema.js";
import { hookReceipts, jobs, webhookDeliveries } from "./work-schema.js";

type JobStore = Pick<SyncStore, JobMethod>;

/**
 * The uncached half of the Store: durable jobs, retro answers, webhook deliveries and
 * inbound hook receipts. Nothing here is read on a vote's hot path.
 */
export function createJobStore(handle: DatabaseHandle): JobStore {
  const { db, sqlite } = handle;
  const claimStmt = sqlite.prepare(
    `UPDATE jobs SET lease_until = ?, attempts = attempts + 1
     WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY due_at LIMIT ?)
     RETURNING *`,
  );
  const pendingByDueStmt = sqlite.prepare<[], { dueAt: number; leaseUntil: number | null }>(
    "SELECT due_at AS dueAt, lease_until AS leaseUntil FROM jobs WHERE done_at IS NULL ORDER BY due_at",
  );

  // A card read lists its release's pending jobs (the next reminder): prepared once.
  const pendingOfReleaseStmt = db
    .select()
    .from(jobs)
    .where(and(isNull(jobs.doneAt), eq(jobs.releaseId, sql.placeholder("releaseId"))))
    .orderBy(asc(jobs.dueAt))
    .prepare();

  return {
    upsertJob(job) {
      const payload = JSON.stringify(job.payload);
      db.insert(jobs)
        .values({ releaseId: job.releaseId, kind: job.kind, key: job.key, dueAt: job.dueAt, payload })
        .onConflictDoUpdate({ target: [jobs.releaseId, jobs.key], targetWhere: isNull(jobs.doneAt), set: { dueAt: job.dueAt, payload, leaseUntil: null } })
        .run();
    },
    cancelJobs(releaseId, kinds: JobKind[]) {
      return db.delete(jobs).where(and(eq(jobs.releaseId, releaseId), inArray(jobs.kind, kinds), isNull(jobs.doneAt))).run().changes;
    },
    claimDueJobs(now, leaseMs, limit) {
      return (claimStmt.all(now + leaseMs, now, now, limit) as Array<Record<string, unknown>>).map((r) =>
        toJob({ id: r.id as number, releaseId: r.release_id as string, kind: r.kind as string, key: r.key as string, dueAt: r.due_at as number, payload: r.payload as string, attempts: r.attempts as number, leaseUntil: r.lease_until as number, doneAt: null }),
      );
    },
    renewJobLease(id, now, leaseMs) {
      return db
        .update(jobs)
        .set({ leaseUntil: now + leaseMs })
        .where(and(eq(jobs.id, id), isNull(jobs.doneAt), gt(jobs.leaseUntil, now)))
        .run().changes > 0;
    },
    completeJob(id, now) {
      return db.update(jobs).set({ doneAt: now, leaseUntil: null }).where(and(eq(jobs.id, id), isNull(jobs.doneAt))).run().changes > 0;
    },
    retryJob(id, dueAt) {
      db.update(jobs).set({ dueAt, leaseUntil: null }).where(eq(jobs.id, id)).run();
    },
    nextJobDueAt() {
      // When the next job can be claimed: a leased job not before its lease ends (else the
      // runner would wake for it again and again until then). Walking pending jobs by due
      // time can stop at the first one due after the best found, so this reads the leased
      // jobs at the front and one more, not every pending job.
      let next: number | null = null;
      for (const row of pendingByDueStmt.iterate()) {
        if (next !== null && row.dueAt >= next) break;
        const claimableAt = Math.max(row.dueAt, row.leaseUntil ?? row.dueAt);
        if (next === null || claimableAt < next) next = claimableAt;
      }
      return next;
    },
    listPendingJobs(releaseId, filter) {
      if (releaseId && !filter) return pendingOfReleaseStmt.all({ releaseId }).map(toJob);
      return db
        .select()
        .from(jobs)
        .where(
          and(
            isNull(jobs.doneAt),
            releaseId ? eq(jobs.releaseId, releaseId) : undefined,
            filter?.kind ? eq(jobs.kind, filter.kind) : undefined,
            filter?.dueBefore !== undefined ? lt(jobs.dueAt, filter.dueBefore) : undefined,
          ),
        )
        .orderBy(asc(jobs.dueAt))
        .all()
        .map(toJob);
    },

    putRetroAnswer(a: RetroAnswer) {
      const replaced = { authorName: a.authorName, wentWell: a.wentWell, wentBadly: a.wentBadly, actionItems: a.actionItems, at: a.at };
      db.insert(retroAnswers).values(a).onConflictDoUpdate({ target: [retroAnswers.releaseId, retroAnswers.author], set: replaced }).run();
    },
    deleteRetroAnswer(releaseId, author) {
      return db.delete(retroAnswers).where(and(eq(retroAnswers.releaseId, releaseId), eq(retroAnswers.author, author))).run().changes > 0;
    },
    listRetroAnswers(releaseId) {
      return db.select().from(retroAnswers).where(eq(retroAnswers.releaseId, releaseId)).orderBy(asc(retroAnswers.id)).all().map(({ id: _id, ...answer }) => answer);
    },

    createDelivery(d) {
      const inserted = db.insert(webhookDeliveries).values({ ...d, status: "pending" }).onConflictDoNothing().returning().get();
      if (inserted) return { delivery: toDelivery(inserted), created: true };
      const existing = db.select().from(webhookDeliveries).where(eq(webhookDeliveries.idempotencyKey, d.idempotencyKey)).get();
      if (!existing) throw new Error(`webhook delivery ${d.idempotencyKey} neither inserted nor found`);
      return { delivery: toDelivery(existing), created: false };
    },
    getDelivery(id) {
      const row = db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
      return row ? toDelivery(row) : undefined;
    },
    updateDelivery(id, patch) {
      db.update(webhookDeliveries).set(patch).where(eq(webhookDeliveries.id, id)).run();
    },
    listDeliveries(releaseId) {
      return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.releaseId, releaseId)).orderBy(asc(webhookDeliveries.id)).all().map(toDelivery);
    },
    forgetHookReceipts(before) {
      return db.delete(hookReceipts).where(lt(hookReceipts.at, before)).run().changes;
    },
    forgetDoneJobs(before) {
      // jobs_due_idx starts with done_at: the done rows before `before` are one range of it.
      return db.delete(jobs).where(lt(jobs.doneAt, before)).run().changes;
    },
    recordHookReceipt(signature, at, reportHash) {
      if (sqlite.prepare("INSERT INTO hook_receipts (signature, at, body_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING").run(signature, at, reportHash).changes > 0) return "new";
      const kept = (sqlite.prepare("SELECT body_hash AS hash FROM hook_receipts WHERE signature = ?").get(signature) as { hash: string | null } | undefined)?.hash ?? null;
      return kept === null || kept === reportHash ? "same" : "different";
    },
  };
}
