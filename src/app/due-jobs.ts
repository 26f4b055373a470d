import { decisionInWords, missingSignOffs, type Decision } from "../domain/decision.js";
import { gateText } from "../domain/deploy-lock.js";
import { managerOf, releaseDecision } from "./release-decision.js";
import { offsetLabel } from "../domain/countdown.js";
import { planCountdownRefresh } from "./countdown-jobs.js";
import { formatInZone, relative } from "../domain/time.js";
import type { Release } from "../domain/types.js";
import { audit, isGroup, notice, policyFor, SCHEDULER, type Ctx } from "./context.js";
import { holdRelease, nudgeShipping, startShipping } from "./use-cases/lifecycle.js";
import { closeAfterRetro, openRetro } from "./use-cases/retro.js";
import type { Job } from "./store.js";
import { transition } from "../domain/release.js";
import { queueRelease, standingGateOf } from "./deploy-gate.js";
import { holdByGate, startFromQueue } from "./use-cases/deploy-queue.js";
import { runFreezeEnd } from "./freeze-watch.js";
import { runLockReminder } from "./lock-reminders.js";
import { holdersWhoSee } from "./role-holders.js";

/** What a due job does: reminders, T-0, and opening and closing the retro. Webhook jobs are in webhook-delivery.ts. */

/** Who a reminder names: holders of required sign-off roles that still lack a GO, among those who see the release. */
async function awaited(ctx: Ctx, release: Release): Promise<{ text: string; mention: string[]; mentionGroups: string[] }> {
  const votes = await ctx.store.getVotes(release.id);
  const policy = await policyFor(ctx, release.channel.key);
  const voteOf = new Map(votes.map((v) => [v.voter, v]));
  // A holder who voted from an account linked to theirs (`/release link`) has been heard, unless
  // that was a GO: roles stay with each account, so only the one holding the role signs off.
  const linkedGo = async (subject: string) => {
    const linked = (await ctx.store.linkedAccounts(subject)).map((a) => voteOf.get(a.account)).find((v) => v !== undefined);
    return linked === undefined ? undefined : linked.choice === "go";
  };
  const mention: string[] = [];
  const mentionGroups: string[] = [];
  const parts: string[] = [];
  for (const role of missingSignOffs(votes, policy, await managerOf(ctx, release))) {
    const holders = await holdersWhoSee(ctx, release, role);
    if (!holders.length) {
      // The same words whether or not another workspace has holders of it: they never see this release.
      parts.push(`${role}: nobody where ${release.id} is holds this role yet (\`/release role grant <user> ${role}\`, or \`/release share ${release.id}\` where its holders are)`);
      continue;
    }
    const users: string[] = [];
    let goFromLinked = false;
    for (const subject of holders) {
      if (isGroup(subject) || voteOf.has(subject)) continue;
      const go = await linkedGo(subject);
      if (go === false) continue;
      goFromLinked ||= go === true;
      users.push(subject);
    }
    const groups = holders.filter(isGroup);
    mention.push(...users);
    mentionGroups.push(...groups);
    const fromLinked = goFromLinked ? ` (a GO from a linked account signs off only with that account's roles: vote from the account that holds ${role})` : "";
    // Name people only through mentions: a group's id means nothing to a reader, its mention does.
    parts.push(users.length || groups.length ? `${role}${fromLinked}` : `${role} (its holders voted, but not GO)`);
  }
  return { text: parts.length ? ` Still waiting for sign-off from ${parts.join("; ")}.` : "", mention, mentionGroups };
}

/**
 * What T-0 will do, as things stand, when that is not simply shipping: a reminder says so (a
 * lock or a freeze holds even a GO release), and the last reminder also calls the release
 * manager, who can still get the votes, lift the lock or move T-0.
 */
