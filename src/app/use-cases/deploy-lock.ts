import { isSamePerson, parseSubject } from "../../domain/identity.js";
import { liftedText, lockedText, targetName, type DeployLock, type QueueEntry } from "../../domain/deploy-lock.js";
import { ofAskersPlaces, samePlace } from "../../domain/places.js";
import { UserError } from "../../domain/errors.js";
import { relative } from "../../domain/time.js";
import type { Actor, ChannelRef, Release } from "../../domain/types.js";
import { lockReminderEvery, startLockReminders, stopLockReminders } from "../lock-reminder-jobs.js";
import { minutesText } from "../../domain/minutes.js";
import { audit, notice, PermissionDenied, requirePermission, rolesOf, seenByAsker, type Ctx } from "../context.js";
import { ok } from "../replies.js";
import { wayOn } from "../freeze-watch.js";
import type { Reply } from "../views.js";

/** Without an environment, a lock names the one releases default to. */
const DEFAULT_ENVIRONMENT = "production";

/** Cards of open releases of a service + environment: a lock shows on them. */
async function refreshTarget(ctx: Ctx, service: string, environment: string): Promise<void> {
  for (const r of await ctx.store.listReleases({ states: ["voting", "held"] })) {
    if (r.service === service && r.environment === environment) ctx.effects.push({ type: "refresh", releaseId: r.id });
  }
}

/** `/release lock payments [production] reason incident 42`: release-managers and admins. */
export async function lockCommand(ctx: Ctx, actor: Actor, channel: ChannelRef, service: string, env: string | null, reason: string): Promise<Reply> {
  await requirePermission(ctx, actor, "lock");
  const platform = channel.platform;
  const environment = env ?? DEFAULT_ENVIRONMENT;
  const lock: DeployLock = { service, environment, reason, lockedBy: actor.id, lockedByName: actor.name, at: ctx.clock.now(), releaseId: null, channel };
  if (!(await ctx.store.addLock(lock))) {
    const held = (await ctx.store.getLock(service, environment))!;
    return ok(`${lockedText(held)}. It stays locked; \`/release unlock ${service} ${environment} reason <text>\` lifts it.`);
  }
  await audit(ctx, actor, platform, null, { type: "deploy_locked", data: { service, environment, reason, releaseId: null } });
  await startLockReminders(ctx, lock);
  await refreshTarget(ctx, service, environment);
  // Said here, or the first reminder four hours on would surprise the one who locked.
  const every = await lockReminderEvery(ctx, lock);
  const reminded = every === null ? "" : ` While it stays on, this channel is reminded of it every ${minutesText(every / 60_000)} (policy lock_reminder).`;
  return ok(`🔒 ${targetName(service, environment)} is locked: nothing ships there (releases are held at T-0 and \`/release ship\` is refused) until \`/release unlock ${service} ${environment} reason <text>\`.${reminded}${await unknownTargetWarning(ctx, service, environment)}`);
}

/**
 * A lock matches its service and environment exactly: a typo (`paymnts`, `prod` for
 * `production`) locks nothing anyone ships. Said, not refused: a lock may come before the first release.
 */
async function unknownTargetWarning(ctx: Ctx, service: string, environment: string): Promise<string> {
  const environments = [...new Set((await ctx.store.findReleases({ service })).map((r) => r.environment))].sort();
  if (!environments.length) return ` ⚠️ No release of ${service} is known yet: check the spelling (\`/release list\`), or this lock holds nothing.`;
  if (!environments.includes(environment)) return ` ⚠️ Releases of ${service} go to ${environments.join(", ")}, not ${environment}: this lock holds none of them (\`/release unlock ${service} ${environment} reason typo\`, then lock the right one).`;
  return "";
}

/**
 * A confirmed rollback locks its service + environment, so nothing else ships there before someone
 * looks. Returns what the rollback's thread notice says about it: the lock, and who lifts it how.
 */
