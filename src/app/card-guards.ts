import { lockedText } from "../domain/deploy-lock.js";
import { freezeEnd, freezeLabel, freezeOnCard } from "../domain/freeze.js";
import type { Release } from "../domain/types.js";
import type { CardReadCtx } from "./card-reader.js";
import type { GuardView } from "./views.js";

/**
 * The guardrail lines of a release's card: a freeze its T-0 falls in (or, once held, that is on
 * now), the lock on its service + environment, its place in the queue, and a freeze override.
 */
export async function guardsOf(ctx: CardReadCtx, r: Release): Promise<GuardView[]> {
  const guards: GuardView[] = [];
  const open = r.state === "voting" || r.state === "held";
  if (open) {
    const lock = await ctx.store.getLock(r.service, r.environment);
    if (lock) guards.push({ kind: "lock", icon: "🔒", text: `${lockedText(lock)} — nothing ships until \`/release unlock ${r.service} ${r.environment} reason <text>\``, until: null });
    // Before T-0 the card warns about the freeze T-0 falls in; after it, about the one on now.
    const active = r.scheduledAt === null ? null : freezeOnCard(r, await ctx.store.listFreezes(r.channel.key), ctx.clock.now());
    if (active) guards.push({ kind: "freeze", icon: "⛔", text: `in freeze ${freezeLabel(active.freeze)} until`, until: { at: active.end, text: freezeEnd(active.end, r.timezone) } });
  }
  if (r.state === "voting") {
    const entry = await ctx.store.getQueueEntry(r.id);
    if (entry) guards.push({ kind: "queue", icon: "⏳", text: `queued behind ${entry.behind}: when ${entry.behind} is shipped or rolled back, it ships if GO then, else it is held`, until: null });
  }
  const override = await ctx.store.getOverride(r.id);
  if (override) guards.push({ kind: "override", icon: "🔓", text: `freeze ${override.freeze} overridden by ${override.byName} — ${override.reason}`, until: null });
  return guards;
}
