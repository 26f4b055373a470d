import type { CardSync } from "./card-sync.js";
import type { Ctx, Effect } from "./context.js";
import type { Telemetry } from "./ports.js";

export interface EffectRunnerDeps {
  cards: CardSync;
  telemetry: Telemetry;
  /** Re-arms the job runner's timer: a use case planned or moved a job. */
  wake: () => void;
}

/** After a use case committed: counts what it did (telemetry) and carries out its effects. */
export function createEffectRunner(deps: EffectRunnerDeps) {
  const { cards, telemetry, wake } = deps;

  /** Counts what a committed use case did, from the audit events it wrote. */
  function count(ctx: Ctx): void {
    for (const e of ctx.audited) {
      if (e.type === "vote_cast" || e.type === "vote_changed") telemetry.voteCast(e.platform);
      else if (e.type === "rollback_requested") telemetry.rollback();
      else if (e.type === "webhook_delivered") telemetry.webhook(String(e.data.kind), "delivered");
      else if (e.type === "webhook_attempt_failed") telemetry.webhook(String(e.data.kind), "retry");
      else if (e.type === "webhook_failed") telemetry.webhook(String(e.data.kind), "failed");
      else if (e.type === "state_changed" && e.data.to === "shipping") telemetry.decision("go");
      else if (e.type === "state_changed" && e.platform === "scheduler" && e.data.to === "held") telemetry.decision("hold");
      else if (e.type === "state_changed" && e.platform === "scheduler" && e.data.to === "cancelled") telemetry.decision("cancel");
    }
  }

  function run(effect: Effect): void {
    switch (effect.type) {
      case "refresh":
        return cards.refresh(effect.releaseId);
      case "post":
        return cards.post(effect.releaseId, effect.channel);
      case "notice":
        return cards.notice(effect.notice);
      case "wake":
        return wake();
    }
  }

  /** Call once the use case's transaction has committed, never before. */
  function afterCommit(ctx: Ctx): void {
    count(ctx);
    for (const effect of ctx.effects) run(effect);
  }

  return { afterCommit };
}

export type EffectRunner = ReturnType<typeof createEffectRunner>;
