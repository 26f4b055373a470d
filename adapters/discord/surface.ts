import { DiscordAPIError, RESTJSONErrorCodes, Routes, type APIDMChannel, type APIMessage, type REST } from "discord.js";
import { ChannelClosedToBot, MessageGone, type ChatSurface, type MessageRef } from "../../src/app/ports.js";
import { parseChannelKey, parseSubject } from "../../src/domain/identity.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { renderCard, renderNotice } from "./render.js";
import { replyLines, SNOWFLAKE } from "./reply-lines.js";

/** Discord's answers to a post in a channel the bot may not post in: it cannot see it, may not send there, or (to the bot) it does not exist. */
const CLOSED_TO_BOT = new Set<number | string>([RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions, RESTJSONErrorCodes.UnknownChannel]);

/**
 * Cards are ordinary channel messages sent and edited with the bot token: interaction
 * tokens die after 15 minutes and a release card lives for days. @discordjs/rest queues
 * per route and waits out 429s, so this stays a thin translation.
 */
export function createDiscordSurface(restOf: () => REST, minUpdateIntervalMs = 1000): ChatSurface {
  // The gateway's client is replaced on each try at connecting: always send through the current one.
  const rest = {
    post: (...args: Parameters<REST["post"]>) => restOf().post(...args),
    patch: (...args: Parameters<REST["patch"]>) => restOf().patch(...args),
  };
  return {
    platform: "discord",
    // Discord allows about 5 message edits per 5 s per channel; the core coalesces to this.
    minUpdateIntervalMs,
    // The card's "Release time" counts down in each client (<t:…:R>, render.ts).
    countsDownItself: true,
    async postCard(channel: ChannelRef, card) {
      const msg = (await rest.post(Routes.channelMessages(channel.nativeId), { body: renderCard(card, guildOf(channel)) }).catch(closedToBot(channel))) as APIMessage;
      return { messageId: msg.id };
    },
    async updateCard(ref: MessageRef, card) {
      try {
        await rest.patch(Routes.channelMessage(ref.channel.nativeId, ref.messageId), { body: renderCard(card, guildOf(ref.channel)) });
      } catch (err) {
        if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage) throw new MessageGone(`discord message ${ref.messageId}`);
        throw err;
      }
    },
    async postNotice(ref: MessageRef, notice) {
      await rest.post(Routes.channelMessages(ref.channel.nativeId), { body: renderNotice(notice, guildOf(ref.channel), ref.messageId) });
    },
    async postInChannel(channel: ChannelRef, notice) {
      await rest.post(Routes.channelMessages(channel.nativeId), { body: renderNotice(notice, guildOf(channel), null) }).catch(closedToBot(channel));
    },
    /** A direct message from the bot: open (or reuse) the DM channel with the person, then post in it. */
    async tellPrivately(person, line) {
      const s = parseSubject(person);
      if (s?.kind !== "person" || s.platform !== "discord" || !SNOWFLAKE.test(s.user)) throw new Error(`discord: ${person} is no Discord user`);
      const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: s.user } })) as APIDMChannel;
      await rest.post(Routes.channelMessages(dm.id), { body: { content: replyLines([line]), allowed_mentions: { parse: [] } } });
    },
  };
}

/** A post refused because the bot may not see or post in the channel, as the core's ChannelClosedToBot; anything else as it was. */
function closedToBot(channel: ChannelRef): (err: unknown) => never {
  return (err) => {
    if (err instanceof DiscordAPIError && CLOSED_TO_BOT.has(err.code)) throw new ChannelClosedToBot(`discord ${err.code} ${err.message} in ${channel.nativeId}`);
    throw err;
  };
}

/** `discord:<guild>:<channel>` → guild id, so mentions stay within the card's server. */
function guildOf(channel: ChannelRef): string {
  return parseChannelKey(channel.key)?.scope ?? "";
}
