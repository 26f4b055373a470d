import type { ChannelRef } from "../domain/types.js";
import { channelName } from "./channel-names.js";
import { ChannelClosedToBot, describe, type ChatSurface, type Clock, type Logger } from "./ports.js";
import { sendPrivately } from "./private-message.js";
import type { Store } from "./store.js";
import type { ReplyPart } from "./views.js";

/** Telling people privately why a card is not in a channel gonogo may not post in (card-sync.ts). */
export function createClosedChannelTeller({ store, log, clock, surfaces }: { store: Store; log: Logger; clock: Clock; surfaces: Map<string, ChatSurface> }) {
  /** Says privately why the card is not in the channel; false when that person cannot be told privately. */
  const tell = (releaseId: string, channel: ChannelRef, whom: string, archived: boolean): Promise<boolean> => sendPrivately(surfaces, log, whom, closedChannelLine(releaseId, channel, archived));

  /**
   * The bot may not post in the channel (a private Slack channel it was not invited to, a
   * Discord channel it cannot see or post in): retrying cannot help, and the person who made the
   * release sees no card and nothing saying why. Their manager is told privately, once per
   * release and channel (recorded in the store, so a restart or another instance does not tell
   * them again), how to let the bot in and post it (`/release share`); someone whose
   * `/release share` asked for the copy was just told it is coming, and is told each time.
   */
  return async function channelClosed(releaseId: string, channel: ChannelRef, err: unknown, askedBy?: string): Promise<void> {
    log.warn({ err: describe(err), releaseId, channel: channel.key }, "the bot may not post the card in that channel; not retrying (`/release share <id>` there posts it once the bot is let in)");
    const archived = err instanceof ChannelClosedToBot && err.archived;
    // One who cannot be told privately (a platform without direct messages) leaves it to the manager.
    if (askedBy && (await tell(releaseId, channel, askedBy, archived))) return;
    const release = await store.getRelease(releaseId);
    if (!release || !(await store.markClosedChannelTold(releaseId, channel.key, clock.now()))) return;
    await tell(releaseId, channel, release.managerId, archived);
  };
}

/** What the manager reads when the bot may not post the card in `channel`: what happened, and what to do there. */
function closedChannelLine(releaseId: string, channel: ChannelRef, archived = false): ReplyPart[] {
  if (archived) return [`I can't post ${releaseId}'s card in `, { channel, text: channelName(channel) }, `: it is archived. Unarchive it, then \`/release share ${releaseId}\` there, or run \`/release share ${releaseId}\` in another channel.`];
  const letIn =
    channel.platform === "slack"
      ? " (a private channel I'm not in): `/invite @gonogo` there"
      : channel.platform === "discord"
        ? " (a channel I can't see or post in): give gonogo View Channel and Send Messages there"
        : ": let gonogo post there";
  return [`I can't post ${releaseId}'s card in `, { channel, text: channelName(channel) }, `${letIn}, then \`/release share ${releaseId}\`.`];
}
