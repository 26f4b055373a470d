import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { NOTICE_MAX_ATTEMPTS, NOTICE_SWEEP_MS } from "../../src/app/notice-outbox.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { channel, createTestCore, person, T0, type TestCore } from "../helpers/core.js";

const MIN = 60_000;
const otherChannel: ChannelRef = { platform: "terminal", key: "terminal:local:#ops", nativeId: "#ops" };

let dir: string | undefined;
const cores: TestCore[] = [];
/** Cores "killed" mid-flight: their database is closed, nothing of theirs is awaited. */
const killed: TestCore[] = [];

afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
  killed.length = 0;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A gonogo process on the test's database file, at `now`. */
function open(now = T0): TestCore {
  dir ??= mkdtempSync(join(tmpdir(), "gonogo-outbox-"));
  const core = createTestCore({ dir, now });
  cores.push(core);
  return core;
}

/** Ends a process the way SIGKILL does: whatever it was doing stops where it is. */
function kill(core: TestCore): void {
  cores.splice(cores.indexOf(core), 1);
  killed.push(core);
  core.db.close();
}

const say = (core: TestCore, who: string, text: string, where: ChannelRef = channel) => core.bot.handle({ kind: "command", actor: person(who), channel: where, text });
const reminders = (texts: string[]) => texts.filter((t) => t.startsWith("⏰ T-1h"));

