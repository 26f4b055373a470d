import { DiscordAPIError, RESTJSONErrorCodes, Routes, type APIMessage, type REST } from "discord.js";
import { MessageGone, type ChatSurface, type MessageRef } from "../../src/app/ports.js";
import { parseChannelKey } from "../../src/domain/identity.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { renderCard, renderNotice } from "./render.js";

/**
 * Cards are ordinary channel messages sent and edited with the bot token: interaction
 * tokens die after 15 minutes and a release card lives for days. @discordjs/rest queues
 * per route and waits out 429s, so this stays a thin translation.
 */
export function createDiscordSurface(rest: REST, minUpdateIntervalMs = 1000): ChatSurface {
  return {
    platform: "discord",
    // Discord allows about 5 message edits per 5 s per channel; the core coalesces to this.
    minUpdateIntervalMs,
    // The card's "Release time" counts down in each client (<t:…:R>, render.ts).
    countsDownItself: true,
    async postCard(channel: ChannelRef, card) {
      const msg = (await rest.post(Routes.channelMessages(channel.nativeId), { body: renderCard(card) })) as APIMessage;
      return { messageId: msg.id };
    },
    async updateCard(ref: MessageRef, card) {
      try {
        await rest.patch(Routes.channelMessage(ref.channel.nativeId, ref.messageId), { body: renderCard(card) });
      } catch (err) {
        if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage) throw new MessageGone(`discord message ${ref.messageId}`);
        throw err;
      }
    },
    async postNotice(ref: MessageRef, notice) {
      await rest.post(Routes.channelMessages(ref.channel.nativeId), { body: renderNotice(notice, guildOf(ref.channel), ref.messageId) });
    },
  };
}

/** `discord:<guild>:<channel>` → guild id, so mentions stay within the card's server. */
function guildOf(channel: ChannelRef): string {
  return parseChannelKey(channel.key)?.scope ?? "";
}
