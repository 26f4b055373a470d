import { afterEach, describe, expect, it } from "vitest";
import { createTestCore, chatDriver, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { replyLineText, type Reply } from "../../src/app/views.js";

const MIN = 60_000;
const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
let core: TestCore;
afterEach(async () => core?.close());

/** A core in Berlin time; `rel` is a release-manager and `oscar` on-call. */
async function setup(now: number, zone = "Europe/Berlin") {
  core = createTestCore({ now, config: { timezone: zone } });
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const { say, advance } = chatDriver(() => core);
  await say("admin", "role grant rel release-manager");
  await say("admin", "role grant oscar oncall");
  return { chat, say, advance };
}

const text = (r: Reply) => (r.type === "message" ? [r.text, ...(r.lines ?? []).map(replyLineText)].join("\n") : r.type);
const state = async (id: string) => (await core.store.getRelease(id))?.state;
const auditTypes = async (id: string) => (await core.store.listAudit(id)).map((e) => e.type);

describe("freeze windows", () => {
  it("holds at T-0 a release inside a weekly Berlin freeze across the spring DST change, and ships one just outside it", async () => {
    // Mon 25 Mar 2030 10:00 UTC; Berlin's clocks go forward on Sun 31 Mar.
    const { chat, say, advance } = await setup(utc(2030, 3, 25, 10));
    const added = await say("rel", "freeze add weekly fri 16:00 until mon 09:00 reason weekend");
    expect(text(added)).toContain("Freeze F-1 added: weekly Fri 16:00 → Mon 09:00 (Europe/Berlin) · weekend");

    // 08:30 CEST on Monday 1 April is inside the window; 09:00 CEST is its end, so outside.
    const inside = await say("alice", "create payments 1.4.2 at 2030-04-01 08:30");
    expect(text(inside)).toContain("⛔ T-0 falls in freeze 'weekend' (until Mon 1 Apr 09:00 (Europe/Berlin))");
    const outside = await say("alice", "create search 2.0.0 at 2030-04-01 09:00");
    expect(text(outside)).not.toContain("freeze");
    for (const id of ["R-1", "R-2"]) for (const voter of ["bob", "carol"]) await say(voter, `vote ${id} go`);
    await core.bot.idle();
    const guard = chat.latestCard("R-1")?.guards?.find((g) => g.kind === "freeze");
    // The freeze ends at 09:00 CEST, 07:00 UTC: an hour earlier in UTC than in winter.
    expect(guard).toMatchObject({ text: "in freeze 'weekend' until", until: { at: utc(2030, 4, 1, 7), text: "Mon 1 Apr 09:00 (Europe/Berlin)" } });
    expect(chat.latestCard("R-1")?.fallbackText).toContain("⛔ in freeze 'weekend' until Mon 1 Apr 09:00");
    expect(chat.latestCard("R-2")?.guards).toEqual([]);

    core.clock.set(utc(2030, 4, 1, 6, 30) - MIN);
    await advance(MIN);
    expect(await state("R-1")).toBe("held");
    expect((await core.store.getRelease("R-1"))?.stateReason).toBe("in freeze 'weekend' until Mon 1 Apr 09:00 (Europe/Berlin)");
    expect(await auditTypes("R-1")).toContain("held_by_freeze");
    expect(chat.noticeTexts("R-1").join("\n")).toContain("T-0: R-1 is held, not shipped: in freeze 'weekend' until Mon 1 Apr 09:00");

    await advance(30 * MIN);
    expect(await state("R-2")).toBe("shipping");
  });

  it("refuses ship inside a freeze with the window and the override, refuses the override to a plain user, and records an admin's or release-manager's override", async () => {
    const { chat, say } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("rel", "freeze add now until in 3h reason incident 42");
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");

    const refused = await say("alice", "ship R-1");
    expect(refused).toMatchObject({ error: true });
    expect(text(refused)).toContain("R-1 cannot ship now: in freeze 'incident 42' until Tue 15 Jan 12:00");
    expect(text(refused)).toContain("/release ship R-1 override <reason>");

    const plain = await say("alice", "ship R-1 override it is urgent");
    expect(plain).toMatchObject({ error: true, text: expect.stringContaining("Only release-managers and admins may ship inside a freeze") });
    expect((await core.store.listAudit("R-1")).at(-1)).toMatchObject({ type: "permission_refused", data: { action: "override" } });
    expect(await state("R-1")).toBe("voting");

    const done = await say("rel", "ship R-1 override hotfix for the outage");
    expect(done).toMatchObject({ error: false });
    expect(await state("R-1")).toBe("shipping");
    await core.bot.idle();
    expect(chat.latestCard("R-1")?.guards).toEqual([expect.objectContaining({ kind: "override", text: "freeze 'incident 42' overridden by rel — hotfix for the outage" })]);
    const event = (await core.store.listAudit("R-1")).find((e) => e.type === "freeze_overridden");
    expect(event).toMatchObject({ actor: "terminal:rel", data: { freeze: "'incident 42'", reason: "hotfix for the outage" } });
    expect(chat.noticeTexts("R-1").join("\n")).toContain("rel overrode freeze 'incident 42' to ship R-1: hotfix for the outage");
  });

  it("lists freezes with ids and lets only admins and release-managers remove them", async () => {
    const { say } = await setup(utc(2030, 1, 15, 9));
    await say("rel", "freeze add 2030-12-24 00:00 until 2031-01-05 09:00 reason year-end");
    await say("rel", "freeze add weekly fri 16:00 until mon 09:00");
    const list = await say("bob", "freeze list");
    expect(list.type === "message" && list.lines).toEqual([
      ["• F-1 ", { at: utc(2030, 12, 23, 23), text: "Tue 24 Dec 2030 00:00 (Europe/Berlin)" }, " → ", { at: utc(2031, 1, 5, 8), text: "Sun 5 Jan 2031 09:00 (Europe/Berlin)" }, " · year-end · added by rel"],
      ["• F-2 weekly Fri 16:00 → Mon 09:00 (Europe/Berlin) · added by rel"],
    ]);
    // A later zone change moves no freeze: the weekly one keeps its clock, and the header does not claim otherwise.
    await say("admin", "policy set timezone=America/New_York");
    const after = await say("bob", "freeze list");
    expect(after.type === "message" && after.text).toContain("weekly ones on the clock each names");
    expect(after.type === "message" && after.lines?.[1]).toEqual(["• F-2 weekly Fri 16:00 → Mon 09:00 (Europe/Berlin) · added by rel"]);
    expect(await say("bob", "freeze remove F-1")).toMatchObject({ error: true, text: expect.stringContaining("Only release-managers and admins") });
    expect(text(await say("admin", "freeze remove F-1"))).toContain("Freeze F-1 removed");
    expect(await say("admin", "freeze remove F-1")).toMatchObject({ error: true, text: expect.stringContaining("There is no freeze F-1") });
    const types = (await core.store.listAuditRange(0, Number.MAX_SAFE_INTEGER)).map((e) => e.type);
    expect(types.filter((t) => t.startsWith("freeze_"))).toEqual(["freeze_added", "freeze_added", "freeze_removed"]);
  });
});

describe("the deploy queue and locks", () => {
  /** R-1 (alice's) ships by hand; R-2 (bob's) of the same service + environment reaches T-0 while it ships. */
  async function queuedBehindShipping() {
    const ctx = await setup(utc(2030, 1, 15, 9), "UTC");
    const { say, advance } = ctx;
    await say("alice", "create payments 1.4.2");
    await say("bob", "create payments 1.4.3 at in 30m");
    for (const id of ["R-1", "R-2"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await say("alice", "ship R-1");
    await advance(30 * MIN);
    return ctx;
  }

  it("queues a GO release whose T-0 comes while another ships, and starts it once that one is shipped", async () => {
    const { chat, say, advance } = await queuedBehindShipping();
    expect(await state("R-2")).toBe("voting");
    // True whatever the votes do meanwhile: a NO-GO before its turn holds it then.
    expect(chat.latestCard("R-2")?.guards).toEqual([expect.objectContaining({ kind: "queue", text: "queued behind R-1: when R-1 is shipped or rolled back, it ships if GO then, else it is held" })]);
    expect(chat.noticeTexts("R-2").join("\n")).toContain("R-2 is GO and queued behind R-1");
    expect(text(await say("bob", "locks"))).toContain("payments production: R-2 (behind R-1)");
    // Minutes after T-0, a queued card says how long ago T-0 was, not "now".
    await advance(5 * MIN);
    await say("erin", "vote R-2 go");
    await advance(0);
    expect(chat.latestCard("R-2")?.countdownLine).toBe("T-0 was 5m ago");

    await say("alice", "shipped R-1");
    await advance(0);
    expect(await state("R-2")).toBe("shipping");
    expect(await auditTypes("R-2")).toEqual(expect.arrayContaining(["queued", "queue_started"]));
    expect(await core.store.listQueue()).toEqual([]);
  });

  it("a held release shipped by hand while the service is busy waits its turn and then ships, instead of leaving the queue unseen", async () => {
    const { chat, say, advance } = await queuedBehindShipping();
    await say("bob", "hold R-2 wait for the DBA");
    expect(await state("R-2")).toBe("held");
    const answer = text(await say("bob", "ship R-2"));
    expect(answer).toContain("R-2 is GO and queued behind R-1");
    expect(answer).toContain("neither locked nor frozen");
    expect(await state("R-2")).toBe("voting");
    await advance(0);
    expect(chat.noticeTexts("R-2").at(-1)).toBe("⏳ R-2 is GO and queued behind R-1 (bob shipped it): it starts shipping when R-1 is shipped or rolled back, if still GO then.");
    // The card shows the queue, not the reason it was held for.
    expect(chat.latestCard("R-2")?.guards).toEqual([expect.objectContaining({ kind: "queue", text: expect.stringContaining("queued behind R-1") })]);
    expect(chat.latestCard("R-2")?.stateLabel).not.toMatch(/hold/i);

    await say("alice", "shipped R-1");
    await advance(0);
    expect(await state("R-2")).toBe("shipping");
    expect(await core.store.listQueue()).toEqual([]);
  });

  it("advances the queue after a rollback once the lock it set is lifted", async () => {
    const { say, advance } = await queuedBehindShipping();
    await say("oscar", "rollback R-1 error rate 5x");
    expect(await core.store.getLock("payments", "production")).toMatchObject({ releaseId: "R-1", reason: "rollback of R-1: error rate 5x" });
    await advance(0);
    expect(await state("R-2")).toBe("voting");
    expect(text(await say("rel", "unlock payments reason fixed forward in 1.4.3"))).toContain("payments production is unlocked");
    await say("oscar", "recovered R-1");
    await advance(0);
    expect(await state("R-2")).toBe("shipping");
  });

  it("locks after a confirmed rollback: the queued and later releases are held, ship is refused, until unlock", async () => {
    const { chat, say, advance } = await queuedBehindShipping();
    await say("oscar", "rollback R-1 error rate 5x");
    // Its creator hears of the lock at once, not only from the card.
    expect(text(await say("erin", "create payments 1.4.4 at in 30m"))).toContain(
      "🔒 payments production is locked after the rollback of R-1 by oscar: error rate 5x. It cannot ship until a release-manager, an admin or alice (R-1's manager) lifts it with `/release unlock payments production reason <text>`.",
    );
    await say("carol", "vote R-3 go");
    await say("dave", "vote R-3 go");
    await say("oscar", "recovered R-1");
    await advance(0);
    expect(await state("R-2")).toBe("held");
    expect((await core.store.getRelease("R-2"))?.stateReason).toBe("payments production is locked after the rollback of R-1 by oscar: error rate 5x");
    expect(chat.latestCard("R-2")?.guards?.map((g) => g.kind)).toEqual(["lock"]);

    await advance(30 * MIN);
    expect(await state("R-3")).toBe("held");
    expect(await auditTypes("R-3")).toContain("held_by_lock");

    const refused = await say("bob", "ship R-2");
    expect(refused).toMatchObject({ error: true, text: expect.stringContaining("R-2 cannot ship: payments production is locked") });
    expect(text(refused)).toContain("/release unlock payments production reason <text>");
    expect(await say("rel", "ship R-2 override it is fine")).toMatchObject({ error: true, text: expect.stringContaining("is locked") });

    expect(await say("bob", "unlock payments reason looks fine")).toMatchObject({ error: true, text: expect.stringContaining("Only release-managers, admins and alice") });
    // alice managed R-1, whose rollback set the lock: she may lift it.
    const unlocked = text(await say("alice", "unlock payments production reason fixed in 1.4.3"));
    expect(unlocked).toContain("🔓 payments production is unlocked (fixed in 1.4.3). R-2, R-3 were held by it. R-2 is still on hold. Release manager: ship it now with `/release ship R-2`");
    // Each release it held hears so in its thread, and its card no longer blames a lock that is gone.
    await advance(0);
    expect(chat.noticeTexts("R-3").at(-1)).toBe("🔓 payments production is unlocked by alice (fixed in 1.4.3). R-3 is still on hold. Release manager: ship it now with `/release ship R-3`, or set a new T-0 with `/release schedule R-3 <time>`.");
    // The card's note says the lock is gone, with no "once GO" beside a GO decision.
    expect(chat.latestCard("R-3")?.notes).toEqual(["On hold: held by the lock on payments production after the rollback of R-1 (error rate 5x), lifted by alice"]);
    expect(chat.latestCard("R-3")?.guards ?? []).toEqual([]);
    expect(await say("bob", "ship R-2")).toMatchObject({ error: false });
    expect(await state("R-2")).toBe("shipping");
    const locked = (await core.store.listAudit("R-1")).filter((e) => e.type === "deploy_locked" || e.type === "deploy_unlocked").map((e) => e.type);
    expect(locked).toEqual(["deploy_locked", "deploy_unlocked"]);
  });

  it("tells each release a lifted lock held what ships it now: a GO one ships with /release ship, one not GO yet hears its decision", async () => {
    const { chat, say, advance } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("rel", "lock payments reason incident 7");
    await say("alice", "create payments 1.4.2 at in 30m");
    await say("alice", "create payments 1.4.3 at in 30m");
    for (const voter of ["carol", "dave"]) await say(voter, "vote R-1 go");
    await say("carol", "vote R-2 go");
    await advance(30 * MIN);
    expect([await state("R-1"), await state("R-2")]).toEqual(["held", "held"]);

    const unlocked = text(await say("rel", "unlock payments reason fixed"));
    // Named, with the command to type: no `<id>` to fill in, and no "once GO" for a release that is GO.
    expect(unlocked).toBe(
      "🔓 payments production is unlocked (fixed). R-1, R-2 were held by it. " +
        "R-1 is still on hold. Release manager: ship it now with `/release ship R-1`, or set a new T-0 with `/release schedule R-1 <time>`. " +
        "R-2 is still on hold and not GO yet. Decision: Pending: 1 of 2 GO. Release manager: set a new T-0 with `/release schedule R-2 <time>`, or `/release ship R-2` once GO.",
    );
    await advance(0);
    expect(chat.noticeTexts("R-1").at(-1)).toBe("🔓 payments production is unlocked by rel (fixed). R-1 is still on hold. Release manager: ship it now with `/release ship R-1`, or set a new T-0 with `/release schedule R-1 <time>`.");
    expect(chat.noticeTexts("R-2").at(-1)).toBe(
      "🔓 payments production is unlocked by rel (fixed). R-2 is still on hold and not GO yet. Decision: Pending: 1 of 2 GO. Release manager: set a new T-0 with `/release schedule R-2 <time>`, or `/release ship R-2` once GO.",
    );
  });

  it("warns of a lock when a release is scheduled or rescheduled, as create does", async () => {
    const { say, advance } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("alice", "create payments 1.4.2");
    await say("alice", "create payments 1.4.3 at in 10m");
    await say("rel", "lock payments reason incident 7");
    const warning = "🔒 payments production is locked by rel: incident 7. It cannot ship until a release-manager or an admin lifts it with `/release unlock payments production reason <text>`.";
    expect(text(await say("alice", "schedule R-1 in 1h"))).toContain(`R-1 scheduled for Tue 15 Jan 2030 10:00 (UTC) (in 1h). Reminders at T-15m, T-5m, T-0. ${warning}`);
    await advance(10 * MIN);
    expect(await state("R-2")).toBe("held");
    expect(text(await say("alice", "reschedule R-2 in 2h"))).toContain(`The countdown runs again. ${warning}`);
    await say("rel", "unlock payments reason fixed");
    expect(text(await say("alice", "reschedule R-2 in 3h"))).not.toContain("locked");
  });

  it("locks and unlocks by hand, and lists locks", async () => {
    const { say } = await setup(utc(2030, 1, 15, 9), "UTC");
    expect(await say("alice", "lock payments reason incident")).toMatchObject({ error: true, text: expect.stringContaining("Only release-managers and admins may lock or unlock deploys") });
    expect(text(await say("rel", "lock payments staging reason incident 7"))).toContain("payments staging is locked");
    expect(text(await say("bob", "locks"))).toContain("🔒 payments staging is locked by rel: incident 7 (locked now)");
    core.clock.advance(26 * 3_600_000 + 5 * 60_000);
    // A forgotten lock shows its age.
    expect(text(await say("bob", "locks"))).toContain("🔒 payments staging is locked by rel: incident 7 (locked 1d 2h ago)");
    await say("alice", "create payments 1.5.0 env staging");
    await say("carol", "vote R-1 go");
    await say("dave", "vote R-1 go");
    expect(await say("alice", "ship R-1")).toMatchObject({ error: true, text: expect.stringContaining("payments staging is locked by rel: incident 7") });
    // Without an environment the unlock means production: the refusal names the lock the person most likely meant.
    expect(await say("rel", "unlock payments reason done")).toMatchObject({ error: true, text: "payments production is not locked. Locked for payments: `/release unlock payments staging reason <text>`." });
    await say("rel", "unlock payments staging reason done");
    expect(await say("alice", "ship R-1")).toMatchObject({ error: false });
    // Once lifted, anyone asking to lift it hears that it is not locked, not who may lift locks.
    expect(await say("alice", "unlock payments staging reason done")).toMatchObject({ error: true, text: expect.stringContaining("payments staging is not locked") });
  });

  it("warns when a lock names a service or environment no release uses: it would hold nothing", async () => {
    const { say } = await setup(utc(2030, 1, 15, 9), "UTC");
    expect(text(await say("rel", "lock paymnts reason incident 8"))).toContain("⚠️ No release of paymnts is known yet: check the spelling");
    await say("alice", "create payments 1.5.0");
    await say("alice", "create payments 1.5.1 env staging");
    expect(text(await say("rel", "lock payments prod reason incident 8"))).toContain("⚠️ Releases of payments go to production, staging, not prod: this lock holds none of them");
    expect(text(await say("rel", "lock payments reason incident 8"))).not.toContain("⚠️");
    // The list says what holds a release back, not only its votes.
    expect(text(await say("bob", "list"))).toContain("• R-1 payments 1.5.0 → production · Voting · Pending · 🔒 locked");
  });

  it("treats service and environment names in any case as one: a lock on payments holds PAYMENTS in Production", async () => {
    const { say } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("rel", "lock payments reason incident 9");
    expect(text(await say("alice", "create PAYMENTS 9.9.9 env Production"))).toContain("Created R-1: payments 9.9.9 → production");
    await say("carol", "vote R-1 go");
    await say("dave", "vote R-1 go");
    expect(await say("alice", "ship R-1")).toMatchObject({ error: true, text: expect.stringContaining("payments production is locked by rel: incident 9") });
    expect(await state("R-1")).toBe("voting");
    expect(text(await say("rel", "unlock Payments PRODUCTION reason fixed"))).toContain("unlocked");
  });
});

describe("stats", () => {
  it("counts releases held by a freeze and by a lock, and overrides used", async () => {
    const { say, advance } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("rel", "freeze add now until in 2h reason incident");
    await say("alice", "create payments 1.4.2 at in 30m");
    await say("alice", "create search 2.0.0");
    await say("rel", "lock billing reason migration");
    await say("alice", "create billing 3.0.0 at in 30m");
    for (const id of ["R-1", "R-2", "R-3"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await say("rel", "ship R-2 override urgent fix");
    await advance(30 * MIN);
    const stats = text(await say("bob", "stats"));
    expect(stats).toContain("• Guardrails: 1 held by a freeze · 1 held by a lock · none held by failed criteria · 1 freeze override");
  });
});

describe("a freeze override on a queued release", () => {
  it("keeps the override when the release's turn comes inside the freeze", async () => {
    const { say, advance } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("alice", "create payments 1.4.2");
    await say("bob", "create payments 1.4.3");
    for (const id of ["R-1", "R-2"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await say("alice", "ship R-1");
    await say("rel", "freeze add now until in 3h reason incident");
    expect(text(await say("rel", "ship R-2 override the fix for the incident"))).toContain("queued behind R-1");
    await say("alice", "shipped R-1");
    await advance(0);
    expect(await state("R-2")).toBe("shipping");
    expect(await auditTypes("R-2")).not.toContain("held_by_freeze");
  });
});

describe("an overridden freeze at the release's own T-0", () => {
  it("keeps a release shipped by hand with an override queued when its T-0 comes inside the freeze, and ships it at its turn", async () => {
    const { say, advance } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("alice", "create payments 1.4.2");
    await say("bob", "create payments 1.4.3 at in 5m");
    for (const id of ["R-1", "R-2"]) for (const voter of ["carol", "dave"]) await say(voter, `vote ${id} go`);
    await say("alice", "ship R-1");
    await say("rel", "freeze add now until in 3h reason incident");
    expect(text(await say("rel", "ship R-2 override the fix for the incident"))).toContain("queued behind R-1");
    await advance(5 * MIN); // R-2's T-0, inside the freeze, R-1 still shipping
    expect(await state("R-2")).toBe("voting");
    expect(await auditTypes("R-2")).not.toContain("held_by_freeze");
    await say("alice", "shipped R-1");
    await advance(0);
    expect(await state("R-2")).toBe("shipping");
  });
});

describe("holds at T-0 by a guardrail", () => {
  it("offer the override only to a GO release; one that is not GO is told that first", async () => {
    const { chat, say, advance } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("rel", "freeze add now until 2030-01-15 18:00 reason demo day");
    await say("alice", "create payments 1.4.2 at 2030-01-15 10:00");
    await say("alice", "create search 2.0.0 at 2030-01-15 10:00");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-2 go");
    await advance(60 * MIN);
    const held = (id: string) => chat.noticeTexts(id).find((t) => t.startsWith("⛔ T-0")) ?? "";
    expect(held("R-1")).toContain("is held, not shipped: in freeze 'demo day' until Tue 15 Jan 18:00 (UTC). It is not GO either. Decision: Pending: 0 of 2 GO. Once it is GO, reschedule it after the freeze, or an admin or release-manager can `/release ship R-1 override <reason>`.");
    expect(held("R-2")).toContain("is held, not shipped: in freeze 'demo day' until Tue 15 Jan 18:00 (UTC). Reschedule it after the freeze, or an admin or release-manager can `/release ship R-2 override <reason>`.");
  });
});

describe("reminders before a release a guardrail will hold", () => {
  const reminder = (texts: string[], label: string) => texts.find((t) => t.startsWith(`⏰ ${label}:`)) ?? "";

  it("say a freeze that starts before T-0 will hold even a GO release", async () => {
    const { chat, say, advance } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("rel", "freeze add 2030-01-15 10:30 until 2030-01-15 12:00 reason demo day");
    await say("alice", "create payments 1.4.2 at 2030-01-15 11:00");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    // T-1h is at 10:00, before the freeze starts: the reminder looks ahead to T-0.
    await advance(60 * MIN);
    expect(reminder(chat.noticeTexts("R-1"), "T-1h")).toContain("Decision: GO. As things stand, T-0 holds it: in freeze 'demo day' until Tue 15 Jan 12:00 (UTC).");
  });

  it("say a lock will hold a GO release, and the last one calls the release manager; a queued one says whom it waits for", async () => {
    const { chat, say, advance } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("rel", "lock payments reason incident 7");
    await say("alice", "create payments 1.4.2 at in 1h 10m");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    await advance(10 * MIN);
    const t1h = chat.notices.find((n) => n.notice.text.startsWith("⏰ T-1h"))!.notice;
    expect(t1h.text).toContain("Decision: GO. As things stand, T-0 holds it: payments production is locked by rel: incident 7.");
    expect(t1h.mention).toEqual([]);
    await advance(55 * MIN);
    const t5m = chat.notices.find((n) => n.notice.text.startsWith("⏰ T-5m"))!.notice;
    // The way out of a lock is lifting it, not more time.
    expect(t5m.text).toContain("payments production is locked by rel: incident 7. Release manager: it ships at T-0 once the lock is lifted (`/release unlock payments production reason <text>`), or move T-0 with `/release schedule R-1 <time>`.");
    expect(t5m.mention).toEqual(["terminal:alice"]);

    await say("rel", "unlock payments reason fixed");
    await say("alice", "create search 1.0.0");
    await say("alice", "create search 1.0.1 at in 1h 10m");
    for (const id of ["R-2", "R-3"]) for (const voter of ["bob", "carol"]) await say(voter, `vote ${id} go`);
    await say("alice", "ship R-2");
    await advance(10 * MIN);
    expect(reminder(chat.noticeTexts("R-3"), "T-1h")).toMatch(/Decision: GO\. At T-0 it waits its turn behind R-2\.$/);
  });

  it("do not promise that lifting a lock or moving past a freeze ships a release that is not GO: the last one says it needs GO too", async () => {
    const { chat, say, advance } = await setup(utc(2030, 1, 15, 9), "UTC");
    await say("rel", "lock payments reason incident 7");
    await say("rel", "freeze add 2030-01-15 10:00 until 2030-01-15 12:00 reason demo day");
    await say("alice", "create payments 1.4.2 at 2030-01-15 09:30");
    await say("alice", "create search 2.0.0 at 2030-01-15 10:30");
    await say("bob", "vote R-1 go");
    await say("bob", "vote R-2 go");
    await advance(25 * MIN);
    const locked = reminder(chat.noticeTexts("R-1"), "T-5m");
    expect(locked).toContain("Decision: Pending: 1 of 2 GO. As things stand, T-0 holds it: payments production is locked by rel: incident 7.");
    expect(locked).not.toContain("it ships at T-0 once the lock is lifted");
    expect(locked).toContain("It is not GO either. Release manager: it ships at T-0 only once it is GO and the lock is lifted (`/release unlock payments production reason <text>`), or move T-0 with `/release schedule R-1 <time>`.");
    await advance(60 * MIN);
    const frozen = reminder(chat.noticeTexts("R-2"), "T-5m");
    expect(frozen).toContain("As things stand, T-0 holds it: in freeze 'demo day' until Tue 15 Jan 12:00 (UTC). It is not GO either. Release manager: once it is GO, move T-0 past the freeze with `/release schedule R-2 <time>`, or a release-manager ships it anyway with `/release ship R-2 override <reason>`.");
  });
});
