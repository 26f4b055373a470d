import type { FormView } from "../../src/app/views.js";
import { INPUT_LIMITS, NAME } from "../../src/domain/limits.js";
import type { CardAction } from "../../src/app/events.js";
import { echo } from "./safe-text.js";

/** What one typed line means. */
export type TerminalLine =
  | { kind: "blank" }
  | { kind: "as"; name: string }
  | { kind: "release"; text: string }
  | { kind: "press"; releaseId: string; action: CardAction }
  | { kind: "submit"; raw: string }
  | { kind: "cancel" }
  | { kind: "sleep"; ms: number }
  | { kind: "help" }
  | { kind: "quit" }
  | { kind: "error"; message: string };

const PRESS: Record<string, CardAction> = { go: "go", "no-go": "no_go", nogo: "no_go", abstain: "abstain", rollback: "rollback", "roll-back": "rollback", retro: "retro" };

export const TERMINAL_HELP = [
  "Terminal commands:",
  "  /as <name>                 act as another person (e.g. /as dana)",
  "  /release <command>         any /release command (/release help lists them)",
  "  /press <id> <button>       press a card button: go, no-go, abstain, rollback, retro",
  "  /submit key=value …        answer the open form (e.g. /submit reason=migration not tested)",
  "  /cancel                    close the open form",
  "  /sleep <n>s|<n>ms          wait (lets countdowns run in scripts)",
  "  /quit                      finish pending work and exit (end of input does the same)",
];

export function parseLine(line: string): TerminalLine {
  const text = line.trim();
  if (!text || text.startsWith("#")) return { kind: "blank" };
  const [head = "", ...rest] = text.split(/\s+/);
  const arg = rest.join(" ");
  switch (head.toLowerCase()) {
    case "/as":
      return NAME.test(arg) ? { kind: "as", name: arg.replace(/^@/, "") } : { kind: "error", message: `Use /as <name>, e.g. /as dana (letters, digits, dots, dashes and underscores, at most ${INPUT_LIMITS.name.max} characters).` };
    case "/release":
      return { kind: "release", text: arg };
    case "/press": {
      const action = PRESS[(rest[1] ?? "").toLowerCase()];
      if (!rest[0] || !action) return { kind: "error", message: "Use /press <id> <button>, e.g. /press R-1 go. Buttons: go, no-go, abstain, rollback, retro." };
      return { kind: "press", releaseId: rest[0].toUpperCase(), action };
    }
    case "/submit":
      return { kind: "submit", raw: arg };
    case "/cancel":
      return { kind: "cancel" };
    case "/sleep": {
      const m = /^(\d+)(ms|s)?$/.exec(arg);
      return m ? { kind: "sleep", ms: Number(m[1]) * (m[2] === "ms" ? 1 : 1000) } : { kind: "error", message: "Use /sleep 5s or /sleep 500ms." };
    }
    case "/help":
      return { kind: "help" };
    case "/quit":
    case "/exit":
      return { kind: "quit" };
    default:
      return { kind: "error", message: `I don't know \`${echo(head)}\`. Type /help for terminal commands or /release help for release commands.` };
  }
}

/**
 * A submission as a modal sends it: a field the form filled in (your earlier retro answer) and
 * the `/submit` line left out keeps what it holds, as a box left alone does in Slack and Discord.
 */
export function withFilledIn(form: FormView, values: Record<string, string>): Record<string, string> {
  const filled = Object.fromEntries(form.fields.filter((f) => f.initial !== undefined).map((f) => [f.key, f.initial!]));
  return { ...filled, ...values };
}

/**
 * Reads `key=value key2=longer value` against the form's own field names. A value runs to
 * the next field name. A submission that starts with some other `name=` keeps that name, so
 * the core can refuse the field the form does not have instead of taking it as the answer.
 */
export function parseSubmission(raw: string, form: FormView): Record<string, string> {
  const keys = form.fields.map((f) => f.key);
  const values: Record<string, string> = {};
  const first = /^([A-Za-z][\w-]*)=/.exec(raw.trim());
  if (first && !keys.includes(first[1]!.replace(/-/g, "_"))) {
    values[first[1]!] = raw.trim().slice(first[0].length).trim();
    return values;
  }
  const marker = new RegExp(`(?:^|\\s)(${keys.map((k) => k.replace(/[-_]/g, "[-_]")).join("|")})=`, "g");
  const hits = [...raw.matchAll(marker)];
  if (!hits.length && keys.length === 1 && raw.trim()) {
    values[keys[0]!] = raw.trim();
    return values;
  }
  hits.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = i + 1 < hits.length ? (hits[i + 1]!.index ?? raw.length) : raw.length;
    values[m[1]!.replace(/-/g, "_")] = raw.slice(start, end).trim();
  });
  return values;
}
