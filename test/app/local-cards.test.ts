import { describe, expect, it } from "vitest";
import { createEditBudgets } from "../../src/app/edit-budgets.js";
import { createLocalCards } from "../../src/app/local-cards.js";
import type { ChatSurface, MessageRef, Telemetry, Timer } from "../../src/app/ports.js";
import type { Store } from "../../src/app/store.js";
import type { CardView } from "../../src/app/views.js";
import { createFakeTime, T0 } from "../helpers/core.js";

const ref: MessageRef = { platform: "slack", channel: { platform: "slack", key: "slack:T1:C1", nativeId: "C1" }, messageId: "1700000000.000100" };
const silent = { info() {}, warn() {}, error() {} };
const telemetry = { cardUpdate() {} } as unknown as Telemetry;

describe("one process editing its cards", () => {
  it("keeps a full interval between a post and the first edit even when its timer ends a few ms early, as Node's may", async () => {
    const clock = createFakeTime(T0);
    // Node counts a timer from the event loop's cached time, which can lag the clock by the
    // work done since the loop turn began: the wait ends that much before the clock says so.
    const earlyTimer: Timer = { after: (ms, fn) => clock.timer.after(Math.max(0, ms - 5), fn), every: (ms, fn) => clock.timer.every(ms, fn) };
    const editedAt: number[] = [];
    const surface: ChatSurface = {
      platform: "slack",
      minUpdateIntervalMs: 1_000,
      postCard: () => Promise.resolve({ messageId: ref.messageId }),
      updateCard: () => (editedAt.push(clock.now()), Promise.resolve()),
      postNotice: () => Promise.resolve(),
      postInChannel: () => Promise.resolve(),
    };
    const store = { listMessageRefs: () => Promise.resolve([ref]) } as unknown as Store;
    const pending: Array<Promise<unknown>> = [];
    const cards = createLocalCards({
      store,
      log: silent,
      cardFor: () => Promise.resolve({ releaseId: "R-1" } as CardView),
      surfaces: new Map([["slack", surface]]),
      telemetry,
      clock,
      timer: earlyTimer,
      track: (p) => (pending.push(p), p),
      keyOf: (r) => r.messageId,
      forgetDeletedCopy: () => Promise.resolve(),
      editSlot: () => clock.now(),
    });

    cards.posted(ref);
    clock.advance(100);
    await cards.markDirty("R-1");
    // The first wait ends 5 ms early; the card must still wait for the rest of the interval.
    for (let moved = 0; editedAt.length === 0 && moved < 2_000; moved += 1) {
      await clock.waiting();
      clock.advance(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(pending);
    expect(editedAt).toHaveLength(1);
    expect(editedAt[0]! - T0).toBeGreaterThanOrEqual(1_000);
  });

  it("edits the busy cards of one workspace within its budget, first come first served, and another workspace's at once", async () => {
    const clock = createFakeTime(T0);
    const copy = (team: string, n: number): MessageRef => ({ platform: "slack", channel: { platform: "slack", key: `slack:${team}:C1`, nativeId: "C1" }, messageId: `17000000${n}.000100` });
    const refs = new Map([1, 2, 3, 4, 5].map((n) => [`R-${n}`, copy("T1", n)]));
    refs.set("R-6", copy("T2", 6));
    const edited: Array<{ release: string; at: number }> = [];
    const surface: ChatSurface = {
      platform: "slack",
      minUpdateIntervalMs: 1_000,
      // Two at once, then one a second (Slack's own is 50 a minute with bursts).
      editBudget: { perMinute: 60, burst: 2 },
      postCard: () => Promise.resolve({ messageId: "x" }),
      updateCard: (r, card) => (edited.push({ release: card.releaseId, at: clock.now() - T0 }), Promise.resolve()),
      postNotice: () => Promise.resolve(),
      postInChannel: () => Promise.resolve(),
    };
    const store = { listMessageRefs: (id: string) => Promise.resolve([refs.get(id)!]) } as unknown as Store;
    const budgets = createEditBudgets();
    const pending: Array<Promise<unknown>> = [];
    const cards = createLocalCards({
      store,
      log: silent,
      cardFor: (releaseId) => Promise.resolve({ releaseId } as CardView),
      surfaces: new Map([["slack", surface]]),
      telemetry,
      clock,
      timer: clock.timer,
      track: (p) => (pending.push(p), p),
      keyOf: (r) => r.messageId,
      forgetDeletedCopy: () => Promise.resolve(),
      editSlot: (r, s) => budgets.slotFor(r, s, clock.now()),
    });

    for (const id of refs.keys()) await cards.markDirty(id);
    for (let moved = 0; edited.length < 6 && moved < 10_000; moved += 100) {
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(100);
    }
    await Promise.all(pending);
    expect(edited).toEqual([
      { release: "R-1", at: 0 },
      { release: "R-2", at: 0 },
      { release: "R-6", at: 0 },
      { release: "R-3", at: 1_000 },
      { release: "R-4", at: 2_000 },
      { release: "R-5", at: 3_000 },
    ]);
  });

  it("forgets a card once its edits and their spacing are over, so months of cards are not all kept; a card edited again keeps its spacing", async () => {
    const clock = createFakeTime(T0);
    const copyOf = (releaseId: string): MessageRef => ({ ...ref, messageId: `m-${releaseId}` });
    const editedAt = new Map<string, number[]>();
    const surface: ChatSurface = {
      platform: "slack",
      minUpdateIntervalMs: 1_000,
      postCard: () => Promise.resolve({ messageId: "x" }),
      updateCard: (r) => (editedAt.set(r.messageId, [...(editedAt.get(r.messageId) ?? []), clock.now() - T0]), Promise.resolve()),
      postNotice: () => Promise.resolve(),
      postInChannel: () => Promise.resolve(),
    };
    const store = { listMessageRefs: (id: string) => Promise.resolve([copyOf(id)]) } as unknown as Store;
    const pending: Array<Promise<unknown>> = [];
    const cards = createLocalCards({
      store,
      log: silent,
      cardFor: (releaseId) => Promise.resolve({ releaseId } as CardView),
      surfaces: new Map([["slack", surface]]),
      telemetry,
      clock,
      timer: clock.timer,
      track: (p) => (pending.push(p), p),
      keyOf: (r) => r.messageId,
      forgetDeletedCopy: () => Promise.resolve(),
      editSlot: () => clock.now(),
    });
    const settle = async () => {
      for (let i = 0; i < 15; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        clock.advance(100);
      }
    };

    // 300 cards, each posted, then edited twice a minute apart (a vote, then the ship).
    for (let n = 1; n <= 300; n++) {
      const id = `R-${n}`;
      cards.posted(copyOf(id));
      await cards.markDirty(id);
      await settle();
      clock.advance(60_000);
      await cards.markDirty(id);
      await settle();
    }
    expect(editedAt.size).toBe(300);
    expect([...editedAt.values()].every((times) => times.length === 2)).toBe(true);
    expect(cards.tracked).toBeLessThanOrEqual(2);

    // Edited, then marked again within the spacing: the second edit still waits out the second.
    await cards.markDirty("R-1");
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    const [edit] = editedAt.get("m-R-1")!.slice(-1);
    expect(edit).toBe(clock.now() - T0);
    // Another card comes and goes meanwhile: R-1's spacing is not over, so it is kept.
    cards.posted(copyOf("R-999"));
    await cards.markDirty("R-1");
    await settle();
    const [next] = editedAt.get("m-R-1")!.slice(-1);
    expect(next! - edit!).toBeGreaterThanOrEqual(1_000);
  });
});
