import { and, asc, eq } from "drizzle-orm";
import { freezeColumns, lockColumns, toFreeze, toLock, toQueueEntry, type GuardMethod } from "../guard-rows.js";
import { deployLocks, deployQueue, freezeOverrides, freezeWindows } from "./schema.js";
import type { Queryable, Statements } from "./store.js";

type GuardStatements = Pick<Statements, GuardMethod>;

/** Freeze windows, deploy locks, the deploy queue and freeze overrides on PostgreSQL. */
export function createPgGuardStatements(q: Queryable): GuardStatements {
  return {
    async addFreeze(f) {
      const [row] = await q.insert(freezeWindows).values(freezeColumns(f)).returning();
      return toFreeze(row!);
    },
    async listFreezes(channelKey) {
      return (await q.select().from(freezeWindows).where(eq(freezeWindows.channelKey, channelKey)).orderBy(asc(freezeWindows.id))).map(toFreeze);
    },
    async removeFreeze(id) {
      const [row] = await q.delete(freezeWindows).where(eq(freezeWindows.id, id)).returning();
      return row ? toFreeze(row) : undefined;
    },

    async getLock(service, environment) {
      const [row] = await q.select().from(deployLocks).where(and(eq(deployLocks.service, service), eq(deployLocks.environment, environment)));
      return row ? toLock(row) : undefined;
    },
    async addLock(lock) {
      return ((await q.insert(deployLocks).values(lockColumns(lock)).onConflictDoNothing()).rowCount ?? 0) > 0;
    },
    async removeLock(service, environment) {
      const [row] = await q.delete(deployLocks).where(and(eq(deployLocks.service, service), eq(deployLocks.environment, environment))).returning();
      return row ? toLock(row) : undefined;
    },
    async listLocks() {
      return (await q.select().from(deployLocks).orderBy(asc(deployLocks.service), asc(deployLocks.environment))).map(toLock);
    },

    async enqueue(entry) {
      await q.insert(deployQueue).values(entry).onConflictDoNothing();
    },
    async listQueue(target) {
      const where = target ? and(eq(deployQueue.service, target.service), eq(deployQueue.environment, target.environment)) : undefined;
      return (await q.select().from(deployQueue).where(where).orderBy(asc(deployQueue.queuedAt), asc(deployQueue.releaseId))).map(toQueueEntry);
    },
    async getQueueEntry(releaseId) {
      const [row] = await q.select().from(deployQueue).where(eq(deployQueue.releaseId, releaseId));
      return row ? toQueueEntry(row) : undefined;
    },
    async dequeue(releaseId) {
      return ((await q.delete(deployQueue).where(eq(deployQueue.releaseId, releaseId))).rowCount ?? 0) > 0;
    },

    async addOverride(o) {
      await q.insert(freezeOverrides).values(o).onConflictDoNothing();
    },
    async getOverride(releaseId) {
      const [row] = await q.select().from(freezeOverrides).where(eq(freezeOverrides.releaseId, releaseId));
      return row ?? undefined;
    },
  };
}
