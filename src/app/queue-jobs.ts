import type { Release } from "../domain/types.js";
import type { Ctx } from "./context.js";

/**
 * Called when a release stops occupying its service + environment (shipped, rolled back,
 * or held while shipping): plans a `queue_start` job that starts the head of its queue
 * (use-cases/deploy-queue.ts). As a job, the start runs once in its own transaction, and
 * a release shipped by a hook or a person never waits on the next one's checks.
 */
export async function planQueueStart(ctx: Ctx, release: Release): Promise<void> {
  const [head] = await ctx.store.listQueue({ service: release.service, environment: release.environment });
  if (!head) return;
  await ctx.store.upsertJob({ releaseId: head.releaseId, kind: "queue_start", key: "queue_start", dueAt: ctx.clock.now(), payload: { service: release.service, environment: release.environment, after: release.id } });
  ctx.effects.push({ type: "wake" });
}