export async function lockAfterRollback(ctx: Ctx, release: Release, actor: Actor, platform: string, why: string): Promise<string> {
  const reason = `rollback of ${release.id}: ${why}`;
  const lock: DeployLock = { service: release.service, environment: release.environment, reason, lockedBy: actor.id, lockedByName: actor.name, at: ctx.clock.now(), releaseId: release.id, channel: release.channel };
  if (!(await ctx.store.addLock(lock))) {
    // Locked already (by hand, or by an earlier rollback): that lock stands, and whoever may lift it still may.
    const held = await ctx.store.getLock(release.service, release.environment);
    return `🔒 ${held ? lockedText(held) : `${targetName(release.service, release.environment)} is locked`}; it stays locked ${await untilLifted(ctx, held ?? { ...lock, releaseId: null })}.`;
  }
  await audit(ctx, actor, platform, release.id, { type: "deploy_locked", data: { service: release.service, environment: release.environment, reason, releaseId: release.id } });
  await startLockReminders(ctx, lock);
  await refreshTarget(ctx, release.service, release.environment);
  return `🔒 ${targetName(release.service, release.environment)} is now locked: nothing else ships there (releases are held at T-0, \`/release ship\` is refused) ${await untilLifted(ctx, lock)}.`;
}

/**
 * `until a release-manager, an admin or alice (R-6's manager) lifts it with /release unlock …`: a
 * lock does not end by itself, so whoever it holds back is told who lifts it, and how.
 */
export async function untilLifted(ctx: Pick<Ctx, "store">, lock: Pick<DeployLock, "service" | "environment" | "releaseId">): Promise<string> {
  const cause = lock.releaseId ? await ctx.store.getRelease(lock.releaseId) : undefined;
  return `until ${whoUnlocks(cause)} lifts it with \`/release unlock ${lock.service} ${lock.environment} reason <text>\``;
}

/** A warning for a release whose service + environment is locked now (a rollback's lock, or one by hand), or null: said when it is created or (re)scheduled. */
export async function lockWarning(ctx: Pick<Ctx, "store">, release: Release): Promise<string | null> {
  const lock = await ctx.store.getLock(release.service, release.environment);
  if (!lock) return null;
  return `🔒 ${lockedText(lock)}. It cannot ship ${await untilLifted(ctx, lock)}.`;
}

/** Who may lift a lock, in a sentence: release-managers and admins, and the manager of the release whose rollback set it. */
function whoUnlocks(cause: Release | undefined): string {
  return cause ? `a release-manager, an admin or ${cause.managerName} (${cause.id}'s manager)` : "a release-manager or an admin";
}

/** `/release unlock payments [production] reason fixed in 1.4.3`: release-managers, admins, and the manager of the release whose rollback set the lock. */
export async function unlockCommand(ctx: Ctx, actor: Actor, platform: string, service: string, env: string | null, reason: string): Promise<Reply> {
  const environment = env ?? DEFAULT_ENVIRONMENT;
  const lock = await ctx.store.getLock(service, environment);
  // Locks are public (`/release locks`): "not locked" comes first, before who may lift one.
  if (!lock) {
    // Without an environment the unlock means production: the lock meant is often another environment of the service.
    const others = (await ctx.store.listLocks()).filter((l) => l.service === service).map((l) => `\`/release unlock ${l.service} ${l.environment} reason <text>\``);
    const meant = others.length ? ` Locked for ${service}: ${others.join(", ")}.` : " `/release locks` lists the locks.";
    throw new UserError("not_locked", `${targetName(service, environment)} is not locked.${meant}`);
  }
  const cause = lock.releaseId ? await ctx.store.getRelease(lock.releaseId) : undefined;
  const isItsManager = cause !== undefined && cause.managerId === actor.id && !(await rolesOf(ctx, actor)).includes("release-manager");
  if (!isItsManager) {
    await requirePermission(ctx, actor, "lock").catch((e: unknown) => {
      // The plain refusal names release-managers and admins only; this lock's release manager may lift it too.
      if (!(cause && e instanceof PermissionDenied)) throw e;
      throw new PermissionDenied(
        `Only release-managers, admins and ${cause.managerName} (the release manager of ${cause.id}, whose rollback set this lock) may unlock ${targetName(service, environment)}. Ask one of them, or an admin: \`/release role grant <you> release-manager\`.`,
        e.action,
        cause.id,
      );
    });
  }
  await ctx.store.removeLock(service, environment);
  await stopLockReminders(ctx, lock);
  await audit(ctx, actor, platform, lock.releaseId, { type: "deploy_unlocked", data: { service, environment, reason, lockReason: lock.reason, lockedBy: lock.lockedBy } });
  const held = await tellHeldByLock(ctx, lock, actor, reason);
  await refreshTarget(ctx, service, environment);
  const stay = held.length ? ` ${held.map((h) => h.id).join(", ")} ${held.length === 1 ? "was" : "were"} held by it. ${held.map((h) => h.next).join(" ")}` : "";
  return ok(`🔓 ${targetName(service, environment)} is unlocked (${reason}).${stay}`);
}

