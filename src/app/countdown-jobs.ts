import { planCountdown } from "../domain/countdown.js";
import type { Release } from "../domain/types.js";
import type { Ctx } from "./context.js";
import { policyFor } from "./context.js";

/** Replaces the release's reminder and T-0 jobs with a fresh plan for its scheduled time. */
export async function planCountdownJobs(ctx: Ctx, release: Release): Promise<number[]> {
  await ctx.store.cancelJobs(release.id, ["reminder", "t0"]);
  if (release.scheduledAt === null) return [];
  const plan = planCountdown(release.scheduledAt, (await policyFor(ctx, release.channel.key)).reminders, ctx.clock.now());
  for (const p of plan) {
    await ctx.store.upsertJob({
      releaseId: release.id,
      kind: p.kind,
      key: p.kind === "t0" ? "t0" : `reminder:${p.offsetMin}`,
      dueAt: p.dueAt,
      payload: { offsetMin: p.offsetMin, scheduledAt: release.scheduledAt },
    });
  }
  ctx.effects.push({ type: "wake" });
  return plan.filter((p) => p.kind === "reminder").map((p) => p.offsetMin);
}

/** Schedules the retro prompt after a release ships or is restored. */
export async function planRetro(ctx: Ctx, release: Release, from: number): Promise<void> {
  await ctx.store.upsertJob({ releaseId: release.id, kind: "retro_open", key: "retro_open", dueAt: from + ctx.config.retroDelayMs, payload: {} });
  ctx.effects.push({ type: "wake" });
}
