import type { DeployLock, QueueEntry } from "../src/domain/deploy-lock.js";
import type { Freeze, FreezeRule } from "../src/domain/freeze.js";
import type { GuardStore } from "../src/app/store.js";
import type { deployLocks, deployQueue, freezeWindows } from "./schema.js";

/* Freeze, lock and queue rows as both dialects read them back, turned into the port's values. */

export type GuardMethod = keyof GuardStore;

type FreezeRow = typeof freezeWindows.$inferSelect;

/** A freeze as columns: the rule's fields spread over nullable columns by kind. */
export function freezeColumns(f: Omit<Freeze, "id">): Omit<FreezeRow, "id"> {
  const r = f.rule;
  const once = r.kind === "once";
  return {
    channelKey: f.channelKey,
    kind: r.kind,
    startAt: once ? r.startAt : null,
    endAt: once ? r.endAt : null,
    startDay: once ? null : r.startDay,
    startMinute: once ? null : r.startMinute,
    endDay: once ? null : r.endDay,
    endMinute: once ? null : r.endMinute,
    zone: once ? "UTC" : r.zone,
    reason: f.reason,
    createdBy: f.createdBy,
    createdByName: f.createdByName,
    createdAt: f.createdAt,
  };
}

export function toFreeze(row: FreezeRow): Freeze {
  const rule: FreezeRule =
    row.kind === "weekly"
      ? { kind: "weekly", startDay: row.startDay ?? 0, startMinute: row.startMinute ?? 0, endDay: row.endDay ?? 0, endMinute: row.endMinute ?? 0, zone: row.zone }
      : { kind: "once", startAt: row.startAt ?? 0, endAt: row.endAt ?? 0 };
  return { id: row.id, channelKey: row.channelKey, rule, reason: row.reason, createdBy: row.createdBy, createdByName: row.createdByName, createdAt: row.createdAt };
}

type LockRow = typeof deployLocks.$inferSelect;

/** A lock as columns: its channel spread over three nullable ones. */
export function lockColumns({ channel, ...lock }: DeployLock): LockRow {
  return { ...lock, channelPlatform: channel?.platform ?? null, channelKey: channel?.key ?? null, channelNativeId: channel?.nativeId ?? null };
}

export function toLock({ channelPlatform, channelKey, channelNativeId, ...row }: LockRow): DeployLock {
  const channel = channelPlatform !== null && channelKey !== null && channelNativeId !== null ? { platform: channelPlatform, key: channelKey, nativeId: channelNativeId } : null;
  return { ...row, channel };
}

export function toQueueEntry(row: typeof deployQueue.$inferSelect): QueueEntry {
  return { ...row };
}
