import type { types as slack } from "@slack/bolt";
import type { CardView, CriterionLine, GuardView, VoteLine } from "../../src/app/views.js";
import { parseSubject } from "../../src/domain/identity.js";
import { coreText, groupMention, LIMITS, joinMd, md, mention, mrkdwn, plain, safeLink, slackDate, topLevelText, truncate, type Mrkdwn } from "./block-kit.js";
import { actionId, checkOptionValue } from "./ids.js";
import { PLATFORM } from "./inbound.js";
import { DECISION_EMOJI, emoji, oneLine, personText, renderButtons, STATE_EMOJI, type SlackMessage } from "./marks.js";

/* The release card in Block Kit: what is released, the decision, the votes, the checklist, the guards and the buttons. */

/** How many section blocks the vote list may use. */
const MAX_VOTE_BLOCKS = 6;

/**
 * What each part of the card may take, in characters of markup. Slack refuses a message whose
 * blocks pass about 13.2k characters (`msg_blocks_too_long`, bolt-js #2509), and a refused edit
 * leaves the card frozen on an old state, so a card with every part long (five no-go reasons,
 * ten criteria with notes, a lock and a freeze, a long description) is drawn again with the
 * next, tighter budget until it fits `LIMITS.messageTextBudget`. The last one fits whatever
 * the parts hold.
 */
interface CardBudget {
  decision: number;
  /** A NO-GO's other outstanding items (quorum, sign-offs, open criteria), said under it. */
  alsoPending: number;
  summary: number;
  guards: number;
  description: number;
  votes: number;
  reason: number;
  checklist: number;
  notes: number;
  note: number;
}
const CARD_BUDGETS: readonly CardBudget[] = [
  { decision: 1500, alsoPending: 600, summary: LIMITS.sectionText, guards: LIMITS.sectionText, description: 1500, votes: 6000, reason: 200, checklist: 2000, notes: 9, note: 500 },
  { decision: 600, alsoPending: 300, summary: 1200, guards: 1200, description: 600, votes: 3000, reason: 120, checklist: 1200, notes: 5, note: 250 },
  { decision: 250, alsoPending: 120, summary: 500, guards: 500, description: 200, votes: 1200, reason: 60, checklist: 600, notes: 2, note: 150 },
];
/**
 * The full release card: what is being released, the decision, the votes, the time, and the
 * buttons that fit the state; within `room` characters of blocks (less when a reply's text
 * shares the message).
 */
export function renderCard(card: CardView, room: number = LIMITS.messageTextBudget, team?: string): SlackMessage {
  let drawn = renderCardWithin(card, CARD_BUDGETS[0]!, team);
  for (const budget of CARD_BUDGETS.slice(1)) {
    if (JSON.stringify(drawn.blocks).length <= room) break;
    drawn = renderCardWithin(card, budget, team);
  }
  return drawn;
}

/** Mentions of one role's holders shown on a card at most; the rest are counted. */
const SIGN_OFF_MENTIONS = 10;

/**
 * Whose GO each sign-off still waits for: the workspace's user groups and people holding it,
 * or what to do when nobody here holds it. `team`: the workspace the card is shown in; the
 * holders of another workspace (where the card was shared) are no one to mention here.
 */
