import { targetName, type DeployLock } from "../domain/deploy-lock.js";
import { policyFor, type Ctx } from "./context.js";

/**
 * When a deploy lock still on is said again (lock-reminders.ts runs the job). One pending
 * `lock_reminder` job per lock, keyed by its due time; setting a lock plans the first one
 * interval after it, each reminder plans the next one interval after itself (so a reminder
 * that ran late after downtime is followed by one a whole interval later, never a burst), and
 * lifting the lock drops it. The interval is the policy of the channel the lock was set in.
 */

const MINUTE = 60_000;

/** What lock jobs go under in place of a release id: a lock set by hand has none. */
export function lockJobOwner(lock: Pick<DeployLock, "service" | "environment">): string {
  return `lock:${targetName(lock.service, lock.environment)}`;
}

/** The interval for this lock, in ms; null when its channel turned reminders off or it has no channel (set before gonogo recorded one). */
export async function lockReminderEvery(ctx: Ctx, lock: DeployLock): Promise<number | null> {
  if (!lock.channel) return null;
  const minutes = (await policyFor(ctx, lock.channel.key)).lockReminder;
  return minutes === null ? null : minutes * MINUTE;
}

/** Plans the lock's next reminder one interval after `from`, if its channel wants reminders. */
export async function planNextLockReminder(ctx: Ctx, lock: DeployLock, from: number): Promise<void> {
  const every = await lockReminderEvery(ctx, lock);
  if (every === null) return;
  const dueAt = from + every;
  // `lockedAt` tells this lock's jobs from those of an earlier lock of the same target.
  await ctx.store.upsertJob({ releaseId: lockJobOwner(lock), kind: "lock_reminder", key: `lock_reminder:${dueAt}`, dueAt, payload: { service: lock.service, environment: lock.environment, lockedAt: lock.at } });
  ctx.effects.push({ type: "wake" });
}

/** A lock was set, or its channel's interval changed: its reminders start afresh one interval from now. */
export async function startLockReminders(ctx: Ctx, lock: DeployLock): Promise<void> {
  await stopLockReminders(ctx, lock);
  await planNextLockReminder(ctx, lock, ctx.clock.now());
}

/** The lock was lifted: no reminder of it is left. */
export async function stopLockReminders(ctx: Ctx, lock: Pick<DeployLock, "service" | "environment">): Promise<void> {
  await ctx.store.cancelJobs(lockJobOwner(lock), ["lock_reminder"]);
}

/** `policy set lock_reminder=…` in a channel: the locks set there are reminded at the new interval (or no more), from now. */
export async function replanLockReminders(ctx: Ctx, channelKey: string): Promise<DeployLock[]> {
  const here = (await ctx.store.listLocks()).filter((lock) => lock.channel?.key === channelKey);
  for (const lock of here) await startLockReminders(ctx, lock);
  return here;
}
