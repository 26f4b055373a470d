import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GatewayIntentBits } from "discord.js";
import { buttonPress, member, slashCommand } from "../../fakes/discord-fixtures.js";
import { buttonCustomId } from "../../adapters/discord/ids.js";
import { OTHER_SERVER } from "../../adapters/discord/interactions.js";
import { BOT_TOKEN, CALLBACK, buttonIds, startHarness, voteField, type Harness } from "./harness.js";

const EPHEMERAL = 64;

describe("Discord adapter against the real discord.js client", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("logs in with minimal intents and registers /release for the guild in one bulk overwrite", () => {
    expect(h.fake.identify).toEqual({ token: BOT_TOKEN, intents: GatewayIntentBits.Guilds });
    const puts = h.fake.calls.filter((c) => c.method === "PUT");
    expect(puts).toHaveLength(1);
    expect(puts[0]!.path).toBe(`/applications/${h.fake.world.applicationId}/guilds/${h.fake.world.guildId}/commands`);
    expect(puts[0]!.auth).toBe(`Bot ${BOT_TOKEN}`);
    expect(puts[0]!.body.map((c: { name: string }) => c.name)).toEqual(["release"]);
    expect(h.logs.some((l) => JSON.stringify(l.obj).includes("permissions=274877991936"))).toBe(true);
    expect(JSON.stringify(h.logs)).not.toContain(BOT_TOKEN);
  });

  it("with DISCORD_GUILD_ID set, refuses commands and presses from any other server: no list, no vote", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const cardId = await h.cardMessageId("R-1");
    const stranger = { world: { ...h.fake.world, guildId: "999999999999999999" }, user: member(7) };
    const answer = async (raw: { id: string }): Promise<unknown> => (await h.fake.callbackFor(h.fake.dispatchInteraction(raw).id)).body as unknown;
    for (const raw of [slashCommand(stranger, "list"), buttonPress(stranger, buttonCustomId("go", "R-1"), cardId)]) {
      expect(await answer(raw)).toMatchObject({ type: CALLBACK.message, data: { content: OTHER_SERVER, flags: 64 } });
    }
    expect(await h.core.store.getVotes("R-1")).toEqual([]);
  });

  it("creates a release whose card collects votes from several members via buttons", async () => {
    const created = await h.command(h.admin, "create", { service: "payments", version: "1.4.2", environment: "production", when: "in 2h" });
    expect(created.type).toBe(CALLBACK.message);
    expect(created.data.flags).toBe(EPHEMERAL);
    expect(created.data.content).toContain("R-1");

    const msgId = await h.cardMessageId("R-1");
    const posted = await h.card(msgId);
    expect(posted.embeds[0].title).toBe("R-1 · payments 1.4.2 → production");
    expect(posted.embeds[0].fields.find((f: { name: string }) => f.name === "Release time").value).toMatch(/^<t:\d+:F>\n<t:\d+:R>\nNext reminder at T-1h$/);
    expect(buttonIds(posted)).toEqual(["g1:b:go:R-1", "g1:b:no_go:R-1", "g1:b:abstain:R-1"]);

    const [alice, bob, carol] = [member(1), member(2), member(3)];
    const answers = await Promise.all([h.press(alice, "go", "R-1", msgId), h.press(bob, "go", "R-1", msgId), h.press(carol, "abstain", "R-1", msgId)]);
    for (const a of answers) {
      expect(a.type).toBe(CALLBACK.message);
      expect(a.data.flags).toBe(EPHEMERAL);
    }
    expect(answers[0].data.content).toContain("GO on R-1");

    const card = await h.card(msgId);
    expect(voteField(card, "GO")).toBe("• Member 1\n• Member 2");
    expect(voteField(card, "Abstain")).toBe("• Member 3");
    expect(card.embeds[0].footer.text).toContain("2 go · 0 no-go · 1 abstain");
    // Edits go to the channel message with the bot token, never through the interaction webhook.
    const edits = h.fake.calls.filter((c) => c.method === "PATCH" && c.path === `/channels/${h.fake.world.channelId}/messages/${msgId}`);
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.every((c) => c.auth === `Bot ${BOT_TOKEN}`)).toBe(true);
  });

  it("answers a second press of the same button with how to take the vote back or change it", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    await h.press(member(1), "go", "R-1", msgId);
    const again = await h.press(member(1), "go", "R-1", msgId);
    expect(again.data.flags).toBe(EPHEMERAL);
    expect(again.data.content).toBe(
      "You already voted GO on R-1, so nothing changed: choose another to change your vote, or take it back with `/release vote id:R-1 choice:retract`. Decision: Pending: 1 of 2 GO.",
    );
  });
});
