import type { webApi } from "@slack/bolt";
import { ChannelClosedToBot, MessageGone, type ChatSurface } from "../../src/app/ports.js";
import { nativeUserId } from "./inbound.js";
import { renderCard } from "./render-card.js";
import { renderNotice, renderReplyMessage } from "./render.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { parseChannelKey } from "../../src/domain/identity.js";

/** The workspace a channel is in: a card there mentions only that workspace's people and groups. */
const teamOf = (channel: ChannelRef): string | undefined => parseChannelKey(channel.key)?.scope;

/** Slack's answers to a post in a channel the bot may not post in: a private channel it was not invited to (or one it cannot see), or one archived. */
const CLOSED_TO_BOT = new Set(["not_in_channel", "channel_not_found", "is_archived"]);

const slackErrorOf = (err: unknown): unknown => (err as { data?: { error?: unknown } } | null)?.data?.error;

/** A post refused because the bot is not let into the channel, as the core's ChannelClosedToBot; anything else as it was. */
function closedToBot(channel: ChannelRef): (err: unknown) => never {
  return (err) => {
    const code = slackErrorOf(err);
    if (typeof code === "string" && CLOSED_TO_BOT.has(code)) throw new ChannelClosedToBot(`slack ${code} in ${channel.nativeId}`, code === "is_archived");
    throw err;
  };
}

/**
 * `chat.update` is a Tier 3 method: about 50 calls a minute per workspace, with short bursts
 * (PLATFORM-FACTS A4). Past it Slack answers 429, and the client pauses every call queued
 * behind, the thread notices too; so the cards of one workspace share this budget.
 */
const SLACK_CARD_EDIT_BUDGET = { perMinute: 50, burst: 10 };

/**
 * Cards and thread notices in Slack. The core coalesces updates per message and calls
 * this at most once per `minUpdateIntervalMs` per message (Slack allows about one
 * message write per second per channel) and within the workspace's edit budget.
 */
export function createSlackSurface(client: webApi.WebClient, editClient: webApi.WebClient = client): ChatSurface {
  return {
    platform: "slack",
    minUpdateIntervalMs: 1000,
    editBudget: SLACK_CARD_EDIT_BUDGET,
    async postCard(channel, card) {
      const res = await client.chat.postMessage({ channel: channel.nativeId, ...renderCard(card, undefined, teamOf(channel)), unfurl_links: false, unfurl_media: false }).catch(closedToBot(channel));
      if (!res.ts) throw new Error(`slack: chat.postMessage to ${channel.nativeId} returned no ts`);
      return { messageId: res.ts };
    },
    async updateCard(ref, card) {
      try {
        await editClient.chat.update({ channel: ref.channel.nativeId, ts: ref.messageId, ...renderCard(card, undefined, teamOf(ref.channel)) });
      } catch (err) {
        if (slackErrorOf(err) === "message_not_found") throw new MessageGone(`slack message ${ref.messageId}`);
        throw err;
      }
    },
    async postNotice(ref, notice) {
      await client.chat.postMessage({ channel: ref.channel.nativeId, thread_ts: ref.messageId, ...renderNotice(notice, teamOf(ref.channel)), unfurl_links: false, unfurl_media: false });
    },
    async postInChannel(channel, notice) {
      await client.chat.postMessage({ channel: channel.nativeId, ...renderNotice(notice, teamOf(channel)), unfurl_links: false, unfurl_media: false }).catch(closedToBot(channel));
    },
    /** A direct message from the app (im:write), as sendFilesPrivately opens one. */
    async tellPrivately(person, line) {
      const user = nativeUserId(person);
      if (!user) throw new Error(`slack: ${person} is no Slack user`);
      const dm = await client.conversations.open({ users: user });
      const channel = dm.channel?.id;
      if (!channel) throw new Error(`slack: conversations.open for ${user} returned no channel`);
      await client.chat.postMessage({ channel, ...renderReplyMessage({ text: "", cards: [], error: false, lines: [line] }), unfurl_links: false, unfurl_media: false });
    },
  };
}
