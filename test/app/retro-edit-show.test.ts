import { afterEach, describe, expect, it } from "vitest";
import type { Reply } from "../../src/app/views.js";
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
  const press = (who: string) => core.bot.handle({ kind: "button", actor: person(who), channel, releaseId: "R-1", action: "retro" });
  const submit = (who: string, values: Record<string, string>) => core.bot.handle({ kind: "form", actor: person(who), channel, form: "retro", releaseId: "R-1", values });
  return { chat, say, press, submit };
}

/** R-1 shipped a day ago: its retro is open. */
async function shippedWithRetroOpen(say: (who: string, text: string) => Promise<Reply>) {
  await say("alice", "create payments 1.4.2");
  for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
  await say("alice", "ship R-1");
  await say("alice", "shipped R-1");
  core.clock.advance(24 * HOUR);
  await core.bot.runDueJobs();
}

const text = (r: Reply) => (r.type === "message" ? r.text : r.type === "form_errors" ? r.text : `(a form: ${r.form.title})`);
const initials = (r: Reply) => (r.type === "form" ? Object.fromEntries(r.form.fields.map((f) => [f.key, f.initial])) : null);

describe("editing your retro answer", () => {
  it("opens the form again with your own earlier answer filled in, and saving replaces it instead of adding a second", async () => {
    const { chat, say, press, submit } = setup();
    await shippedWithRetroOpen(say);
    expect(text(await submit("bob", { went_well: "fast vote", went_badly: "", action_items: "@dana add canary alerts" }))).toContain("your retro notes for R-1 are saved; open the form again to edit them");
    await submit("carol", { went_well: "", went_badly: "late QA", action_items: "" });

    // The button and the command both give bob his own answer back; carol gets hers, never bob's.
    for (const again of [await press("bob"), await say("bob", "retro R-1")]) {
      expect(again).toMatchObject({ type: "form", form: { title: "Edit your retro: R-1", submitLabel: "Save changes" } });
      expect(initials(again)).toEqual({ went_well: "fast vote", went_badly: undefined, action_items: "@dana add canary alerts" });
    }
    expect(initials(await press("carol"))).toEqual({ went_well: undefined, went_badly: "late QA", action_items: undefined });
    expect(initials(await press("dave"))).toEqual({ went_well: undefined, went_badly: undefined, action_items: undefined });

    const edited = await submit("bob", { went_well: "fast vote", went_badly: "the canary was skipped", action_items: "@dana add canary alerts\n@bob make the canary mandatory" });
    expect(text(edited)).toContain("Thanks bob, your retro notes for R-1 are updated: they replace the ones you saved before.");
    expect((await core.store.listRetroAnswers("R-1")).map((a) => [a.authorName, a.wentBadly])).toEqual([
      ["bob", "the canary was skipped"],
      ["carol", "late QA"],
    ]);
    await core.bot.idle();
    expect(chat.latestCard("R-1")!.notes).toContain("Retro: 2 answers, 1 with action items (open until Wed 23 Jan 2030 09:00 (UTC))");

    // The trail keeps the first answer as it was and records the edit as a new event.
    const trail = (await core.store.listAudit("R-1")).filter((e) => e.type.startsWith("retro_answer"));
    expect(trail.map((e) => [e.type, e.actor])).toEqual([
      ["retro_answer", "terminal:bob"],
      ["retro_answer", "terminal:carol"],
      ["retro_answer_changed", "terminal:bob"],
    ]);
    expect(trail[0]!.data).toMatchObject({ wentWell: "fast vote", wentBadly: "", actionItems: "@dana add canary alerts" });
    expect(trail[2]!.data).toMatchObject({
      before: { wentWell: "fast vote", wentBadly: "", actionItems: "@dana add canary alerts" },
      after: { wentWell: "fast vote", wentBadly: "the canary was skipped", actionItems: "@dana add canary alerts\n@bob make the canary mandatory" },
    });
    expect(await core.store.verifyAudit()).toMatchObject({ ok: true });
    expect(text(await say("dave", "audit R-1"))).toContain("bob edited their retro notes, now (went well: fast vote · did not: the canary was skipped · action items: @dana add canary alerts @bob make the canary mandatory)");
  });

  it("writes nothing when the form comes back unchanged, and withdraws the answer when its author empties every box", async () => {
    const { chat, say, submit } = setup();
    await shippedWithRetroOpen(say);
    // An empty first answer is no answer.
    expect(await submit("carol", { went_well: "", went_badly: "", action_items: "" })).toMatchObject({ type: "form_errors", errors: { went_well: "Write at least one answer." } });
    const answer = { went_well: "fast vote", went_badly: "", action_items: "" };
    await submit("bob", answer);
    expect(text(await submit("bob", answer))).toContain("You already added exactly these notes to the retro of R-1");
    await submit("carol", { went_well: "", went_badly: "late QA", action_items: "" });

    const emptied = await submit("bob", { went_well: "", went_badly: "", action_items: "" });
    expect(text(emptied)).toContain("bob, your retro notes for R-1 are withdrawn: the retro no longer shows them (the audit trail keeps what they said).");
    expect((await core.store.listRetroAnswers("R-1")).map((a) => a.authorName)).toEqual(["carol"]);
    expect(text(await say("dave", "retro R-1 show"))).not.toContain("fast vote");
    await core.bot.idle();
    expect(chat.latestCard("R-1")?.notes.join("\n")).toContain("Retro: 1 answer, 0 with action items");
    expect(text(await say("dave", "audit R-1"))).toContain("bob withdrew their retro notes (went well: fast vote)");
    expect(await core.store.verifyAudit()).toMatchObject({ ok: true });
  });

  it("keeps the whole of an earlier answer longer than its box (joined from several) when the edit leaves that box alone", async () => {
    const { say, press, submit } = setup();
    await shippedWithRetroOpen(say);
    // Three answers from before answers were one per person, joined by the migration: longer than a box holds.
    const joined = ["a".repeat(600), "b".repeat(600), "the last line matters"].join("\n");
    await core.store.putRetroAnswer({ releaseId: "R-1", author: "terminal:bob", authorName: "bob", wentWell: joined, wentBadly: "", actionItems: "", at: core.clock.now() });

    const form = await press("bob");
    expect(form.type === "form" && form.form.context).toContain('Your earlier "What went well" is longer than a box holds, so only the first 1000 characters show: leave that box as it is to keep all of it.');
    const shown = initials(form)!;
    expect(shown.went_well).toHaveLength(1000);

    // bob adds what went badly and sends the first box back as the form filled it in.
    expect(text(await submit("bob", { went_well: shown.went_well!, went_badly: "late QA", action_items: "" }))).toContain("are updated");
    const [answer] = await core.store.listRetroAnswers("R-1");
    expect(answer).toMatchObject({ wentWell: joined, wentBadly: "late QA" });
  });

  it("refuses notes where a release has no retro, saying why and what to do instead", async () => {
    const { say, press, submit } = setup();
    await say("alice", "create payments 1.4.2");
    expect(await press("bob")).toMatchObject({ error: true, text: "R-1 has no retro yet: it opens after the release is shipped or rolled back." });
    expect(await submit("bob", { went_well: "x" })).toMatchObject({ error: true, text: "R-1 has no retro yet: it opens after the release is shipped or rolled back." });
    await say("alice", "cancel R-1 wrong branch");
    expect(await say("bob", "retro R-1")).toMatchObject({ error: true, text: "R-1 was cancelled, so it has no retro." });
    expect(await say("bob", "retro R-1 show")).toMatchObject({ error: true, text: "R-1 was cancelled, so it has no retro." });
  });

  it("refuses a form sent after the retro closed, points to what it collected, and hands back what was written", async () => {
    const { say, press, submit } = setup();
    await shippedWithRetroOpen(say);
    await submit("bob", { went_well: "fast vote" });
    const form = await press("bob");
    expect(form.type).toBe("form");
    core.clock.advance(7 * 24 * HOUR);
    await core.bot.runDueJobs();
    const late = await submit("bob", { went_well: "fast vote, on second thoughts slow" });
    // The modal is gone once it answers: what was typed in it would be lost with it.
    expect(late).toMatchObject({
      error: true,
      text: "The retro of R-1 is closed; your notes were not saved. `/release retro R-1 show` shows what it collected. What you wrote, to keep:\nWhat went well: fast vote, on second thoughts slow",
    });
    expect((await core.store.listRetroAnswers("R-1")).map((a) => a.wentWell)).toEqual(["fast vote"]);
    // Three full boxes still fit one Discord message (2,000 characters): each is cut short past 500.
    const long = await submit("carol", { went_well: "w".repeat(1000), went_badly: "b".repeat(1000), action_items: "a".repeat(1000) });
    expect(text(long).length).toBeLessThan(2000);
    expect(text(long)).toContain(`Action items: ${"a".repeat(499)}…`);
  });

  it("lets the notes be edited while the release rolls back during its retro, and says when a rollback keeps it from opening", async () => {
    const { say, submit } = setup();
    await shippedWithRetroOpen(say);
    await submit("bob", { went_well: "fast vote" });
    await say("alice", "rollback R-1 error rate 5x");
    expect(await say("bob", "retro R-1")).toMatchObject({ type: "form", form: { title: "Edit your retro: R-1" } });
    expect(text(await submit("bob", { went_well: "fast vote", went_badly: "error rate 5x" }))).toContain("are updated");

    await say("alice", "create search 2.0.0");
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-2 go");
    await say("alice", "ship R-2");
    await say("alice", "shipped R-2");
    await say("alice", "rollback R-2 latency");
    expect(await say("bob", "retro R-2")).toMatchObject({ error: true, text: "R-2 is rolling back; its retro opens once the service is restored (`/release recovered R-2`)." });
  });
});

