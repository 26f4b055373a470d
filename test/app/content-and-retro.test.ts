import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { createRecordingSurface } from "../../fakes/recording-surface.js";

const HOUR = 3_600_000;
let core: TestCore;
afterEach(async () => core?.close());

function setup() {
  core = createTestCore();
  const chat = createRecordingSurface();
  core.bot.attachSurface(chat.surface);
  const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
  return { chat, say };
}

describe("changing what ships", () => {
  it("voids the current votes when the version changes and says so on the card and in the thread", async () => {
    const { chat, say } = setup();
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    const r = await say("alice", "update R-1 version 1.4.3");
    expect(r.type === "message" && r.text).toContain("2 votes were cleared");
    await core.bot.idle();
    const card = chat.latestCard("R-1")!;
    expect(card.title).toBe("payments 1.4.3 → production");
    expect(card.tally.go).toBe(0);
    expect(card.decisionLine).toBe("Pending: 0 of 2 GO");
    expect(card.notes.join(" ")).toContain("Votes cleared: version changed from 1.4.2 to 1.4.3 by alice");
    expect(chat.notices.at(-1)?.notice.mention).toEqual(["terminal:bob", "terminal:carol"]);
    expect((await core.store.listAudit("R-1")).at(-1)?.data).toMatchObject({ field: "version", before: "1.4.2", after: "1.4.3" });
  });

  it("counts one voided vote in the singular, in the reply and in the thread", async () => {
    const { chat, say } = setup();
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    const r = await say("alice", "update R-1 version 1.4.3");
    expect(r.type === "message" && r.text).toContain("1 vote was cleared and the voters are asked to vote again.");
    await core.bot.idle();
    expect(chat.noticeTexts("R-1").at(-1)).toContain("1 vote was cleared; please vote again.");
  });

  it("refuses a no-go form opened before the version changed, and hands its reason back", async () => {
    const { say } = setup();
    await say("alice", "create payments 1.4.2");
    const press = (who: string) => core.bot.handle({ kind: "button", actor: person(who), channel, releaseId: "R-1", action: "no_go" });
    const opened = await press("bob");
    if (opened.type !== "form") throw new Error("no form");
    await say("alice", "update R-1 version 1.4.3");
    const submit = (tag: string | undefined) => core.bot.handle({ kind: "form", actor: person("bob"), channel, form: "no_go", releaseId: "R-1", values: { reason: "1.4.2 leaks memory" }, tag: tag ?? null });
    const stale = await submit(opened.form.tag);
    expect(stale).toMatchObject({ error: true, text: expect.stringContaining("R-1 changed while this form was open (it is payments 1.4.3 now") });
    expect(stale.type === "message" && stale.text).toContain("your no-go (“1.4.2 leaks memory”) was not recorded");
    expect(await core.store.getVotes("R-1")).toEqual([]);
    // A form opened on the new version counts.
    const fresh = await press("bob");
    expect(await submit(fresh.type === "form" ? fresh.form.tag : "none")).toMatchObject({ text: expect.stringContaining("Your NO-GO on R-1 is in") });
  });

  it("points a reschedule or an update of a cancelled or finished release at creating it again, with the command", async () => {
    const { say } = setup();
    await say("alice", "create payments 1.4.2 env staging at in 2h");
    await say("alice", "cancel R-1 wrong day");
    const text = (r: Awaited<ReturnType<typeof say>>) => (r.type === "message" ? r.text : r.type);
    const schedule = await say("alice", "schedule R-1 in 3h");
    expect(schedule).toMatchObject({ error: true });
    expect(text(schedule)).toBe("R-1 is cancelled, so it cannot be rescheduled. Nothing more can happen to it. To ship payments 1.4.2 after all, create it again: `/release create payments 1.4.2 env staging at <time>`.");
    const update = await say("alice", "update R-1 version 1.4.3");
    expect(text(update)).toBe("R-1 is cancelled; its content can no longer change. Create a new release instead: `/release create payments 1.4.3 env staging at <time>`.");
    // A release that shipped moves on by a new release too.
    await say("alice", "create search 2.0.0");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-2 go");
    await say("alice", "ship R-2");
    expect(text(await say("alice", "update R-2 version 2.0.1"))).toBe("R-2 is shipping; its content can no longer change. Create a new release instead: `/release create search 2.0.1 at <time>`.");
    // Still possible steps are named as before: a shipping release is not told to create it again.
    expect(text(await say("alice", "schedule R-2 in 1h"))).not.toContain("/release create");
  });

  it("lets only the manager or an admin change the release", async () => {
    const { say } = setup();
    await say("alice", "create payments 1.4.2");
    const r = await say("bob", "update R-1 version 9.9.9");
    expect(r).toMatchObject({ error: true, text: expect.stringContaining("Only alice (the release manager of R-1)") });
    expect((await core.store.getRelease("R-1"))?.version).toBe("1.4.2");
  });
});

