import { decisionInWords } from "../../domain/decision.js";
import { gateText, OCCUPYING_STATES, type ShipGate } from "../../domain/deploy-lock.js";
import type { Release } from "../../domain/types.js";
import { audit, notice, SCHEDULER, type Ctx } from "../context.js";
import { releaseDecision } from "../release-decision.js";
import { auditGateHold, standingGateOf } from "../deploy-gate.js";
import { holdRelease, startShipping } from "./lifecycle.js";

type Who = { id: string; name: string };

/** The release's criteria that have failed: a hold records them so stats count releases held by failed criteria. */
async function failedCriteriaOf(ctx: Ctx, release: Release): Promise<string[]> {
  return (await ctx.store.listCriteria(release.id)).filter((c) => c.status === "failed").map((c) => c.name);
}

/** Holds a release that a lock or a freeze stops, says why on the card and in its thread, and audits it. */
export async function holdByGate(ctx: Ctx, release: Release, gate: Extract<ShipGate, { kind: "locked" | "frozen" }>, who: Who, platform: string, when: string): Promise<void> {
  const why = gateText(gate, release.timezone);
  // Held by the gate, but a failed criterion would have held it too: stats count both.
  await holdRelease(ctx, release, who, platform, why, await failedCriteriaOf(ctx, release));
  await auditGateHold(ctx, release, gate, who, platform);
  const way =
    gate.kind === "locked"
      ? `it ships once someone runs \`/release unlock ${release.service} ${release.environment} reason <text>\` and then \`/release ship ${release.id}\``
      : `reschedule it after the freeze, or an admin or release-manager can \`/release ship ${release.id} override <reason>\``;
  // Lifting the lock or overriding the freeze does not ship a release that is not GO: say so first, in the card's words.
  const d = await releaseDecision(ctx, release);
  const how = d.decision === "go" ? `${way[0]!.toUpperCase()}${way.slice(1)}.` : `It is not GO either. Decision: ${decisionInWords(d)}. Once it is GO, ${way}.`;
  ctx.effects.push(notice(release.id, `${gate.kind === "locked" ? "🔒" : "⛔"} ${when}: ${release.id} is held, not shipped: ${why}. ${how}`, { mention: [release.managerId] }));
}

/**
 * Runs a `queue_start` job: while the service + environment is free, takes the head of its
 * queue and ships it if it is still GO and neither locked nor frozen; holds it otherwise and
 * looks at the next. Runs in the job's transaction, so two runners never start two releases.
 */
export async function startFromQueue(ctx: Ctx, service: string, environment: string): Promise<void> {
  for (;;) {
    const [head] = await ctx.store.listQueue({ service, environment });
    if (!head) return;
    const busy = (await ctx.store.listReleases({ states: [...OCCUPYING_STATES] })).some((r) => r.service === service && r.environment === environment);
    if (busy) return; // The release that occupies it plans the next start when it is done.
    await ctx.store.dequeue(head.releaseId);
    const release = await ctx.store.getRelease(head.releaseId);
    // Held, cancelled or rescheduled while it waited: it left the queue then.
    if (!release || release.state !== "voting" || release.scheduledAt !== head.scheduledAt) continue;
    const gate = await standingGateOf(ctx, release);
    if (gate.kind === "locked" || gate.kind === "frozen") {
      await holdByGate(ctx, release, gate, SCHEDULER, "scheduler", `Its turn after ${head.behind}`);
      continue;
    }
    const d = await releaseDecision(ctx, release);
    if (d.decision !== "go") {
      // The decision in the card's words: a NO-GO says what else it waits for, which lifting the no-go alone leaves.
      const why = `its turn in the queue came without GO (${decisionInWords(d)})`;
      // Its turn is its deferred T-0: stats count it as held by failed criteria, as T-0 would.
      await holdRelease(ctx, release, SCHEDULER, "scheduler", why, await failedCriteriaOf(ctx, release));
      ctx.effects.push(notice(release.id, `⏸ ${release.id} left the queue but is not GO any more: on hold. Decision: ${decisionInWords(d)}. The release manager can \`/release ship ${release.id}\` once GO.`, { mention: [release.managerId] }));
      continue;
    }
    await audit(ctx, SCHEDULER, "scheduler", release.id, { type: "queue_started", data: { service, environment } });
    ctx.effects.push(notice(release.id, `🟢 ${service} ${environment} is free: ${release.id} leaves the queue.`));
    await startShipping(ctx, release, SCHEDULER, "scheduler");
    return;
  }
}