function signOffText(signOffs: NonNullable<CardView["signOffs"]>, team: string | undefined): Mrkdwn {
  const lines = signOffs.map(({ role, holders }) => {
    const subjects = holders.map(parseSubject).filter((s) => s?.platform === PLATFORM && s.scope === team);
    const here = [
      ...subjects.flatMap((s) => (s?.kind === "group" ? [groupMention(s.group)] : [])),
      ...subjects.flatMap((s) => (s?.kind === "person" ? [mention(s.user)] : [])),
    ];
    const name = md`*${truncate(role, 40)}*`;
    if (here.length) {
      const more = here.length > SIGN_OFF_MENTIONS ? md` and ${here.length - SIGN_OFF_MENTIONS} more` : md``;
      return md`${name}: ${joinMd(here.slice(0, SIGN_OFF_MENTIONS), " ")}${more}`;
    }
    if (holders.length || team === undefined) return md`${name}: a GO from someone holding ${truncate(role, 40)}`;
    return md`${name}: ${coreText(`nobody holds ${role} yet; an admin grants it with \`/release role grant <user> ${role}\``)}`;
  });
  return joinMd([md`*Waiting for sign-off*`, ...lines], "\n");
}

function renderCardWithin(card: CardView, budget: CardBudget, team: string | undefined): SlackMessage {
  const blocks: slack.KnownBlock[] = [];
  blocks.push({ type: "header", text: plain(`${card.title}`, LIMITS.headerText) });

  const summary = joinMd(
    [
      md`${emoji(STATE_EMOJI[card.state])} *${card.stateLabel}* · \`${card.releaseId}\` · manager ${personText(card.managerId, card.managerName, team)}`,
      // Cut before it is wrapped in bold, so the bold always closes; a reason typed on several lines stays on one.
      md`${emoji(DECISION_EMOJI[card.decision])} *${truncate(oneLine(card.decisionLine), budget.decision)}*`,
      // After a NO-GO, what else it waits for: lifting the no-go alone does not make it GO.
      ...(card.alsoPendingLine ? [md`${truncate(oneLine(card.alsoPendingLine), budget.alsoPending)}`] : []),
    ],
    "\n",
  );
  blocks.push({ type: "section", text: mrkdwn(summary, budget.summary) });

  const fields = [md`*Service*\n${card.service}`, md`*Version*\n${card.version}`, md`*Environment*\n${card.environment}`];
  if (card.scheduledAt !== null) {
    const fallback = card.scheduledText ?? new Date(card.scheduledAt).toISOString();
    const date = slackDate(card.scheduledAt, fallback);
    fields.push(card.countdownLine ? md`*Release time*\n${date}\n${card.countdownLine}` : md`*Release time*\n${date}`);
  } else {
    fields.push(md`*Release time*\nnot scheduled`);
  }
  blocks.push({ type: "section", fields: fields.map((f) => mrkdwn(f, LIMITS.fieldText)) });

  if (card.signOffs?.length) blocks.push({ type: "section", text: mrkdwn(signOffText(card.signOffs, team), budget.guards) });

  const guards = (card.guards ?? []).map(guardLine);
  if (guards.length) blocks.push({ type: "section", text: mrkdwn(joinMd(guards, "\n"), budget.guards) });

  if (card.description) blocks.push({ type: "section", text: mrkdwn(md`${card.description}`, budget.description) });

  // The checklist and its menu share the card's size budget with the votes: what they take, the vote list gives up.
  const checklist = card.criteria.length ? checklistText(card.criteria, budget.checklist) : null;
  const menu = card.resolved ? [] : criteriaMenu(card);
  const criteriaCost = (checklist?.markup.length ?? 0) + JSON.stringify(menu).length;
  for (const text of voteSections(card, budget.votes - criteriaCost, budget.reason, team)) blocks.push({ type: "section", text: mrkdwn({ markup: text }) });

  if (checklist) blocks.push({ type: "section", text: mrkdwn(checklist) });

  const notes = card.notes.slice(-budget.notes).map((n) => mrkdwn(coreText(n), budget.note));
  if (notes.length) blocks.push({ type: "context", elements: notes });

  if (!card.resolved && (card.buttons.length || menu.length)) {
    blocks.push({ type: "actions", block_id: `card:${card.releaseId}`, elements: [...renderButtons(card.buttons, card.releaseId), ...menu].slice(0, LIMITS.actionsElements) });
  }
  // The fallback is the card as plain text (notifications, screen readers): every word of it is made inert.
  return { text: topLevelText(md`${truncate(card.fallbackText, LIMITS.sectionText)}`), blocks };
}

/** A freeze, lock, queue or override line; a freeze's end shows in each viewer's own time. */
function guardLine(g: GuardView): Mrkdwn {
  // The core's own `code` (the unlock command) renders as code, so it can be copied.
  const text = coreText(oneLine(g.text));
  return g.until ? md`${g.icon} *${text}* ${slackDate(g.until.at, g.until.text)}` : md`${g.icon} *${text}*`;
}

const CRITERION_EMOJI: Record<CriterionLine["status"], string> = { pending: ":hourglass_flowing_sand:", passed: ":white_check_mark:", failed: ":x:" };
/** How much of a criterion's note the card shows, and the longest link it shows as a link; the audit keeps both whole. */
const NOTE_ON_CARD = 100;
const LINK_ON_CARD = 200;
/** The checklist section: a heading and one line per criterion, cut (with a count) to `budget` characters of markup. */
function checklistText(criteria: CriterionLine[], budget: number): Mrkdwn {
  const lines: Mrkdwn[] = [md`*Readiness criteria*`];
  let used = lines[0]!.markup.length;
  for (const [i, c] of criteria.entries()) {
    const line = criterionLine(c);
    if (used + line.markup.length + 1 > budget - 40) {
      lines.push(md`_…and ${criteria.length - i} more_`);
      break;
    }
    lines.push(line);
    used += line.markup.length + 1;
  }
  return joinMd(lines, "\n");
}

