import { SUBCOMMAND_ALIASES, type Command } from "./command.js";
import { checkService, checkVersion, CREATE_USAGE, looksLikeReleaseId, SERVICE, STATS_USAGE } from "./command-fields.js";
import { commandFromFields, type CommandFields } from "./command-from-fields.js";
import { CREATE_KEYWORDS, meantKeyword } from "./create-typo.js";
import { UserError } from "./errors.js";
import { FREEZE_USAGE } from "./freeze.js";
import { POLICY_KEYS } from "./policy.js";

/**
 * The text grammar of `/release …` (Slack, the terminal). It only splits a line into the
 * command's fields; commandFromFields (shared with Discord's typed options) checks them
 * and builds the intent, so every platform shares every rule and message.
 */

export const HELP_LINES = [
  "/release create <service> <version> [at <time>] [env <environment>] [manager <user>] [desc <text>]",
  "/release vote <id> go|no-go|abstain [reason]   /release retract <id>",
  "/release status [<id>]   /release list   /release share <id>   /release help",
  "/release schedule <id> <time> (or reschedule)   /release update <id> version <v> | desc <text>",
  "/release ship <id>   /release shipped <id>   /release hold <id> [reason]   /release cancel <id> [reason]",
  "/release rollback <id> <reason>   /release recovered <id>   /release retro <id> (add or edit your notes)   /release retro <id> show|export",
  "/release policy [set key=value ...]   /release role grant|revoke <user> <role>   /release role list",
  "/release stats [service] [days] [env <environment>]   /release audit <id>   /release audit export [from] [to] | <id>   /release audit verify",
  "/release freeze add <start> until <end> [reason <text>]   /release freeze add weekly fri 16:00 until mon 09:00 [reason <text>]",
  "/release freeze list   /release freeze remove <F-id>   /release ship <id> override <reason> (ships inside a freeze)",
  "/release lock <service> [env] reason <text>   /release unlock <service> [env] reason <text>   /release locks",
  "/release web   (a private link to the read-only web view)",
  "/release link [code]   /release unlink   (one voter on Slack and Discord)",
  "/release criteria [set tests:qa, rollback-plan:release-manager, changelog | none]   /release check <id> <criterion> pass|fail [note or link]   (admins: … pass|fail override <reason>)",
  "Times: YYYY-MM-DDTHH:mmZ (or +01:00), YYYY-MM-DD HH:mm Europe/Berlin, 14:00, tomorrow 10:00, in 2h, in 90m; up to a year ahead. A time that happens twice when clocks go back means the first.",
];

interface Token {
  text: string;
  start: number;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ text: m[0], start: m.index });
  return out;
}

/** Everything from token `i` to the end, as typed (keeps the reason's own spacing). */
function rest(text: string, tokens: Token[], i: number): string | null {
  const t = tokens[i];
  return t ? text.slice(t.start).trim() : null;
}


/** `policy lock_reminder 1h30m` (no `set`, no `=`): the command that sets it, when the first word names a setting and a value follows. */
function policyMeant(text: string, tokens: Token[]): string {
  const word = tokens[1]!.text;
  const eq = word.indexOf("=");
  const key = (eq < 0 ? word : word.slice(0, eq)).toLowerCase();
  const value = [eq < 0 ? "" : word.slice(eq + 1), rest(text, tokens, 2) ?? ""].filter(Boolean).join(" ");
  return (POLICY_KEYS as string[]).includes(key) && value ? ` Did you mean \`/release policy set ${key}=${value}\`?` : "";
}

export function parseCommand(input: string): Command {
  const split = splitCommand(input);
  return split ? commandFromFields(split.name, split.fields) : { name: "help" };
}

/**
 * The subcommand a line names (an alias resolved) and the field each of its words fills,
 * before any value is checked; null for a line without a subcommand. Discord's adapter reads
 * the core's typed command hints with it, so a hint is split exactly as a typed line is.
 */
export function splitCommand(input: string): { name: string; fields: CommandFields } | null {
  const text = input.trim().replace(/^\/release\b\s*/i, "");
  const tokens = tokenize(text);
  const typed = tokens[0]?.text;
  if (!typed) return null;
  const name = SUBCOMMAND_ALIASES.get(typed.toLowerCase()) ?? typed;
  return { name, fields: fieldsOf(name.toLowerCase(), text, tokens) };
}