describe("retrospective", () => {
  it("opens a day after shipping, keeps every answer, and closes with a summary a week later", async () => {
    const { chat, say } = setup();
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "shipped R-1");
    const early = await core.bot.handle({ kind: "button", actor: person("bob"), channel, releaseId: "R-1", action: "go" });
    expect(early).toMatchObject({ error: true, text: expect.stringContaining("voting is closed") });

    core.clock.advance(24 * HOUR);
    await core.bot.runDueJobs();
    await core.bot.idle();
    const prompt = chat.notices.at(-1)!.notice;
    expect(prompt.text).toContain("Retro for R-1");
    expect(prompt.buttons.map((b) => b.action)).toEqual(["retro"]);
    expect(chat.latestCard("R-1")!.buttons.map((b) => b.label)).toContain("Add retro notes");

    const form = await core.bot.handle({ kind: "button", actor: person("bob"), channel, releaseId: "R-1", action: "retro" });
    expect(form.type === "form" && form.form.fields.map((f) => f.key)).toEqual(["went_well", "went_badly", "action_items"]);
    const blank = await core.bot.handle({ kind: "form", actor: person("bob"), channel, form: "retro", releaseId: "R-1", values: {} });
    expect(blank.type).toBe("form_errors");
    await core.bot.handle({ kind: "form", actor: person("bob"), channel, form: "retro", releaseId: "R-1", values: { went_well: "fast vote", went_badly: "", action_items: "@dana add canary alerts" } });
    const carols = { went_well: "", went_badly: "late QA", action_items: "@erin add a QA slot to the plan\n@carol write the runbook" };
    await core.bot.handle({ kind: "form", actor: person("carol"), channel, form: "retro", releaseId: "R-1", values: carols });
    // The same form sent twice (a double click) is kept once.
    const twice = await core.bot.handle({ kind: "form", actor: person("carol"), channel, form: "retro", releaseId: "R-1", values: carols });
    expect(twice.type === "message" && twice.text).toContain("You already added exactly these notes");
    expect((await core.store.listRetroAnswers("R-1"))).toHaveLength(2);
    // While the retro is open, the timeline is where the team reads the notes.
    const timeline = await core.bot.handle({ kind: "command", actor: person("dave"), channel, text: "audit R-1" });
    expect(timeline.type === "message" && timeline.text).toContain("bob added retro notes (went well: fast vote · action items: @dana add canary alerts)");
    expect(timeline.type === "message" && timeline.text).toContain("carol added retro notes (did not: late QA · action items: @erin add a QA slot to the plan @carol write the runbook)");

    core.clock.advance(7 * 24 * HOUR);
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect((await core.store.getRelease("R-1"))?.state).toBe("closed");
    const summary = chat.noticeTexts("R-1").at(-1)!;
    expect(summary).toContain("2 answers");
    expect(summary).toContain("bob: fast vote");
    expect(summary).toContain("carol: late QA");
    expect(summary).toContain("bob: @dana add canary alerts");
    // One action item per line, each its own bullet.
    expect(summary).toContain("• carol: @erin add a QA slot to the plan\n  • carol: @carol write the runbook");
    const card = chat.latestCard("R-1")!;
    expect(card.buttons).toEqual([]);
    expect(card.resolved).toBe(true);
    // Asking for the retro afterwards answers with its summary, not a pointer to somewhere else.
    const late = await core.bot.handle({ kind: "command", actor: person("bob"), channel, text: "retro R-1" });
    expect(late).toMatchObject({ error: true, text: expect.stringContaining("The retro of R-1 is closed; no more notes can be added or edited.") });
    expect(late.type === "message" && late.groups?.groups.flatMap((g) => g.items)).toContain("carol: late QA");
  });
});