/**
 * The releases a lock held (their hold reason is the lock's) hear that it is lifted, in their
 * thread and on their card, with what ships them now: lifting a lock ships nothing by itself.
 * What that is depends on each (`wayOn`, as at a freeze's end): a GO one ships now, one not GO
 * yet hears its decision, one a freeze still holds hears of the freeze.
 */
async function tellHeldByLock(ctx: Ctx, lock: DeployLock, actor: Actor, reason: string): Promise<Array<{ id: string; next: string }>> {
  const heldBy = lockedText(lock);
  const held = (await ctx.store.listReleases({ states: ["held"] }))
    .filter((r) => r.service === lock.service && r.environment === lock.environment && r.stateReason === heldBy)
    .sort((a, b) => a.seq - b.seq);
  const told: Array<{ id: string; next: string }> = [];
  for (const r of held) {
    // The card's note says what stays true (the lock is gone), no advice that the decision beside
    // it or a later freeze could make wrong: what ships it now is told in the thread, as of now.
    await ctx.store.updateRelease(r.id, { stateReason: liftedText(lock, actor.name) });
    const next = await wayOn(ctx, r);
    ctx.effects.push(notice(r.id, `🔓 ${targetName(lock.service, lock.environment)} is unlocked by ${actor.name} (${reason}). ${next}`, { mention: isSamePerson(actor, r.managerId) ? [] : [r.managerId] }));
    told.push({ id: r.id, next });
  }
  return told;
}

/**
 * Is a lock this asker's business: set in a channel of their workspace or server, or on a service +
 * environment a release they see goes to? Locks are per service + environment, shared by every
 * workspace (as the web view says), but another's reasons ("incident 42") are not to be read here.
 */
async function lockSeen(ctx: Ctx, lock: DeployLock): Promise<boolean> {
  if (!ctx.asker || (lock.channel && ctx.asker.channelKey !== null && samePlace(lock.channel.key, ctx.asker.channelKey))) return true;
  // A lock set before migration 0016 recorded its channel (an upgraded database): the workspace of who set it.
  const locker = lock.channel ? null : parseSubject(lock.lockedBy);
  if (locker && ofAskersPlaces(ctx.asker, locker)) return true;
  const target = (await ctx.store.findReleases({ service: lock.service })).filter((r) => r.environment === lock.environment);
  return (await seenByAsker(ctx, target)).length > 0;
}

/** `/release locks`: the locks and queues of this workspace's or server's releases (domain/places.ts). */
export async function listLocks(ctx: Ctx): Promise<Reply> {
  const locks: DeployLock[] = [];
  for (const lock of await ctx.store.listLocks()) if (await lockSeen(ctx, lock)) locks.push(lock);
  const queue: QueueEntry[] = [];
  for (const e of await ctx.store.listQueue()) {
    const release = await ctx.store.getRelease(e.releaseId);
    if (release && (await seenByAsker(ctx, [release])).length) queue.push(e);
  }
  const lines = ["Deploy locks:"];
  // How long it has been on: a lock someone forgot is the usual reason releases pile up held.
  const now = ctx.clock.now();
  lines.push(...(locks.length ? locks.map((l) => `• 🔒 ${lockedText(l)} (locked ${relative(l.at, now)})`) : ["• none"]));
  lines.push("Queues (one release at a time ships per service + environment):");
  const byTarget = new Map<string, string[]>();
  for (const e of queue) {
    const key = targetName(e.service, e.environment);
    byTarget.set(key, [...(byTarget.get(key) ?? []), `${e.releaseId} (behind ${e.behind})`]);
  }
  lines.push(...(byTarget.size ? [...byTarget].map(([target, waiting]) => `• ${target}: ${waiting.join(", ")}`) : ["• none"]));
  return ok(lines.join("\n"));
}
