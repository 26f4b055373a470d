import { parseChannelKey } from "../domain/identity.js";
import type { ChannelRef } from "../domain/types.js";
import type { ReplyPart } from "./views.js";

/** What each chat platform is called in words. */
export const PLATFORM_NAMES: Record<string, string> = { slack: "Slack", discord: "Discord" };

/**
 * A channel in words, for anyone anywhere: by platform and id (`Slack channel C0123`), since
 * gonogo keeps no channel names, only what the platforms' APIs need; the terminal's by its
 * name (`terminal channel #releases`: on Slack or Discord a bare `#releases` reads as one of theirs).
 */
export function channelName(channel: ChannelRef): string {
  return `${PLATFORM_NAMES[channel.platform] ?? channel.platform} channel ${channel.nativeId}`;
}

/** Are the two channels in one workspace or server (so one can mention the other)? */
function sameWorkspace(a: ChannelRef, b: ChannelRef): boolean {
  const pa = parseChannelKey(a.key);
  const pb = parseChannelKey(b.key);
  return pa !== null && pb !== null && pa.platform === pb.platform && pa.scope === pb.scope;
}

/**
 * `channel` as a reply names it to someone asking in `here`: in the same workspace or server, a
 * part the platform shows as a channel mention (`<#C0123>`, `<#1187…>`) that they can click;
 * anywhere else, in words (a Slack mention in Discord, or one from another workspace, would
 * show as an unknown channel).
 */
export function channelPart(channel: ChannelRef, here: ChannelRef): ReplyPart {
  // In the terminal, its own channel is just `#releases`.
  if (sameWorkspace(channel, here)) return { channel, text: channel.platform === "terminal" ? channel.nativeId : channelName(channel) };
  const other = channel.platform === here.platform && channel.platform in PLATFORM_NAMES ? ` (another ${channel.platform === "discord" ? "server" : "workspace"})` : "";
  return `${channelName(channel)}${other}`;
}
