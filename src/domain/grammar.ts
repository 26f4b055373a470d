import { UserError } from "./errors.js";
import { checkLength, checkSubject, INPUT_LIMITS } from "./limits.js";
import { parseChoice } from "./votes.js";
import type { VoteChoice } from "./types.js";

/** A parsed `/release …` command. One grammar for every platform. */
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
  | { name: "ship"; id: string }
  | { name: "shipped"; id: string }
  | { name: "hold"; id: string; reason: string | null }
  | { name: "cancel"; id: string; reason: string | null }
  | { name: "rollback"; id: string; reason: string | null }
  | { name: "recovered"; id: string }
  | { name: "retro"; id: string }
  | { name: "policy"; changes: string[] | null }
  | { name: "stats"; service: string | null; days: number }
  | { name: "audit"; op: "timeline"; id: string }
  | { name: "audit"; op: "export"; from: string | null; to: string | null }
  | { name: "audit"; op: "verify" }
  | { name: "role"; op: "grant" | "revoke"; subject: string; role: string }
  | { name: "role"; op: "list" };

export const HELP_LINES = [
  "/release create <service> <version> [at <time>] [env <environment>] [manager <user>] [desc <text>]",
  "/release vote <id> go|no-go|abstain [reason]   /release retract <id>",
  "/release status [<id>]   /release list   /release share <id>   /release help",
  "/release schedule <id> <time>   /release update <id> version <v> | desc <text>",
  "/release ship <id>   /release shipped <id>   /release hold <id> [reason]   /release cancel <id> [reason]",
  "/release rollback <id> <reason>   /release recovered <id>   /release retro <id>",
  "/release policy [set key=value ...]   /release role grant|revoke <user> <role>   /release role list",
  "Times: 2030-01-15T14:00Z, 2030-01-15 14:00 Europe/Berlin, 14:00, tomorrow 10:00, in 2h, in 90m; up to a year ahead. A time that happens twice when clocks go back means the first.",
];

const SUBCOMMANDS = ["create", "vote", "retract", "status", "list", "share", "schedule", "update", "ship", "shipped", "hold", "cancel", "rollback", "recovered", "retro", "policy", "role", "stats", "audit", "help"];

/** `R-12`, `r-12`, `12`, `#12` → `R-12`. */
export function normalizeReleaseId(token: string | undefined, usage: string): string {
  const m = token ? /^(?:#|r-?)?(\d{1,9})$/i.exec(token) : null;
  if (!m) {
    throw new UserError("release_id", token ? `\`${token}\` is not a release id (they look like R-12). Usage: ${usage}. \`/release list\` shows open releases.` : `Say which release, e.g. ${usage}. \`/release list\` shows open releases.`);
  }
  return `R-${Number(m[1])}`;
}

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

/** What a service, version and environment may look like, wherever they are typed (lengths from the limits table). */
export const SERVICE = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,${INPUT_LIMITS.service.max - 1}}$`);
export const VERSION = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,${INPUT_LIMITS.version.max - 1}}$`);
export const ENVIRONMENT = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${INPUT_LIMITS.environment.max - 1}}$`);
const ROLE = new RegExp(`^[a-z][a-z0-9_-]{0,${INPUT_LIMITS.role.max - 1}}$`);
const CREATE_KEYWORDS = new Set(["at", "env", "manager", "desc"]);

export function parseCommand(input: string): Command {
  const text = input.trim().replace(/^\/release\b\s*/i, "");
  const tokens = tokenize(text);
  const word = tokens[0]?.text.toLowerCase();
  if (!word || word === "help") return { name: "help" };
  const arg = (i: number) => tokens[i]?.text;
  const id = (usage: string) => normalizeReleaseId(arg(1), usage);

  switch (word) {
    case "create":
      return parseCreate(text, tokens);
    case "vote": {
      const rid = id("`/release vote R-1 go`");
      return { name: "vote", id: rid, choice: parseChoice(arg(2)), reason: rest(text, tokens, 3) };
    }
    case "go":
    case "no-go":
    case "abstain":
      return { name: "vote", id: id(`\`/release ${word} R-1\``), choice: parseChoice(word), reason: rest(text, tokens, 2) };
    case "retract":
      return { name: "retract", id: id("`/release retract R-1`") };
    case "status":
      return { name: "status", id: arg(1) ? id("`/release status R-1`") : null };
    case "list":
      return { name: "list" };
    case "share":
      return { name: "share", id: id("`/release share R-1`") };
    case "schedule": {
      const rid = id("`/release schedule R-1 tomorrow 10:00`");
      const when = rest(text, tokens, 2);
      if (!when) throw new UserError("schedule_usage", `Say when, e.g. \`/release schedule ${rid} tomorrow 10:00\` or \`in 2h\`.`);
      return { name: "schedule", id: rid, when: checkLength("when", when.replace(/^at\s+/i, "")) };
    }
    case "update": {
      const rid = id("`/release update R-1 version 1.2.4`");
      const field = arg(2)?.toLowerCase();
      const value = rest(text, tokens, 3);
      if ((field !== "version" && field !== "desc" && field !== "description" && field !== "changelog") || !value) {
        throw new UserError("update_usage", `Say what changes, e.g. \`/release update ${rid} version 1.2.4\` or \`/release update ${rid} desc <changelog link>\`.`);
      }
      if (field === "version") checkVersion(value);
      else checkLength("description", value);
      return { name: "update", id: rid, field: field === "version" ? "version" : "description", value };
    }
    case "ship":
    case "shipped":
    case "recovered":
    case "retro":
      return { name: word, id: id(`\`/release ${word} R-1\``) };
    case "hold":
    case "cancel":
    case "rollback":
      return { name: word, id: id(`\`/release ${word} R-1 <reason>\``), reason: checkReason(`${word}Reason`, rest(text, tokens, 2)) };
    case "policy": {
      if (!arg(1)) return { name: "policy", changes: null };
      if (arg(1)?.toLowerCase() !== "set") throw new UserError("policy_usage", "Use `/release policy` to see the policy, or `/release policy set quorum=2 require=qa` to change it.");
      checkLength("policyChanges", rest(text, tokens, 2) ?? "");
      return { name: "policy", changes: tokens.slice(2).map((t) => t.text) };
    }
    case "role":
      return parseRole(tokens);
    case "stats":
      return parseStats(tokens);
    case "audit":
      return parseAudit(tokens);
    default:
      throw new UserError("unknown_command", `\`${tokens[0]?.text}\` is not a /release command. Try one of: ${SUBCOMMANDS.join(", ")}; \`/release help\` shows how.`);
  }
}

