import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member, slashCommand, type FakeMember } from "../../fakes/discord-fixtures.js";
import type { FakeCall, Json } from "../../fakes/discord-server.js";
import { startHarness, type Harness } from "./harness.js";

/** A text channel of the server the bot may not post in. */
const CLOSED = "1187331275440649999";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const commandIn = async (channelId: string, user: FakeMember, sub: string, options: Record<string, string>): Promise<Json> =>
  (await h.fake.callbackFor(h.fake.dispatchInteraction(slashCommand({ world: h.fake.world, user, channelId }, sub, options)).id)).body;
const postsTo = (channelId: string): FakeCall[] => h.fake.calls.filter((c) => c.method === "POST" && c.path === `/channels/${channelId}/messages`);
const dmOpens = (): FakeCall[] => h.fake.calls.filter((c) => c.method === "POST" && c.path === "/users/@me/channels");

describe("Discord: a card in a channel the bot may not post in", () => {
  it.each([50001, 50013, 10003] as const)("is not retried (%s); the manager is told in a DM to let the bot in and share it (once, and again each time they ask), which then posts it", async (code) => {
    const manager = member(1);
    h.fake.denyChannel(CLOSED, code);
    const created = await commandIn(CLOSED, manager, "create", { service: "payments", version: "1.4.2" });
    expect(JSON.stringify(created)).toContain("R-1");
    await h.core.bot.idle();

    // One attempt: Discord's answer is not going to change by itself.
    expect(postsTo(CLOSED)).toHaveLength(1);
    expect((await h.core.store.listMessageRefs("R-1"))).toEqual([]);
    // The manager hears why in a DM from the bot: Create DM, then a message in that channel.
    expect(dmOpens().map((c): unknown => c.body)).toEqual([{ recipient_id: manager.id }]);
    const dmChannel = h.fake.dmChannels.get(manager.id)!;
    const [dm, ...more] = postsTo(dmChannel);
    expect(more).toEqual([]);
    expect(dm!.status).toBe(200);
    expect(dm!.body.content).toBe(`I can't post R-1's card in <#${CLOSED}> (a channel I can't see or post in): give gonogo View Channel and Send Messages there, then \`/release share id:R-1\`.`);
    expect(dm!.body.allowed_mentions).toEqual({ parse: [] });
    expect(h.core.logs.filter((l) => l.level === "error")).toEqual([]);

    // Later changes to the release do not try again, and say nothing more.
    await h.command(member(2), "vote", { id: "R-1", choice: "go" });
    await h.core.bot.idle();
    expect(postsTo(CLOSED)).toHaveLength(1);
    // Sharing before the bot is let in tries once more; the manager asked this time, so they hear why again.
    await commandIn(CLOSED, manager, "share", { id: "R-1" });
    await h.core.bot.idle();
    expect(postsTo(CLOSED)).toHaveLength(2);
    expect(postsTo(dmChannel)).toHaveLength(2);

    // View Channel and Send Messages given, then `/release share R-1`: the card is posted and kept up to date.
    h.fake.allowChannel(CLOSED);
    await commandIn(CLOSED, manager, "share", { id: "R-1" });
    await h.core.bot.idle();
    const card = postsTo(CLOSED).at(-1)!;
    expect(card.status).toBe(200);
    expect(String(card.body.embeds[0].title)).toMatch(/^R-1 ·/);
    expect((await h.core.store.listMessageRefs("R-1")).map((r) => r.channel.nativeId)).toEqual([CLOSED]);
    expect(postsTo(dmChannel)).toHaveLength(2);
  });
});
