import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import type { Json } from "../../fakes/discord-server.js";
import { CALLBACK, buttonIds, startHarness, voteField, type Harness } from "./harness.js";

/** The release's own Discord channel, and a member of its server as the adapter hands them to the core (a retro form sent there). */
const channelOf = (h: Harness): ChannelRef => ({ platform: "discord", key: channelKey({ platform: "discord", scope: h.fake.world.guildId, channel: h.fake.world.channelId }), nativeId: h.fake.world.channelId });
const person = (h: Harness, name: string): Actor => actorOf({ kind: "person", platform: "discord", scope: h.fake.world.guildId, user: String(9000 + Number(name.slice(1))) }, name);
import { actorOf, channelKey } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";

const EPHEMERAL = 64;

/** The text inputs of a modal callback, by custom_id. */
function inputs(modal: Json): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const c of modal.data.components as Json[]) if (c.type === 18) out[String(c.component.custom_id)] = c.component;
  return out;
}

describe("modals on Discord: no-go, rollback, retro", () => {
  let h: Harness;
  let msgId: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    msgId = await h.cardMessageId("R-1");
  });
  afterEach(async () => {
    await h.close();
  });

  /** Two GO votes (the default quorum), then the admin ships it. */
  async function ship(): Promise<void> {
    await h.press(member(1), "go", "R-1", msgId);
    await h.press(member(2), "go", "R-1", msgId);
    const shipped = await h.command(h.admin, "ship", { id: "R-1" });
    expect(shipped.data.flags).toBe(EPHEMERAL);
  }

  it("asks for the reason of a No-go in a modal and shows it on the card", async () => {
    const modal = await h.press(member(4), "no_go", "R-1", msgId);
    expect(modal.type).toBe(CALLBACK.modal);
    expect(modal.data.custom_id).toMatch(/^g1:f:no_go:R-1:@[0-9a-f]{8}$/);
    expect(modal.data.title).toBe("No-go on R-1");
    expect(modal.data.components[0]).toMatchObject({ type: 10, content: expect.stringContaining("payments 1.4.2") });
    expect(inputs(modal).reason).toMatchObject({ type: 4, style: 2, required: true });

    const answer = await h.submit(member(4), modal.data.custom_id, { reason: "migration not rehearsed on staging" }, msgId);
    expect(answer).toMatchObject({ type: CALLBACK.message, data: { flags: EPHEMERAL, content: expect.stringContaining("NO-GO on R-1") } });
    const card = await h.card(msgId);
    expect(voteField(card, "NO-GO")).toBe("• Member 4 — migration not rehearsed on staging");
    expect(card.embeds[0].description).toContain("NO-GO");
  });

  it("answers an empty No-go reason with the field's error and records nothing", async () => {
    const answer = await h.submit(member(4), "g1:f:no_go:R-1", { reason: "   " }, msgId);
    expect(answer.type).toBe(CALLBACK.message);
    expect(answer.data.flags).toBe(EPHEMERAL);
    expect(answer.data.content).toMatch(/reason/i);
    expect((await h.core.store.getVotes("R-1"))).toEqual([]);
  });

  it("confirms a rollback in a modal and starts exactly one rollback however often it is submitted", async () => {
    await ship();
    const card = await h.card(msgId);
    expect(buttonIds(card)).toEqual(["g1:b:rollback:R-1"]);

    const refused = await h.press(member(7), "rollback", "R-1", msgId);
    expect(refused.type).toBe(CALLBACK.message);
    expect(refused.data.content).toMatch(/on-call/i);

    const modal = await h.press(h.admin, "rollback", "R-1", msgId);
    expect(modal.type).toBe(CALLBACK.modal);
    expect(modal.data.custom_id).toBe("g1:f:rollback:R-1");
    expect(inputs(modal).reason).toMatchObject({ required: true });

    const answers = await Promise.all(Array.from({ length: 8 }, () => h.submit(h.admin, "g1:f:rollback:R-1", { reason: "error rate 5x after deploy" }, msgId)));
    const texts = answers.map((a) => String(a.data.content));
    expect(texts.filter((t) => t.startsWith("Rollback of R-1 started"))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("already being rolled back"))).toHaveLength(7);

    const again = await h.press(h.admin, "rollback", "R-1", msgId);
    expect(again.type).toBe(CALLBACK.message);
    expect(again.data.content).toContain("already being rolled back");

    await h.core.bot.idle();
    const rollbackNotices = h.notices(msgId).filter((c) => String(c.body.content).includes("is rolling back"));
    expect(rollbackNotices).toHaveLength(1);
    // The channel hears of the lock the rollback set, not only the person who confirmed it.
    expect(String(rollbackNotices[0]!.body.content)).toMatch(/payments production is now locked: nothing else ships there .* until a release-manager, an admin or .+ \(R-1's manager\) lifts it with `\/release lock action:unlock service:payments environment:production reason:<text>`/);
    // The admin manages R-1 and confirmed the rollback: nobody else to call.
    expect(rollbackNotices[0]!.body.allowed_mentions.users).toEqual([]);
    expect((await h.card(msgId)).embeds[0].fields[0]).toMatchObject({ name: "State", value: "Rolling back" });
  });

  it("opens the retro with a button under the card and saves the notes from its modal", async () => {
    await ship();
    await h.command(h.admin, "shipped", { id: "R-1" });
    h.core.clock.advance(h.core.config.retroDelayMs + 60_000);
    await h.core.bot.runDueJobs();
    await h.core.bot.idle();

    const prompt = h.notices(msgId).find((c) => String(c.body.content).includes("Retro for R-1"));
    expect(prompt).toBeDefined();
    expect(prompt!.body.message_reference.message_id).toBe(msgId);
    const retroButton = prompt!.body.components[0].components[0];
    expect(retroButton).toMatchObject({ custom_id: "g1:b:retro:R-1", label: "Add retro notes" });

    const modal = await h.pressRaw(member(3), retroButton.custom_id, prompt!.response.id);
    expect(modal.type).toBe(CALLBACK.modal);
    expect(Object.keys(inputs(modal))).toEqual(["went_well", "went_badly", "action_items"]);
    expect(modal.data.components.length).toBeLessThanOrEqual(5);

    const saved = await h.submit(member(3), modal.data.custom_id, { went_well: "canary caught nothing", went_badly: "", action_items: "@dana add an alert" });
    expect(saved.data).toMatchObject({ flags: EPHEMERAL, content: expect.stringContaining("retro notes for R-1 are saved") });
    expect((await h.core.store.listRetroAnswers("R-1"))).toHaveLength(1);
  });

  /** Shipped, and a day on: the retro is open. */
  async function retroOpen(): Promise<void> {
    await ship();
    await h.command(h.admin, "shipped", { id: "R-1" });
    h.core.clock.advance(h.core.config.retroDelayMs + 60_000);
    await h.core.bot.runDueJobs();
  }

  it("opens the retro modal again with your own notes in its boxes, and saving replaces them", async () => {
    await retroOpen();
    const first = await h.command(member(3), "retro", { id: "R-1" });
    await h.submit(member(3), first.data.custom_id, { went_well: "canary caught nothing", went_badly: "", action_items: "@dana add an alert" });

    const again = await h.command(member(3), "retro", { id: "R-1", action: "edit" });
    expect(again.type).toBe(CALLBACK.modal);
    expect(again.data.title).toBe("Edit your retro: R-1");
    const boxes = inputs(again);
    expect([boxes.went_well?.value, boxes.went_badly?.value, boxes.action_items?.value]).toEqual(["canary caught nothing", undefined, "@dana add an alert"]);
    const saved = await h.submit(member(3), again.data.custom_id, { went_well: "canary caught nothing", went_badly: "alert was late", action_items: "@dana add an alert" });
    expect(saved.data).toMatchObject({ flags: EPHEMERAL, content: expect.stringContaining("are updated: they replace the ones you saved before") });
    expect((await h.core.store.listRetroAnswers("R-1")).map((a) => a.wentBadly)).toEqual(["alert was late"]);
    // Another member's modal starts empty.
    expect(Object.values(inputs(await h.command(member(4), "retro", { id: "R-1" }))).map((c): unknown => c.value)).toEqual([undefined, undefined, undefined]);
  });

  it("shows everyone's answers privately with the show action, within 2,000 characters, counting what is left out", async () => {
    await retroOpen();
    const empty = await h.command(member(4), "retro", { id: "R-1", action: "show" });
    expect(empty.data).toMatchObject({ flags: EPHEMERAL, content: expect.stringContaining("No retro answers for R-1 yet") });

    const line = (what: string, i: number) => `${what} ${i}: ${"*".repeat(300)}`;
    for (let i = 1; i <= 12; i++) {
      await h.core.bot.handle({ kind: "form", actor: person(h, `p${i}`), channel: channelOf(h), form: "retro", releaseId: "R-1", values: { went_well: line("well", i), went_badly: line("badly", i), action_items: line("@owner act", i) } });
    }
    const shown = await h.command(member(4), "retro", { id: "R-1", action: "show" });
    expect(shown.data.flags).toBe(EPHEMERAL);
    const content = String(shown.data.content);
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(content).toContain("12 answers, from p1, p2");
    for (const heading of ["**What went well**", "**What did not go well**", "**Action items**"]) expect(content).toContain(heading);
    // User text stays inert (its asterisks escaped), and every question shows its first answer.
    expect(content).toContain("• p1: @owner act 1: \\*\\*");
    expect(content).toContain("• p1: well 1: \\*\\*");
    expect(content).toMatch(/…and \d+ more lines/);
    expect(content).toContain("Not everything fits in one message.");
    expect(content.endsWith("…")).toBe(false);
  });

  it("says where to read an answer whole when a line of it is cut short, though the rest fits one message", async () => {
    await retroOpen();
    const long = `the canary ${"x".repeat(600)} END`;
    await h.core.bot.handle({ kind: "form", actor: person(h, "p1"), channel: channelOf(h), form: "retro", releaseId: "R-1", values: { went_well: long, went_badly: "", action_items: "" } });
    const content = String((await h.command(member(4), "retro", { id: "R-1", action: "show" })).data.content);
    expect(content).toContain("• p1: the canary xxx");
    expect(content).not.toContain("END");
    expect(content).toContain("Read them all, whole, in a file: `/release retro id:R-1 action:export`");
    // The file comes as an attachment of a private reply, to a member who is no admin.
    await h.command(member(4), "retro", { id: "R-1", action: "export" });
    const body = String(h.fake.calls.filter((c) => c.path.startsWith("/interactions/")).at(-1)!.body);
    expect(body).toContain('filename="gonogo-retro-R-1.md"');
    expect(body).toContain(`- ${long} (p1)`);
    expect(body).toContain('"flags":64');
  });

  it("posts the closing summary under the card within 2,000 characters: every question's first answers, action items too, the rest counted", async () => {
    await retroOpen();
    const line = (what: string, i: number) => `${what} ${i}: ${"x".repeat(300)}`;
    for (let i = 1; i <= 12; i++) {
      await h.core.bot.handle({ kind: "form", actor: person(h, `p${i}`), channel: channelOf(h), form: "retro", releaseId: "R-1", values: { went_well: line("well", i), went_badly: line("badly", i), action_items: line("@owner act", i) } });
    }
    h.core.clock.advance(h.core.config.retroWindowMs + 60_000);
    await h.core.bot.runDueJobs();
    await h.core.bot.idle();
    const summary = h.notices(msgId).find((c) => String(c.body.content).includes("Retro for R-1 closed"));
    const content = String(summary?.body.content);
    expect(content.length).toBeLessThanOrEqual(2000);
    for (const heading of ["**What went well**", "**What did not go well**", "**Action items**"]) expect(content).toContain(heading);
    expect(content).toContain("• p1: @owner act 1: xxx");
    expect(content).toMatch(/…and \d+ more lines/);
    expect(content).toContain("Not everything fits in one message.");
  });
});
