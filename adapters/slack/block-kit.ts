/**
 * Slack's Block Kit limits (docs.slack.dev/reference/block-kit and @slack/types JSDoc,
 * collected in PLATFORM-FACTS A5) and the small text helpers every renderer needs.
 */
import { textParts } from "../../src/app/views.js";
import { wholeCharacters } from "../../src/domain/limits.js";

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  placeholder: 150,
  plainTextInput: 3000,
  /**
   * Slack rejects messages with `msg_blocks_too_long` well below the documented limits
   * (about 13.2k characters across blocks, bolt-js #2509), so a card keeps a budget.
   */
  messageTextBudget: 11_000,
} as const;

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${wholeCharacters(text, Math.max(0, max - 1)).trimEnd()}…`;
}

/**
 * How text the core hands over becomes Slack markup, in one place.
 *
 * Every string in a core view (a card, a notice, a reply, a form) is plain text: it may
 * carry anything a user typed (a reason, a description, a service name, a display name),
 * and nothing marks which part is whose. So the Slack renderers never put a core string
 * into mrkdwn themselves: they write their markup with the `md` template tag, and `md`
 * passes every interpolated string through `inertText`. Formatting, mentions and dates
 * in a payload therefore come only from the renderer's own template text and from
 * tokens it builds from ids (`mention`, `groupMention`, `slackDate`); `mrkdwn()` and
 * `topLevelText()` accept nothing else. The price: the core's own backticks (command
 * hints such as `/release list`) show as lookalike quotes instead of code.
 */
export interface Mrkdwn {
  readonly markup: string;
}

const LOOKALIKES: Record<string, string> = {
  // Slack has no escape for its formatting marks (bold, italic, strike, code), so each
  // becomes a character that looks alike and means nothing (as jsx-slack's <Escape> does).
  "*": "\u2217",
  "_": "\u02CD",
  "~": "\u223C",
  "`": "\u02CB",
  "\uFF0A": "\uFE61",
  "\uFF3F": "\u2E0F",
  "\uFF40": "\u02CB",
};

/**
 * The one escaping function: plain text in, mrkdwn that shows exactly that text and means
 * nothing. `&<>` become entities (no `<!channel>`, `<@U…>` or `<url|label>`), a line
 * starting with `>` gets an invisible soft hyphen so it is not a quote, formatting marks
 * become lookalikes, and `@channel`/`@here`/`@everyone` get an invisible word joiner.
 */
function inertText(text: string): string {
  return (
    text
      .replace(BIDI_CONTROLS, "")
      .replace(/^(\s*)([>\uFF1E])/gm, "$1\u00AD$2")
      .replace(/@(channel|here|everyone)/gi, "@\u2060$1")
      // An underscore inside a word (self_approval, GONOGO_ADMINS) italicises nothing in Slack and
      // stays itself, so it copies back exactly; one at a word's edge could open italics.
      .replace(/[*_~`\uFF0A\uFF3F\uFF40]/g, (c, at: number, all: string) => (c === "_" && /[\p{L}\p{N}]/u.test(all[at - 1] ?? "") && /[\p{L}\p{N}]/u.test(all[at + 1] ?? "") ? c : (LOOKALIKES[c] ?? c)))
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
  );
}

/**
 * Bidi embeddings, overrides and isolates: a display name or reason holding U+202E reads the
 * rest of its line backwards (`GO` as `OG`, names in a list swapped). Text needs none of them.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Text inside a code span or block: Slack formats nothing there, but `<…>` would still be a mention or link. */
function codeText(text: string): string {
  return text.replace(BIDI_CONTROLS, "").replace(/@(channel|here|everyone)/gi, "@\u2060$1").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The core's text (textParts): its `code` and ``` blocks as Slack code, every other part inert. */
export function coreText(text: string): Mrkdwn {
  const markup = textParts(text).map((p) => (p.kind === "prose" ? inertText(p.text) : p.kind === "code" ? `\`${codeText(p.text)}\`` : `\`\`\`${codeText(p.text)}\`\`\``));
  return { markup: markup.join("") };
}

/** Renderer-written mrkdwn; every `${value}` that is a string is core text and is made inert. */
export function md(strings: TemplateStringsArray, ...values: Array<string | number | Mrkdwn>): Mrkdwn {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += typeof v === "object" ? v.markup : inertText(String(v));
    out += strings[i + 1] ?? "";
  });
  return { markup: out };
}

/** Joins pieces of mrkdwn with a separator the renderer chose. */
export function joinMd(parts: readonly Mrkdwn[], separator: string): Mrkdwn {
  return { markup: parts.map((p) => p.markup).join(separator) };
}

/** A Slack user mention, built from a user id the platform gave us (never from typed text). */
export function mention(userId: string): Mrkdwn {
  return { markup: `<@${userId.replace(/[^A-Z0-9]/gi, "")}>` };
}

/** A Slack user-group mention, built from a group id bound by an admin. */
export function groupMention(groupId: string): Mrkdwn {
  return { markup: `<!subteam^${groupId.replace(/[^A-Z0-9]/gi, "")}>` };
}

/**
 * Cuts markup to `max` characters without leaving half a token: a cut inside an entity
 * (`&am`) or a mention/date (`<@U1`) backs off to before it.
 */
function cutMarkup(markup: string, max: number): string {
  if (markup.length <= max) return markup;
  let cut = wholeCharacters(markup, Math.max(0, max - 1));
  const open = cut.lastIndexOf("<");
  if (open > cut.lastIndexOf(">")) cut = cut.slice(0, open);
  const amp = cut.lastIndexOf("&");
  if (amp > cut.lastIndexOf(";")) cut = cut.slice(0, amp);
  return `${cut.trimEnd()}…`;
}

/** Plain text objects cannot be empty; a single space is the accepted placeholder. Slack parses nothing in them. */
export function plain(text: string, max: number): { type: "plain_text"; text: string; emoji: true } {
  return { type: "plain_text", text: truncate(text.replace(BIDI_CONTROLS, ""), max) || " ", emoji: true };
}

/**
 * A mrkdwn text object. `verbatim` stops Slack from turning bare channel names, URLs and
 * `@here`-style words into links or mentions on its own: the markup means what it says.
 */
export function mrkdwn(text: Mrkdwn, max: number = LIMITS.sectionText): { type: "mrkdwn"; text: string; verbatim: true } {
  return { type: "mrkdwn", text: cutMarkup(text.markup, max) || " ", verbatim: true };
}

/** A message's top-level `text` (notifications, screen readers): the same markup rules as blocks. */
export function topLevelText(text: Mrkdwn): string {
  return cutMarkup(text.markup, LIMITS.sectionText) || " ";
}

/**
 * Slack's date token: every viewer sees the instant in their own time zone. The fallback
 * is shown by clients that cannot format it (notifications, old clients).
 */
export function slackDate(ms: number, fallback: string): Mrkdwn {
  // Slack shows the fallback as is, without reading entities, so the token's own characters go.
  const safeFallback = fallback.replace(/[|<>&]/g, " ").replace(BIDI_CONTROLS, "");
  return { markup: `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${safeFallback}>` };
}

/**
 * A link to an http(s) URL the core checked, labelled with renderer text. The URL's own
 * characters that would end Slack's `<url|label>` token are percent-encoded and `&` becomes
 * an entity, so a URL can only ever be a link to itself. Anything else is plain inert text.
 */
export function safeLink(url: string, label: string): Mrkdwn {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return md`${url}`;
  const href = url.replace(/[|<>]/g, (c) => encodeURIComponent(c)).replace(/&/g, "&amp;");
  return { markup: `<${href}|${inertText(label)}>` };
}
