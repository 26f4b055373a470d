import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member, slashCommand } from "../../fakes/discord-fixtures.js";
import { CALLBACK, startHarness, voteField, type Harness } from "./harness.js";

const EPHEMERAL = 64;

describe("Discord commands, checks and reminders", () => {
  let h: Harness;
  let msgId: string;
  beforeEach(async () => {
    h = await startHarness();
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2", when: "in 2h" });
    msgId = await h.cardMessageId("R-1");
  });
  afterEach(async () => {
    await h.close();
  });

  it("shows a manager named with the user option as that member, in the answer and on the card, not as a bare id", async () => {
    const dev = member(3);
    const created = await h.command(h.admin, "create", { service: "billing", version: "3.1.0", manager: dev.id });
    expect(created.data.content).toContain(`Created R-2: billing 3.1.0 → production, managed by <@${dev.id}>.`);
    expect(created.data.allowed_mentions).toEqual({ parse: [] });
    const card = await h.card(await h.cardMessageId("R-2"));
    expect(card.embeds[0].fields.find((f: { name: string }) => f.name === "Manager")).toEqual({ name: "Manager", value: `<@${dev.id}>`, inline: true });
  });

  it("answers a tampered custom_id privately and changes nothing", async () => {
    const before = h.fake.calls.length;
    for (const customId of ["g1:b:ship:R-1", "g1:b:go:R-1:admin", "g0:b:go:R-1", "gonogo-evil", "g1:b:go:R-1'--"]) {
      const answer = await h.pressRaw(member(5), customId, msgId);
      expect(answer.type).toBe(CALLBACK.message);
      expect(answer.data.flags).toBe(EPHEMERAL);
      expect(answer.data.content).toContain("not one gonogo recognises");
    }
    const forged = await h.submit(member(5), "g1:f:no_go:R-1", { "reason\u0000x": "x" });
    expect(forged.data.content).toContain("not one gonogo recognises");
    await h.core.bot.idle();
    expect((await h.core.store.getVotes("R-1"))).toEqual([]);
    const sinceThen = h.fake.calls.slice(before).filter((c) => !c.path.startsWith("/interactions/"));
    expect(sinceThen).toEqual([]);
    expect(h.logs.filter((l) => l.msg.includes("unrecognised custom_id"))).toHaveLength(6);
  });

  it("autocompletes open release ids", async () => {
    await h.command(h.admin, "create", { service: "search", version: "2.0.0" });
    const raw = slashCommand({ world: h.fake.world, user: member(3) }, "vote", { id: "sea", choice: "go" }, "autocomplete", "id");
    const cb = await h.fake.callbackFor(h.fake.dispatchInteraction(raw).id);
    expect(cb.body.type).toBe(CALLBACK.autocomplete);
    expect(cb.body.data.choices).toEqual([{ name: "R-2 · search 2.0.0 → production · Voting", value: "R-2" }]);
  });

  it("autocompletes only the releases a subcommand can act on now: a vote the ones still voting, a rollback the shipped one", async () => {
    await h.command(h.admin, "create", { service: "search", version: "2.0.0" });
    for (const voter of [member(2), member(3)]) await h.command(voter, "vote", { id: "R-2", choice: "go" });
    await h.command(h.admin, "ship", { id: "R-2" });
    await h.command(h.admin, "shipped", { id: "R-2" });
    const offered = async (sub: string) => {
      const raw = slashCommand({ world: h.fake.world, user: member(3) }, sub, { id: "" }, "autocomplete", "id");
      return ((await h.fake.callbackFor(h.fake.dispatchInteraction(raw).id)).body.data.choices as Array<{ value: string }>).map((c) => c.value).sort();
    };
    expect(await offered("vote")).toEqual(["R-1"]);
    expect(await offered("rollback")).toEqual(["R-2"]);
    expect(await offered("recovered")).toEqual([]);
    expect(await offered("status")).toEqual(["R-1", "R-2"]);
  });

  it("gives specific private errors for bad input", async () => {
    const unknown = await h.command(member(2), "vote", { id: "R-99", choice: "go" });
    expect(unknown.data.flags).toBe(EPHEMERAL);
    expect(unknown.data.content).toMatch(/R-99/);
    const spaced = await h.command(member(2), "create", { service: "pay ments", version: "1.0" });
    expect(spaced.data.content).toContain("one word");
    const notAdmin = await h.command(member(2), "role", { action: "grant", who: { role: h.fake.world.roles.QA! }, role: "qa" });
    expect(notAdmin.data.content).toMatch(/admin/i);
  });

  it("counts a Discord role binding at vote time and reminds the role with a reply under the card", async () => {
    const QA = h.fake.world.roles.QA!;
    const granted = await h.command(h.admin, "role", { action: "grant", who: { role: QA }, role: "qa" });
    // Named as the role itself (a mention in a private reply pings nobody), not its stored id.
    expect(granted.data.content).toBe(`<@&${QA}> now has the role qa (a sign-off role: require it with \`/release policy set:require=qa\`). A GO cast before now counts as this role once its voter votes again.`);
    await h.command(h.admin, "policy", { set: "require=qa" });

    await h.press(member(1), "go", "R-1", msgId);
    await h.press(member(2), "go", "R-1", msgId);
    expect((await h.card(msgId)).embeds[0].description).toContain("waiting for qa");

    // T-1h: the reminder goes as a reply to the card and pings the QA role.
    h.core.clock.advance(61 * 60_000);
    await h.core.bot.runDueJobs();
    await h.core.bot.idle();
    const reminder = h.notices(msgId).find((c) => String(c.body.content).includes("⏰ T-1h"));
    expect(reminder).toBeDefined();
    expect(reminder!.body.content).toContain(`<@&${QA}>`);
    expect(reminder!.body.allowed_mentions).toMatchObject({ parse: [], roles: [QA] });
    expect(reminder!.body.message_reference).toEqual({ message_id: msgId, fail_if_not_exists: false });
    // T-0 shows in each reader's own time zone.
    const { scheduledAt } = (await h.core.store.getRelease("R-1"))!;
    expect(reminder!.body.content).toContain(`(<t:${Math.floor(scheduledAt! / 1000)}:F>)`);

    // A member holding the QA guild role signs off with a plain Go press.
    await h.press(member(9, [QA]), "go", "R-1", msgId);
    const card = await h.card(msgId);
    expect(voteField(card, "GO")).toContain("Member 9");
    expect(card.embeds[0].description).not.toContain("waiting for qa");
  });

  it("takes the buttons off the card once the release is cancelled", async () => {
    const cancelled = await h.command(h.admin, "cancel", { id: "R-1", reason: "superseded by 1.4.3" });
    expect(cancelled.data.flags).toBe(EPHEMERAL);
    const card = await h.card(msgId);
    expect(card.components).toEqual([]);
    expect(card.embeds[0].fields[0]).toEqual({ name: "State", value: "Cancelled", inline: true });
    const late = await h.press(member(3), "go", "R-1", msgId);
    expect(late.data.content).toMatch(/cancelled/i);
    expect((await h.core.store.getVotes("R-1"))).toEqual([]);
  });

  it("shows a release privately with its card on /release status", async () => {
    const status = await h.command(member(4), "status", { id: "R-1" });
    expect(status.data.flags).toBe(EPHEMERAL);
    expect(status.data.embeds[0].title).toBe("R-1 · payments 1.4.2 → production");
    expect(status.data.components[0].components.map((b: { custom_id: string }) => b.custom_id)).toContain("g1:b:go:R-1");
    const help = await h.command(member(4), "help");
    expect(help.data.content).toContain("/release create");
  });
});
