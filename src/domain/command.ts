import { closestWord } from "./closest-word.js";
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
  /** `override`: the reason an admin or release-manager ships inside a freeze (blank when not given: the use case asks). */
  | { name: "ship"; id: string; override?: string }
  | { name: "shipped"; id: string }
  | { name: "hold"; id: string; reason: string | null }
  | { name: "cancel"; id: string; reason: string | null }
  | { name: "rollback"; id: string; reason: string | null }
  | { name: "recovered"; id: string }
  /** `edit` opens the person's own notes in the form; `show` lists everyone's answers. */
  | { name: "retro"; id: string; op: "edit" | "show" | "export" }
  | { name: "policy"; changes: string[] | null }
  /** `environment` null: every environment. */
  | { name: "stats"; service: string | null; days: number; environment: string | null }
  | { name: "audit"; op: "timeline"; id: string }
  /** With `id`, every event of that release; without, the workspace's or server's events of a range of days. */
  | { name: "audit"; op: "export"; from: string | null; to: string | null; id: string | null }
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
  const meant = id ? `status R-${Number(id)}` : closestWord(word, [...SUBCOMMANDS, ...SUBCOMMAND_ALIASES.keys()]);
  const hint = meant ? ` Did you mean \`/release ${meant}\`?` : "";
  return new UserError("unknown_command", `\`${word}\` is not a /release command.${hint} Try one of: ${SUBCOMMANDS.join(", ")}; \`/release help\` shows how.`);
}
