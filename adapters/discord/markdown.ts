import { textParts } from "../../src/app/views.js";
import { discordCodeSpan } from "./command-hints.js";
import { cutMarkdown } from "./limits.js";

/**
 * How text the core hands over becomes Discord markdown, in one place.
 *
 * Every string in a core view is plain text that may carry anything a user typed, and
 * nothing marks which part is whose. So wherever Discord reads markdown (content, embed
 * title, description, field names and values, a modal's text display) the renderer
 * writes its markup with the `md` template tag, and `md` passes each interpolated string
 * through `inertText`. Bold labels, timestamps and the mentions a notice means come only
 * from the renderer's own template text and from ids. Places Discord shows as plain text
 * (footers, button and input labels, a text input's value, autocomplete names) take the
 * text as is. `allowed_mentions` on every message is the second lock: it lists exactly
 * the users (and configured roles) a notice means, so even a mention that slipped
 * through could not ping. A bare URL stays as typed: it shows where it goes.
 */
export interface Markdown {
  readonly markup: string;
}

/**
 * The one escaping function: plain text in, markdown that shows exactly that text. A
 * backslash before a punctuation mark makes Discord show the mark itself, so marks that
 * format anywhere (`* _ ~ | \` [ ] < \`) are escaped everywhere but inside a bare link, and marks that format
 * only at a line's start (quotes, headings, lists) are escaped there. `@everyone` and
 * `@here` get a zero-width space, as discord.js's cleanContent does.
 */
function inertText(text: string): string {
  // A bare URL is left as typed: Discord links it before reading any mark inside it, so an
  // escape there would become part of the link (`?t=a\\_b` opens `?t=a%5C_b`).
  return text
    .split(BARE_URL)
    .map((part, i) => (i % 2 === 1 ? part : escapeMarks(part)))
    .join("");
}

/**
 * A bare link as Discord's markdown finds one (it stops before trailing punctuation), kept to
 * the characters real links use: one with brackets, parentheses, `|`, a backtick or a
 * backslash is escaped like any text, so no typed `[x](url)` can become a masked link.
 */
const BARE_URL = /(https?:\/\/[^\s<>[\]()|`\\]*[^\s<>[\]()|`\\.,:;"'])/;

function escapeMarks(text: string): string {
  return text
    .replace(BIDI_CONTROLS, "")
    .replace(/[\\*_~|`[\]<]/g, "\\$&")
    .replace(/^(\s*)([>#+-]|\d+\.)/gm, (_, space: string, mark: string) => `${space}${mark.replace(/[>#+.-]/, "\\$&")}`)
    .replace(/@(everyone|here)/gi, "@\u200b$1");
}

/**
 * Bidi embeddings, overrides and isolates: a display name or reason holding U+202E reads the
 * rest of its line backwards (`GO` as `OG`, names in a list swapped). Text needs none of them.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Inside a code span or block Discord formats nothing; only `@everyone` and `@here` are broken up, as everywhere. */
function codeText(text: string): string {
  return text.replace(BIDI_CONTROLS, "").replace(/@(everyone|here)/gi, "@\u200b$1");
}

/**
 * The core's text (textParts): its `code` and ``` blocks as Discord code, every other part inert.
 * A `/release …` hint in the typed grammar shows in Discord's option syntax (command-hints.ts).
 */
export function coreText(text: string): Markdown {
  const markup = textParts(text).map((p) => (p.kind === "prose" ? inertText(p.text) : p.kind === "code" ? codeSpan(p.text) : `\`\`\`${codeText(p.text)}\`\`\``));
  return { markup: markup.join("") };
}

function codeSpan(text: string): string {
  const span = discordCodeSpan(text);
  return `\`${codeText(span.code)}\`${span.note ?? ""}`;
}

/** Renderer-written markdown; every `${value}` that is a string is core text and is made inert. */
export function md(strings: TemplateStringsArray, ...values: Array<string | number | Markdown>): Markdown {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += typeof v === "object" ? v.markup : inertText(String(v));
    out += strings[i + 1] ?? "";
  });
  return { markup: out };
}

/** Markdown cut to Discord's limit for where it goes. */
export function fit(text: Markdown, max: number): string {
  return cutMarkdown(text.markup, max);
}

/** `<t:…:F>` shows the instant in each viewer's zone; `<t:…:R>` counts down live in the client. */
export function discordTime(ms: number, style: "F" | "R"): Markdown {
  return { markup: `<t:${Math.floor(ms / 1000)}:${style}>` };
}

/**
 * A markdown link to an http(s) URL the core checked. Characters that would end the
 * `[label](url)` form are percent-encoded, so the URL can only be a link to itself.
 */
export function safeLink(url: string, label: string): Markdown {
  if (!/^https?:\/\/\S+$/i.test(url)) return md`${url}`;
  // Percent-encoded by hand: encodeURIComponent leaves `(` and `)` as they are.
  return { markup: `[${inertText(label)}](${url.replace(/[()<>[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})` };
}
