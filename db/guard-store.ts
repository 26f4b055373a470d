import { and, asc, eq, sql } from "drizzle-orm";
import type { DatabaseHandle } from "./client.js";
import { freezeColumns, lockColumns, toFreeze, toLock, toQueueEntry, type GuardMethod } from "./guard-rows.js";
import { deployLocks, deployQueue, freezeOverrides, freezeWindows } from "./schema.js";
import type { SyncStore } from "./serialised-store.js";

type GuardStatements = Pick<SyncStore, GuardMethod>;

/** Freeze windows, deploy locks, the deploy queue and freeze overrides on SQLite. */
export function createGuardStore({ db }: DatabaseHandle): GuardStatements {
  // Every card read asks for these four (a busy channel's cards are read several times a
  // second): prepared once, not built by drizzle's query builder on each read.
  const listFreezesStmt = db.select().from(freezeWindows).where(eq(freezeWindows.channelKey, sql.placeholder("channelKey"))).orderBy(asc(freezeWindows.id)).prepare();
  const getLockStmt = db
    .select()
    .from(deployLocks)
    .where(and(eq(deployLocks.service, sql.placeholder("service")), eq(deployLocks.environment, sql.placeholder("environment"))))
    .prepare();
  const getQueueEntryStmt = db.select().from(deployQueue).where(eq(deployQueue.releaseId, sql.placeholder("releaseId"))).prepare();
  const getOverrideStmt = db.select().from(freezeOverrides).where(eq(freezeOverrides.releaseId, sql.placeholder("releaseId"))).prepare();
  return {
    addFreeze(f) {
      return toFreeze(db.insert(freezeWindows).values(freezeColumns(f)).returning().get());
    },
    listFreezes(channelKey) {
      return listFreezesStmt.all({ channelKey }).map(toFreeze);
    },
    removeFreeze(id) {
      const row = db.delete(freezeWindows).where(eq(freezeWindows.id, id)).returning().get();
      return row ? toFreeze(row) : undefined;
    },

    getLock(service, environment) {
      const row = getLockStmt.get({ service, environment });
      return row ? toLock(row) : undefined;
    },
    addLock(lock) {
      return db.insert(deployLocks).values(lockColumns(lock)).onConflictDoNothing().run().changes > 0;
    },
    removeLock(service, environment) {
      const row = db.delete(deployLocks).where(and(eq(deployLocks.service, service), eq(deployLocks.environment, environment))).returning().get();
      return row ? toLock(row) : undefined;
    },
    listLocks() {
      return db.select().from(deployLocks).orderBy(asc(deployLocks.service), asc(deployLocks.environment)).all().map(toLock);
    },

    enqueue(entry) {
      db.insert(deployQueue).values(entry).onConflictDoNothing().run();
    },
    listQueue(target) {
      const where = target ? and(eq(deployQueue.service, target.service), eq(deployQueue.environment, target.environment)) : undefined;
      return db.select().from(deployQueue).where(where).orderBy(asc(deployQueue.queuedAt), asc(deployQueue.releaseId)).all().map(toQueueEntry);
    },
    getQueueEntry(releaseId) {
      const row = getQueueEntryStmt.get({ releaseId });
      return row ? toQueueEntry(row) : undefined;
    },
    dequeue(releaseId) {
      return db.delete(deployQueue).where(eq(deployQueue.releaseId, releaseId)).run().changes > 0;
    },

    addOverride(o) {
      db.insert(freezeOverrides).values(o).onConflictDoNothing().run();
    },
    getOverride(releaseId) {
      return getOverrideStmt.get({ releaseId }) ?? undefined;
    },
  };
}
