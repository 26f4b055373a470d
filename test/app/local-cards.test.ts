import { describe, expect, it } from "vitest";
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
});
