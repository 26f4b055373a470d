import type { CardSync } from "./card-sync.js";
import { changedReleases } from "./durable-effects.js";
import type { Ctx, Effect } from "./context.js";
import type { Telemetry } from "./ports.js";
import type { ReleaseChanges } from "./release-changes.js";
import type { ReleaseState } from "../domain/release.js";

export interface EffectRunnerDeps {
  cards: CardSync;
  telemetry: Telemetry;
  /** Re-arms the job runner's timer: a use case planned or moved a job. */
  wake: () => void;
  /** Told which releases a committed use case changed (live pages listen). */
  changes: ReleaseChanges;
}

/**
 * A state change that acts on a decision: shipping (at T-0 or by hand) is GO; only T-0 (the
 * scheduler) holds or cancels for want of GO, a person doing so is not counted as a decision.
 */
function decisionActedOn(to: ReleaseState, platform: string): "go" | "hold" | "cancel" | null {
  if (to === "shipping") return "go";
  if (platform !== "scheduler") return null;
  return to === "held" ? "hold" : to === "cancelled" ? "cancel" : null;
}

/** After a use case committed: counts what it did (telemetry) and carries out its effects. */
export function createEffectRunner(deps: EffectRunnerDeps) {
  const { cards, telemetry, wake, changes } = deps;

  /** Counts what a committed use case did, from the audit events it wrote. */
  function count(ctx: Ctx): void {
    for (const { platform, event } of ctx.audited) {
      switch (event.type) {
        case "vote_cast":
        case "vote_changed":
          telemetry.voteCast(platform);
          break;
        case "rollback_requested":
          telemetry.rollback();
          break;
        case "webhook_delivered":
          telemetry.webhook(event.data.kind, "delivered");
          break;
        case "webhook_attempt_failed":
          telemetry.webhook(event.data.kind, "retry");
          break;
        case "webhook_failed":
          telemetry.webhook(event.data.kind, "failed");
          break;
        case "state_changed": {
          const outcome = decisionActedOn(event.data.to, platform);
          if (outcome) telemetry.decision(outcome);
          break;
        }
      }
    }
  }

  function run(effect: Effect): void {
    switch (effect.type) {
      case "refresh":
        return cards.refresh(effect.releaseId);
      case "countdown":
        return cards.countdown(effect.releaseId);
      case "post":
        return cards.post(effect.releaseId, effect.channel, effect.askedBy, effect.outboxId);
      case "notice":
        return cards.notice(effect.notice, effect.outboxId);
      case "tell":
        return cards.tell(effect.person, effect.line);
      case "wake":
        return wake();
    }
  }

  /** Call once the use case's transaction has committed, never before. */
  function afterCommit(ctx: Ctx): void {
    count(ctx);
    for (const effect of ctx.effects) run(effect);
    for (const id of changedReleases(ctx)) changes.publish(id);
  }

  return { afterCommit };
}
