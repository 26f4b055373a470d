import type { CardEditorDeps } from "./card-sync.js";
import { retryDelayAfterFailedEdit } from "./edit-failures.js";
import { MessageGone, sleep, sleepUntil, type ChatSurface, type MessageRef } from "./ports.js";

interface Slot {
  /** A newer state exists than the one last sent. */
  dirty: boolean;
  running: boolean;
  lastSentAt: number;
  /** The platform's spacing between edits of one message: the slot is kept at least this long after its last edit. */
  spacingMs: number;
}

/**
 * Card edits when this process is the only one: per message, at most one edit in flight
 * and at most one per the platform's interval, and the card is read from the store right
 * before sending, so the latest state always wins and a storm of votes becomes a handful
 * of edits. (With several instances, shared-cards.ts does this through leases in the store.)
 */
export function createLocalCards(deps: CardEditorDeps) {
  const { store, cardFor, surfaces, telemetry, clock, track, keyOf } = deps;
  const wait = (ms: number) => sleep(deps.timer, ms);
  const slots = new Map<string, Slot>();

  /**
   * A slot only matters while its card is being edited or its spacing since the last edit is
   * not over: after that, a new slot behaves the same. Forgotten whenever one is added, so the
   * map holds the cards edited in the last moments, not every card a process that runs for
   * months ever edited.
   */
  function addSlot(key: string, slot: Slot): Slot {
    const now = clock.now();
    for (const [k, s] of slots) if (!s.running && !s.dirty && now - s.lastSentAt >= s.spacingMs) slots.delete(k);
    slots.set(key, slot);
    return slot;
  }

  async function pump(releaseId: string, ref: MessageRef, slot: Slot, surface: ChatSurface): Promise<void> {
    slot.running = true;
    try {
      // The answer to the press that started this goes out first: reading the card waits a turn.
      let attempts = 0;
      while (slot.dirty) {
        await sleepUntil(deps, slot.lastSentAt + surface.minUpdateIntervalMs);
        // Then its turn within the workspace's budget; the card is read after the wait, so the edit shows the latest state.
        await sleepUntil(deps, deps.editSlot(ref, surface));
        slot.dirty = false;
        try {
          await surface.updateCard(ref, await cardFor(releaseId));
          slot.lastSentAt = clock.now();
          attempts = 0;
          telemetry.cardUpdate(ref.platform, "ok");
        } catch (err) {
          if (err instanceof MessageGone) {
            await deps.forgetDeletedCopy(releaseId, ref);
            break;
          }
          const retryIn = retryDelayAfterFailedEdit(err, ++attempts, ref, deps);
          // Given up: the card's next change tries again.
          slot.dirty = retryIn !== null;
          if (retryIn === null) break;
          await wait(retryIn);
        }
      }
    } finally {
      slot.running = false;
    }
  }

  return {
    /** Marks every copy of the card (on `platform` only, when given) out of date and starts its pump if it is not running. */
    async markDirty(releaseId: string, platform?: string): Promise<void> {
      for (const ref of await store.listMessageRefs(releaseId)) {
        if (platform && ref.platform !== platform) continue;
        const surface = surfaces.get(ref.platform);
        if (!surface) continue;
        const key = keyOf(ref);
        const slot = slots.get(key) ?? addSlot(key, { dirty: false, running: false, lastSentAt: 0, spacingMs: surface.minUpdateIntervalMs });
        slot.dirty = true;
        if (!slot.running) void track(pump(releaseId, ref, slot, surface));
      }
    },
    /** A copy just posted: its first edit waits out the platform's interval from now. */
    posted(ref: MessageRef): void {
      addSlot(keyOf(ref), { dirty: false, running: false, lastSentAt: clock.now(), spacingMs: surfaces.get(ref.platform)?.minUpdateIntervalMs ?? 0 });
    },
    /** A copy gonogo no longer updates. */
    forget(ref: MessageRef): void {
      slots.delete(keyOf(ref));
    },
    /** How many cards are tracked: for the test that pins the bound. */
    get tracked(): number {
      return slots.size;
    },
  };
}
