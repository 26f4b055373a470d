import { REST } from "discord.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { releaseCommands } from "../../adapters/discord/commands.js";
import { registerCommands } from "../../adapters/discord/register-commands.js";
import { buttonCustomId } from "../../adapters/discord/ids.js";
import { buttonPress, member, slashCommand } from "../../fakes/discord-fixtures.js";
import { startFakeDiscord } from "../../fakes/discord-server.js";
import { BOT_TOKEN, CALLBACK, startHarness, voteField, type Harness } from "./harness.js";

describe("Discord when things are slow or fail", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("defers privately when the core is slow, then edits the answer in", async () => {
    // The core answers only when the test lets it: slower than any deferral threshold.
    let letCoreAnswer!: () => void;
    const coreAnswers = new Promise<void>((resolve) => (letCoreAnswer = resolve));
    h = await startHarness({
      deferAfterMs: 50,
      // The gateway path answers through handleOnce (the interaction id is claimed).
      wrapBot: (bot) => ({ ...bot, handleOnce: async (id, e) => (await coreAnswers, bot.handleOnce(id, e)) }),
    });
    const created = await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    expect(created).toEqual({ type: CALLBACK.deferredMessage, data: { flags: 64 } });
    letCoreAnswer();
    const edit = await h.fake.waitFor((c) => c.method === "PATCH" && c.path.endsWith("/messages/@original"));
    expect(edit.path).toMatch(new RegExp(`^/webhooks/${h.fake.world.applicationId}/`));
    expect(edit.body.content).toContain("Created R-1");
  });

  it("logs a failed interaction answer without the interaction token or the bot token", async () => {
    h = await startHarness();
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    h.fake.fail({ method: "POST", pathPrefix: "/interactions/", times: 2, status: 404, body: { message: "Unknown interaction", code: 10062 } });
    const raw = h.fake.dispatchInteraction(buttonPress({ world: h.fake.world, user: member(1) }, buttonCustomId("go", "R-1"), msgId));
    await h.fake.waitForCount((c) => c.path.startsWith(`/interactions/${raw.id}/`), 2);
    await h.core.bot.idle();
    // The adapter logs once discord.js has given up on the second answer too.
    const failure = await vi.waitFor(() => h!.logs.find((l) => l.msg === "discord interaction failed") ?? expect.fail("not logged yet"), { timeout: 5000, interval: 10 });
    expect(failure).toBeDefined();
    expect(failure.obj.err).toMatchObject({ code: 10062, status: 404 });
    const logged = JSON.stringify(h.logs);
    expect(logged).not.toContain(raw.token);
    expect(logged).not.toContain(BOT_TOKEN);
    expect(logged).toContain(`/interactions/${raw.id}/[token]/callback`);
    // The vote was committed before the answer failed: the card still shows it.
    expect((await h.core.store.getVotes("R-1"))).toHaveLength(1);
  });

  it("stops updating a card someone deleted, without retrying, and keeps counting votes", async () => {
    h = await startHarness();
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const msgId = await h.cardMessageId("R-1");
    await h.core.bot.idle();
    h.fake.messages.delete(msgId); // deleted in Discord: edits now answer 404 Unknown Message (10008)
    const edits = () => h!.fake.calls.filter((c) => c.method === "PATCH" && c.path === `/channels/${h!.fake.world.channelId}/messages/${msgId}`);

    await h.press(member(1), "go", "R-1", msgId);
    await h.core.bot.idle();
    expect(edits().map((c) => c.status)).toEqual([404]);
    expect((await h.core.store.listMessageRefs("R-1"))).toEqual([]);
    expect(h.core.logs).toContainEqual(expect.objectContaining({ level: "warn", msg: expect.stringMatching(/deleted in chat/) }));

    await h.press(member(2), "go", "R-1", msgId);
    await h.core.bot.idle();
    expect(edits()).toHaveLength(1);
    expect((await h.core.store.getVotes("R-1")).map((v) => v.voter)).toHaveLength(2);

    // Wanted back after all: /release share posts a fresh card with both votes.
    const shared = await h.command(member(3), "share", { id: "R-1" });
    expect(shared.data.content).toContain("Posting R-1's card here");
    const cards = await h.fake.waitForCount((c) => c.method === "POST" && c.path === `/channels/${h!.fake.world.channelId}/messages` && !c.body.message_reference && c.status === 200, 2);
    expect(voteField(cards[1]!.body, "GO")).toBe("• Member 1\n• Member 2");
  });

  it("answers a command from a DM privately, without touching any release", async () => {
    h = await startHarness();
    // A DM interaction has `user` and no guild_id / guild / member.
    const dm: Record<string, unknown> & { id: string } = { ...slashCommand({ world: h.fake.world, user: member(1) }, "list") };
    const user = (dm.member as { user: unknown }).user;
    for (const k of ["guild_id", "guild", "member"]) delete dm[k];
    Object.assign(dm, { user, context: 1, channel: { id: "1187600000000000001", type: 1, recipients: [user] }, channel_id: "1187600000000000001" });
    const cb = await h.fake.callbackFor(h.fake.dispatchInteraction(dm).id);
    expect(cb.body).toMatchObject({ type: CALLBACK.message, data: { flags: 64, content: expect.stringContaining("server channels") } });
  });

  it("registers /release globally from the standalone script when no guild is set", async () => {
    const fake = await startFakeDiscord();
    try {
      const rest = new REST({ api: fake.apiUrl }).setToken(BOT_TOKEN);
      expect(await registerCommands(rest, fake.world.applicationId, undefined)).toEqual({ scope: "global", count: 1 });
      const put = await fake.waitFor((c) => c.method === "PUT");
      expect(put.path).toBe(`/applications/${fake.world.applicationId}/commands`);
      // Every subcommand is registered, none dropped on the way.
      expect(put.body[0].options).toHaveLength(releaseCommands()[0]!.options!.length);
    } finally {
      await fake.close();
    }
  });
});

describe("Discord start-up failures", () => {
  it("fails start-up with a clear message, without the token, when Discord rejects it", async () => {
    const { startDiscord } = await import("./harness.js");
    const { createTestCore } = await import("../helpers/core.js");
    const fake = await startFakeDiscord();
    const core = createTestCore();
    const logs: string[] = [];
    const log = { info: (o: object, m: string) => logs.push(m + JSON.stringify(o)), warn: (o: object, m: string) => logs.push(m + JSON.stringify(o)), error: (o: object, m: string) => logs.push(m + JSON.stringify(o)) };
    try {
      fake.fail({ method: "GET", pathPrefix: "/gateway/bot", times: 1, status: 401, body: { message: "401: Unauthorized", code: 0 } });
      const start = startDiscord({ bot: core.bot, log, config: { token: BOT_TOKEN, applicationId: fake.world.applicationId, guildId: fake.world.guildId, apiUrl: fake.apiUrl } });
      await expect(start).rejects.toThrow(/Discord start failed: .*DISCORD_TOKEN/);
      await start.catch((e: Error) => expect(e.message).not.toContain(BOT_TOKEN));
      expect(logs.join("\n")).not.toContain(BOT_TOKEN);

      fake.fail({ method: "PUT", pathPrefix: "/applications/", times: 1, status: 403, body: { message: "Missing Access", code: 50001 } });
      await expect(startDiscord({ bot: core.bot, log, config: { token: BOT_TOKEN, applicationId: fake.world.applicationId, guildId: fake.world.guildId, apiUrl: fake.apiUrl } })).rejects.toThrow(/Missing Access/);
    } finally {
      await core.close();
      await fake.close();
    }
  });
});