async function atT0(ctx: Ctx, release: Release, job: Job, decision: Decision): Promise<{ text: string; mention: string[] }> {
  // Freezes as they will stand at T-0; locks and the queue as they stand now.
  const gate = await standingGateOf({ store: ctx.store, clock: { now: () => release.scheduledAt! } }, release);
  let text: string;
  // Not GO as well: lifting the lock or waiting out the freeze alone would not ship it.
  const notGo = decision !== "go";
  if (gate.kind === "locked" || gate.kind === "frozen") text = ` As things stand, T-0 holds it: ${gateText(gate, release.timezone)}.${notGo ? " It is not GO either." : ""}`;
  else if (notGo) text = ` Without GO by T-0 it is ${(await policyFor(ctx, release.channel.key)).t0 === "cancel" ? "cancelled" : "held"}.`;
  else return { text: gate.kind === "queued" ? ` At T-0 it waits its turn behind ${gate.behind}.` : "", mention: [] };
  const later = (await ctx.store.listPendingJobs(release.id, { kind: "reminder" })).some((j) => j.dueAt > job.dueAt);
  if (later) return { text, mention: [] };
  // The way out that fits what holds it: lifting a lock, waiting out or overriding a freeze, or more time.
  const wayOut =
    gate.kind === "locked"
      ? `it ships at T-0 ${notGo ? "only once it is GO and the lock is lifted" : "once the lock is lifted"} (\`/release unlock ${release.service} ${release.environment} reason <text>\`), or move T-0 with \`/release schedule ${release.id} <time>\``
      : gate.kind === "frozen"
        ? `${notGo ? "once it is GO, " : ""}move T-0 past the freeze with \`/release schedule ${release.id} <time>\`, or a release-manager ships it anyway with \`/release ship ${release.id} override <reason>\``
        : `if it needs longer, move T-0 with \`/release schedule ${release.id} <time>\``;
  return { text: `${text} Release manager: ${wayOut}.`, mention: [release.managerId] };
}

/** How late a T-0 job may run before its notices say gonogo was down when it was due (the runner is ms late). */
const LATE_T0_MS = 60_000;
/**
 * How late a T-0 may still ship a GO release on its own. Later than this (gonogo was down for a
 * long while, or a backup was restored), the team has moved on: deploying then, unannounced, could
 * ship into the night or over a fix. It is held, and its manager decides.
 */
const STALE_T0_MS = 30 * 60_000;

/** Is the job about the schedule the release still has? A rescheduled release drops old jobs. */
function stillCurrent(release: Release | undefined, job: Job): release is Release {
  return !!release && release.state === "voting" && release.scheduledAt === job.payload.scheduledAt;
}

