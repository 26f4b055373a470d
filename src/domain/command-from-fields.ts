import type { Command } from "./command.js";
import { unknownCommand } from "./command.js";
import {
  checkEnvironment,
  checkOneWord,
  checkReason,
  checkRole,
  checkService,
  checkStatsDays,
  checkVersion,
  CREATE_USAGE,
  normalizeReleaseId,
  policyChanges,
  roleUsage,
} from "./command-fields.js";
import { CHECK_USAGE, CRITERION_NAME, parseVerdict } from "./criteria.js";
import { UserError } from "./errors.js";
import { checkLength, checkSubject } from "./limits.js";
import { parseChoice } from "./votes.js";
import { FREEZE_USAGE, parseFreezeId, readWeekTime } from "./freeze.js";

/**
 * The values of one `/release` command, each in a field of its own: Discord's typed
 * slash-command options, or the words the grammar split a line of text into. A blank
 * value counts as not given.
 */
export interface CommandFields {
  id?: string | null | undefined;
  service?: string | null | undefined;
  version?: string | null | undefined;
  when?: string | null | undefined;
  environment?: string | null | undefined;
  /** A person: a bare name or a platform-qualified id (`discord:G1:U2`). */
  manager?: string | null | undefined;
  description?: string | null | undefined;
  /** go, no-go or abstain. */
  choice?: string | null | undefined;
  reason?: string | null | undefined;
  /** For update: `version` or `desc`. */
  field?: string | null | undefined;
  value?: string | null | undefined;
  /** Policy changes, `quorum=2 require=qa`; absent shows the policy. */
  set?: string | null | undefined;
  /** role: grant, revoke or list; audit: timeline (the default), export or verify; retro: edit (the default), show or export. */
  action?: string | null | undefined;
  /** Who a role is granted to or revoked from: a bare name or a platform-qualified id. */
  subject?: string | null | undefined;
  role?: string | null | undefined;
  days?: number | string | null | undefined;
  /** check: which criterion (`tests`); its verdict is `choice` (pass or fail) and its note `reason`. */
  criterion?: string | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
  /** freeze add: when the window starts (`2030-12-24 00:00`, `now`, `weekly fri 16:00`) and ends (`mon 09:00`). */
  start?: string | null | undefined;
  until?: string | null | undefined;
  /**
   * An override's reason: `ship` inside a freeze (admin or release-manager), or `check` of a
   * criterion CI reports (admin). Present but blank is refused.
   */
  override?: string | null | undefined;
  /** link: the code the other account was given. */
  code?: string | null | undefined;
}

/** Trimmed, or null when blank or absent. */
function given(value: string | null | undefined): string | null {
  return value?.trim() || null;
}

/**
 * Builds the intent of `/release <name>` from its fields, with the grammar's checks and
 * refusals. Each value is taken as it stands: a description that contains `env prod` is
 * a description, not a second option.
 */
export function commandFromFields(name: string, fields: CommandFields): Command {
  const word = name.toLowerCase();
  const id = (usage: string) => normalizeReleaseId(given(fields.id), usage);
  switch (word) {
    case "help":
      return { name: "help" };
    case "create":
      return createFromFields(fields);
    case "vote": {
      const rid = id("`/release vote R-1 go`");
      // Discord's vote offers taking the vote back as a choice: its 25 subcommands are all taken.
      if (given(fields.choice)?.toLowerCase() === "retract") return { name: "retract", id: rid };
      return { name: "vote", id: rid, choice: parseChoice(given(fields.choice) ?? undefined), reason: given(fields.reason) };
    }
    case "go":
    case "no-go":
    case "abstain":
      return { name: "vote", id: id(`\`/release ${word} R-1\``), choice: parseChoice(word), reason: given(fields.reason) };
    case "retract":
      return { name: "retract", id: id("`/release retract R-1`") };
    case "status":
      return { name: "status", id: given(fields.id) ? id("`/release status R-1`") : null };
    case "list":
      return { name: "list" };
    case "share":
      return { name: "share", id: id("`/release share R-1`") };
    case "schedule": {
      const rid = id("`/release schedule R-1 tomorrow 10:00`");
      const when = given(fields.when);
      if (!when) throw new UserError("schedule_usage", `Say when, e.g. \`/release schedule ${rid} tomorrow 10:00\` or \`in 2h\`.`);
      return { name: "schedule", id: rid, when: checkLength("when", when.replace(/^at\s+/i, "")) };
    }
    case "update":
      return updateFromFields(id("`/release update R-1 version 1.2.4`"), fields);
    case "ship": {
      const rid = id("`/release ship R-1`");
      if (fields.override === null || fields.override === undefined) return { name: "ship", id: rid };
      // A blank reason goes on as blank: the use case says first whether this person may override at all, then asks why.
      const override = given(fields.override);
      return { name: "ship", id: rid, override: override ? checkLength("overrideReason", override) : "" };
    }
    case "freeze":
      return freezeFromFields(fields);
    case "lock":
    case "unlock":
    case "locks":
      return lockFromFields(word, fields);
    case "shipped":
    case "recovered":
      return { name: word, id: id(`\`/release ${word} R-1\``) };
    case "retro":
      return retroFromFields(id(RETRO_USAGE), fields);
    case "hold":
    case "cancel":
    case "rollback":
      return { name: word, id: id(`\`/release ${word} R-1 <reason>\``), reason: checkReason(`${word}Reason`, given(fields.reason)) };
    case "policy":
      // Present but blank is still "set": the policy use case then says what to write.
      return { name: "policy", changes: fields.set === null || fields.set === undefined ? null : policyChanges(fields.set.trim()) };
    case "role":
      return roleFromFields(fields);
    case "stats": {
      const service = given(fields.service);
      const days = typeof fields.days === "number" ? fields.days : given(fields.days);
      const environment = given(fields.environment);
      return { name: "stats", service: service === null ? null : checkService(service), days: days === null ? 30 : checkStatsDays(days), environment: environment === null ? null : checkEnvironment(environment) };
    }
    case "audit":
      return auditFromFields(fields);
    case "web":
      return { name: "web" };
    case "link": {
      const code = given(fields.code);
      return { name: "link", code: code && checkLength("linkCode", code) };
    }
    case "unlink":
      return { name: "unlink" };
    case "criteria":
      // Present but blank is still "set": parseCriteriaSpec then says what to write.
      return { name: "criteria", spec: fields.set === null || fields.set === undefined ? null : checkLength("criteriaSpec", fields.set.trim()) };
    case "check":
      return checkFromFields(id(CHECK_USAGE), fields);
    default:
      throw unknownCommand(name);
  }
}

