/**
 * Text the terminal may print, whoever wrote it. Chat text (reasons, descriptions,
 * names, an unknown command echoed back) reaches a real terminal here, and a terminal
 * obeys what it is sent: ESC sequences move the cursor, clear the screen, retitle the
 * window or write to the clipboard; a carriage return overwrites a line; bidi overrides
 * make `GO` read as `OG-ON`. So every such character is shown as an escape instead.
 */

import { randomBytes } from "node:crypto";

/**
 * C0 controls except newline and tab (layout), DEL, C1 controls (U+009B is a one-character
 * CSI to some terminals), and the bidi marks, embeddings, overrides and isolates
 * (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `\x1b` for controls, `\u202e` for bidi characters: visible, and copyable back into a test. */
function escapeOne(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Every control character and bidi override in `text` shown escaped; everything else unchanged. */
function safeText(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** How much of a line we echo back ("I don't know `…`"): enough to recognise it. */
const ECHO_MAX_CHARS = 80;

/** Input quoted back to the person who typed it: cut to a readable length (by characters, not UTF-16 units). */
export function echo(input: string): string {
  const chars = [...input];
  return chars.length > ECHO_MAX_CHARS ? `${chars.slice(0, ECHO_MAX_CHARS).join("")}…` : input;
}

/** The adapter's own emphasis; render.ts decides what is bold or red, this file how it reaches the screen. */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

const plain: Paint = { bold: (s) => s, dim: (s) => s, green: (s) => s, red: (s) => s, yellow: (s) => s };

export interface Printer {
  paint: Paint;
  /** The one step between rendered text and the terminal: escapes everything unsafe, then turns the paint's own marks into colours. */
  toTerminal: (text: string) => string;
}

/**
 * Colours cannot be ESC sequences while the text is being built: by the time it is printed,
 * ours and a user's would look the same. So the paint leaves marks that carry a key made
 * at random for this process (nobody can type a mark they cannot see), `safeText` escapes
 * everything else, and only then do the marks become SGR colour codes.
 */
export function createPrinter(colour: boolean): Printer {
  if (!colour) return { paint: plain, toTerminal: safeText };
  const key = randomBytes(8).toString("hex");
  const mark = (code: number) => `\u{e000}${key}:${code}\u{e001}`;
  const marks = new RegExp(`\u{e000}${key}:(\\d+)\u{e001}`, "gu");
  const sgr = (code: number) => (s: string) => `${mark(code)}${s}${mark(0)}`;
  return {
    paint: { bold: sgr(1), dim: sgr(2), green: sgr(32), red: sgr(31), yellow: sgr(33) },
    toTerminal: (text) => safeText(text).replace(marks, (_m, code: string) => `\u001b[${code}m`),
  };
}
