import { PermissionFlagsBits } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member, slashCommand } from "../../fakes/discord-fixtures.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * Every interaction carries the bot's permissions in its channel (`app_permissions`): a
 * `/release create` or `share` where the card cannot be posted (or shown: an embed needs Embed
 * Links) says so in its own answer, where the person who asked is looking.
 */
const ALL = BigInt("2248473465835073");
const without = (...flags: bigint[]): string => flags.reduce((p, f) => p & ~f, ALL).toString();

describe("Discord: /release create in a channel where gonogo lacks a permission", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const create = async (appPermissions: string): Promise<string> => {
    const raw = { ...slashCommand({ world: h.fake.world, user: member(1) }, "create", { service: "payments", version: "1.4.2" }), app_permissions: appPermissions };
    return String((await h.fake.callbackFor(h.fake.dispatchInteraction(raw).id)).body.data.content);
  };

  it("names the permissions missing here and how to share the card once they are given", async () => {
    const content = await create(without(PermissionFlagsBits.EmbedLinks, PermissionFlagsBits.SendMessages));
    expect(content).toMatch(/^Created R-1/);
    expect(content).toContain(
      "\n⚠️ gonogo cannot post or show R-1's card in this channel: it lacks Send Messages and Embed Links here. Give gonogo's role those permissions in this channel (Edit Channel → Permissions), then `/release share id:R-1` here.",
    );
  });

  it("says nothing more where it has every permission the card needs", async () => {
    expect(await create(ALL.toString())).not.toContain("⚠️");
  });

  it("says the same to /release share", async () => {
    await create(ALL.toString());
    const raw = { ...slashCommand({ world: h.fake.world, user: member(1), channelId: "1187331275440652222" }, "share", { id: "R-1" }), app_permissions: without(PermissionFlagsBits.ViewChannel) };
    const content = String((await h.fake.callbackFor(h.fake.dispatchInteraction(raw).id)).body.data.content);
    expect(content).toContain("⚠️ gonogo cannot post or show R-1's card in this channel: it lacks View Channel here.");
  });

  it("in a thread, takes Send Messages in Threads as the permission to post", async () => {
    const THREAD = "1187331275440653333";
    const thread = { id: THREAD, type: 11, guild_id: h.fake.world.guildId, name: "release-thread", parent_id: h.fake.world.channelId, flags: 0 };
    const raw = { ...slashCommand({ world: h.fake.world, user: member(1), channelId: THREAD }, "create", { service: "payments", version: "1.4.2" }), channel: thread, app_permissions: without(PermissionFlagsBits.SendMessages) };
    const content = String((await h.fake.callbackFor(h.fake.dispatchInteraction(raw).id)).body.data.content);
    expect(content).toMatch(/^Created R-1/);
    expect(content).not.toContain("⚠️");
  });
});