const RETRO_USAGE = "`/release retro R-1` (add or edit your notes), `/release retro R-1 show` (read everyone's) or `/release retro R-1 export` (all of them as a file)";

/** `retro <id>` opens the form, `retro <id> show` lists the answers, `retro <id> export` sends them whole as a file. */
function retroFromFields(rid: string, fields: CommandFields): Command {
  const action = given(fields.action)?.toLowerCase() ?? "edit";
  if (action !== "edit" && action !== "show" && action !== "export") throw new UserError("retro_usage", `I don't understand \`${action}\` after the release id. Use ${RETRO_USAGE.replace(/R-1/g, rid)}.`);
  return { name: "retro", id: rid, op: action };
}

function createFromFields(fields: CommandFields): Command {
  const serviceTyped = given(fields.service);
  const version = given(fields.version);
  if (!serviceTyped || !version) throw new UserError("create_usage", `Name the service and the version: ${CREATE_USAGE}.`);
  const service = checkService(checkOneWord("service", serviceTyped));
  checkVersion(checkOneWord("version", version));
  const environmentTyped = given(fields.environment);
  const when = given(fields.when);
  const manager = given(fields.manager);
  const description = given(fields.description);
  const environment = environmentTyped && checkEnvironment(environmentTyped);
  if (when) checkLength("when", when);
  if (manager) checkSubject(manager, "manager");
  if (description) checkLength("description", description);
  return { name: "create", service, version, when, environment, manager, description };
}

function updateFromFields(id: string, fields: CommandFields): Command {
  const field = given(fields.field)?.toLowerCase();
  const value = given(fields.value);
  const known = field === "version" || field === "desc" || field === "description" || field === "changelog";
  if (!known || !value) {
    // Name what was not understood: a field gonogo does not change, or a field without its new value.
    const what = field && !known ? `\`${field}\` is not something a release update changes (only its version or description). ` : field ? `Give the new ${field === "version" ? "version" : "description"}. ` : "";
    throw new UserError("update_usage", `${what}Say what changes, e.g. \`/release update ${id} version 1.2.4\` or \`/release update ${id} desc <changelog link>\`.`);
  }
  if (field === "version") checkVersion(value);
  else checkLength("description", value);
  return { name: "update", id, field: field === "version" ? "version" : "description", value };
}

function roleFromFields(fields: CommandFields): Command {
  const op = given(fields.action)?.toLowerCase();
  if (op === "list") return { name: "role", op: "list" };
  if (op !== "grant" && op !== "revoke") throw roleUsage();
  const subject = given(fields.subject);
  const role = given(fields.role);
  if (!subject || !role) throw roleUsage(op);
  checkSubject(subject, "subject");
  return { name: "role", op, subject, role: checkRole(role) };
}

function auditFromFields(fields: CommandFields): Command {
  const action = given(fields.action);
  const op = action?.toLowerCase() ?? "timeline";
  if (op === "verify") return { name: "audit", op: "verify" };
  if (op === "export") return exportFromFields(fields);
  const usage = "`/release audit R-1`, `/release audit export [from] [to]`, `/release audit export R-1` or `/release audit verify`";
  if (op !== "timeline") throw new UserError("audit_usage", `\`${action}\` is not an audit action. Use ${usage}.`);
  return { name: "audit", op: "timeline", id: normalizeReleaseId(given(fields.id), usage) };
}

