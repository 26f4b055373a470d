import type { CriterionStatus } from "../domain/criteria.js";
import type { Decision } from "../domain/decision.js";
import type { ReleaseState } from "../domain/release.js";
import type { ChannelRef, UserId, VoteChoice } from "../domain/types.js";
import type { CardAction, FormId } from "./events.js";
import type { ReplyGroups } from "./reply-groups.js";

/** Lists under headings in a reply, and how much of one a message shows (adapters fit them to their limits). */
export { groupsText, groupsWithin, notAllShown, type ReplyGroups } from "./reply-groups.js";

/** A button on a card. Adapters map `style` to their own (primary/danger, success/danger). */
export interface ButtonView {
  action: CardAction;
  label: string;
  style: "primary" | "danger" | "default";
}

/** Roll back: on a shipped card, and on the notices that call on-call to press it (a failed deploy, an alert, a failing rollback call). */
export const ROLLBACK_BUTTON: ButtonView = { action: "rollback", label: "Roll back", style: "danger" };

export interface VoteLine {
  voterId: UserId;
  voterName: string;
  choice: VoteChoice;
  reason: string | null;
}

/** One readiness criterion on the card: its status and the evidence for it. */
export interface CriterionLine {
  name: string;
  status: CriterionStatus;
  /** Who or what set it (`dana`, `the pipeline`), null while nobody has. */
  byName: string | null;
  /** Set by CI through the hook. */
  byCi: boolean;
  /** An admin ticked it by hand although CI reports it. */
  overridden: boolean;
  /** UTC ms of the last change (adapters show it in each viewer's zone), and as text in the release's zone. */
  at: number | null;
  atText: string | null;
  /** User or CI text: adapters keep it inert. */
  note: string | null;
  /** An http(s) link (checked by the core); adapters may show it as a link. */
  url: string | null;
}

/** The release card, platform-neutral. Every posted copy is rendered from this. */
export interface CardView {
  releaseId: string;
  /** `payments 1.4.2 → production` */
  title: string;
  service: string;
  version: string;
  environment: string;
  description: string | null;
  state: ReleaseState;
  stateLabel: string;
  managerId: UserId;
  managerName: string;
  decision: Decision;
  /** `GO`, `NO-GO: blocked by no-go from dave: …`, `Pending: 1 of 2 GO · waiting for qa` */
  decisionLine: string;
  /**
   * Under a NO-GO, what else the decision waits for (`Also pending: 1 of 2 GO · waiting for qa`),
   * shown after the NO-GO line; null when nothing else is pending, and on any other decision.
   */
  alsoPendingLine: string | null;
  pendingReasons: string[];
  /**
   * The sign-off roles the decision still waits for, each with the people and groups holding it
   * who see the release (subject ids), so a card can show whose GO it waits for. Empty once voting closed.
   */
  signOffs?: Array<{ role: string; holders: string[] }>;
  /** Where its card is (its channel, then each channel a copy was shared into): set for the overview of a person's releases (Slack's App Home), which has no channel of its own. */
  channels?: ChannelRef[];
  tally: { go: number; noGo: number; abstain: number };
  votes: VoteLine[];
  /** Readiness criteria as a checklist, in the channel's order; empty when the release has none. */
  criteria: CriterionLine[];
  /**
   * Criteria the card offers to tick (its menu: each with pass and fail), while the release is
   * being decided. Everyone sees the same card, so the server checks who may tick on every press.
   */
  tickable: string[];
  /** UTC ms, null when not scheduled. Adapters may render it in each viewer's zone. */
  scheduledAt: number | null;
  /** The scheduled time in the channel's zone, as text (for adapters without local time). */
  scheduledText: string | null;
  timezone: string;
  /** `T-0 in 1h 5m · next reminder T-15m`, `Countdown stopped: on hold`, null if unscheduled. */
  countdownLine: string | null;
  /**
   * The next reminder's label (`T-15m`) while voting, null when none is left: for a platform that
   * counts down to T-0 by itself (Discord's `<t:…:R>`) and so shows no countdownLine.
   */
  nextReminder: string | null;
  /** Lines worth a glance: votes voided, webhook outcomes, rollback by whom and why, retro summary. */
  notes: string[];
  buttons: ButtonView[];
  /** True when nothing can be voted or pressed any more. */
  resolved: boolean;
  /** Plain text for notifications and platforms that cannot show the rich card. */
  fallbackText: string;
  /** What holds it back or let it through: a freeze, a deploy lock, its place in the queue, a freeze override. */
  guards?: GuardView[];
}

/** One guardrail line on a card: `⛔ in freeze 'year-end' until` + the end, shown in each viewer's zone where the platform can. */
export interface GuardView {
  kind: "freeze" | "lock" | "queue" | "override";
  icon: string;
  text: string;
  /** The instant that ends the line (a freeze's end), with its channel-zone text as fallback. */
  until: { at: number; text: string } | null;
}

/** The guard line as plain text. */
export function guardText(g: GuardView): string {
  return `${g.icon} ${g.text}${g.until ? ` ${g.until.text}` : ""}`;
}

/** The line under a list cut to fit one message: how many of its lines are not shown. */
export function moreNotShown(n: number): string {
  return `…and ${n} more not shown here.`;
}

/** A reply line as plain text (instants in the channel's zone). */
export function replyLineText(parts: ReplyPart[]): string {
  return parts.map((p) => (typeof p === "string" ? p : p.text)).join("");
}

/**
 * The notice's parts when they fit in `room` characters, counting a generous 40 for each
 * platform's time token; null when only its words fit (they are cut instead).
 */
