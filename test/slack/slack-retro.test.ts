import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeCall } from "../../fakes/slack-api.js";
import { LIMITS } from "../../adapters/slack/block-kit.js";
import { actorOf, channelKey } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { CHANNEL, messageTs, startHarness, TEAM, visibleText, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** The release's own Slack channel, and a person of its workspace as the adapter hands them to the core (a retro form sent there). */
const channel: ChannelRef = { platform: "slack", key: channelKey({ platform: "slack", scope: TEAM, channel: CHANNEL }), nativeId: CHANNEL };
const person = (name: string): Actor => actorOf({ kind: "person", platform: "slack", scope: TEAM, user: `U${name.toUpperCase()}` }, name);

/** R-1 voted GO, shipped and a day on: its retro is open and its prompt is in the card's thread. */
async function retroOpen(): Promise<FakeCall> {
  expect((await h.slash("UMGR", "create payments 1.4.2 at in 2h env production")).status).toBe(200);
  const card = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === undefined && visibleText(c).includes("payments"));
  await h.press("UQA", card, "Go");
  await h.press("UDEV", card, "Go");
  await h.fake.waitFor("chat.update", (c) => c.params.ts === messageTs(card) && visibleText(c).includes("*GO* (2)"), 4000);
  await h.slash("UMGR", "ship R-1");
  await h.slash("UMGR", "shipped R-1");
  h.core.clock.advance(h.core.config.retroDelayMs + 1000);
  await h.core.bot.runDueJobs();
  return h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === messageTs(card) && visibleText(c).includes("Add retro notes"));
}

/** The initial value of each input of a modal Slack was asked to open, by action id. */
function initialValues(opened: FakeCall): Record<string, unknown> {
  const blocks = (opened.params.view as { blocks: Array<{ type: string; block_id?: string; element?: { initial_value?: string } }> }).blocks;
  return Object.fromEntries(blocks.filter((b) => b.type === "input").map((b): [string, string | undefined] => [b.block_id ?? "", b.element?.initial_value]));
}

