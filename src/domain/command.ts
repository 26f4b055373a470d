import { UserError } from "./errors.js";
import type { FreezeSpec } from "./freeze.js";
import type { VoteChoice } from "./types.js";

/**
 * One `/release …` intent. The grammar builds it from typed text (Slack, the terminal);
 * commandFromFields builds it from typed fields (Discord's slash-command options). Both
 * apply the same checks, so every platform shares every rule and message.
 */
export type Command =
  | { name: "help" }
  | { name: "create"; service: string; version: string; when: string | null; environment: string | null; manager: string | null; description: string | null }
  | { name: "vote"; id: string; choice: VoteChoice; reason: string | null }
  | { name: "retract"; id: string }
  | { name: "status"; id: string | null }
  | { name: "list" }
  | { name: "share"; id: string }
  | { name: "schedule"; id: string; when: string }
  | { name: "update"; id: string; field: "version" | "description"; value: string }
  /** `override`: the reason an admin or release-manager ships inside a freeze. */
  | { name: "ship"; id: string; override?: string }
  | { name: "shipped"; id: string }
  | { name: "hold"; id: string; reason: string | null }
  | { name: "cancel"; id: string; reason: string | null }
  | { name: "rollback"; id: string; reason: string | null }
  | { name: "recovered"; id: string }
  /** `edit` opens the person's own notes in the form; `show` lists everyone's answers. */
  | { name: "retro"; id: string; op: "edit" | "show" }
  | { name: "policy"; changes: string[] | null }
  /** `environment` null: every environment. */
  | { name: "stats"; service: string | null; days: number; environment: string | null }
  | { name: "audit"; op: "timeline"; id: string }
  | { name: "audit"; op: "export"; from: string | null; to: string | null }
  | { name: "audit"; op: "verify" }
  | { name: "role"; op: "grant" | "revoke"; subject: string; role: string }
  | { name: "role"; op: "list" }
  | { name: "freeze"; op: "add"; spec: FreezeSpec; reason: string | null }
  | { name: "freeze"; op: "list" }
  | { name: "freeze"; op: "remove"; freezeId: number }
  | { name: "lock" | "unlock"; service: string; environment: string | null; reason: string }
  | { name: "locks" }
  | { name: "web" }
  /** `code` null: give this account a code to type on the other; else use the other's code here. */
  | { name: "link"; code: string | null }
  | { name: "unlink" }
  /** `spec` null shows the channel's criteria; text names them (`tests:qa, changelog`). */
  | { name: "criteria"; spec: string | null }
  /** A person ticks a criterion; `override` is an admin's reason to tick one CI reports. */
  | { name: "check"; id: string; criterion: string; status: "passed" | "failed"; note: string | null; override: string | null };

export const SUBCOMMANDS = ["create", "vote", "retract", "status", "list", "share", "schedule", "update", "ship", "shipped", "hold", "cancel", "rollback", "recovered", "retro", "policy", "role", "stats", "audit", "criteria", "check", "freeze", "lock", "unlock", "locks", "web", "link", "unlink", "help"];

/** Words people type for a subcommand by another name (text only: Discord's 25 subcommands have no room for them). */
export const SUBCOMMAND_ALIASES = new Map([["reschedule", "schedule"]]);

/** The refusal for a word that names no subcommand, quoted as the person typed it, with the command it most likely meant. */
export function unknownCommand(word: string): UserError {
  // `/release R-12` (or `12`) is someone asking to see that release.
  const id = /^(?:#|r-?)?(\d{1,9})$/i.exec(word)?.[1];
  const meant = id ? `status R-${Number(id)}` : closestSubcommand(word);
  const hint = meant ? ` Did you mean \`/release ${meant}\`?` : "";
  return new UserError("unknown_command", `\`${word}\` is not a /release command.${hint} Try one of: ${SUBCOMMANDS.join(", ")}; \`/release help\` shows how.`);
}

/** The subcommand a typo is closest to (`shedule`, `stauts`), if it is one or two keystrokes away; else null. */
function closestSubcommand(word: string): string | null {
  const typed = word.toLowerCase();
  const allowed = typed.length >= 4 ? 2 : 1;
  let best: { name: string; distance: number } | null = null;
  for (const name of [...SUBCOMMANDS, ...SUBCOMMAND_ALIASES.keys()]) {
    const distance = editDistance(typed, name);
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

/** Keystrokes between two words: insertions, deletions, substitutions and swaps of neighbours each count one. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
