import type { types as slack } from "@slack/bolt";
import { groupsWithin, moreNotShown, noticePartsWithin, replyLineText, type ReplyGroups, type CardView, type NoticeView, type ReplyPart } from "../../src/app/views.js";
import { coreText, LIMITS, groupMention, joinMd, md, mention, mrkdwn, slackDate, topLevelText, truncate, type Mrkdwn } from "./block-kit.js";
import { nativeGroupId, nativeUserId, PLATFORM } from "./inbound.js";
import type { ChannelRef } from "../../src/domain/types.js";
import { acceptsVotes } from "../../src/domain/release.js";
import { parseSubject } from "../../src/domain/identity.js";
import { DECISION_EMOJI, emoji, oneLine, personText, renderButtons, STATE_EMOJI, type SlackMessage } from "./marks.js";
import { renderCard } from "./render-card.js";

/** Summaries in one ephemeral list: each is a few hundred characters, and Slack caps a message near 13k. */
const MAX_SUMMARIES = 25;

/** A reply line whose instants each viewer reads in local time. */
function replyLine(parts: ReplyPart[], team?: string): Mrkdwn {
  return joinMd(parts.map((p) => (typeof p === "string" ? coreText(p) : "at" in p ? slackDate(p.at, p.text) : "channel" in p ? channelText(p.channel, p.text) : subjectText(p.subject, p.text, team))), "");
}

/** What a Slack channel id looks like; anything else is named in words. */
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]+$/;

/** A channel named in a reply: a Slack channel as its link (`<#C0123>`, shown with its name to whoever may see it), any other by name. */
function channelText(channel: ChannelRef, name: string): Mrkdwn {
  return channel.platform === PLATFORM && SLACK_CHANNEL_ID.test(channel.nativeId) ? { markup: `<#${channel.nativeId}>` } : md`${name}`;
}

/** A person or group named in a reply: a Slack user or user group as its mention, anyone else by name. */
function subjectText(id: string, name: string, team?: string): Mrkdwn {
  const group = nativeGroupId(id);
  return group && (team === undefined || inTeam(id, team)) ? groupMention(group) : personText(id, name, team);
}

/** How much of a notice's section its mentions may take (a user mention is about 14 characters: some 100 people). */
const MENTION_ROOM = 1500;

/** Whether a Slack id belongs to `team`: a mention of another workspace's member or group shows as unknown there and calls nobody. */
const inTeam = (id: string, team: string): boolean => parseSubject(id)?.scope === team;

/**
 * A thread reply: the notice text, the people it is waiting for, and any button it offers.
 * `team`: the workspace of the card it goes under; its copy in another workspace calls only that one's people.
 */
export function renderNotice(notice: NoticeView, team?: string): SlackMessage {
  // The people and groups the notice is for are mentioned from their ids; the text itself pings nobody.
  const here = (id: string) => team === undefined || inTeam(id, team);
  const wanted = [
    ...[...new Set(notice.mention.filter(here).map((id) => nativeUserId(id)).filter((u): u is string => u !== null))].map(mention),
    ...[...new Set(notice.mentionGroups.filter(here).map((g) => nativeGroupId(g)).filter((g): g is string => g !== null))].map(groupMention),
  ];
  // The mentions take at most half the section, so the notice's words always show; the rest are counted.
  const mentions: Mrkdwn[] = [];
  let used = 0;
  for (const m of wanted) {
    if (used + m.markup.length + 1 > MENTION_ROOM) break;
    mentions.push(m);
    used += m.markup.length + 1;
  }
  const left = wanted.length - mentions.length;
  const mentionLine = left ? md`${joinMd(mentions, " ")} and ${left} more` : joinMd(mentions, " ");
  const room = LIMITS.sectionText - mentionLine.markup.length - 10;
  // Its times in each viewer's own zone; a notice too long to show whole is cut as words.
  const parts = noticePartsWithin(notice, room);
  const body = parts ? replyLine(parts, team) : coreText(truncate(notice.text, room));
  const text = mentions.length ? md`${body}\n${mentionLine}` : body;
  const blocks: slack.KnownBlock[] = [{ type: "section", text: mrkdwn(text) }];
  if (notice.groups) blocks.push(...groupSections(notice.groups, LIMITS.messageTextBudget - JSON.stringify(blocks).length - GROUP_OVERHEAD));
  if (notice.buttons.length) blocks.push({ type: "actions", block_id: `notice:${notice.releaseId}`, elements: renderButtons(notice.buttons, notice.releaseId) });
  return { text: topLevelText(text), blocks };
}