describe("notices through the outbox: at least once across a crash", () => {
  it("a reminder committed just before the process died is posted at the next start, exactly once, and not again after another restart", async () => {
    const first = open();
    const chat = createRecordingSurface();
    // The chat API call never completes: the process dies with the reminder committed and not shown.
    let reached!: () => void;
    const posting = new Promise<void>((resolve) => (reached = resolve));
    chat.surface.postNotice = () => {
      reached();
      return new Promise<void>(() => undefined);
    };
    first.bot.attachSurface(chat.surface);
    await say(first, "alice", "create payments 1.4.2 at in 61m");
    await first.bot.idle();
    first.clock.advance(1 * MIN);
    expect(await first.bot.runDueJobs()).toBe(1);
    await posting;
    kill(first);

    const second = open(T0 + 1 * MIN + 1);
    const chat2 = createRecordingSurface();
    second.bot.attachSurface(chat2.surface);
    // The job is done: only the outbox can bring the reminder back.
    expect(await second.store.listPendingJobs("R-1", { kind: "reminder", dueBefore: T0 + 2 * MIN })).toEqual([]);
    expect(await second.store.listOutbox()).toHaveLength(1);
    await second.bot.start();
    await second.settle();
    expect(reminders(chat2.noticeTexts("R-1"))).toHaveLength(1);
    expect(chat2.notices[0]?.ref.messageId).toBe("1");
    expect(await second.store.listOutbox()).toEqual([]);
    // Sweeps go on finding nothing to post again.
    second.clock.advance(10 * NOTICE_SWEEP_MS);
    await second.settle();
    expect(reminders(chat2.noticeTexts("R-1"))).toHaveLength(1);

    await second.close();
    cores.splice(cores.indexOf(second), 1);
    const third = open(T0 + 3 * MIN);
    const chat3 = createRecordingSurface();
    third.bot.attachSurface(chat3.surface);
    await third.bot.start();
    third.clock.advance(10 * NOTICE_SWEEP_MS);
    await third.settle();
    expect(chat3.noticeTexts("R-1")).toEqual([]);
  });

  it("a notice whose post failed under one copy of the card is posted there by a later sweep, once, and never again under the copy that had it", async () => {
    const core = open();
    const chat = createRecordingSurface();
    const post = chat.surface.postNotice.bind(chat.surface);
    let failures = 1;
    chat.surface.postNotice = (ref, notice) => {
      if (ref.channel.key === otherChannel.key && failures > 0) {
        failures--;
        return Promise.reject(new Error("slack is having a moment"));
      }
      return post(ref, notice);
    };
    core.bot.attachSurface(chat.surface);
    await core.bot.start();
    await say(core, "alice", "create payments 1.4.2 at in 61m");
    await say(core, "alice", "share R-1", otherChannel);
    await core.settle();
    expect(chat.posts.map((p) => p.channel.key)).toEqual([channel.key, otherChannel.key]);

    core.clock.advance(1 * MIN);
    await core.bot.runDueJobs();
    await core.settle();
    const under = (key: string) => reminders(chat.notices.filter((n) => n.ref.channel.key === key).map((n) => n.notice.text));
    expect(under(channel.key)).toHaveLength(1);
    expect(under(otherChannel.key)).toHaveLength(0);
    expect(await core.store.listOutbox()).toMatchObject([{ releaseId: "R-1", sentTo: [`terminal|${channel.key}|1`] }]);

    core.clock.advance(NOTICE_SWEEP_MS);
    await core.settle();
    expect(under(channel.key)).toHaveLength(1);
    expect(under(otherChannel.key)).toHaveLength(1);
    expect(await core.store.listOutbox()).toEqual([]);
  });

  it("a notice that keeps failing is retried with back-off and given up after a few tries, with an error in the log", async () => {
    const core = open();
    const chat = createRecordingSurface();
    let tries = 0;
    chat.surface.postNotice = () => {
      tries++;
      return Promise.reject(new Error("channel archived"));
    };
    core.bot.attachSurface(chat.surface);
    await core.bot.start();
    await say(core, "alice", "create payments 1.4.2 at in 61m");
    core.clock.advance(1 * MIN);
    await core.bot.runDueJobs();
    await core.settle();
    expect(tries).toBe(1);
    for (let i = 0; i < 20; i++) {
      core.clock.advance(NOTICE_SWEEP_MS * 4);
      await core.settle();
    }
    expect(tries).toBe(NOTICE_MAX_ATTEMPTS);
    expect(await core.store.listOutbox()).toEqual([]);
    expect(core.logs.some((l) => l.level === "error" && l.msg.includes("giving up on it"))).toBe(true);
  });

  it("a vote writes nothing to the outbox; reminders and a T-0 hold write one row each, cleared once posted", async () => {
    const core = open();
    const chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    await say(core, "alice", "create payments 1.4.2 at in 30m");
    // Counts outbox writes on every transaction's handle (use cases write only through it).
    let added = 0;
    const transaction = core.store.transaction.bind(core.store);
    core.store.transaction = (fn, claim) =>
      transaction((tx) => {
        const add = tx.addToOutbox.bind(tx);
        tx.addToOutbox = (...args) => {
          added++;
          return add(...args);
        };
        return fn(tx);
      }, claim);
    await say(core, "bob", "vote R-1 go");
    await say(core, "carol", "vote R-1 go");
    await say(core, "carol", "retract R-1");
    await core.settle();
    expect(added).toBe(0);
    core.clock.advance(30 * MIN);
    await core.bot.runDueJobs();
    await core.settle();
    // The T-15m and T-5m reminders and the hold at T-0: one row each.
    expect(chat.noticeTexts("R-1").join("\n")).toContain("T-0: HOLD");
    expect(added).toBe(chat.notices.length);
    expect(added).toBe(3);
    expect(await core.store.listOutbox()).toEqual([]);
  });

  it("a lock's reminder in its channel, committed just before the process died, is posted in that channel at the next start, once", async () => {
    const first = open();
    const chat = createRecordingSurface();
    let reached!: () => void;
    const posting = new Promise<void>((resolve) => (reached = resolve));
    chat.surface.postInChannel = () => {
      reached();
      return new Promise<void>(() => undefined);
    };
    first.bot.attachSurface(chat.surface);
    await say(first, "admin", "lock payments reason incident 42", otherChannel);
    await first.bot.idle();
    first.clock.advance(240 * MIN);
    expect(await first.bot.runDueJobs()).toBe(1);
    await posting;
    kill(first);

    const second = open(T0 + 240 * MIN + 1);
    const chat2 = createRecordingSurface();
    second.bot.attachSurface(chat2.surface);
    await second.bot.start();
    await second.settle();
    expect(chat2.channelNotices.map((n) => [n.channel, n.notice.text.startsWith("🔒 Still locked: payments production is locked by admin: incident 42.")])).toEqual([[otherChannel, true]]);
    expect(await second.store.listOutbox()).toEqual([]);
    second.clock.advance(10 * NOTICE_SWEEP_MS);
    await second.settle();
    expect(chat2.channelNotices).toHaveLength(1);
  });
});
