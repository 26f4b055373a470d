import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, chatDriver, T0, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import type { CoreConfig } from "../../src/app/context.js";
import type { Store } from "../../src/app/store.js";
import { replyLineText, type NoticeView } from "../../src/app/views.js";

/** A deploy lock still on is said again every interval, to the people who can lift it, where they see it. */

const MIN = 60_000;
const HOUR = 60 * MIN;
let core: TestCore;
afterEach(async () => core?.close());

/** 2030-01-15 09:00 UTC; `rel` is a release-manager, `oscar` on-call. */
async function setup(config: Partial<CoreConfig> = {}, wrapStore?: (store: Store) => Store) {
  core = createTestCore({ config: { timezone: "UTC", ...config }, ...(wrapStore ? { wrapStore } : {}) });
  let chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const { say, advance } = chatDriver(() => core);
  /** Every reminder of a lock so far: in a channel (a hand-set lock) or in a release's thread (a rollback's). */
  const reminders = (): NoticeView[] => [...chat.channelNotices.map((n) => n.notice), ...chat.notices.map((n) => n.notice)].filter((n) => n.text.startsWith("🔒 Still locked"));
  /** Stops gonogo and starts it again on the same database, as after downtime; the channel is a new recording. */
  const restart = async () => {
    core = await core.reopen();
    chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    await core.bot.start();
    await core.bot.idle();
  };
  await say("admin", "role grant rel release-manager");
  await say("admin", "role grant oscar oncall");
  return { say, advance, reminders, restart, chat: () => chat };
}

