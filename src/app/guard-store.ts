import type { DeployLock, FreezeOverride, QueueEntry } from "../domain/deploy-lock.js";
import type { Freeze } from "../domain/freeze.js";

/** Freeze windows, deploy locks, the deploy queue and freeze overrides (domain/freeze.ts, domain/deploy-lock.ts). */
export interface GuardStore {
  addFreeze(f: Omit<Freeze, "id">): Promise<Freeze>;
  /** A channel's freezes, oldest first. */
  listFreezes(channelKey: string): Promise<Freeze[]>;
  /** Deletes a freeze and returns it, or undefined when there was none. */
  removeFreeze(id: number): Promise<Freeze | undefined>;

  getLock(service: string, environment: string): Promise<DeployLock | undefined>;
  /** Sets a lock; false (and the existing lock kept) when the pair is already locked. */
  addLock(lock: DeployLock): Promise<boolean>;
  /** Lifts a lock and returns it, or undefined when the pair was not locked. */
  removeLock(service: string, environment: string): Promise<DeployLock | undefined>;
  listLocks(): Promise<DeployLock[]>;

  /** Puts a release in its service + environment's queue (a second call for it changes nothing). */
  enqueue(entry: QueueEntry): Promise<void>;
  /** The queue, oldest first: of one service + environment, or all of them. */
  listQueue(target?: { service: string; environment: string }): Promise<QueueEntry[]>;
  getQueueEntry(releaseId: string): Promise<QueueEntry | undefined>;
  /** Takes a release out of the queue; false when it was not in it. */
  dequeue(releaseId: string): Promise<boolean>;

  /** Records the one freeze override of a release (a second one changes nothing). */
  addOverride(o: FreezeOverride): Promise<void>;
  getOverride(releaseId: string): Promise<FreezeOverride | undefined>;
}
