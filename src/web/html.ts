import { html as ghtml } from "ghtml";

/*
 * HTML by tagged templates that escape by default (ghtml). Every value put into a template
 * is escaped by the library, except a fragment that was itself made by `html` (a typed
 * `Html`), which goes in as it is. So text from people (reasons, descriptions, retro notes)
 * can never become markup, and no page escapes anything by hand.
 */

declare const fragment: unique symbol;
/** Markup made by `html` (or `raw` for constant markup such as the doctype). */
export interface Html {
  readonly [fragment]: true;
  readonly markup: string;
}

/** What may go into a template: text (escaped), numbers, nothing, or fragments. */
export type Value = string | number | null | undefined | false | Html | readonly Html[];

/**
 * Bidi embeddings, overrides and isolates: a reason or name holding U+202E reads the rest of its
 * line backwards (`GO` as `OG`), and escaping leaves them in. Text needs none of them, so they are
 * dropped, as the chat adapters drop them.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Fragments this module made: an object that merely looks like one (from JSON, say) is not trusted. */
const made = new WeakSet<object>();

function isHtml(value: unknown): value is Html {
  return typeof value === "object" && value !== null && made.has(value);
}

function make(markup: string): Html {
  const fragment = { markup } as Html;
  made.add(fragment);
  return fragment;
}

/**
 * `html\`<p>${text}</p>\`` escapes `text`; a nested `html` fragment (or a list of them) stays
 * markup. ghtml's own mark for "do not escape" (a `!` before `${`) is given only to fragments.
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  const literals = [...strings.raw];
  const args = values.map((value, i) => {
    if (value === false || value === null || value === undefined) return "";
    const trusted = isHtml(value) ? value.markup : Array.isArray(value) && value.every(isHtml) ? value.map((v) => v.markup).join("") : null;
    if (trusted === null) {
      // ghtml reads `!${` as "do not escape": text must never follow a `!` in our templates.
      if (literals[i]!.endsWith("!")) throw new Error("a template puts `!` right before a value; ghtml would not escape it: move the `!`");
      return typeof value === "number" ? String(value) : typeof value === "string" ? value.replace(BIDI_CONTROLS, "") : (value as unknown as string);
    }
    literals[i] = `${literals[i]}!`;
    return trusted;
  });
  const template = Object.assign([...literals], { raw: literals }) as unknown as TemplateStringsArray;
  return make(ghtml(template, ...args));
}

/** Constant markup written in our own source (never data): the doctype. */
export function constantMarkup(text: "<!doctype html>"): Html {
  return make(text);
}
