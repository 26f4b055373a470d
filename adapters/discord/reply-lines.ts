import { parseSubject } from "../../src/domain/identity.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { groupsWithin, moreNotShown, notAllShown, type ReplyGroups, type ReplyPart } from "../../src/app/views.js";
import { clip } from "./limits.js";
import { coreText, discordTime, md, type Markdown } from "./markdown.js";

/**
 * The lines of a private answer as Discord markdown: reply lines (the release list, the freeze
 * list, a refusal naming a channel) with their times, people and channels, and lists under
 * headings (a retro's answers), each fitted to the room a message leaves them.
 */

/** What a Discord user or role id looks like (a snowflake); a name typed on Discord is no id to mention. */
export const SNOWFLAKE = /^\d+$/;

/** Reply lines whose instants each viewer reads in local time (`<t:…:F>`). */
export function replyLines(lines: ReplyPart[][]): string {
  return lines.map(replyLine).join("\n");
}

/**
 * Reply lines (the release list, the freeze list) that fit `room` characters, whole, then one
 * line counting those left out (with `leftOut`, those the core did not send): a list too long
 * for one message is cut between lines, and says so.
 */
export function linesWithin(lines: ReplyPart[][], leftOut: number, room: number, afterText: boolean): string {
  const more = (n: number) => (n ? `\n${moreNotShown(n)}` : "");
  let out = "";
  let shown = 0;
  for (const parts of lines) {
    const next = `${out}${afterText || shown > 0 ? "\n" : ""}${replyLine(parts)}`;
    if (shown > 0 && next.length + more(lines.length - shown - 1 + leftOut).length > room) break;
    out = next;
    shown += 1;
  }
  return `${out}${more(lines.length - shown + leftOut)}`;
}

/** One reply line as Discord markdown. */
function replyLine(parts: ReplyPart[]): string {
  return parts.map((p) => (typeof p === "string" ? coreText(clip(p, 1000)) : "at" in p ? discordTime(p.at, "F") : "channel" in p ? channelText(p.channel, p.text) : subjectText(p.subject, p.text)).markup).join("");
}

/** A channel named in a reply: a Discord channel as its link (`<#id>`, which pings nobody), any other by name. */
function channelText(channel: ChannelRef, name: string): Markdown {
  return channel.platform === "discord" && SNOWFLAKE.test(channel.nativeId) ? { markup: `<#${channel.nativeId}>` } : md`${name}`;
}

/**
 * A person or role named in a reply: a member or role of a guild as its mention (a private
 * reply's allowed_mentions pings nobody), anyone else by name.
 */
export function subjectText(id: string, name: string): Markdown {
  const s = parseSubject(id);
  if (s?.platform === "discord") {
    const native = s.kind === "person" ? s.user : s.group;
    if (SNOWFLAKE.test(native)) return { markup: s.kind === "person" ? `<@${native}>` : `<@&${native}>` };
  }
  return md`${name}`;
}

/**
 * A list under headings (a retro's answers) as lines of markdown, as much as `room` characters
 * hold: what is left out is counted per heading, and a last line says where to read it all.
 */
export function groupLines(list: ReplyGroups, room: number): string {
  const markupOf = (line: string, heading: boolean) => (heading ? md`**${line}**` : md`• ${line}`).markup;
  // The closing note is the core's text (its command hints in Discord's form): measured as it shows.
  const note = notAllShown(list.whereAll);
  const fitted = groupsWithin(list, room, (line, heading) => (line === note ? coreText(line).markup : markupOf(line, heading)).length + 1);
  const lines = fitted.groups.flatMap((g) => [markupOf(g.title, true), ...g.items.map((item) => markupOf(item, false))]);
  return [...lines, ...(fitted.note ? [coreText(fitted.note).markup] : [])].join("\n");
}
