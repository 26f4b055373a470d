import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
} from "discord.js";
import type { CardAction } from "../../src/app/events.js";
import { parseSubject } from "../../src/domain/identity.js";
import { noticePartsWithin, type ReplyGroups, type ButtonView, type CardView, type CriterionLine, type NoticeView, type ReplyPart, type VoteLine } from "../../src/app/views.js";
import { groupLines, linesWithin, replyLines, SNOWFLAKE, subjectText } from "./reply-lines.js";
import { buttonCustomId, selectCustomId, selectOptionValue } from "./ids.js";
import { LIMITS, clip, cutMarkdown, fitEmbeds } from "./limits.js";
import { coreText, discordTime, fit, md, safeLink } from "./markdown.js";

/** A channel message body as `POST/PATCH /channels/{c}/messages` takes it. */
export interface MessageBody {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowed_mentions: { parse: []; users?: string[]; roles?: string[]; replied_user?: boolean };
  message_reference?: { message_id: string; fail_if_not_exists: boolean };
}

const COLOURS = { go: 0x2ecc71, no_go: 0xe74c3c, pending: 0xf1c40f, resolved: 0x95a5a6, rollback: 0xe67e22 } as const;

/** Discord styles by what the button does, so Go is always green and No-go / Roll back red. */
const STYLE_BY_ACTION: Record<CardAction, ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger> = {
  go: ButtonStyle.Success,
  no_go: ButtonStyle.Danger,
  abstain: ButtonStyle.Secondary,
  rollback: ButtonStyle.Danger,
  retro: ButtonStyle.Primary,
  check: ButtonStyle.Secondary,
};

const CHOICE_TITLES = { go: "GO", no_go: "NO-GO", abstain: "Abstain" } as const;

function colour(card: CardView): number {
  if (card.state === "rolling_back" || card.state === "rolled_back") return COLOURS.rollback;
  if (card.resolved) return COLOURS.resolved;
  return COLOURS[card.decision];
}

/** One field per choice; long lists end in "… and N more" instead of a cut line. */
function voteFields(votes: VoteLine[], budgetPerField: number): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  for (const choice of ["go", "no_go", "abstain"] as const) {
    const mine = votes.filter((v) => v.choice === choice);
    if (!mine.length) continue;
    const lines: string[] = [];
    let used = 0;
    for (const [i, v] of mine.entries()) {
      // Cut the person's text before escaping it, so a cut never lands inside an escape.
      const line = fit(v.reason ? md`• ${clip(v.voterName, 60)} — ${clip(v.reason, 140)}` : md`• ${clip(v.voterName, 60)}`, 400);
      const rest = mine.length - i;
      const moreLen = `\n… and ${rest} more`.length;
      if (used + line.length + 1 + (rest > 1 ? moreLen : 0) > budgetPerField) {
        lines.push(`… and ${rest} more`);
        break;
      }
      lines.push(line);
      used += line.length + 1;
    }
    fields.push({ name: `${CHOICE_TITLES[choice]} (${mine.length})`, value: lines.join("\n"), inline: false });
  }
  return fields;
}

const CRITERION_MARKS: Record<CriterionLine["status"], string> = { pending: "⏳", passed: "✅", failed: "❌" };

