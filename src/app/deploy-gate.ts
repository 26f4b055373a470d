import { OCCUPYING_STATES, shipGate, type ShipGate } from "../domain/deploy-lock.js";
import { freezeLabel } from "../domain/freeze.js";
import type { Release } from "../domain/types.js";
import { audit, type Ctx } from "./context.js";

/**
 * Reads what stands between a release and shipping now (domain/deploy-lock.ts `shipGate`):
 * its service + environment's lock, its channel's freezes, and the releases that occupy its
 * service + environment or wait ahead of it in the queue.
 */
export async function gateOf(ctx: Pick<Ctx, "store" | "clock">, release: Release, overrideFreeze: boolean): Promise<ShipGate> {
  return shipGate({
    now: ctx.clock.now(),
    lock: await ctx.store.getLock(release.service, release.environment),
    freezes: await ctx.store.listFreezes(release.channel.key),
    ahead: await aheadOf(ctx, release),
    overrideFreeze,
  });
}

/**
 * The gate as the release's own standing: a freeze overridden when it was shipped by hand (and
 * queued) stays overridden at its T-0 and at its turn in the queue.
 */
export async function standingGateOf(ctx: Pick<Ctx, "store" | "clock">, release: Release): Promise<ShipGate> {
  return gateOf(ctx, release, (await ctx.store.getOverride(release.id)) !== undefined);
}

/** Releases of the same service + environment that ship or roll back now, then those queued before this one. */
async function aheadOf(ctx: Pick<Ctx, "store">, release: Release): Promise<string[]> {
  const busy = (await ctx.store.listReleases({ states: [...OCCUPYING_STATES] }))
    .filter((r) => r.id !== release.id && r.service === release.service && r.environment === release.environment)
    .map((r) => r.id)
    .reverse();
  const queue = (await ctx.store.listQueue({ service: release.service, environment: release.environment })).map((e) => e.releaseId);
  const mine = queue.indexOf(release.id);
  return [...busy, ...(mine < 0 ? queue : queue.slice(0, mine))];
}

type Who = { id: string; name: string };

/** Puts a GO release in its service + environment's queue; the card says whom it waits for. */
export async function queueRelease(ctx: Ctx, release: Release, behind: string, who: Who, platform: string): Promise<void> {
  if (await ctx.store.getQueueEntry(release.id)) return;
  await ctx.store.enqueue({ releaseId: release.id, service: release.service, environment: release.environment, behind, queuedAt: ctx.clock.now(), scheduledAt: release.scheduledAt });
  await audit(ctx, who, platform, release.id, { type: "queued", data: { service: release.service, environment: release.environment, behind } });
  ctx.effects.push({ type: "refresh", releaseId: release.id });
}

/** Audits why a lock or a freeze held a release (counted in stats). The caller holds it. */
export async function auditGateHold(ctx: Ctx, release: Release, gate: Extract<ShipGate, { kind: "locked" | "frozen" }>, who: Who, platform: string): Promise<void> {
  if (gate.kind === "locked") {
    await audit(ctx, who, platform, release.id, { type: "held_by_lock", data: { service: release.service, environment: release.environment, lockReason: gate.lock.reason } });
  } else {
    await audit(ctx, who, platform, release.id, { type: "held_by_freeze", data: { freeze: freezeLabel(gate.active.freeze), until: gate.active.end } });
  }
}
