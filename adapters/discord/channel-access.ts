import { PermissionFlagsBits } from "discord.js";
import type { Reply } from "../../src/app/views.js";

/**
 * Every interaction carries the bot's own permissions in its channel (`app_permissions`). A card
 * posted where one of them is missing fails (or, without Embed Links, shows no card), and the
 * manager only hears of it in a DM: `/release create` and `share` say it in their answer too,
 * to the person who asked, in the channel they are looking at.
 */

/**
 * What a card needs in its channel, in the words of Discord's permission settings (README: the
 * five permissions), each with the flags any one of which grants it. In a thread, posting takes
 * Send Messages in Threads; where the channel's type is not known (a thread discord.js has not
 * cached), either posting permission is taken as enough, so nothing is claimed missing wrongly.
 */
function needed(inThread: boolean | null): Array<[string, bigint[]]> {
  const send: [string, bigint[]] =
    inThread === null
      ? ["Send Messages", [PermissionFlagsBits.SendMessages, PermissionFlagsBits.SendMessagesInThreads]]
      : inThread
        ? ["Send Messages in Threads", [PermissionFlagsBits.SendMessagesInThreads]]
        : ["Send Messages", [PermissionFlagsBits.SendMessages]];
  return [["View Channel", [PermissionFlagsBits.ViewChannel]], send, ["Embed Links", [PermissionFlagsBits.EmbedLinks]], ["Read Message History", [PermissionFlagsBits.ReadMessageHistory]]];
}

/** Discord's thread channel types (announcement, public and private thread). */
const THREAD_TYPES = new Set([10, 11, 12]);

/** The permissions a card needs that `appPermissions` (the interaction's, as a decimal string) lacks; none when Discord sent none. */
export function missingForCard(appPermissions: string | null | undefined, channelType: number | null | undefined): string[] {
  if (!appPermissions || !/^\d+$/.test(appPermissions)) return [];
  const have = BigInt(appPermissions);
  const inThread = channelType === null || channelType === undefined ? null : THREAD_TYPES.has(channelType);
  return needed(inThread).filter(([, flags]) => flags.every((f) => (have & f) === 0n)).map(([name]) => name);
}

/** Subcommands whose answer promises a card in this channel. */
const POSTS_CARD = new Set(["create", "share"]);

/**
 * The core's answer to a create or share, with a line on what the bot lacks here. The release
 * is the first id the answer names ("Created R-7: …", "Posting R-7's card here."); an answer
 * that is a refusal, or where nothing is missing, is returned as it is.
 */
export function withChannelAccess(reply: Reply, subcommand: string | null, missing: string[]): Reply {
  if (!missing.length || subcommand === null || !POSTS_CARD.has(subcommand) || reply.type !== "message" || reply.error) return reply;
  const id = /\bR-\d+\b/.exec(reply.text)?.[0];
  if (!id) return reply;
  const list = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)!}`;
  const those = missing.length === 1 ? "that permission" : "those permissions";
  return { ...reply, text: `${reply.text}\n⚠️ gonogo cannot post or show ${id}'s card in this channel: it lacks ${list} here. Give gonogo's role ${those} in this channel (Edit Channel → Permissions), then \`/release share ${id}\` here.` };
}