describe("a deploy lock still on", () => {
  it("is said in the channel it was set in after 4 hours, naming who set it, why, for how long, what it holds back and who lifts it how, then again 4 hours later", async () => {
    const { say, advance, reminders, chat } = await setup();
    // R-1 ships; R-2 is GO and queued behind it at its T-0; R-3 is held at its T-0 (no GO).
    await say("alice", "create payments 1.4.0");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "create payments 1.4.1 at 09:30");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-2 go");
    await say("alice", "create payments 1.4.2 at 09:30");
    await advance(30 * MIN);
    expect((await core.store.getQueueEntry("R-2"))?.behind).toBe("R-1");
    expect((await core.store.getRelease("R-3"))?.state).toBe("held");

    await say("rel", "lock payments reason incident 42");
    await say("alice", "create payments 1.4.3 at 15:00");
    await advance(4 * HOUR - MIN);
    expect(reminders()).toEqual([]);

    await advance(MIN); // 13:30: the lock has been on for 4 hours
    const [first, ...more] = chat().channelNotices;
    expect(more).toEqual([]);
    expect(first?.channel).toEqual(channel);
    expect(first?.notice.text).toBe(
      "🔒 Still locked: payments production is locked by rel: incident 42. It has been on for 4h (since Tue 15 Jan 2030 09:30 (UTC)). It holds back R-3 (on hold) and R-2 (queued), and will hold R-4 at its T-0 (Tue 15 Jan 2030 15:00 (UTC)). If it is no longer needed: it stays locked until a release-manager or an admin lifts it with `/release unlock payments production reason <text>`.",
    );
    expect(first?.notice.mention).toEqual(["terminal:rel"]);
    // Its times as instants, so each reader sees them in their own zone on Slack and Discord.
    expect(first?.notice.parts).toContainEqual({ at: T0 + 30 * MIN, text: "Tue 15 Jan 2030 09:30 (UTC)" });
    expect(first?.notice.parts).toContainEqual({ at: T0 + 6 * HOUR, text: "Tue 15 Jan 2030 15:00 (UTC)" });

    await advance(4 * HOUR); // 17:30: R-4 was held at its T-0 meanwhile
    expect(reminders()).toHaveLength(2);
    expect(reminders()[1]?.text).toContain("It has been on for 8h (since Tue 15 Jan 2030 09:30 (UTC)). It holds back R-3, R-4 (on hold) and R-2 (queued).");
  });

  it("is said no more once unlocked, and a lock set again starts its own 4 hours", async () => {
    const { say, advance, reminders } = await setup();
    await say("rel", "lock payments reason incident 42");
    await advance(4 * HOUR);
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]?.text).toContain("No release is held back by it right now.");

    await say("rel", "unlock payments reason fixed");
    // Its pending reminder went with it.
    expect(await core.store.listPendingJobs("lock:payments production")).toEqual([]);
    await advance(12 * HOUR);
    expect(reminders()).toHaveLength(1);

    await say("rel", "lock payments reason incident 43");
    await advance(3 * HOUR);
    await say("rel", "unlock payments reason fixed again");
    await advance(HOUR);
    await say("rel", "lock payments reason incident 44");
    await advance(4 * HOUR - MIN);
    expect(reminders()).toHaveLength(1);
    await advance(MIN);
    expect(reminders()).toHaveLength(2);
    expect(reminders()[1]?.text).toContain("locked by rel: incident 44. It has been on for 4h");
  });

  it("is never said where the channel's policy says lock_reminder=off, and stops when a channel turns it off while a lock is on", async () => {
    const { say, advance, reminders } = await setup();
    await say("rel", "lock payments reason incident 42");
    await advance(HOUR);
    const set = await say("admin", "policy set lock_reminder=off");
    expect(set.type === "message" && set.text).toContain("lock_reminder=off (how often a deploy lock still on is said again)");
    // The reply names the locks it changes, not only the releases.
    expect(set.type === "message" && set.text).toContain("Locks set here are no longer said again: payments production.");
    await advance(12 * HOUR);
    expect(reminders()).toEqual([]);

    await say("rel", "lock search reason incident 43");
    await advance(12 * HOUR);
    expect(reminders()).toEqual([]);
  });

  it("is said at a channel's own interval, counted from when it was set", async () => {
    const { say, advance, reminders } = await setup();
    await say("admin", "policy set lock_reminder=90m");
    const locked = await say("rel", "lock payments reason incident 42");
    // Whoever locks learns that the channel will hear it again, and how often.
    expect(locked.type === "message" && locked.text).toContain("While it stays on, this channel is reminded of it every 90m (policy lock_reminder).");
    await advance(89 * MIN);
    expect(reminders()).toEqual([]);
    await advance(MIN);
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]?.text).toContain("It has been on for 1h 30m");
  });

  it("takes the interval as 1h30m or 1h 30m as well as 90m, and says what a duration it cannot read lacks", async () => {
    const { say } = await setup();
    for (const typed of ["1h30m", "1h 30m"]) {
      const set = await say("admin", `policy set lock_reminder=${typed}`);
      expect(set.type === "message" && !set.error && set.text).toContain("lock_reminder=90m (how often a deploy lock still on is said again)");
    }
    const refused = await say("admin", "policy set lock_reminder=1h30");
    expect(refused).toMatchObject({ error: true, text: expect.stringContaining("(`30` has no unit: add one, e.g. `30m`): lock_reminder takes an interval from 15m to 7d such as 90m, 1h30m, 1h 30m, 2d or 1d2h, or off") });
  });

  it("is re-planned from now when the channel's interval changes, and the reply names the locks it re-planned", async () => {
    const { say, advance, reminders } = await setup();
    await say("rel", "lock payments reason incident 42");
    await say("rel", "lock search staging reason incident 43");
    await advance(HOUR);
    const set = await say("admin", "policy set lock_reminder=2h");
    expect(set.type === "message" && set.text).toContain("Locks set here are said again every 2h from now: payments production, search staging.");
    await advance(2 * HOUR - MIN);
    expect(reminders()).toEqual([]);
    await advance(MIN);
    expect(reminders()).toHaveLength(2);
    // A change of another key re-plans no lock, and says none.
    const quorum = await say("admin", "policy set quorum=3");
    expect(quorum.type === "message" && quorum.text).not.toContain("Locks set here");
  });

  it("is never said when GONOGO_LOCK_REMINDER is off", async () => {
    const { say, advance, reminders } = await setup({ lockReminder: null });
    const locked = await say("rel", "lock payments reason incident 42");
    expect(locked.type === "message" && locked.text).not.toContain("reminded");
    await advance(24 * HOUR);
    expect(reminders()).toEqual([]);
  });

  it("set by a rollback, is said in the rolled-back release's thread, calling whoever rolled back and that release's manager, who may lift it, and is in its audit trail", async () => {
    const { say, advance, chat } = await setup();
    await say("alice", "create payments 1.4.2");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "shipped R-1");
    await say("oscar", "rollback R-1 error rate 5x");
    await advance(4 * HOUR);
    const told = chat().notices.map((n) => n.notice).filter((n) => n.text.startsWith("🔒 Still locked"));
    expect(told).toHaveLength(1);
    expect(told[0]?.releaseId).toBe("R-1");
    expect(told[0]?.channel).toBeUndefined();
    expect(told[0]?.text).toBe(
      "🔒 Still locked: payments production is locked after the rollback of R-1 by oscar: error rate 5x. It has been on for 4h (since Tue 15 Jan 2030 09:00 (UTC)). No release is held back by it right now. If it is no longer needed: it stays locked until a release-manager, an admin or alice (R-1's manager) lifts it with `/release unlock payments production reason <text>`.",
    );
    expect(told[0]?.mention).toEqual(["terminal:oscar", "terminal:alice"]);
    expect(chat().channelNotices).toEqual([]);
    expect((await core.store.listAudit("R-1")).at(-1)).toMatchObject({ type: "lock_reminder_sent", data: { service: "payments", environment: "production", lockedAt: T0, heldBack: [] } });
    const timeline = await say("alice", "audit R-1");
    expect(timeline.type === "message" && [timeline.text, ...(timeline.lines ?? []).map(replyLineText)].join("\n")).toContain("reminded that payments production is still locked (since");
  });

  it("set by hand, is in the audit export of the workspace it was said in", async () => {
    const { say, advance, reminders } = await setup();
    await say("rel", "lock payments reason incident 42");
    await advance(4 * HOUR);
    expect(reminders()).toHaveLength(1);
    const r = await say("admin", "audit export 2030-01-15 2030-01-15");
    const json = r.type === "message" ? r.files?.find((f) => f.name.endsWith(".json")) : undefined;
    const types = (JSON.parse(json?.content ?? "[]") as Array<{ type: string }>).map((e) => e.type);
    expect(types).toContain("deploy_locked");
    // It has no release to place it by: the channel it was said in does.
    expect(types).toContain("lock_reminder_sent");
  });

  it("is said once per interval when the channel's interval changes just as a reminder is due (the reminder taken to run is dropped with the old plan)", async () => {
    let changeWhenClaimed: (() => Promise<void>) | null = null;
    // The runner has taken the due reminder, and before it runs it, the policy change commits.
    const { say, advance, reminders } = await setup({}, (store) => {
      const wrapped = Object.create(store) as Store;
      wrapped.claimDueJobs = async (...args) => {
        const due = await store.claimDueJobs(...args);
        const change = changeWhenClaimed;
        if (change && due.some((j) => j.kind === "lock_reminder")) {
          changeWhenClaimed = null;
          await change();
        }
        return due;
      };
      return wrapped;
    });
    await say("rel", "lock payments reason incident 42");
    changeWhenClaimed = async () => {
      await say("admin", "policy set lock_reminder=2h");
      core.clock.advance(MIN);
    };
    await advance(4 * HOUR);
    expect(changeWhenClaimed).toBeNull();
    // From the change on: one reminder every 2 hours, not two chains of them.
    await advance(2 * HOUR + MIN);
    await advance(2 * HOUR);
    expect(reminders()).toHaveLength(2);
    expect(await core.store.listPendingJobs("lock:payments production")).toHaveLength(1);
  });

  it("after downtime across several intervals, is said once at start-up, and next a whole interval later", async () => {
    const { say, reminders, restart } = await setup();
    await say("rel", "lock payments reason incident 42");
    await core.bot.idle();
    // Down from 09:00 until 22:00: three reminders' times pass while nothing runs.
    core.clock.advance(13 * HOUR);
    await restart();
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]?.text).toContain("It has been on for 13h (since Tue 15 Jan 2030 09:00 (UTC))");
    expect((await core.store.listPendingJobs("lock:payments production")).map((j) => j.dueAt)).toEqual([T0 + 17 * HOUR]);
  });
});