function parseCreate(text: string, tokens: Token[]): Command {
  const usage = "`/release create payments 1.4.2 [at tomorrow 10:00] [env staging]`";
  const service = tokens[1]?.text;
  const version = tokens[2]?.text;
  if (!service || !version || CREATE_KEYWORDS.has(version.toLowerCase())) {
    throw new UserError("create_usage", `Name the service and the version: ${usage}.`);
  }
  checkService(service);
  checkVersion(version);
  const opts: Record<string, string> = {};
  let key: string | null = null;
  let buf: string[] = [];
  const flush = () => {
    if (key) {
      if (!buf.length) throw new UserError("create_usage", `\`${key}\` needs a value. Usage: ${usage}.`);
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
      if (key in opts) throw new UserError("create_usage", `\`${key}\` is given twice. Usage: ${usage}.`);
      continue;
    }
    if (!key) throw new UserError("create_usage", `I don't understand \`${t}\`. Usage: ${usage}.`);
    buf.push(t);
  }
  flush();
  const env = opts.env ?? null;
  if (env) checkEnvironment(env);
  if (opts.at) checkLength("when", opts.at);
  if (opts.manager) checkSubject(opts.manager, "manager");
  if (opts.desc) checkLength("description", opts.desc);
  return { name: "create", service, version, when: opts.at ?? null, environment: env, manager: opts.manager ?? null, description: opts.desc ?? null };
}

/**
 * Service, version and environment checks shared by the command and the create form: the
 * length first (so a long paste is not echoed back), then what the word may contain.
 */
export function checkService(service: string, field?: string): string {
  checkLength("service", service, field);
  if (!SERVICE.test(service)) throw new UserError("bad_service", `\`${service}\` is not a service name: one word of letters, digits, dots, dashes and slashes, e.g. payments.`, field);
  return service;
}

export function checkVersion(version: string, field?: string): string {
  checkLength("version", version, field);
  if (!VERSION.test(version)) throw new UserError("bad_version", `\`${version}\` is not a version: one word of letters, digits, dots, dashes, e.g. 1.4.2.`, field);
  return version;
}

export function checkEnvironment(environment: string, field?: string): string {
  checkLength("environment", environment, field);
  if (!ENVIRONMENT.test(environment)) throw new UserError("bad_env", `\`${environment}\` is not an environment name: one word such as production or staging.`, field);
  return environment;
}

/** Hold, cancel and rollback reasons are capped like vote reasons: each lands on the card. */
function checkReason(kind: "holdReason" | "cancelReason" | "rollbackReason", reason: string | null): string | null {
  return reason === null ? null : checkLength(kind, reason);
}

function parseRole(tokens: Token[]): Command {
  const op = tokens[1]?.text.toLowerCase();
  if (op === "list") return { name: "role", op: "list" };
  if (op !== "grant" && op !== "revoke") {
    throw new UserError("role_usage", "Use `/release role grant <user> <role>`, `/release role revoke <user> <role>` or `/release role list`.");
  }
  const subject = tokens[2]?.text;
  const role = tokens[3]?.text.toLowerCase();
  if (!subject || !role || tokens.length > 4) throw new UserError("role_usage", `Use \`/release role ${op} <user or group> <role>\`, e.g. \`/release role ${op} @dana qa\`.`);
  checkSubject(subject, "subject");
  checkLength("role", role);
  if (!ROLE.test(role)) throw new UserError("bad_role", `\`${role}\` is not a role name: a lower-case word such as qa, security, oncall, release-manager or admin.`);
  return { name: "role", op, subject, role };
}

function parseStats(tokens: Token[]): Command {
  let service: string | null = null;
  let days = 30;
  for (const t of tokens.slice(1).map((x) => x.text)) {
    if (/^\d{1,4}d?$/.test(t)) days = Number(t.replace("d", ""));
    else if (SERVICE.test(t) && service === null) service = t;
    else throw new UserError("stats_usage", `\`${t}\` is not a service or a number of days. Use \`/release stats [service] [days]\`, e.g. \`/release stats payments 90\`.`);
  }
  if (days < 1 || days > 3650) throw new UserError("stats_usage", "Pick between 1 and 3650 days, e.g. `/release stats 90`.");
  return { name: "stats", service, days };
}

function parseAudit(tokens: Token[]): Command {
  const op = tokens[1]?.text.toLowerCase();
  if (op === "verify") return { name: "audit", op: "verify" };
  if (op === "export") return { name: "audit", op: "export", from: tokens[2]?.text ?? null, to: tokens[3]?.text ?? null };
  return { name: "audit", op: "timeline", id: normalizeReleaseId(tokens[1]?.text, "`/release audit R-1`, `/release audit export [from] [to]` or `/release audit verify`") };
}
