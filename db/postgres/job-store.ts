import { and, asc, eq, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { toDelivery, toJob, type JobMethod } from "../rows.js";
import { retroAnswers } from "./schema.js";
import { hookReceipts, jobs, webhookDeliveries } from "./work-schema.js";
import type { Queryable, Statements } from "./store.js";

type JobStatements = Pick<Statements, JobMethod>;

/** The PostgreSQL half of the Store that no vote reads: durable jobs, retro answers, webhook deliveries, hook receipts. */
export function createPgJobStatements(q: Queryable): JobStatements {
  return {
    async upsertJob(job) {
      const payload = JSON.stringify(job.payload);
      await q
        .insert(jobs)
        .values({ releaseId: job.releaseId, kind: job.kind, key: job.key, dueAt: job.dueAt, payload })
        .onConflictDoUpdate({ target: [jobs.releaseId, jobs.key], targetWhere: isNull(jobs.doneAt), set: { dueAt: job.dueAt, payload, leaseUntil: null } });
    },
    async cancelJobs(releaseId, kinds) {
      return (await q.delete(jobs).where(and(eq(jobs.releaseId, releaseId), inArray(jobs.kind, kinds), isNull(jobs.doneAt)))).rowCount ?? 0;
    },
    /**
     * One statement: the due rows are locked with SKIP LOCKED, so claims on other instances
     * at the same moment pass them by and take the next ones instead of waiting, and the
     * lease written here keeps them from every later claim until it ends.
     */
    async claimDueJobs(now, leaseMs, limit) {
      const due = q
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(isNull(jobs.doneAt), lte(jobs.dueAt, now), or(isNull(jobs.leaseUntil), lte(jobs.leaseUntil, now))))
        .orderBy(asc(jobs.dueAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      const rows = await q
        .update(jobs)
        .set({ leaseUntil: now + leaseMs, attempts: sql`${jobs.attempts} + 1` })
        .where(inArray(jobs.id, due))
        .returning();
      // RETURNING has no order of its own: earliest due first, as the claim chose them.
      return rows.sort((a, b) => a.dueAt - b.dueAt || a.id - b.id).map(toJob);
    },
    async renewJobLease(id, now, leaseMs) {
      return ((await q.update(jobs).set({ leaseUntil: now + leaseMs }).where(and(eq(jobs.id, id), isNull(jobs.doneAt), gt(jobs.leaseUntil, now)))).rowCount ?? 0) > 0;
    },
    async completeJob(id, now) {
      return ((await q.update(jobs).set({ doneAt: now, leaseUntil: null }).where(and(eq(jobs.id, id), isNull(jobs.doneAt)))).rowCount ?? 0) > 0;
    },
    async retryJob(id, dueAt) {
      await q.update(jobs).set({ dueAt, leaseUntil: null }).where(eq(jobs.id, id));
    },
    /** When the next job can be claimed: a leased job not before its lease ends. */
    async nextJobDueAt() {
      const [row] = await q
        .select({ next: sql<number | null>`min(greatest(${jobs.dueAt}, coalesce(${jobs.leaseUntil}, ${jobs.dueAt})))`.mapWith((v: string | null) => (v === null ? null : Number(v))) })
        .from(jobs)
        .where(isNull(jobs.doneAt));
      return row?.next ?? null;
    },
    async listPendingJobs(releaseId, filter) {
      const rows = await q
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
        .orderBy(asc(jobs.dueAt), asc(jobs.id));
      return rows.map(toJob);
    },

    async putRetroAnswer(a) {
      const replaced = { authorName: a.authorName, wentWell: a.wentWell, wentBadly: a.wentBadly, actionItems: a.actionItems, at: a.at };
      await q.insert(retroAnswers).values(a).onConflictDoUpdate({ target: [retroAnswers.releaseId, retroAnswers.author], set: replaced });
    },
    async deleteRetroAnswer(releaseId, author) {
      const gone = await q.delete(retroAnswers).where(and(eq(retroAnswers.releaseId, releaseId), eq(retroAnswers.author, author))).returning({ id: retroAnswers.id });
      return gone.length > 0;
    },
    async listRetroAnswers(releaseId) {
      const rows = await q.select().from(retroAnswers).where(eq(retroAnswers.releaseId, releaseId)).orderBy(asc(retroAnswers.id));
      return rows.map(({ id: _id, ...answer }) => answer);
    },

    async createDelivery(d) {
      const [inserted] = await q
        .insert(webhookDeliveries)
        .values({ ...d, status: "pending" })
        .onConflictDoNothing()
        .returning();
      if (inserted) return { delivery: toDelivery(inserted), created: true };
      const [existing] = await q.select().from(webhookDeliveries).where(eq(webhookDeliveries.idempotencyKey, d.idempotencyKey));
      if (!existing) throw new Error(`webhook delivery ${d.idempotencyKey} neither inserted nor found`);
      return { delivery: toDelivery(existing), created: false };
    },
    async getDelivery(id) {
      const [row] = await q.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
      return row ? toDelivery(row) : undefined;
    },
    async updateDelivery(id, patch) {
      await q.update(webhookDeliveries).set(patch).where(eq(webhookDeliveries.id, id));
    },
    async listDeliveries(releaseId) {
      return (await q.select().from(webhookDeliveries).where(eq(webhookDeliveries.releaseId, releaseId)).orderBy(asc(webhookDeliveries.id))).map(toDelivery);
    },
    async forgetHookReceipts(before) {
      return (await q.delete(hookReceipts).where(lt(hookReceipts.at, before))).rowCount ?? 0;
    },
    async forgetDoneJobs(before) {
      // jobs_due_idx starts with done_at: the done rows before `before` are one range of it.
      return (await q.delete(jobs).where(lt(jobs.doneAt, before))).rowCount ?? 0;
    },
    async recordHookReceipt(signature, at, reportHash) {
      if (((await q.insert(hookReceipts).values({ signature, at, bodyHash: reportHash }).onConflictDoNothing()).rowCount ?? 0) > 0) return "new";
      const [kept] = await q.select({ hash: hookReceipts.bodyHash }).from(hookReceipts).where(eq(hookReceipts.signature, signature));
      return !kept || kept.hash === null || kept.hash === reportHash ? "same" : "different";
    },
  };
}
