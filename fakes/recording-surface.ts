import type { ChatSurface, MessageRef } from "../src/app/ports.js";
import { groupsText, type CardView, type NoticeView, type ReplyPart } from "../src/app/views.js";
import type { ChannelRef } from "../src/domain/types.js";

/** A chat platform that remembers what it was asked to show, like a channel would. */
export function createRecordingSurface(platform = "terminal", minUpdateIntervalMs = 0) {
  const posts: Array<{ channel: ChannelRef; card: CardView; messageId: string }> = [];
  const updates: Array<{ ref: MessageRef; card: CardView }> = [];
  const notices: Array<{ ref: MessageRef; notice: NoticeView }> = [];
  /** Notices posted as messages of their own in a channel (a hand-set lock's reminders). */
  const channelNotices: Array<{ channel: ChannelRef; notice: NoticeView }> = [];
  /** Direct messages from the bot, to one person each. */
  const told: Array<{ person: string; line: ReplyPart[] }> = [];
  let seq = 0;
  const surface: ChatSurface = {
    platform,
    minUpdateIntervalMs,
    postCard(channel, card) {
      seq += 1;
      posts.push({ channel, card, messageId: String(seq) });
      return Promise.resolve({ messageId: String(seq) });
    },
    updateCard(ref, card) {
      updates.push({ ref, card });
      return Promise.resolve();
    },
    postNotice(ref, notice) {
      notices.push({ ref, notice });
      return Promise.resolve();
    },
    postInChannel(channel, notice) {
      channelNotices.push({ channel, notice });
      return Promise.resolve();
    },
    tellPrivately(person, line) {
      told.push({ person, line });
      return Promise.resolve();
    },
  };
  /** The card as the channel shows it now: the last edit, or the post. */
  const latestCard = (releaseId: string): CardView | undefined =>
    [...updates].reverse().find((u) => u.card.releaseId === releaseId)?.card ?? posts.find((p) => p.card.releaseId === releaseId)?.card;
  /** Each notice's words, with the list under headings it carries (a closed retro's answers) after them. */
  const noticeTexts = (releaseId?: string) =>
    notices.filter((n) => !releaseId || n.notice.releaseId === releaseId).map((n) => (n.notice.groups ? `${n.notice.text}\n${groupsText(n.notice.groups)}` : n.notice.text));
  return { surface, posts, updates, notices, channelNotices, told, latestCard, noticeTexts };
}