/** How much of the decision line a one-line summary shows (the card shows the no-go reasons in full). */
const SUMMARY_DECISION = 250;

/** One line per release for lists (ephemeral `/release list`, App Home). */
export function renderCardSummary(card: CardView, more?: Mrkdwn): slack.KnownBlock {
  const when = card.scheduledAt !== null ? md` · ${slackDate(card.scheduledAt, card.scheduledText ?? new Date(card.scheduledAt).toISOString())}` : md``;
  const lines = [
    md`${emoji(STATE_EMOJI[card.state])} *${card.title}* · \`${card.releaseId}\` · ${card.stateLabel}${when}`,
    // A closed vote's line is its tally already ("Voting closed: 2 GO · 0 NO-GO · 0 abstain"), also
    // while it ships or rolls back and a button is still live.
    !acceptsVotes(card.state)
      ? md`${emoji(DECISION_EMOJI[card.decision])} ${truncate(oneLine(card.decisionLine), SUMMARY_DECISION)}`
      : md`${emoji(DECISION_EMOJI[card.decision])} ${truncate(oneLine(card.decisionLine), SUMMARY_DECISION)} · GO ${card.tally.go} · NO-GO ${card.tally.noGo} · abstain ${card.tally.abstain}`,
  ];
  if (card.countdownLine) lines.push(md`${card.countdownLine}`);
  if (more) lines.push(more);
  return { type: "section", text: mrkdwn(joinMd(lines, "\n")) };
}

/**
 * Splits long text (help, policy, the audit timeline) into section-sized pieces on line
 * breaks; `lead` (an emoji) goes before it. A code block cut in two is closed at the end of
 * one piece and opened again at the start of the next, so both halves stay code.
 */
function textSections(text: string, lead: Mrkdwn = md``): slack.KnownBlock[] {
  const FENCE = "```";
  const out: slack.KnownBlock[] = [];
  let current = "";
  let inBlock = false;
  for (const line of joinMd([lead, coreText(text)], "").markup.split("\n")) {
    if (current && current.length + line.length + FENCE.length + 1 > LIMITS.sectionText) {
      out.push({ type: "section", text: mrkdwn({ markup: inBlock ? current + FENCE : current }) });
      current = inBlock ? FENCE : "";
    }
    current = current && current !== FENCE ? `${current}\n${line}` : current + line;
    if (line.split(FENCE).length % 2 === 0) inBlock = !inBlock;
  }
  if (current) out.push({ type: "section", text: mrkdwn({ markup: current }) });
  return out;
}

/** `sections` with `line` added: on the last section while it stays within Slack's section limit, else as a new one. */
function withLine(sections: string[], line: string): string[] {
  const last = sections.at(-1);
  return last !== undefined && last.length + 1 + line.length <= LIMITS.sectionText ? [...sections.slice(0, -1), `${last}\n${line}`] : [...sections, line];
}

/** Room kept beside a list's lines for the sections around them (a few, each some 60 characters of JSON). */
const GROUP_OVERHEAD = 500;

/**
 * A list under headings (a retro's answers) as sections of whole lines, as much as `room`
 * characters of JSON hold; what is left out is counted per heading, and a last line says where to read it all.
 */
function groupSections(list: ReplyGroups, room: number): slack.KnownBlock[] {
  const markupOf = (line: string, heading: boolean) => (heading ? md`*${line}*` : md`• ${line}`).markup;
  const fitted = groupsWithin(list, room, (line, heading) => JSON.stringify(markupOf(line, heading)).length - 1);
  const lines = fitted.groups.flatMap((g) => [markupOf(g.title, true), ...g.items.map((item) => markupOf(item, false))]);
  const blocks: slack.KnownBlock[] = lines.reduce(withLine, []).map((s) => ({ type: "section", text: mrkdwn({ markup: s }) }));
  if (fitted.note) blocks.push({ type: "context", elements: [mrkdwn(coreText(fitted.note))] });
  return blocks;
}

/**
 * The blocks that fit one message, the rest left out with a line that says so: Slack refuses a
 * message whose blocks pass about 13.2k characters, and the person would get no answer at all
 * (ten release summaries with long no-go reasons, an audit timeline of long reasons, fifty locks).
 */