describe("reading the retro in chat", () => {
  it("shows everyone's answers grouped by question, with who wrote each, only to the person who asked", async () => {
    const { chat, say, submit } = setup();
    await shippedWithRetroOpen(say);
    await submit("bob", { went_well: "fast vote", went_badly: "", action_items: "@dana add canary alerts" });
    await submit("carol", { went_well: "calm rollout", went_badly: "late QA", action_items: "@erin add a QA slot\n@carol write the runbook" });
    await core.bot.idle();
    const notices = chat.notices.length;

    const shown = await say("dave", "retro R-1 show");
    expect(shown).toMatchObject({ type: "message", error: false });
    expect(text(shown)).toBe("📝 Retro of R-1 (payments 1.4.2 → production), open (closes in 7d); add or edit yours with `/release retro R-1`. 2 answers, from bob and carol:");
    expect(shown.type === "message" && shown.groups?.groups).toEqual([
      { title: "What went well", items: ["bob: fast vote", "carol: calm rollout"] },
      { title: "What did not go well", items: ["carol: late QA"] },
      { title: "Action items", items: ["bob: @dana add canary alerts", "carol: @erin add a QA slot", "carol: @carol write the runbook"] },
    ]);
    // A private answer: nothing goes to the channel, and nothing is written.
    await core.bot.idle();
    expect(chat.notices).toHaveLength(notices);
    expect((await core.store.listAudit("R-1")).filter((e) => e.actor === "terminal:dave")).toEqual([]);

    // An edit shows in place of the answer it replaced.
    await submit("bob", { went_well: "fast vote", went_badly: "", action_items: "" });
    const after = await say("dave", "retro show R-1");
    expect(after.type === "message" && after.groups?.groups.at(-1)?.items).toEqual(["carol: @erin add a QA slot", "carol: @carol write the runbook"]);
  });

  it("says there are no answers yet and how to add one, before and after the retro opens", async () => {
    const { say } = setup();
    await say("alice", "create payments 1.4.2");
    expect(await say("bob", "retro R-1 show")).toMatchObject({ error: true, text: "R-1 has no retro yet: it opens after the release is shipped or rolled back." });
    for (const voter of ["bob", "carol"]) await say(voter, "vote R-1 go");
    await say("alice", "ship R-1");
    await say("alice", "shipped R-1");
    expect(await say("bob", "retro R-1 show")).toMatchObject({
      error: false,
      text: "No retro answers for R-1 yet: its retro is not open (it opens in 1d). `/release retro R-1` opens it now and lets you add yours.",
    });
    // Asking to read it does not open it.
    expect((await core.store.getRelease("R-1"))?.retroOpenedAt).toBeNull();
    core.clock.advance(24 * HOUR);
    await core.bot.runDueJobs();
    expect(await say("bob", "retro R-1 show")).toMatchObject({
      error: false,
      text: "No retro answers for R-1 yet (the retro closes in 7d). Add yours with `/release retro R-1` or the card's Add retro notes button.",
    });
    core.clock.advance(7 * 24 * HOUR);
    await core.bot.runDueJobs();
    expect(await say("bob", "retro R-1 show")).toMatchObject({ error: false, text: "The retro of R-1 closed with no answers." });
  });

  it("reads a closed retro the same way, and answers a request for its form with it", async () => {
    const { say, submit } = setup();
    await shippedWithRetroOpen(say);
    await submit("bob", { went_well: "fast vote" });
    core.clock.advance(7 * 24 * HOUR);
    await core.bot.runDueJobs();
    const shown = await say("dave", "retro R-1 show");
    expect(text(shown)).toBe("📝 Retro of R-1 (payments 1.4.2 → production), closed. 1 answer, from bob:");
    expect(shown.type === "message" && shown.groups?.groups).toEqual([{ title: "What went well", items: ["bob: fast vote"] }]);
  });
});
