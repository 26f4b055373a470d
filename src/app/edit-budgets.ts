import { createEditPacer } from "../domain/edit-budget.js";
import { parseChannelKey } from "../domain/identity.js";
import type { ChatSurface, MessageRef } from "./ports.js";

/**
 * The edit budgets of this process, one per workspace or server of each platform that has
 * one (Slack's chat.update: ChatSurface.editBudget). Every card editor asks here before an
 * edit, so several busy cards in one workspace share Slack's budget instead of each taking
 * its own, and a storm on four cards does not bring a 429 that stalls the notices behind it.
 */
export function createEditBudgets() {
  const pacers = new Map<string, ReturnType<typeof createEditPacer>>();
  return {
    /** The time at which an edit of `ref` may go (`now` on a platform without a budget); the slot is taken. */
    slotFor(ref: MessageRef, surface: ChatSurface, now: number): number {
      const budget = surface.editBudget;
      if (!budget) return now;
      const key = `${ref.platform}:${parseChannelKey(ref.channel.key)?.scope ?? ref.channel.key}`;
      let pacer = pacers.get(key);
      if (!pacer) pacers.set(key, (pacer = createEditPacer(budget)));
      return pacer.reserve(now);
    },
  };
}
