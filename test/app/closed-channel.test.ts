import { afterEach, describe, expect, it } from "vitest";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { ChannelClosedToBot } from "../../src/app/ports.js";
import { replyLineText, type ReplyPart } from "../../src/app/views.js";
import { actorOf } from "../../src/domain/identity.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { channel, createTestCore, linkAccounts, person, type TestCore } from "../helpers/core.js";

let core: TestCore;
afterEach(async () => core?.close());

const discordChannel: ChannelRef = { platform: "discord", key: "discord:G1:1187331275440649999", nativeId: "1187331275440649999" };
const slackChannel: ChannelRef = { platform: "slack", key: "slack:T1:C1", nativeId: "C1" };
/** dana in the Discord server, linked to an account where the release is (she is in both, so she may share it there). */
const danaOnDiscord = actorOf({ kind: "person", platform: "discord", scope: "G1", user: "2002" }, "dana");

/** A platform whose every channel but the ones given is open to the bot, and that remembers what it told whom privately. */
function surfaceClosedIn(platform: string, closed: ChannelRef) {
  const chat = createRecordingSurface(platform);
  const attempts: string[] = [];
  const told: Array<{ person: string; line: ReplyPart[] }> = [];
  const post = chat.surface.postCard.bind(chat.surface);
  chat.surface.postCard = (ch, card) => {
    attempts.push(ch.key);
    return ch.key === closed.key ? Promise.reject(new ChannelClosedToBot(`${platform} refused`)) : post(ch, card);
  };
  chat.surface.tellPrivately = (who, line) => (told.push({ person: who, line }), Promise.resolve());
  return { ...chat, attempts, told };
}

describe("a card the bot may not post in a channel", () => {
  it("a Slack manager of a release shared to a Discord channel closed to the bot is told in Slack, in Discord's words, once", async () => {
    core = createTestCore({ fastForward: true });
    const slack = surfaceClosedIn("slack", { platform: "slack", key: "slack:T1:none", nativeId: "none" });
    const discord = surfaceClosedIn("discord", discordChannel);
    // dana, who shares it, cannot be sent a direct message there: the release's manager is told instead.
    delete discord.surface.tellPrivately;
    core.bot.attachSurface(slack.surface);
    core.bot.attachSurface(discord.surface);
    const mia = actorOf({ kind: "person", platform: "slack", scope: "T1", user: "UMGR" }, "mia");
    await core.bot.handle({ kind: "command", actor: mia, channel: slackChannel, text: "create payments 1.4.2" });
    await linkAccounts(core, actorOf({ kind: "person", platform: "slack", scope: "T1", user: "UDANA" }, "dana"), danaOnDiscord);
    await core.bot.handle({ kind: "command", actor: danaOnDiscord, channel: discordChannel, text: "share R-1" });
    await core.bot.idle();
    await core.bot.handle({ kind: "command", actor: danaOnDiscord, channel: discordChannel, text: "share R-1" });
    await core.bot.handle({ kind: "command", actor: mia, channel: slackChannel, text: "vote R-1 go" });
    await core.bot.idle();

    expect(discord.attempts).toEqual([discordChannel.key, discordChannel.key]);
    expect(discord.told).toEqual([]);
    expect(slack.told.map((t) => [t.person, replyLineText(t.line)])).toEqual([
      ["slack:T1:UMGR", "I can't post R-1's card in Discord channel 1187331275440649999 (a channel I can't see or post in): give gonogo View Channel and Send Messages there, then `/release share R-1`."],
    ]);
    expect(slack.told[0]!.line).toContainEqual({ channel: discordChannel, text: "Discord channel 1187331275440649999" });
    expect(core.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("after a restart, the manager told once is not told again when the card is shared there once more", async () => {
    core = createTestCore({ fastForward: true });
    const mia = actorOf({ kind: "person", platform: "slack", scope: "T1", user: "UMGR" }, "mia");
    /** Slack, and Discord closed in its channel to the bot, on the bot running now; dana cannot be sent a direct message there. */
    const attach = () => {
      const slack = surfaceClosedIn("slack", { platform: "slack", key: "slack:T1:none", nativeId: "none" });
      const discord = surfaceClosedIn("discord", discordChannel);
      delete discord.surface.tellPrivately;
      core.bot.attachSurface(slack.surface);
      core.bot.attachSurface(discord.surface);
      return { slack, discord };
    };
    const before = attach();
    await core.bot.handle({ kind: "command", actor: mia, channel: slackChannel, text: "create payments 1.4.2" });
    await linkAccounts(core, actorOf({ kind: "person", platform: "slack", scope: "T1", user: "UDANA" }, "dana"), danaOnDiscord);
    await core.bot.handle({ kind: "command", actor: danaOnDiscord, channel: discordChannel, text: "share R-1" });
    await core.bot.idle();
    expect(before.slack.told.map((t) => t.person)).toEqual(["slack:T1:UMGR"]);

    core = await core.reopen();
    const after = attach();
    await core.bot.start();
    await core.bot.handle({ kind: "command", actor: danaOnDiscord, channel: discordChannel, text: "share R-1" });
    await core.bot.idle();
    expect(after.discord.attempts).toEqual([discordChannel.key]);
    expect(after.slack.told).toEqual([]);
  });

  it("a terminal manager, who has no private messages, is not told; the log says why the card is missing, as a warning", async () => {
    core = createTestCore({ fastForward: true });
    const terminal = createRecordingSurface("terminal");
    const discord = surfaceClosedIn("discord", discordChannel);
    core.bot.attachSurface(terminal.surface);
    core.bot.attachSurface(discord.surface);
    await core.bot.handle({ kind: "command", actor: person("alice"), channel, text: "create payments 1.4.2" });
    await linkAccounts(core, person("dana"), danaOnDiscord);
    await core.bot.handle({ kind: "command", actor: danaOnDiscord, channel: discordChannel, text: "share R-1" });
    await core.bot.idle();
    expect(discord.attempts).toEqual([discordChannel.key]);
    expect(discord.told.map((t) => t.person)).toEqual([danaOnDiscord.id]);
    expect(core.logs.filter((l) => l.level === "error")).toEqual([]);
    expect(core.logs).toContainEqual(expect.objectContaining({ level: "warn", obj: expect.objectContaining({ releaseId: "R-1", channel: discordChannel.key }) }));
  });
});
