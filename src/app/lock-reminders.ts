import { lockedText, type DeployLock } from "../domain/deploy-lock.js";
import { formatInZone, relative } from "../domain/time.js";
import { audit, notice, policyFor, SCHEDULER, type Ctx } from "./context.js";
import { lockJobOwner, lockReminderEvery, planNextLockReminder } from "./lock-reminder-jobs.js";
import type { Job } from "./store.js";
import { untilLifted } from "./use-cases/deploy-lock.js";
import type { ReplyPart } from "./views.js";

/**
 * A deploy lock never ends by itself, and one forgotten after an incident holds every later
 * release of its service + environment back. While it stays on, the people who can lift it
 * are told so every interval (lock-reminder-jobs.ts plans when): what is locked, by whom and
 * why, for how long, what it holds back, and who lifts it with which command. A rollback's
 * lock is said in the rolled-back release's thread, calling its manager too; a hand-set
 * lock in the channel it was set in. Each reminder is in the audit trail, as countdown reminders are.
 */

/** What the lock holds back now: held and queued releases of its target, and the next T-0 it will hold. */
async function heldBack(ctx: Ctx, lock: DeployLock, zone: string): Promise<{ ids: string[]; parts: ReplyPart[] }> {
  const now = ctx.clock.now();
  const ofTarget = (await ctx.store.listReleases({ states: ["held", "voting"] })).filter((r) => r.service === lock.service && r.environment === lock.environment);
  const held = ofTarget.filter((r) => r.state === "held").sort((a, b) => a.seq - b.seq).map((r) => r.id);
  const queued = (await ctx.store.listQueue({ service: lock.service, environment: lock.environment })).map((e) => e.releaseId);
  const next = ofTarget.filter((r) => r.state === "voting" && r.scheduledAt !== null && r.scheduledAt > now).sort((a, b) => a.scheduledAt! - b.scheduledAt!)[0];
  const waiting = [...(held.length ? [`${held.join(", ")} (on hold)`] : []), ...(queued.length ? [`${queued.join(", ")} (queued)`] : [])];
  const ids = [...held, ...queued, ...(next ? [next.id] : [])];
  if (!ids.length) return { ids, parts: [" No release is held back by it right now."] };
  const holds = waiting.length ? ` It holds back ${waiting.join(" and ")}` : "";
  if (!next) return { ids, parts: [`${holds}.`] };
  const at = next.scheduledAt!;
  return { ids, parts: [`${holds ? `${holds}, and` : " It"} will hold ${next.id} at its T-0 (`, { at, text: formatInZone(at, zone) }, ")."] };
}

/**
 * Runs a `lock_reminder` job: says the lock again, unless it was lifted (or lifted and set anew)
 * meanwhile, and plans the next one. A job replanned (a new interval) after the runner took it
 * was deleted, so runJob found it done and never came here: two chains of reminders never start.
 */
export async function runLockReminder(ctx: Ctx, job: Job): Promise<void> {
  const lock = await ctx.store.getLock(String(job.payload.service), String(job.payload.environment));
  // Lifted, or lifted and set again since (that lock has reminders of its own).
  if (!lock?.channel || lock.at !== job.payload.lockedAt) return;
  // The channel turned reminders off since this one was planned.
  if ((await lockReminderEvery(ctx, lock)) === null) return;
  const now = ctx.clock.now();
  const zone = (await policyFor(ctx, lock.channel.key)).timezone;
  const cause = lock.releaseId ? await ctx.store.getRelease(lock.releaseId) : undefined;
  const back = await heldBack(ctx, lock, zone);
  const parts: ReplyPart[] = [
    `🔒 Still locked: ${lockedText(lock)}. It has been on for ${relative(lock.at, now).replace(/ ago$/, "")} (since `,
    { at: lock.at, text: formatInZone(lock.at, zone) },
    ").",
    ...back.parts,
    ` If it is no longer needed: it stays locked ${await untilLifted(ctx, lock)}.`,
  ];
  // Who set it, and for a rollback's lock the rolled-back release's manager, who may lift it too.
  const mention = [...new Set([lock.lockedBy, ...(cause ? [cause.managerId] : [])])];
  // A rollback's lock in its release's thread, where that incident is being talked about; a hand-set one where it was set.
  ctx.effects.push(cause ? notice(cause.id, parts, { mention }) : notice(lockJobOwner(lock), parts, { mention, channel: lock.channel }));
  // `channel`: a hand-set lock has no release, and the audit export places an event by its release's channel, else by this one.
  await audit(ctx, SCHEDULER, "scheduler", lock.releaseId, {
    type: "lock_reminder_sent",
    data: { service: lock.service, environment: lock.environment, lockedAt: lock.at, heldBack: back.ids, channel: lock.channel.key },
  });
  // From now, not from when it was due: after downtime, one reminder at start-up, then a whole interval.
  await planNextLockReminder(ctx, lock, now);
}