/** Which field each word of the line fills. Only the line's own shape is refused here. */
function fieldsOf(word: string, text: string, tokens: Token[]): CommandFields {
  const arg = (i: number) => tokens[i]?.text;
  switch (word) {
    case "create":
      return createFields(text, tokens);
    case "vote": {
      // `no go` typed as two words is the no-go, not a "no" whose reason starts with "go".
      const twoWords = arg(2)?.toLowerCase() === "no" && arg(3)?.toLowerCase() === "go";
      return twoWords ? { id: arg(1), choice: "no-go", reason: rest(text, tokens, 4) } : { id: arg(1), choice: arg(2), reason: rest(text, tokens, 3) };
    }
    case "go":
    case "no-go":
    case "abstain":
    case "hold":
    case "cancel":
    case "rollback":
      return { id: arg(1), reason: rest(text, tokens, 2) };
    case "schedule":
      return { id: arg(1), when: rest(text, tokens, 2) };
    case "update":
      return { id: arg(1), field: arg(2), value: rest(text, tokens, 3) };
    case "policy":
      if (!arg(1)) return {};
      if (arg(1)?.toLowerCase() !== "set") throw new UserError("policy_usage", `Use \`/release policy\` to see the policy, or \`/release policy set quorum=2 require=qa\` to change it.${policyMeant(text, tokens)}`);
      return { set: rest(text, tokens, 2) ?? "" };
    case "role":
      // A role is one word: with words beyond it, leave the role out so the refusal shows the usage.
      return { action: arg(1), subject: arg(2), role: tokens.length > 4 ? null : arg(3) };
    case "stats":
      return statsFields(tokens);
    case "ship":
      if (arg(2) && arg(2)?.toLowerCase() !== "override") throw new UserError("ship_usage", `I don't understand \`${arg(2)}\`. Use \`/release ship <id>\`, or \`/release ship <id> override <reason>\` inside a freeze.`);
      return { id: arg(1), override: arg(2) ? (rest(text, tokens, 3) ?? "") : null };
    case "freeze":
      return freezeFields(text, tokens);
    case "lock":
    case "unlock":
      return lockFields(word, text, tokens);
    case "criteria":
      if (!arg(1)) return {};
      if (arg(1)?.toLowerCase() !== "set") throw new UserError("criteria_usage", "Use `/release criteria` to see this channel's criteria, or `/release criteria set tests:qa, changelog` to name them.");
      return { set: rest(text, tokens, 2) ?? "" };
    case "check": {
      // `… pass|fail override <reason>`: the word right after the verdict marks an admin's override.
      const overriding = arg(4)?.toLowerCase() === "override";
      return { id: arg(1), criterion: arg(2), choice: arg(3), ...(overriding ? { override: rest(text, tokens, 5) ?? "" } : { reason: rest(text, tokens, 4) }) };
    }
    case "audit": {
      const op = arg(1)?.toLowerCase();
      // `audit export R-1`: one release's events; a date after it is refused by commandFromFields.
      if (op === "export" && looksLikeReleaseId(arg(2))) return { action: op, id: arg(2), from: arg(3), to: arg(4) };
      return op === "verify" || op === "export" ? { action: op, from: arg(2), to: arg(3) } : { action: "timeline", id: arg(1) };
    }
    case "link":
      // A code as shown is one word; typed with a space in it (`K7QM 4RPZ`), still one code.
      return { code: rest(text, tokens, 1) };
    case "retro": {
      // `retro R-1 show`, and `retro show R-1` as people also say it (export alike).
      const op = arg(1)?.toLowerCase();
      const swapped = (op === "show" || op === "export") && arg(2) !== undefined;
      if (tokens.length > 3) throw new UserError("retro_usage", "Use `/release retro R-1` to add or edit your notes, `/release retro R-1 show` to read everyone's, or `/release retro R-1 export` to get them all as a file.");
      return swapped ? { id: arg(2), action: op } : { id: arg(1), action: arg(2) };
    }
    default:
      // retract, status, list, share, ship, shipped, recovered, web, help: at most an id.
      return { id: arg(1) };
  }
}

