import { OAuth2Scopes, PermissionFlagsBits } from "discord.js";

/**
 * Exactly what the bot does in a channel: see it, post the card and replies (also when
 * the card lives in a thread), embed the card, and reply to its own card message.
 * Editing its own messages needs no permission. Role pings need the role to be
 * mentionable (Server Settings → Roles), not Mention Everyone.
 */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;

export const BOT_PERMISSION_NAMES = ["View Channels", "Send Messages", "Send Messages in Threads", "Embed Links", "Read Message History"];

/** The invite link with exactly BOT_PERMISSIONS and the two scopes gonogo needs. */
export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=${OAuth2Scopes.Bot}+${OAuth2Scopes.ApplicationsCommands}&permissions=${BOT_PERMISSIONS.toString()}`;
}