function withinMessageBudget(blocks: slack.KnownBlock[]): slack.KnownBlock[] {
  if (JSON.stringify(blocks).length <= LIMITS.messageTextBudget) return blocks;
  const cut: slack.KnownBlock = { type: "context", elements: [mrkdwn(md`…the rest did not fit in one Slack message.`)] };
  const kept = [...blocks];
  while (kept.length > 1 && JSON.stringify([...kept, cut]).length > LIMITS.messageTextBudget) kept.pop();
  return [...kept, cut];
}

/** A reply line as markup; one too long for a section (a pathological list) as its words, cut. */
function lineMarkup(parts: ReplyPart[]): Mrkdwn {
  const line = replyLine(parts);
  return line.markup.length <= LIMITS.sectionText - 20 ? line : coreText(truncate(replyLineText(parts), 500));
}

/**
 * Reply lines (the release list, the freeze list) as sections of whole lines, as many as `room`
 * characters of blocks hold, and then one line counting those left out (with `leftOut`, those
 * the core did not send): a list too long for one message is cut between lines, and says so.
 */
function lineSections(lines: Mrkdwn[], leftOut: number, room: number): slack.KnownBlock[] {
  const section = (markup: string): slack.KnownBlock => ({ type: "section", text: mrkdwn({ markup }) });
  const more = (n: number): slack.KnownBlock[] => (n ? [{ type: "context", elements: [mrkdwn(coreText(moreNotShown(n)))] }] : []);
  let sections: string[] = [];
  let shown = 0;
  for (const line of lines) {
    const next = withLine(sections, line.markup);
    if (shown > 0 && JSON.stringify([...next.map(section), ...more(lines.length - shown - 1 + leftOut)]).length > room) break;
    sections = next;
    shown += 1;
  }
  return [...sections.map(section), ...more(lines.length - shown + leftOut)];
}

/**
 * The private answer to the person who acted: the core's text, then one card in full or
 * several as summaries, always within one message's 50 blocks. `team`: the asker's workspace,
 * whose people and groups a card may mention.
 */
export function renderReplyMessage(reply: { text: string; cards: CardView[]; error: boolean; lines?: ReplyPart[][]; linesLeftOut?: number; groups?: ReplyGroups }, team?: string): SlackMessage {
  const lead = reply.error ? md`:warning: ` : md``;
  // A refusal that is all lines (one naming a channel) has its warning before its first line.
  const textBlocks = reply.text || !reply.lines?.length ? textSections(reply.text, lead).slice(0, 10) : [];
  if (reply.lines?.length) {
    const lines = reply.lines.map((parts, i) => (i === 0 && !reply.text ? joinMd([lead, lineMarkup(parts)], "") : lineMarkup(parts)));
    textBlocks.push(...lineSections(lines, reply.linesLeftOut ?? 0, LIMITS.messageTextBudget - JSON.stringify(textBlocks).length - 30));
  }
  if (reply.groups) textBlocks.push(...groupSections(reply.groups, LIMITS.messageTextBudget - JSON.stringify(textBlocks).length - GROUP_OVERHEAD));
  let cardBlocks: slack.KnownBlock[] = [];
  const [only] = reply.cards;
  // The card gets the room the text leaves, so a cut never takes its buttons.
  if (reply.cards.length === 1 && only) cardBlocks = renderCard(only, LIMITS.messageTextBudget - JSON.stringify(textBlocks).length - 30, team).blocks;
  else if (reply.cards.length > 1) {
    // Leave room for the divider and the "more" line, and stay well under Slack's total size cap.
    const room = Math.min(MAX_SUMMARIES, LIMITS.messageBlocks - textBlocks.length - 2);
    const shown = reply.cards.slice(0, room);
    cardBlocks = shown.map((c) => renderCardSummary(c));
    if (reply.cards.length > shown.length) cardBlocks.push({ type: "context", elements: [mrkdwn(coreText(moreNotShown(reply.cards.length - shown.length)))] });
  }
  const blocks = withinMessageBudget([...textBlocks, ...(textBlocks.length && cardBlocks.length ? [{ type: "divider" } as const] : []), ...cardBlocks].slice(0, LIMITS.messageBlocks));
  // The notification and screen-reader text names people as the blocks do (`<@U123>`), not by raw id.
  const fallback = !reply.text && reply.lines?.length ? joinMd(reply.lines.map(lineMarkup), "\n") : coreText(truncate(reply.text || (only ? only.fallbackText : " "), LIMITS.sectionText));
  return { text: topLevelText(fallback), blocks };
}
