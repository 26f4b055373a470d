import { nextCountdownRefresh, planCountdown } from "../domain/countdown.js";
import type { Release } from "../domain/types.js";
import type { Ctx } from "./context.js";
import { policyFor } from "./context.js";
import type { JobKind } from "./store.js";

/** The jobs of a release's countdown: dropped together when it ships, is held or cancelled, or is planned anew. */
export const COUNTDOWN_JOBS: JobKind[] = ["reminder", "t0", "countdown"];

/** Replaces the release's reminder and T-0 jobs with a fresh plan for its scheduled time. */
export async function planCountdownJobs(ctx: Ctx, release: Release): Promise<number[]> {
  await ctx.store.cancelJobs(release.id, COUNTDOWN_JOBS);
  if (release.scheduledAt === null) return [];
  const { reminders } = await policyFor(ctx, release.channel.key);
  const plan = planCountdown(release.scheduledAt, reminders, ctx.clock.now());
  for (const p of plan) {
    await ctx.store.upsertJob({
      releaseId: release.id,
      kind: p.kind,
      key: p.kind === "t0" ? "t0" : `reminder:${p.offsetMin}`,
      dueAt: p.dueAt,
      payload: { offsetMin: p.offsetMin, scheduledAt: release.scheduledAt },
    });
  }
  await planCountdownRefresh(ctx, release, reminders);
  ctx.effects.push({ type: "wake" });
  return plan.filter((p) => p.kind === "reminder").map((p) => p.offsetMin);
}

/**
 * Plans the next refresh of the card's "T-0 in …" (nextCountdownRefresh says when, skipping
 * the channel's reminder offsets `reminders`), which plans the one after it when it runs.
 * Keyed by its time, so the running one is never replaced by its successor.
 */
export async function planCountdownRefresh(ctx: Ctx, release: Release, reminders: number[]): Promise<void> {
  if (release.scheduledAt === null || release.state !== "voting") return;
  const at = nextCountdownRefresh(release.scheduledAt, ctx.clock.now(), reminders);
  if (at === null) return;
  await ctx.store.upsertJob({ releaseId: release.id, kind: "countdown", key: `countdown:${at}`, dueAt: at, payload: { scheduledAt: release.scheduledAt } });
}

/** Schedules the close of a retro opened at `openedAt`: when its window ends, or at once if it already has. */
export async function planRetroClose(ctx: Ctx, release: Release, openedAt: number): Promise<void> {
  await ctx.store.upsertJob({ releaseId: release.id, kind: "retro_close", key: "retro_close", dueAt: Math.max(ctx.clock.now(), openedAt + ctx.config.retroWindowMs), payload: {} });
  ctx.effects.push({ type: "wake" });
}

/** Schedules the retro prompt after a release ships or is restored. */
export async function planRetro(ctx: Ctx, release: Release, from: number): Promise<void> {
  await ctx.store.upsertJob({ releaseId: release.id, kind: "retro_open", key: "retro_open", dueAt: from + ctx.config.retroDelayMs, payload: {} });
  ctx.effects.push({ type: "wake" });
}