describe("retrospective of a release rolled back while its retro was open", () => {
  it("stays open a whole window once the service is restored, when the window ended during the rollback, then closes with its summary", async () => {
    const { chat, say } = setup();
    await say("alice", "create payments 1.4.2");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "shipped R-1");
    core.clock.advance(24 * HOUR);
    await core.bot.runDueJobs();
    await core.bot.handle({ kind: "form", actor: person("bob"), channel, form: "retro", releaseId: "R-1", values: { went_well: "fast vote", went_badly: "", action_items: "" } });
    await say("alice", "rollback R-1 error rate 5x");
    // The retro's window ends while it is still rolling back: nothing can close yet.
    core.clock.advance(8 * 24 * HOUR);
    await core.bot.runDueJobs();
    expect((await core.store.getRelease("R-1"))?.state).toBe("rolling_back");

    await say("alice", "recovered R-1");
    await core.bot.runDueJobs();
    await core.bot.idle();
    // Closing now would leave the rollback out of the retro: it gets a window of its own.
    expect((await core.store.getRelease("R-1"))?.state).toBe("rolled_back");
    core.clock.advance(7 * 24 * HOUR);
    await core.bot.runDueJobs();
    await core.bot.idle();
    expect((await core.store.getRelease("R-1"))?.state).toBe("closed");
    expect(chat.noticeTexts("R-1").at(-1)).toContain("bob: fast vote");
  });
});

describe("internal errors", () => {
  it("apologise with an error id, change nothing, and log the context", async () => {
    const { say } = setup();
    await say("alice", "create payments 1.4.2");
    // The disk fails under the vote's transaction, after the use case has started writing.
    const transaction = core.store.transaction.bind(core.store);
    // The handle's methods live on its prototype: derive from it rather than spread it.
    core.store.transaction = (fn, claim) => transaction((tx) => fn(Object.assign(Object.create(tx) as typeof tx, { upsertVote: () => Promise.reject(new Error("disk on fire")) })), claim);
    const r = await say("bob", "vote R-1 go");
    core.store.transaction = transaction;
    expect(r).toMatchObject({ type: "message", error: true, text: expect.stringMatching(/error id [0-9a-f]{8}/) });
    expect((await core.store.listAudit("R-1")).filter((e) => e.type === "vote_cast")).toHaveLength(0);
    expect(core.logs.find((l) => l.level === "error")?.obj.err).toContain("disk on fire");
  });
});

describe("hold and cancel by hand", () => {
  it("name who did it once, and the reason only when one was given", async () => {
    const { chat, say: sayReply } = setup();
    const say = async (who: string, text: string) => {
      const r = await sayReply(who, text);
      return r.type === "message" ? r.text : "";
    };
    await say("alice", "create payments 1.4.2 at in 2h");
    await say("alice", "create payments 1.4.3 at in 3h");
    await say("alice", "hold R-1");
    await say("alice", "cancel R-2 superseded by 1.4.4");
    await core.bot.idle();
    expect(chat.noticeTexts("R-1")).toEqual(["✋ R-1 is on hold (alice)."]);
    expect(chat.noticeTexts("R-2")).toEqual(["🛑 R-2 was cancelled by alice: superseded by 1.4.4"]);
    // Its own manager cancelled it: nobody is called. Cancelled by an admin, its manager hears of it.
    expect(chat.notices.find((n) => n.notice.releaseId === "R-2")?.notice.mention).toEqual([]);
    await say("alice", "create payments 1.4.5 at in 4h");
    await say("admin", "cancel R-3 wrong branch");
    await core.bot.idle();
    expect(chat.notices.find((n) => n.notice.releaseId === "R-3")?.notice.mention).toEqual([person("alice").id]);
    // The card still says who held it: it has no other line naming them.
    expect(chat.latestCard("R-1")?.notes).toContain("On hold: held by alice");
    expect(await say("dave", "audit R-1")).toMatch(/alice moved it from Voting to On hold\n/);
    expect(await say("dave", "audit R-2")).toContain("alice moved it from Voting to Cancelled: superseded by 1.4.4");
  });
});