/** One checklist line: status, who or what set it and when (in each viewer's zone), the note and a link to the evidence. */
function criterionLine(c: CriterionLine): Mrkdwn {
  const by = c.byName ? md` by ${c.byName}${c.byCi ? " (CI)" : ""}${c.overridden ? " (admin override)" : ""}` : md``;
  const when = c.at !== null ? md` · ${slackDate(c.at, c.atText ?? new Date(c.at).toISOString())}` : md``;
  const note = c.note ? md` — _${truncate(oneLine(c.note), NOTE_ON_CARD)}_` : md``;
  const link = c.url && c.url.length <= LINK_ON_CARD ? md` · ${safeLink(c.url, "evidence")}` : md``;
  return md`${{ markup: CRITERION_EMOJI[c.status] }} *${c.name}* ${c.status}${by}${when}${note}${link}`;
}

/**
 * The card's criteria menu: pass or fail for each criterion still being decided. Everyone
 * sees the same card, so it lists them all; the server decides who may tick on each choice.
 */
function criteriaMenu(card: CardView): slack.StaticSelect[] {
  if (!card.tickable.length) return [];
  const options = card.tickable.flatMap((name) =>
    (["pass", "fail"] as const).map((verdict) => ({ text: plain(`${verdict === "pass" ? "✅" : "❌"} ${name}: ${verdict}`, 75), value: checkOptionValue(card.releaseId, name, verdict) })),
  );
  return [{ type: "static_select", action_id: actionId("check"), placeholder: plain("Tick a criterion…", 150), options: options.slice(0, 100) }];
}

function voteLine(v: VoteLine, reasonLength: number, team: string | undefined): string {
  const who = personText(v.voterId, v.voterName, team);
  return (v.reason ? md`${who}: _${truncate(oneLine(v.reason), reasonLength)}_` : who).markup;
}

/**
 * Each choice's share of the vote list's text budget. A choice's names stop at its own
 * share, so hundreds of GO votes never push the NO-GO reasons off the card; NO-GO, the
 * votes that carry a reason, gets the largest share.
 */
const VOTE_SHARE: Record<VoteLine["choice"], number> = { go: 0.3, no_go: 0.5, abstain: 0.2 };

/**
 * The votes, grouped by choice, packed into a few section blocks under a text budget so
 * a release with hundreds of voters still fits one message. Each choice names the votes
 * that fit its share and counts the rest ("…and 120 more"), as Discord's fields do.
 */
function voteSections(card: CardView, textBudget: number, reasonLength: number, team: string | undefined): string[] {
  const groups: { choice: VoteLine["choice"]; label: string; bullets: boolean }[] = [
    { choice: "go", label: `:white_check_mark: *GO* (${card.tally.go}):`, bullets: false },
    { choice: "no_go", label: `:x: *NO-GO* (${card.tally.noGo})`, bullets: true },
    { choice: "abstain", label: `:heavy_minus_sign: *Abstain* (${card.tally.abstain}):`, bullets: false },
  ];
  if (!card.votes.length) return ["_No votes yet._"];

  const sections: string[] = [];
  let current = "";
  const push = (piece: string, sep: string) => {
    const addition = current ? sep + piece : piece;
    if (current.length + addition.length > LIMITS.sectionText - 40) {
      sections.push(current);
      current = piece;
    } else {
      current += addition;
    }
  };
  for (const g of groups) {
    const votes = card.votes.filter((v) => v.choice === g.choice);
    if (!votes.length) continue;
    push(g.label, "\n");
    let left = Math.floor(textBudget * VOTE_SHARE[g.choice]);
    let named = 0;
    for (const v of votes) {
      // The first vote that does not fit ends the names: a choice with thousands of votes
      // costs the same to render as one that just fills its share.
      const piece = g.bullets ? `• ${voteLine(v, reasonLength, team)}` : voteLine(v, reasonLength, team);
      const sep = g.bullets ? "\n" : named === 0 ? " " : ", ";
      if (left < piece.length + sep.length || sections.length >= MAX_VOTE_BLOCKS - 1) break;
      push(piece, sep);
      left -= piece.length + sep.length;
      named += 1;
    }
    if (named < votes.length) push(`_…and ${votes.length - named} more_`, "\n");
  }
  if (current) sections.push(current);
  return sections;
}