/** The checklist: one line per criterion with who or what set it, when (each viewer's zone), the note and a link; cut to fit one field. */
function criteriaField(criteria: CriterionLine[]): string {
  const lines = criteria.map((c) => {
    const by = c.byName ? md` by ${clip(c.byName, 60)}${c.byCi ? " (CI)" : ""}${c.overridden ? " (admin override)" : ""}` : md``;
    const when = c.at !== null ? md` · ${discordTime(c.at, "R")}` : md``;
    const note = c.note ? md` — ${clip(c.note, 120)}` : md``;
    const link = c.url && c.url.length <= 300 ? md` · ${safeLink(c.url, "evidence")}` : md``;
    return md`${CRITERION_MARKS[c.status]} **${c.name}** ${c.status}${by}${when}${note}${link}`.markup;
  });
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const more = `… and ${lines.length - i} more`;
    if (used + line.length + 1 > LIMITS.fieldValue - more.length - 1) {
      out.push(more);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join("\n");
}

/** Mentions of one role's holders shown on a card at most; the rest are counted. */
const SIGN_OFF_MENTIONS = 10;

/**
 * Whose GO each sign-off still waits for: the server's roles and members holding it, as
 * mentions (an embed's mentions show as names and never notify anyone), or what to do when
 * nobody here holds it. `guildId`: the card's server; without it (a private answer) none are named.
 */
function signOffField(signOffs: NonNullable<CardView["signOffs"]>, guildId: string | undefined): APIEmbedField {
  const lines = signOffs.map(({ role, holders }) => {
    const here = guildId === undefined ? [] : [...holders.flatMap((h) => inGuild(h, "group", guildId).map((id) => `<@&${id}>`)), ...holders.flatMap((h) => inGuild(h, "person", guildId).map((id) => `<@${id}>`))];
    const name = md`**${clip(role, 40)}**`.markup;
    if (here.length) {
      const more = here.length > SIGN_OFF_MENTIONS ? ` and ${here.length - SIGN_OFF_MENTIONS} more` : "";
      return `${name}: ${here.slice(0, SIGN_OFF_MENTIONS).join(" ")}${more}`;
    }
    if (holders.length || guildId === undefined) return `${name}: a GO from someone holding ${md`${clip(role, 40)}`.markup}`;
    return `${name}: ${coreText(`nobody holds ${role} yet; an admin grants it with \`/release role grant <user> ${role}\``).markup}`;
  });
  return { name: "Waiting for sign-off", value: cutMarkdown(lines.join("\n"), LIMITS.fieldValue), inline: false };
}

/** The card's embed: what is released, its state, the decision and what it waits for, votes, time. */
function renderCardEmbed(card: CardView, opts: { compact?: boolean; guildId?: string } = {}): APIEmbed {
  const descParts = [md`**${card.decisionLine}**`];
  // After a NO-GO, what else it waits for: lifting the no-go alone does not make it GO.
  if (card.alsoPendingLine) descParts[0] = md`${descParts[0]!}\n${clip(card.alsoPendingLine, 600)}`;
  if (card.description) descParts.push(md`${clip(card.description, 1000)}`);

  const fields: APIEmbedField[] = [
    { name: "State", value: fit(md`${clip(card.stateLabel, 100)}`, LIMITS.fieldValue), inline: true },
    { name: "Environment", value: fit(md`${clip(card.environment, 100)}`, LIMITS.fieldValue), inline: true },
    { name: "Manager", value: subjectText(card.managerId, clip(card.managerName, 100)).markup, inline: true },
  ];
  // The core's own `code` (the unlock command) renders as code, so it can be copied.
  const guards = (card.guards ?? []).map((g) => (g.until ? md`${g.icon} ${coreText(clip(g.text, 300))} ${discordTime(g.until.at, "F")}` : md`${g.icon} ${coreText(clip(g.text, 300))}`).markup);
  if (guards.length) fields.push({ name: "Guardrails", value: cutMarkdown(guards.join("\n"), LIMITS.fieldValue), inline: false });
  if (card.scheduledAt !== null) {
    // Discord counts down to T-0 in each viewer's client (<t:…:R>), so the card carries no
    // countdown text that would go stale between edits, and needs no edit as time passes.
    // A held or cancelled release's T-0 will not run: no live "in 1 hour" counting down to it.
    const [at, left] = [discordTime(card.scheduledAt, "F"), discordTime(card.scheduledAt, "R")];
    const when =
      card.state === "held" ? md`${at}\n${card.countdownLine ?? ""}` : card.state === "cancelled" ? at : card.nextReminder ? md`${at}\n${left}\nNext reminder at ${card.nextReminder}` : md`${at}\n${left}`;
    fields.push({ name: "Release time", value: when.markup, inline: false });
  }
  if (card.signOffs?.length) fields.push(signOffField(card.signOffs, opts.guildId));
  if (!opts.compact) {
    const withVotes = new Set(card.votes.map((v) => v.choice)).size || 1;
    fields.push(...voteFields(card.votes, Math.min(LIMITS.fieldValue, Math.floor(3000 / withVotes))));
    if (card.criteria.length) fields.push({ name: "Readiness criteria", value: criteriaField(card.criteria), inline: false });
    if (card.notes.length) fields.push({ name: "Notes", value: fit(coreText(clip(card.notes.join("\n"), LIMITS.fieldValue)), LIMITS.fieldValue), inline: false });
  }
  const { go, noGo, abstain } = card.tally;
  return {
    title: fit(md`${card.releaseId} · ${clip(card.title, 200)}`, LIMITS.embedTitle),
    description: cutMarkdown(descParts.map((p) => p.markup).join("\n\n"), LIMITS.embedDescription),
    color: colour(card),
    fields: fields.slice(0, LIMITS.embedFields),
    footer: { text: `gonogo ${card.releaseId} · ${go} go · ${noGo} no-go · ${abstain} abstain` },
  };
}

/** Buttons in rows of five; Discord allows five rows and unique custom_ids per message. */
function renderButtons(releaseId: string, buttons: ButtonView[]): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const seen = new Set<string>();
  const made: APIButtonComponentWithCustomId[] = [];
  for (const b of buttons) {
    const custom_id = buttonCustomId(b.action, releaseId);
    if (seen.has(custom_id)) continue;
    seen.add(custom_id);
    made.push({ type: ComponentType.Button, custom_id, label: clip(b.label, LIMITS.buttonLabel), style: STYLE_BY_ACTION[b.action] });
  }
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  for (let i = 0; i < made.length && rows.length < LIMITS.actionRows; i += LIMITS.buttonsPerRow) {
    rows.push({ type: ComponentType.ActionRow, components: made.slice(i, i + LIMITS.buttonsPerRow) });
  }
  return rows;
}

/**
 * The card's criteria menu, a row of its own: pass or fail for each criterion still being
 * decided. Everyone sees the same card; the core decides who may tick on each choice.
 */
function renderCriteriaMenu(card: CardView): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  if (!card.tickable.length) return [];
  const options = card.tickable
    .flatMap((name) => (["pass", "fail"] as const).map((verdict) => ({ label: clip(`${name}: ${verdict}`, LIMITS.selectOptionText), value: selectOptionValue(name, verdict), emoji: { name: verdict === "pass" ? "✅" : "❌" } })))
    .slice(0, LIMITS.selectOptions);
  return [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.StringSelect, custom_id: selectCustomId(card.releaseId), placeholder: "Tick a criterion…", options }] }];
}

/** Buttons, then the criteria menu, within Discord's five rows. */
function cardComponents(card: CardView): MessageBody["components"] {
  return [...renderButtons(card.releaseId, card.buttons), ...renderCriteriaMenu(card)].slice(0, LIMITS.actionRows);
}

/** The card as a channel message in `guildId`'s channel. Resolved cards lose their buttons. */
export function renderCard(card: CardView, guildId?: string): MessageBody {
  return {
    // Notifications and screen readers show content; the embed is the card itself.
    content: "",
    embeds: fitEmbeds([renderCardEmbed(card, guildId === undefined ? {} : { guildId })]),
    components: card.resolved ? [] : cardComponents(card),
    allowed_mentions: { parse: [] },
  };
}

/** The guild's own user (`person`) or role (`group`) id in a subject, or null when it is another kind, platform or guild. */
function inGuild(id: string, kind: "person" | "group", guildId: string): string[] {
  const s = parseSubject(id);
  if (s?.kind !== kind || s.platform !== "discord" || s.scope !== guildId) return [];
  const native = s.kind === "person" ? s.user : s.group;
  return SNOWFLAKE.test(native) ? [native] : [];
}

/**
 * A reply to the card message (or, without one, a message of its own in the channel). Only
 * this guild's users and roles are mentioned (other platforms' people are named in the text
 * by the core), and allowed_mentions lists exactly them so nothing else in the text can ping.
 */
export function renderNotice(notice: NoticeView, guildId: string, cardMessageId: string | null): MessageBody {
  const wanted = [
    ...[...new Set(notice.mention.flatMap((m) => inGuild(m, "person", guildId)))].map((id) => ({ id, kind: "user" as const, markup: `<@${id}>` })),
    ...[...new Set(notice.mentionGroups.flatMap((m) => inGuild(m, "group", guildId)))].map((id) => ({ id, kind: "role" as const, markup: `<@&${id}>` })),
  ];
  // The mentions take at most half the message, so the notice's words always show; the rest are counted.
  const shown = mentionsWithin(wanted, MENTION_ROOM);
  const left = wanted.length - shown.length;
  const mentionLine = shown.map((m) => m.markup).join(" ") + (left ? ` and ${left} more` : "");
  const room = LIMITS.content - mentionLine.length - 1;
  // Its times in each viewer's own zone; a notice too long to show whole is cut as words.
  const parts = noticePartsWithin(notice, room);
  const timed = parts ? replyLines([parts]) : null;
  // Escaping can make the timed text longer than the words it was measured by: then the words, cut.
  const text = timed !== null && timed.length <= room ? timed : fit(coreText(notice.text), room);
  const said = mentionLine ? `${text}\n${mentionLine}` : text;
  const content = notice.groups ? `${said}\n${groupLines(notice.groups, LIMITS.content - said.length - 1)}` : said;
  const users = shown.filter((m) => m.kind === "user").map((m) => m.id);
  const roles = shown.filter((m) => m.kind === "role").map((m) => m.id);
  return {
    content,
    embeds: [],
    components: renderButtons(notice.releaseId, notice.buttons),
    allowed_mentions: { parse: [], users, roles, replied_user: false },
    ...(cardMessageId === null ? {} : { message_reference: { message_id: cardMessageId, fail_if_not_exists: false } }),
  };
}

/** How much of a notice its mentions may take (a mention is about 21 characters: some 45 people). */
const MENTION_ROOM = 1000;

/** The mentions that fit `room` characters, in order, and at most the 100 of each kind allowed_mentions takes. */
function mentionsWithin<M extends { kind: "user" | "role"; markup: string }>(mentions: M[], room: number): M[] {
  const shown: M[] = [];
  const counts = { user: 0, role: 0 };
  let used = 0;
  for (const m of mentions) {
    if (used + m.markup.length + 1 > room || counts[m.kind] >= LIMITS.allowedMentions) break;
    shown.push(m);
    counts[m.kind] += 1;
    used += m.markup.length + 1;
  }
  return shown;
}

/** A private answer: text, plus the cards it mentions (full with buttons when one, compact when several). */
export function renderReplyMessage(text: string, cards: CardView[], lines: ReplyPart[][] = [], linesLeftOut = 0, groups?: ReplyGroups, guildId?: string): { content: string; embeds: APIEmbed[]; components: MessageBody["components"] } {
  const shown = cards.slice(0, LIMITS.embedsPerMessage);
  const single = shown.length === 1 ? shown[0] : undefined;
  const embeds = fitEmbeds(shown.map((c) => renderCardEmbed(c, guildId === undefined ? { compact: !single } : { compact: !single, guildId })));
  const more = cards.length > shown.length ? `\n… and ${cards.length - shown.length} more (see \`/release list\`).` : "";
  const head = coreText(clip(text, LIMITS.content - more.length - 20) || (cards.length || lines.length || groups ? "" : "Done.")).markup;
  const body = `${head}${linesWithin(lines, linesLeftOut, LIMITS.content - head.length - more.length, head !== "")}${more}`;
  return {
    content: fit({ markup: groups ? `${body}\n${groupLines(groups, LIMITS.content - body.length - 1)}` : body }, LIMITS.content),
    embeds,
    components: single && !single.resolved ? cardComponents(single) : [],
  };
}
