import { decisionInWords } from "../domain/decision.js";
import { gateText } from "../domain/deploy-lock.js";
import { freezeAt, freezeEnd, freezeLabel, freezeName, freezeOnCard, type ActiveFreeze, type Freeze } from "../domain/freeze.js";
import { formatInZone } from "../domain/time.js";
import type { Release } from "../domain/types.js";
import { audit, notice, SCHEDULER, type Ctx } from "./context.js";
import { standingGateOf } from "./deploy-gate.js";
import { releaseDecision } from "./release-decision.js";
import { untilLifted } from "./use-cases/deploy-lock.js";
import type { Job } from "./store.js";

/**
 * The end of a freeze, told to the releases it left on hold. A held release whose card shows a
 * freeze (held at T-0 by it, or held another way while it is on) has one `freeze_end` job, due
 * when that occurrence ends. The job is keyed by the freeze and its end, so each release hears
 * of each freeze end once, through the job runner's leases (once across instances and restarts).
 * Removing the freeze says the same at once (`tellFreezeRemoved`).
 */

/** Watches for the end of `active`, the freeze a held release's card shows; replaces any earlier watch unless `keep`. */
async function watch(ctx: Ctx, release: Release, active: ActiveFreeze, keep = false): Promise<void> {
  if (!keep) await ctx.store.cancelJobs(release.id, ["freeze_end"]);
  await ctx.store.upsertJob({
    releaseId: release.id,
    kind: "freeze_end",
    key: `freeze_end:${active.freeze.id}:${active.end}`,
    dueAt: active.end,
    payload: { freezeId: active.freeze.id, label: freezeLabel(active.freeze), end: active.end },
  });
  ctx.effects.push({ type: "wake" });
}

/** After a release is held, or a freeze is added: when its card shows a freeze on now, its end will be told. */
export async function watchFreezeOf(ctx: Ctx, release: Release): Promise<void> {
  if (release.state !== "held") return;
  const active = freezeOnCard(release, await ctx.store.listFreezes(release.channel.key), ctx.clock.now());
  if (active) await watch(ctx, release, active);
}

/**
 * What a release held past a freeze (or a lock, once lifted) may do now, for its manager: ship
 * it now when it is GO and nothing else stops it, lift a lock first, get the votes first; or
 * set a new T-0.
 */
export async function wayOn(ctx: Ctx, release: Release): Promise<string> {
  const schedule = `set a new T-0 with \`/release schedule ${release.id} <time>\``;
  const gate = await standingGateOf(ctx, release);
  // A lock does not end by itself: say who lifts it how.
  if (gate.kind === "locked") return `${release.id} is still on hold, and ${gateText(gate, release.timezone)}; it stays locked ${await untilLifted(ctx, gate.lock)}. Release manager: ${schedule} once it is lifted.`;
  if (gate.kind === "frozen") return `${release.id} is still on hold, and ${gateText(gate, release.timezone)}. Release manager: ${schedule} once that is over.`;
  const d = await releaseDecision(ctx, release);
  // The decision in the card's words: a NO-GO says what else it waits for, which lifting the no-go alone leaves.
  if (d.decision !== "go") return `${release.id} is still on hold and not GO yet. Decision: ${decisionInWords(d)}. Release manager: ${schedule}, or \`/release ship ${release.id}\` once GO.`;
  return `${release.id} is still on hold. Release manager: ship it now with \`/release ship ${release.id}\`, or ${schedule}.`;
}

/**
 * A hold reason that named the freeze now says it no longer holds the release: a fact that stays
 * true, no advice the decision beside it could make wrong (the thread hears what ships it now).
 */
async function markOver(ctx: Ctx, release: Release, label: string, end: number, how: string): Promise<void> {
  if (release.stateReason !== `in freeze ${label} until ${freezeEnd(end, release.timezone)}`) return;
  await ctx.store.updateRelease(release.id, { stateReason: `held by freeze ${label}, ${how}` });
}

/** Runs a `freeze_end` job: tells the held release the freeze is over, unless another freeze holds it on. */
export async function runFreezeEnd(ctx: Ctx, job: Job): Promise<void> {
  const release = await ctx.store.getRelease(job.releaseId);
  // Shipped, cancelled or re-planned meanwhile: its card no longer shows the freeze.
  if (!release || release.state !== "held") return;
  ctx.effects.push({ type: "refresh", releaseId: release.id });
  const next = freezeAt(await ctx.store.listFreezes(release.channel.key), ctx.clock.now());
  const label = String(job.payload.label);
  const end = Number(job.payload.end);
  // In the trail as in the thread: the release's timeline shows its hold by the freeze, then its end.
  const stillIn = next ? { freeze: freezeLabel(next.freeze), until: next.end } : null;
  await audit(ctx, SCHEDULER, "scheduler", release.id, { type: "freeze_ended", data: { freeze: label, ended: end, stillIn } });
  // Another freeze (or the next one) is on now: that is the one whose end it hears of.
  if (next) return watch(ctx, release, next, true);
  await markOver(ctx, release, label, end, `which ended ${freezeEnd(end, release.timezone)}`);
  ctx.effects.push(notice(release.id, [`✅ Freeze ${label} is over (it ended `, { at: end, text: freezeEnd(end, release.timezone) }, `). ${await wayOn(ctx, release)}`], { mention: [release.managerId] }));
}

/**
 * `freeze remove`: the open releases whose card showed `removed` hear that it no longer holds
 * them (a held one what it may do now, a voting one that T-0 ships it if GO), unless another
 * freeze still does; their watches for its end are dropped. `before`: the channel's freezes
 * before the removal. Returns the ids of the releases told.
 */
export async function tellFreezeRemoved(ctx: Ctx, removed: Freeze, before: readonly Freeze[], by: string): Promise<string[]> {
  const now = ctx.clock.now();
  const after = before.filter((f) => f.id !== removed.id);
  const told: string[] = [];
  const open = await ctx.store.listReleases({ states: ["voting", "held"], channelKey: removed.channelKey });
  for (const r of open.sort((a, b) => a.seq - b.seq)) {
    const watched = (await ctx.store.listPendingJobs(r.id, { kind: "freeze_end" })).some((j) => j.payload.freezeId === removed.id);
    const shown = freezeOnCard(r, before, now);
    const onCard = shown?.freeze.id === removed.id;
    const still = freezeOnCard(r, after, now);
    const name = `${freezeName(removed.id)}${removed.reason ? ` '${removed.reason}'` : ""}`;
    if (r.state === "held" && (watched || onCard)) {
      await ctx.store.cancelJobs(r.id, ["freeze_end"]);
      if (still) {
        await watch(ctx, r, still);
        continue;
      }
      if (onCard) await markOver(ctx, r, freezeLabel(removed), shown.end, `which ${by} removed`);
      ctx.effects.push(notice(r.id, `✅ Freeze ${name} was removed by ${by}: it no longer holds ${r.id}. ${await wayOn(ctx, r)}`, { mention: [r.managerId] }));
    } else if (r.state === "voting" && onCard && r.scheduledAt! > now && !still) {
      // Its card warned that T-0 falls in the freeze, and its last reminder may have told its manager to move T-0.
      ctx.effects.push(notice(r.id, [`✅ Freeze ${name} was removed by ${by}: ${r.id}'s T-0 (`, { at: r.scheduledAt!, text: formatInZone(r.scheduledAt!, r.timezone) }, `) is no longer in a freeze, so T-0 ships it if it is GO then.`], { mention: [r.managerId] }));
    } else continue;
    told.push(r.id);
  }
  return told;
}
