import type { webApi } from "@slack/bolt";
import { MessageGone, type ChatSurface } from "../../src/app/ports.js";
import { renderCard } from "./render-card.js";
import { renderNotice } from "./render.js";

/**
 * Cards and thread notices in Slack. The core coalesces updates per message and calls
 * this at most once per `minUpdateIntervalMs` per message; Slack allows about one
 * message write per second per channel (PLATFORM-FACTS A4).
 */
export function createSlackSurface(client: webApi.WebClient): ChatSurface {
  return {
    platform: "slack",
    minUpdateIntervalMs: 1000,
    async postCard(channel, card) {
      const res = await client.chat.postMessage({ channel: channel.nativeId, ...renderCard(card), unfurl_links: false, unfurl_media: false });
      if (!res.ts) throw new Error(`slack: chat.postMessage to ${channel.nativeId} returned no ts`);
      return { messageId: res.ts };
    },
    async updateCard(ref, card) {
      try {
        await client.chat.update({ channel: ref.channel.nativeId, ts: ref.messageId, ...renderCard(card) });
      } catch (err) {
        if ((err as { data?: { error?: unknown } }).data?.error === "message_not_found") throw new MessageGone(`slack message ${ref.messageId}`);
        throw err;
      }
    },
    async postNotice(ref, notice) {
      await client.chat.postMessage({ channel: ref.channel.nativeId, thread_ts: ref.messageId, ...renderNotice(notice), unfurl_links: false, unfurl_media: false });
    },
  };
}
