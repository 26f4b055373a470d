import { afterEach, describe, expect, it } from "vitest";
import { createTestCore, chatDriver, T0, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

const MIN = 60_000;
let core: TestCore;
afterEach(async () => core?.close());

function setup(config = {}) {
  core = createTestCore({ config });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const { say, advance } = chatDriver(() => core);
  return { chat, say, advance };
}

describe("countdown", () => {
  it("sends T-60m, T-15m and T-5m reminders in the card's thread, naming sign-offs still missing", async () => {
    const { chat, say, advance } = setup({ require: ["qa"] });
    await say("admin", "role grant dana qa");
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("bob", "vote R-1 go");
    await core.bot.idle();
    await advance(59 * MIN);
    expect(chat.noticeTexts("R-1")).toHaveLength(0);
    await advance(1 * MIN);
    const [first] = chat.notices;
    expect(first?.notice.text).toContain("T-1h");
    expect(first?.notice.text).toContain("1 of 2 GO");
    expect(first?.notice.text).toContain("Still waiting for sign-off from qa.");
    expect(first?.notice.mention).toEqual(["terminal:dana"]);
    expect(first?.ref.messageId).toBe(chat.posts[0]?.messageId);
    await advance(45 * MIN);
    await advance(10 * MIN);
    expect(chat.noticeTexts("R-1").map((t) => t.split(":")[0])).toEqual(["⏰ T-1h", "⏰ T-15m", "⏰ T-5m"]);
  });

  it("says when T-0 is too close for any reminder instead of listing T-0 as one, at creation and on a reschedule", async () => {
    const { say } = setup();
    const created = await say("alice", "create payments 1.4.2 at in 3m");
    expect(created.type === "message" && created.text).toContain("T-0 Tue 15 Jan 2030 09:03 (UTC) (in 3m); too close for reminders (the last one is at T-5m).");
    const moved = await say("alice", "schedule R-1 in 4m");
    expect(moved.type === "message" && moved.text).toBe("R-1 rescheduled for Tue 15 Jan 2030 09:04 (UTC) (in 4m). Too close for reminders (the last one is at T-5m).");
    await say("admin", "policy set reminders=0m");
    const none = await say("alice", "schedule R-1 in 2h");
    expect(none.type === "message" && none.text).toBe("R-1 rescheduled for Tue 15 Jan 2030 11:00 (UTC) (in 2h). This channel sends no reminders before T-0.");
  });

  it("says in each reminder what T-0 does without GO, and calls the release manager on the last one", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 2h");
    await core.bot.idle();
    await advance(60 * MIN);
    await advance(45 * MIN);
    const [t1h, t15m] = chat.notices;
    expect(t1h?.notice.text).toContain("Decision: Pending: 0 of 2 GO. Without GO by T-0 it is held.");
    expect(t1h?.notice.mention).toEqual([]);
    expect(t15m?.notice.text).not.toContain("Release manager");
    await advance(10 * MIN);
    const last = chat.notices[2]!.notice;
    expect(last.text).toMatch(/^⏰ T-5m: .*Without GO by T-0 it is held\. Release manager: if it needs longer, move T-0 with `\/release schedule R-1 <time>`\.$/);
    expect(last.mention).toEqual(["terminal:alice"]);
  });

  it("names no consequence in a reminder once the release is GO, and cancels per policy otherwise", async () => {
    const { chat, say, advance } = setup();
    await say("admin", "policy set t0=cancel");
    await say("alice", "create payments 1.4.2 at in 1h");
    await say("alice", "create web 2.0.0 at in 1h");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await core.bot.idle();
    await advance(55 * MIN);
    const last = (id: string) => chat.notices.filter((n) => n.notice.releaseId === id).at(-1)!.notice;
    expect(last("R-1").text).toMatch(/^⏰ T-5m: .*Decision: GO\.$/);
    expect(last("R-1").mention).toEqual([]);
    expect(last("R-2").text).toContain("Without GO by T-0 it is cancelled.");
  });

  it("keeps the card's \"T-0 in …\" true between reminders, without a notice, and stops once the release is held", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 2h");
    await core.bot.idle();
    expect(chat.latestCard("R-1")?.countdownLine).toBe("T-0 in 2h · next reminder T-1h");
    await advance(10 * MIN);
    expect(chat.latestCard("R-1")?.countdownLine).toBe("T-0 in 1h 50m · next reminder T-1h");
    await advance(40 * MIN);
    expect(chat.latestCard("R-1")?.countdownLine).toBe("T-0 in 1h 10m · next reminder T-1h");
    // Past the T-1h reminder, every 5 minutes.
    await advance(10 * MIN);
    await advance(5 * MIN);
    expect(chat.latestCard("R-1")?.countdownLine).toBe("T-0 in 55m · next reminder T-15m");
    expect(chat.noticeTexts("R-1").map((t) => t.split(":")[0])).toEqual(["⏰ T-1h"]);
    await say("alice", "hold R-1 not today");
    await core.bot.idle();
    const edits = chat.updates.length;
    await advance(30 * MIN);
    expect(chat.updates.length).toBe(edits);
    expect(await core.store.listPendingJobs("R-1")).toEqual([]);
  });

  it("sends no countdown edits to a platform that counts down by itself (Discord), and still edits for a vote or a reminder", async () => {
    const { chat, say, advance } = setup();
    chat.surface.countsDownItself = true;
    await say("alice", "create payments 1.4.2 at in 2h");
    await core.bot.idle();
    await advance(50 * MIN);
    expect(chat.updates).toHaveLength(0);
    await say("bob", "vote R-1 go");
    await core.bot.idle();
    expect(chat.updates.map((u) => u.card.tally.go)).toEqual([1]);
    // The T-1h reminder moves the card's "next reminder" on: that is an edit.
    await advance(10 * MIN);
    expect(chat.noticeTexts("R-1").map((t) => t.split(":")[0])).toEqual(["⏰ T-1h"]);
    expect(chat.latestCard("R-1")?.nextReminder).toBe("T-15m");
    const edits = chat.updates.length;
    await advance(5 * MIN);
    await advance(5 * MIN);
    expect(chat.updates).toHaveLength(edits);
  });

  it("ships at T-0 when the decision is GO", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 30m");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await advance(30 * MIN);
    expect((await core.store.getRelease("R-1"))?.state).toBe("shipping");
    expect(chat.latestCard("R-1")?.stateLabel).toBe("Shipping");
    // One notice for T-0 and the start of the deploy, not two in a row.
    const atT0 = chat.noticeTexts("R-1").filter((t) => t.includes("T-0:"));
    expect(atT0).toEqual(["🚀 T-0: R-1 is GO and shipping (started by gonogo). No deploy webhook is configured. Release manager: deploy it, then mark it with `/release shipped R-1`."]);
  });

  it("holds at T-0 without GO and the card says why", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 30m");
    await say("bob", "vote R-1 go");
    await advance(30 * MIN);
    expect((await core.store.getRelease("R-1"))?.state).toBe("held");
    const card = chat.latestCard("R-1")!;
    expect(card.stateLabel).toBe("On hold");
    expect(card.notes.join(" ")).toContain("T-0 came without GO (Pending: 1 of 2 GO)");
    expect(chat.noticeTexts("R-1").join("\n")).toContain("T-0: HOLD");
  });

  it("forgets the old countdown when a release is rescheduled", async () => {
    const { chat, say, advance } = setup();
    await say("alice", "create payments 1.4.2 at in 70m");
    const moved = await say("alice", "schedule R-1 in 3h");
    expect(moved.type === "message" && moved.text).toContain("rescheduled");
    await advance(70 * MIN);
    expect((await core.store.getRelease("R-1"))?.state).toBe("voting");
    expect(chat.noticeTexts("R-1").filter((t) => t.includes("T-0:"))).toHaveLength(0);
    expect((await core.store.listPendingJobs("R-1")).find((j) => j.kind === "t0")?.dueAt).toBe(T0 + 180 * MIN);
  });

  it("after a restart, collapses reminders missed while offline into one note and still runs T-0", async () => {
    const { say } = setup();
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await core.bot.idle();
    // The process is down from now until T-0 + 5 minutes.
    core.clock.advance(125 * MIN);
    core = await core.reopen();
    const chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    await core.bot.start();
    await core.bot.idle();
    const texts = chat.noticeTexts("R-1");
    expect(texts.filter((t) => t.includes("offline"))).toHaveLength(1);
    expect(texts[0]).toContain("missed the T-1h, T-15m, T-5m reminders");
    expect((await core.store.getRelease("R-1"))?.state).toBe("shipping");
    // T-0 ran five minutes late, and its notice says why.
    expect(texts.find((t) => t.startsWith("🚀"))).toMatch(/^🚀 T-0 \(due Tue 15 Jan 2030 11:00 \(UTC\), while gonogo was not running\): R-1 is GO and shipping \(started by gonogo\)\./);
    // The card was re-rendered from the stored state at start-up.
    expect(chat.latestCard("R-1")?.stateLabel).toBe("Shipping");
  });

  it("holds a GO release whose T-0 passed more than 30 minutes before gonogo came back, instead of deploying it unannounced", async () => {
    const { say } = setup();
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await core.bot.idle();
    // Down from now until T-0 + 9 hours (a night's outage, or a backup restored the next morning).
    core.clock.advance((120 + 9 * 60) * MIN);
    core = await core.reopen();
    const chat = createRecordingSurface();
    core.bot.attachSurface(chat.surface);
    await core.bot.start();
    await core.bot.idle();
    const release = await core.store.getRelease("R-1");
    expect(release?.state).toBe("held");
    expect(await core.store.listDeliveries("R-1")).toEqual([]);
    const hold = chat.noticeTexts("R-1").find((t) => t.startsWith("⏸"));
    expect(hold).toBe(
      "⏸ T-0 (due Tue 15 Jan 2030 11:00 (UTC), while gonogo was not running): HOLD. R-1 is GO, but T-0 passed 9h ago while gonogo was not running, too late to ship on its own. Release manager: `/release ship R-1` if it should still go now, or set a new T-0 with `/release schedule R-1 <time>`.",
    );
    // Still GO: the manager ships it with one command.
    expect(await say("alice", "ship R-1")).toMatchObject({ text: expect.stringContaining("R-1 is shipping") });
  });

  it("answers a reschedule to the time it already has with 'nothing changed', and tells the thread nothing", async () => {
    const { chat, say } = setup();
    await say("alice", "create payments 1.4.2 at 2030-01-15 11:00");
    await say("alice", "schedule R-1 2030-01-15 12:00");
    await core.bot.idle();
    const notices = chat.noticeTexts("R-1").length;
    const again = await say("alice", "schedule R-1 2030-01-15 12:00");
    expect(again).toMatchObject({ text: expect.stringMatching(/^R-1 is already scheduled for Tue 15 Jan 2030 12:00 \(UTC\) \(in 3h\); nothing changed\.$/) });
    await core.bot.idle();
    expect(chat.noticeTexts("R-1")).toHaveLength(notices);
    expect((await core.store.listAudit("R-1")).filter((e) => e.type === "rescheduled")).toHaveLength(1);
  });

  it("runs a due job once even when two runners pass at the same time", async () => {
    const { chat, say } = setup();
    await say("alice", "create payments 1.4.2 at in 61m");
    await core.bot.idle();
    core.clock.advance(1 * MIN);
    const counts = await Promise.all([core.bot.runDueJobs(), core.bot.runDueJobs(), core.bot.runDueJobs()]);
    await core.bot.idle();
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(chat.noticeTexts("R-1")).toHaveLength(1);
  });
});