describe("Slack: editing and reading the retro", () => {
  it("opens the retro modal again with your own notes filled in, and saving replaces them", async () => {
    const prompt = await retroOpen();
    await h.press("UQA", prompt, "Add retro notes");
    const first = await h.fake.waitFor("views.open");
    await h.submit("UQA", first, { went_well: "smooth canary", went_badly: "", action_items: "@mia automate smoke tests" });
    await h.fake.waitFor("chat.postEphemeral", (c) => c.params.user === "UQA" && visibleText(c).includes("retro notes for R-1 are saved"));

    expect((await h.slash("UQA", "retro R-1")).status).toBe(200);
    const again = await h.fake.waitFor("views.open", (c) => c !== first);
    expect(again.params.view).toMatchObject({ title: { text: "Edit your retro: R-1" }, submit: { text: "Save changes" } });
    expect(visibleText(again)).toContain("Your earlier answer is filled in; saving replaces it (empty every box to withdraw it).");
    expect(Object.values(initialValues(again))).toEqual(["smooth canary", undefined, "@mia automate smoke tests"]);
    await h.submit("UQA", again, { went_well: "smooth canary", went_badly: "slow approvals", action_items: "@mia automate smoke tests" });
    await h.fake.waitFor("chat.postEphemeral", (c) => c.params.user === "UQA" && visibleText(c).includes("are updated: they replace the ones you saved before"));
    expect((await h.core.store.listRetroAnswers("R-1")).map((a) => [a.author, a.wentBadly])).toEqual([["slack:T1:UQA", "slow approvals"]]);

    // Someone else pressing the same button gets an empty form, not UQA's notes.
    await h.press("UDEV", prompt, "Add retro notes");
    const theirs = await h.fake.waitFor("views.open", (c) => c !== first && c !== again);
    expect(Object.values(initialValues(theirs))).toEqual([undefined, undefined, undefined]);
  });

  it("gives back what a modal sent after the retro closed said, in the modal that answers it", async () => {
    const prompt = await retroOpen();
    await h.press("UQA", prompt, "Add retro notes");
    const opened = await h.fake.waitFor("views.open");
    h.core.clock.advance(h.core.config.retroWindowMs + 1000);
    await h.core.bot.runDueJobs();
    const late = await h.submit("UQA", opened, { went_well: "smooth canary", went_badly: "", action_items: "@mia automate smoke tests" });
    expect(late.body).toMatchObject({ response_action: "update", view: { title: { text: "Nothing changed" } } });
    const shown = JSON.stringify(late.body);
    expect(shown).toContain("The retro of R-1 is closed; your notes were not saved.");
    expect(shown).toContain("What went well: smooth canary\\nAction items: @mia automate smoke tests");
  });

  it("shows everyone's answers by question privately, and a long retro within one message, counting what is left out", async () => {
    await retroOpen();
    const res = await h.slash("UDEV", "retro R-1 show");
    expect(res.body).toMatchObject({ response_type: "ephemeral" });
    expect(visibleText({ params: res.body as Record<string, unknown> })).toContain("No retro answers for R-1 yet");

    // Thirty people, each with a long note under every question.
    const line = (what: string, i: number) => `${what} ${i}: ${"x".repeat(380)}`;
    for (let i = 1; i <= 30; i++) {
      await h.core.bot.handle({ kind: "form", actor: person(`p${i}`), channel, form: "retro", releaseId: "R-1", values: { went_well: line("well", i), went_badly: line("badly", i), action_items: line("@owner act", i) } });
    }
    const long = await h.slash("UDEV", "retro R-1 show");
    expect(long.body).toMatchObject({ response_type: "ephemeral" });
    const blocks = (long.body as { blocks: unknown[] }).blocks;
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(LIMITS.messageTextBudget);
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    const shown = visibleText({ params: long.body as Record<string, unknown> });
    expect(shown).toContain("30 answers, from p1, p2");
    // Every question keeps its heading and its first answers; the rest are counted, with where to read them all.
    for (const heading of ["*What went well*", "*What did not go well*", "*Action items*"]) expect(shown).toContain(heading);
    expect(shown).toContain("• p1: well 1: xxx");
    expect(shown).toContain("• p1: @owner act 1: xxx");
    expect(shown).toMatch(/…and \d+ more lines/);
    expect(shown).toContain("Not everything fits in one message. Read them all, whole, in a file");
    expect(shown).not.toContain("the rest did not fit in one Slack message");

    // Slack has no private files in a channel: the whole retro goes to the asker's direct messages.
    const exported = await h.slash("UDEV", "retro R-1 export");
    expect((exported.body as { text: string }).text).toContain("30 answers, every line whole, in gonogo-retro-R-1.md. The files (gonogo-retro-R-1.md) are on their way to your direct messages with gonogo.");
    const complete = await h.fake.waitFor("files.completeUploadExternal");
    expect(complete.params.channel_id).toBe("DDEV");
    expect(complete.params.initial_comment).toBe("Your gonogo export: gonogo-retro-R-1.md");
    const upload = h.fake.calls.filter((c) => c.method === "file_upload").map((c) => String(c.params.content)).at(-1);
    expect(upload).toContain(`- ${line("badly", 30)} (p30)`);
  });

  it("posts the closing summary in the thread within one message: every question's first answers, action items too, the rest counted", async () => {
    const prompt = await retroOpen();
    const line = (what: string, i: number) => `${what} ${i}: ${"x".repeat(380)}`;
    for (let i = 1; i <= 30; i++) {
      await h.core.bot.handle({ kind: "form", actor: person(`p${i}`), channel, form: "retro", releaseId: "R-1", values: { went_well: line("well", i), went_badly: line("badly", i), action_items: line("@owner act", i) } });
    }
    h.core.clock.advance(h.core.config.retroWindowMs + 1000);
    await h.core.bot.runDueJobs();
    const summary = await h.fake.waitFor("chat.postMessage", (c) => c.params.thread_ts === prompt.params.thread_ts && visibleText(c).includes("Retro for R-1 closed"));
    expect(summary.result).toMatchObject({ ok: true });
    const shown = visibleText(summary);
    for (const heading of ["*What went well*", "*What did not go well*", "*Action items*"]) expect(shown).toContain(heading);
    expect(shown).toContain("• p1: @owner act 1: xxx");
    expect(shown).toMatch(/…and \d+ more lines/);
    expect(shown).toContain("Not everything fits in one message. Read them all, whole, in a file");
  });
});