function createFields(text: string, tokens: Token[]): CommandFields {
  const service = tokens[1]?.text;
  const version = tokens[2]?.text;
  if (!service || !version || CREATE_KEYWORDS.has(version.toLowerCase())) {
    throw new UserError("create_usage", `Name the service and the version: ${CREATE_USAGE}.`);
  }
  // Named before the options, so a bad service is what a line with several mistakes is refused for.
  checkService(service);
  checkVersion(version);
  const opts: Record<string, string> = {};
  let key: string | null = null;
  let buf: string[] = [];
  const flush = () => {
    if (key) {
      if (!buf.length) throw new UserError("create_usage", `\`${key}\` needs a value. Usage: ${CREATE_USAGE}.`);
      opts[key] = buf.join(" ");
    }
  };
  for (let i = 3; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    if (key === "desc") {
      opts.desc = rest(text, tokens, i) ?? "";
      key = null;
      buf = [];
      break;
    }
    if (CREATE_KEYWORDS.has(t.toLowerCase()) && !(key && buf.length === 0)) {
      flush();
      key = t.toLowerCase();
      buf = [];
      if (key in opts) throw new UserError("create_usage", `\`${key}\` is given twice. Usage: ${CREATE_USAGE}.`);
      continue;
    }
    if (!key) {
      const meant = meantKeyword(t);
      throw new UserError("create_usage", `I don't understand \`${t}\`.${meant ? ` Did you mean \`${meant}\`?` : ""} Usage: ${CREATE_USAGE}.`);
    }
    buf.push(t);
  }
  flush();
  return { service, version, when: opts.at, environment: opts.env, manager: opts.manager, description: opts.desc };
}

/**
 * `stats [service] [days] [env <environment>]`, in any order: a number is the days, `env` starts
 * the environment (as in create and lock), another word is the service.
 */
function statsFields(tokens: Token[]): CommandFields {
  let service: string | null = null;
  let days: number | null = null;
  let environment: string | null = null;
  const words = tokens.slice(1).map((x) => x.text);
  for (let i = 0; i < words.length; i++) {
    const t = words[i]!;
    if (t.toLowerCase() === "env" && environment === null) {
      environment = words[++i] ?? null;
      if (environment === null) throw new UserError("stats_usage", `\`env\` needs an environment after it. Use ${STATS_USAGE}.`);
    } else if (/^\d{1,4}d?$/.test(t)) days = Number(t.replace("d", ""));
    else if (SERVICE.test(t) && service === null) service = t;
    else throw new UserError("stats_usage", `\`${t}\` is not a service or a number of days. Use ${STATS_USAGE}.`);
  }
  return { service, days, environment };
}

/** `freeze add <start> until <end> [reason <text>]`, `freeze list`, `freeze remove <id>`. */
function freezeFields(text: string, tokens: Token[]): CommandFields {
  const action = tokens[1]?.text.toLowerCase();
  if (action !== "add") return { action, id: tokens[2]?.text };
  const body = rest(text, tokens, 2) ?? "";
  const [window, ...reason] = body.split(/\s+reason\s+/i);
  const [start, until, ...more] = (window ?? "").split(/\s+until\s+/i);
  if (more.length) throw new UserError("freeze_usage", `\`until\` is given twice. Usage: ${FREEZE_USAGE}.`);
  return { action, start, until, reason: reason.length ? reason.join(" reason ") : null };
}

/** `lock <service> [env] reason <text>`: the word `reason` starts the reason. */
function lockFields(word: string, text: string, tokens: Token[]): CommandFields {
  const at = tokens.findIndex((t, i) => i >= 2 && t.text.toLowerCase() === "reason");
  const env = at === 3 || (at < 0 && tokens.length === 3) ? tokens[2]?.text : undefined;
  if ((at < 0 && tokens.length > 3) || at > 3) throw new UserError("lock_usage", `Use \`/release ${word} <service> [env] reason <text>\`, e.g. \`/release ${word} payments production reason incident 42\`.`);
  return { service: tokens[1]?.text, environment: env, reason: at < 0 ? null : rest(text, tokens, at + 1) };
}