/**
 * `audit export [from] [to]` (the workspace's events of those days) or `audit export R-1` (every
 * event of one release, whenever it happened). An id with dates is refused rather than one of
 * them dropped: Discord's options allow both, and an export of the whole server for a release
 * asked by id was a surprise.
 */
function exportFromFields(fields: CommandFields): Command {
  const from = given(fields.from);
  const to = given(fields.to);
  if (!given(fields.id)) return { name: "audit", op: "export", from, to, id: null };
  const id = normalizeReleaseId(given(fields.id), "`/release audit export R-1`");
  if (from || to) {
    throw new UserError(
      "audit_usage",
      `\`/release audit export ${id}\` exports every event of ${id}, whatever the day: leave out the dates. Dates export every release's events of those days in this workspace or server instead: \`/release audit export 2030-01-01 2030-01-31\`.`,
    );
  }
  return { name: "audit", op: "export", from: null, to: null, id };
}

function freezeFromFields(fields: CommandFields): Command {
  const op = given(fields.action)?.toLowerCase() ?? "list";
  if (op === "list") return { name: "freeze", op: "list" };
  if (op === "remove") return { name: "freeze", op: "remove", freezeId: parseFreezeId(given(fields.id)) };
  if (op !== "add") throw new UserError("freeze_usage", `\`${op}\` is not a freeze action. Use \`/release freeze add …\`, \`/release freeze list\` or \`/release freeze remove F-2\`.`);
  const start = given(fields.start);
  const until = given(fields.until);
  if (!start || !until) throw new UserError("freeze_usage", `Say when the freeze starts and ends: ${FREEZE_USAGE}.`);
  const reason = given(fields.reason);
  if (reason) checkLength("freezeReason", reason);
  const weekly = /^weekly\s+(\S+)\s+(\S+)$/i.exec(start);
  if (weekly || /^weekly\b/i.test(start)) {
    const [endDay, endTime, extra] = until.split(/\s+/);
    if (!weekly || extra !== undefined) throw new UserError("freeze_usage", `A weekly freeze is a day and a time each side: ${FREEZE_USAGE}.`);
    const from = readWeekTime(weekly[1], weekly[2]);
    const to = readWeekTime(endDay, endTime);
    return { name: "freeze", op: "add", spec: { kind: "weekly", startDay: from.day, startMinute: from.minute, endDay: to.day, endMinute: to.minute }, reason };
  }
  return { name: "freeze", op: "add", spec: { kind: "once", start: checkLength("when", start), end: checkLength("when", until) }, reason };
}

/** `lock`, `unlock` (or Discord's `lock action:unlock`) and `locks` (or `lock action:list`). */
function lockFromFields(word: string, fields: CommandFields): Command {
  const action = given(fields.action)?.toLowerCase();
  const name = word === "locks" || action === "list" ? "locks" : word === "unlock" || action === "unlock" ? "unlock" : "lock";
  if (name === "locks") return { name };
  const usage = `\`/release ${name} payments [env] reason <text>\``;
  const serviceTyped = given(fields.service);
  if (!serviceTyped) throw new UserError("lock_usage", `Say which service, e.g. ${usage}.`);
  const service = checkService(serviceTyped);
  const environmentTyped = given(fields.environment);
  const environment = environmentTyped && checkEnvironment(environmentTyped);
  const reason = given(fields.reason);
  if (!reason) throw new UserError("lock_usage", `Say why, so the team knows: \`/release ${name} ${service}${environment ? ` ${environment}` : ""} reason <text>\`.`);
  return { name, service, environment, reason: checkLength("lockReason", reason) };
}

function checkFromFields(id: string, fields: CommandFields): Command {
  const criterion = given(fields.criterion)?.toLowerCase();
  if (!criterion) throw new UserError("check_usage", `Say which criterion, e.g. \`/release check ${id} tests pass\`. Usage: ${CHECK_USAGE}.`);
  checkLength("criterion", criterion);
  if (!CRITERION_NAME.test(criterion)) throw new UserError("check_usage", `\`${criterion}\` is not a criterion name (a lower-case word such as tests). \`/release status ${id}\` shows the release's criteria.`);
  const status = parseVerdict(given(fields.choice), { id, criterion });
  const note = given(fields.reason);
  if (note) checkLength("checkNote", note);
  if (fields.override === null || fields.override === undefined) return { name: "check", id, criterion, status, note, override: null };
  // A blank reason goes on as blank: the use case says first whether this person may override at all, then asks why.
  const override = given(fields.override);
  if (!override) return { name: "check", id, criterion, status, note, override: "" };
  checkLength("checkNote", override);
  // The reason is the evidence the card shows; a note typed as well goes after it.
  return { name: "check", id, criterion, status, note: note ? `${override} ${note}` : override, override };
}