/** Runs the state part of one due job inside a transaction. Webhooks are sent by the caller. */
export async function runJob(ctx: Ctx, job: Job): Promise<void> {
  // Done first, and nothing when it was done already: a transaction whose COMMIT's answer was
  // lost runs again on PostgreSQL, and a reminder or T-0 that committed must not run twice.
  if (!(await ctx.store.completeJob(job.id, ctx.clock.now()))) return;
  const release = await ctx.store.getRelease(job.releaseId);
  switch (job.kind) {
    case "reminder": {
      if (!stillCurrent(release, job)) break;
      const who = await awaited(ctx, release);
      const d = await releaseDecision(ctx, release);
      const t0 = await atT0(ctx, release, job, d.decision);
      const mention = [...new Set([...who.mention, ...t0.mention])];
      ctx.effects.push(
        notice(
          release.id,
          [
            `⏰ ${offsetLabel(Number(job.payload.offsetMin))}: ${release.id} ${release.service} ${release.version}: T-0 ${relative(release.scheduledAt!, ctx.clock.now())} (`,
            { at: release.scheduledAt!, text: formatInZone(release.scheduledAt!, release.timezone) },
            `). Decision: ${decisionInWords(d)}.${who.text}${t0.text}`,
          ],
          { mention, mentionGroups: who.mentionGroups },
        ),
        { type: "refresh", releaseId: release.id },
      );
      // Kept in the audit so a release's timeline (the web view) shows when each reminder went out.
      await audit(ctx, SCHEDULER, "scheduler", release.id, { type: "reminder_sent", data: { offsetMin: Number(job.payload.offsetMin) } });
      break;
    }
    case "countdown":
      if (!stillCurrent(release, job)) break;
      ctx.effects.push({ type: "countdown", releaseId: release.id });
      await planCountdownRefresh(ctx, release, (await policyFor(ctx, release.channel.key)).reminders);
      break;
    case "t0": {
      if (!stillCurrent(release, job)) break;
      // Run at start-up after gonogo was down at T-0: every T-0 notice says when it was due.
      const t0 = ctx.clock.now() - job.dueAt > LATE_T0_MS ? `T-0 (due ${formatInZone(job.dueAt, release.timezone)}, while gonogo was not running)` : "T-0";
      const policy = await policyFor(ctx, release.channel.key);
      const d = await releaseDecision(ctx, release);
      // Which failed criteria kept it from GO, so stats can count releases held by criteria.
      const failedCriteria = d.decision === "go" ? [] : (await ctx.store.listCriteria(release.id)).filter((c) => c.status === "failed").map((c) => c.name);
      // A lock or a freeze holds it even without GO: the card then says what to lift first.
      const gate = await standingGateOf(ctx, release);
      if (gate.kind === "locked" || gate.kind === "frozen") {
        await holdByGate(ctx, release, gate, SCHEDULER, "scheduler", t0);
      } else if (d.decision === "go" && gate.kind === "queued") {
        await queueRelease(ctx, release, gate.behind, SCHEDULER, "scheduler");
        ctx.effects.push(notice(release.id, `⏳ ${t0}: ${release.id} is GO and queued behind ${gate.behind}; it starts shipping when ${gate.behind} is shipped or rolled back.`));
      } else if (d.decision === "go" && ctx.clock.now() - job.dueAt > STALE_T0_MS) {
        const late = relative(job.dueAt, ctx.clock.now()).replace(/ ago$/, "");
        const why = `T-0 passed ${late} ago while gonogo was not running, too late to ship on its own`;
        await holdRelease(ctx, release, SCHEDULER, "scheduler", why, []);
        ctx.effects.push(notice(release.id, `⏸ ${t0}: HOLD. ${release.id} is GO, but ${why}. Release manager: \`/release ship ${release.id}\` if it should still go now, or set a new T-0 with \`/release schedule ${release.id} <time>\`.`, { mention: [release.managerId] }));
      } else if (d.decision === "go") {
        await startShipping(ctx, release, SCHEDULER, "scheduler", t0);
      } else if (policy.t0 === "cancel") {
        const why = `T-0 came without GO (${decisionInWords(d)})`;
        await ctx.store.updateRelease(release.id, { state: transition(release.id, release.state, "cancel"), stateReason: why, closedAt: ctx.clock.now() });
        await audit(ctx, SCHEDULER, "scheduler", release.id, { type: "state_changed", data: { from: release.state, to: "cancelled", reason: why, ...(failedCriteria.length ? { failedCriteria } : {}) } });
        ctx.effects.push({ type: "refresh", releaseId: release.id }, notice(release.id, `🛑 ${t0}: ${release.id} is cancelled: it was not GO. Decision: ${decisionInWords(d)}.`, { mention: [release.managerId] }));
      } else {
        // The decision in the card's words, here and in the notices: a NO-GO says what else it waits for, which lifting the no-go alone leaves.
        const why = `T-0 came without GO (${decisionInWords(d)})`;
        await holdRelease(ctx, release, SCHEDULER, "scheduler", why, failedCriteria);
        ctx.effects.push(notice(release.id, `⏸ ${t0}: HOLD. ${release.id} did not ship. Decision: ${decisionInWords(d)}. Votes stay open; the release manager can \`/release ship ${release.id}\` once GO, or set a new T-0 with \`/release schedule ${release.id} <time>\`.`, { mention: [release.managerId] }));
      }
      break;
    }
    case "retro_open":
      if (release && (release.state === "shipped" || release.state === "rolled_back") && !release.retroOpenedAt) await openRetro(ctx, release, SCHEDULER, "scheduler");
      break;
    case "retro_close":
      if (release) await closeAfterRetro(ctx, release);
      break;
    case "queue_start":
      await startFromQueue(ctx, String(job.payload.service), String(job.payload.environment));
      break;
    case "freeze_end":
      await runFreezeEnd(ctx, job);
      break;
    case "lock_reminder":
      await runLockReminder(ctx, job);
      break;
    case "ship_nudge":
      if (release) nudgeShipping(ctx, release, job.dueAt);
      break;
    case "webhook":
      throw new Error("webhook jobs are delivered by webhook-delivery.ts");
  }
}