export function noticePartsWithin(notice: Pick<NoticeView, "text" | "parts">, room: number): ReplyPart[] | null {
  return notice.parts && notice.text.length <= room - 40 * notice.parts.length ? notice.parts : null;
}

/** A thread reply under a card: reminders, T-0, rollback, retro prompts; or a message in a channel (`channel`). */
export interface NoticeView {
  /** The release it is about; for a channel notice about none (a hand-set lock), what it is about instead (`lock:payments production`). */
  releaseId: string;
  /**
   * Posted as a message of its own in this channel instead of under the release's card: for what
   * concerns people in a channel but no release (a reminder of a lock set there by hand).
   */
  channel?: ChannelRef;
  /** The notice in words, times in the release's zone: notifications, the terminal, the audit. */
  text: string;
  /** The same notice with its times as instants each viewer reads in local time, when it names any. */
  parts?: ReplyPart[];
  /** People to mention (platform-qualified ids); adapters only mention their own users. */
  mention: UserId[];
  /** Subjects (roles bound to groups, e.g. `discord-role:G:R`) to mention. */
  mentionGroups: string[];
  /** Offer a button with the notice, e.g. the retro prompt or a rollback offer. */
  buttons: ButtonView[];
  /** A list under headings after the text (a closed retro's answers), shown as far as one message holds. */
  groups?: ReplyGroups;
}

export interface FormField {
  key: string;
  label: string;
  kind: "text" | "multiline" | "datetime";
  required: boolean;
  placeholder?: string;
  initial?: string;
  maxLength: number;
}

export interface FormView {
  form: FormId;
  releaseId: string | null;
  title: string;
  /** What the form is about, shown above the fields (e.g. the release being rolled back). */
  context: string;
  submitLabel: string;
  fields: FormField[];
  /**
   * What the form is about beyond its release, for the core alone (`tests:fail`,
   * `tests:pass:override`): adapters carry it to the submission unchanged (Slack in the
   * modal's metadata, Discord in the modal's custom_id). Matches FORM_TAG.
   */
  tag?: string;
}

/**
 * What a form's tag may look like: short and plain, so it fits a Discord custom_id and needs no
 * escaping. `tests:pass`, `tests:fail:override`, each optionally followed by `@` and the content
 * stamp of the release the form was opened for (`@1a2b3c4d`), or the stamp alone (a no-go form).
 */
export const FORM_TAG = /^(?:[a-z0-9_-]{1,32}:(?:pass|fail)(?::override)?(?:@[0-9a-f]{8})?|@[0-9a-f]{8})$/;

/**
 * What `bot.handle` answers, right away, to the person who acted. Cards, notices and
 * jobs are effects that run after the answer.
 */
/** A file for the person who asked (an audit export): Slack upload, Discord attachment, a path in the terminal. */
export interface FileView {
  name: string;
  contentType: string;
  content: string;
}

/**
 * A piece of a reply line: text; an instant that Slack (`<!date^…>`) and Discord (`<t:…>`)
 * show in each viewer's own zone; a person or group (`subject`) they show as a mention
 * (a private reply pings nobody); or a channel of the asker's own workspace or server
 * (`channel`, made by channelPart) they show as a channel link. `text` is the plain form for
 * the terminal, other platforms' people and fallbacks.
 */
export type ReplyPart = string | { at: number; text: string } | { subject: UserId; text: string } | { channel: ChannelRef; text: string };

export type Reply =
  /**
   * `lines`: more lines after `text`, with instants each viewer reads in local time (the freeze
   * list). A platform that cannot show them all in one message shows what fits and counts the
   * rest, adding `linesLeftOut`: lines the core did not even send (the list's 50 at most).
   * `groups`: a list under headings after them (a retro's answers), shown as far as one message holds.
   */
  | {
      type: "message";
      text: string;
      cards: CardView[];
      error: boolean;
      files?: FileView[];
      lines?: ReplyPart[][];
      linesLeftOut?: number;
      groups?: ReplyGroups;
      /** Nothing changed (the same vote again): the card shows nothing new, so an adapter that lets the card answer a press still says this. */
      unchanged?: boolean;
    }
  | { type: "form"; form: FormView }
  /** A submitted form had bad fields: show these messages next to the fields. */
  | { type: "form_errors"; errors: Record<string, string>; text: string };

/** A piece of the core's text: prose, an inline `code` span, or a fenced block. */
export interface TextPart {
  kind: "prose" | "code" | "block";
  text: string;
}

/**
 * The core writes plain text with two marks of its own: `code` around what a person may type
 * (a command, a policy key) and ``` fences around aligned output (the audit timeline, the
 * stats chart). Adapters show those as their platform's code, so a command copies exactly,
 * and make every prose part inert. A fence or backtick without its partner is prose.
 */
export function textParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  // A block keeps its text as written, line breaks after and before its fences included.
  const marks = /```([\s\S]*?)```|`([^`\n]+)`/g;
  let from = 0;
  for (const m of text.matchAll(marks)) {
    if (m.index > from) parts.push({ kind: "prose", text: text.slice(from, m.index) });
    parts.push(m[1] !== undefined ? { kind: "block", text: m[1] } : { kind: "code", text: m[2]! });
    from = m.index + m[0].length;
  }
  if (from < text.length) parts.push({ kind: "prose", text: text.slice(from) });
  return parts;
}

/** The core's text where a platform shows plain text only (a Slack modal's field error): its marks dropped, its words kept. */
export function withoutMarks(text: string): string {
  return textParts(text).map((p) => p.text).join("");
}
