import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { CommandFields } from "../../src/domain/command-from-fields.js";
import { INPUT_LIMITS } from "../../src/domain/limits.js";

/**
 * The one slash command. Its subcommands and options mirror the fields the core
 * builds an intent from (src/domain/command-from-fields.ts, shared with the text grammar),
 * and every text option's `max_length` is the core's limit (src/domain/limits.ts), so Discord
 * stops an over-long value in the box instead of the core refusing it after sending.
 */
export const COMMAND_NAME = "release";

type Option = APIApplicationCommandBasicOption;

const str = (name: string, description: string, extra: Partial<{ required: boolean; max_length: number; autocomplete: boolean }> = {}): Option => ({
  type: ApplicationCommandOptionType.String,
  name,
  description,
  required: extra.required ?? false,
  ...(extra.max_length ? { max_length: extra.max_length } : {}),
  ...(extra.autocomplete ? { autocomplete: true } : {}),
});

/** A required string option limited to fixed choices, each `[shown name, value]`. */
const choice = (name: string, description: string, pairs: Array<[string, string]>): Option => ({
  type: ApplicationCommandOptionType.String,
  name,
  description,
  required: true,
  choices: pairs.map(([shown, value]) => ({ name: shown, value })),
});

/** Release ids autocomplete from the releases the person can act on. */
const max = (kind: keyof typeof INPUT_LIMITS) => INPUT_LIMITS[kind].max;
const id = (required = true): Option => str("id", "Release id, e.g. R-12", { required, max_length: max("releaseId"), autocomplete: true });
const reason = (kind: "voteReason" | "holdReason" | "cancelReason" | "rollbackReason", description: string): Option => str("reason", description, { max_length: max(kind) });
const when = (required: boolean): Option => str("when", "2030-01-15T14:00Z, tomorrow 10:00, 14:00 Europe/Berlin, in 2h", { required, max_length: max("when") });

const sub = (name: string, description: string, options: Option[] = []): APIApplicationCommandSubcommandOption => ({
  type: ApplicationCommandOptionType.Subcommand,
  name,
  description,
  options,
});

/**
 * Options named on Discord for what they are where the core's field has the grammar's name:
 * command-intent.ts reads them into those fields, command-hints.ts prints those fields as them.
 */
export const OPTION_OF_FIELD: Record<string, Partial<Record<keyof CommandFields, string>>> = {
  check: { choice: "result", reason: "note" },
  freeze: { id: "freeze" },
  role: { subject: "who" },
};

/** The JSON body registered with Discord (bulk overwrite, so registering twice changes nothing). */
export function releaseCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: COMMAND_NAME,
      description: "Go/no-go release votes, countdowns, rollbacks and retros",
      // Cards and roles belong to a server; DMs have no channel to post a card in.
      contexts: [InteractionContextType.Guild],
      options: [
        sub("create", "Create a release and post its go/no-go card here", [
          str("service", "Service name, e.g. payments", { required: true, max_length: max("service"), autocomplete: true }),
          str("version", "Version, e.g. 1.4.2", { required: true, max_length: max("version") }),
          when(false),
          str("environment", "Environment, e.g. staging (default production)", { max_length: max("environment") }),
          { type: ApplicationCommandOptionType.User, name: "manager", description: "Release manager (default: you)", required: false },
          str("description", "Changelog link or a short description", { max_length: max("description") }),
        ]),
        sub("vote", "Vote go, no-go or abstain, or take your vote back", [
          id(),
          choice("choice", "Your vote", [["go", "go"], ["no-go", "no-go"], ["abstain", "abstain"], ["take back my vote", "retract"]]),
          reason("voteReason", "Why (required for no-go)"),
        ]),
        sub("status", "Show a release card (or the releases in this channel)", [id(false)]),
        sub("list", "List open releases"),
        sub("share", "Post the release card in this channel too", [id()]),
        sub("schedule", "Set or change the release time", [id(), when(true)]),
        sub("update", "Change the version or description (voids current votes)", [
          id(),
          choice("field", "What to change", [["version", "version"], ["description", "desc"]]),
          // One box for both: the longer limit; the core holds a version to its own.
          str("value", "The new value", { required: true, max_length: Math.max(max("version"), max("description")) }),
        ]),
        sub("ship", "Start the deploy (needs GO)", [id(), str("override", "Ship inside a freeze anyway: why (admins and release-managers)", { max_length: max("overrideReason") })]),
        sub("shipped", "Mark the release as deployed", [id()]),
        sub("hold", "Put the release on hold", [id(), reason("holdReason", "Why it is held")]),
        sub("cancel", "Cancel the release", [id(), reason("cancelReason", "Why it is cancelled")]),
        sub("rollback", "Roll the release back", [id(), reason("rollbackReason", "What went wrong")]),
        sub("recovered", "Mark the rollback as finished", [id()]),
        sub("retro", "Add or edit your retro notes, or show everyone's answers", [
          id(),
          { ...choice("action", "What to do (default: add or edit your notes)", [["add or edit my notes", "edit"], ["show everyone's answers", "show"], ["everyone's answers as a file", "export"]]), required: false },
        ]),
        sub("policy", "Show or change this channel's vote policy", [str("set", "Changes, e.g. quorum=2 require=qa,security", { max_length: max("policyChanges") })]),
        sub("role", "Grant, revoke or list gonogo roles", [
          choice("action", "What to do", [["grant", "grant"], ["revoke", "revoke"], ["list", "list"]]),
          { type: ApplicationCommandOptionType.Mentionable, name: "who", description: "A member or a server role", required: false },
          str("role", "gonogo role, e.g. qa, security, oncall, release-manager, admin", { max_length: max("role") }),
        ]),
        sub("stats", "Deploy frequency, lead time, failure rate, time to restore, time to decision", [
          str("service", "Only this service", { max_length: max("service"), autocomplete: true }),
          { type: ApplicationCommandOptionType.Integer, name: "days", description: "How many days back (default 30)", required: false, min_value: 1, max_value: 3650 },
          str("environment", "Only this environment, e.g. production (default: every environment)", { max_length: max("environment") }),
        ]),
        sub("audit", "One release's timeline, or export / verify the audit trail", [
          choice("action", "What to do", [["timeline", "timeline"], ["export", "export"], ["verify", "verify"]]),
          id(false),
          str("from", "Export from this date, e.g. 2030-01-01", { max_length: max("auditDate") }),
          str("to", "Export up to this date, e.g. 2030-01-31", { max_length: max("auditDate") }),
        ]),
        sub("freeze", "Add, list or remove freeze windows (no release ships inside one)", [
          choice("action", "What to do", [["add", "add"], ["list", "list"], ["remove", "remove"]]),
          str("start", "2030-12-24 00:00, now, or weekly fri 16:00", { max_length: max("when") }),
          str("until", "2031-01-05 09:00, or for weekly: mon 09:00", { max_length: max("when") }),
          str("reason", "Why, e.g. year-end (shown on held releases)", { max_length: max("freezeReason") }),
          str("freeze", "Freeze to remove, e.g. F-2", { max_length: max("releaseId") }),
        ]),
        sub("lock", "Lock or unlock deploys of a service + environment, or list locks and queues", [
          choice("action", "What to do", [["lock", "lock"], ["unlock", "unlock"], ["list", "list"]]),
          str("service", "Service name, e.g. payments", { max_length: max("service"), autocomplete: true }),
          str("environment", "Environment (default production)", { max_length: max("environment") }),
          str("reason", "Why (required to lock and unlock)", { max_length: max("lockReason") }),
        ]),
        sub("web", "A private link to the read-only web view (calendar, timelines, numbers)"),
        sub("criteria", "Show or name this channel's readiness criteria", [str("set", "e.g. tests:qa, rollback-plan:release-manager, changelog (or none)", { max_length: max("criteriaSpec") })]),
        sub("check", "Tick a readiness criterion: pass or fail, with a note or link", [
          id(),
          str("criterion", "Which criterion, e.g. tests", { required: true, max_length: max("criterion"), autocomplete: true }),
          choice("result", "Passed or failed", [["pass", "pass"], ["fail", "fail"]]),
          str("note", "What you checked, or a link to the evidence", { max_length: max("checkNote") }),
          str("override", "Admins: why override what CI reported", { max_length: max("checkNote") }),
        ]),
        sub("link", "Count your Slack and Discord accounts as one voter", [
          str("code", "The code /release link gave your other account (leave empty to get one)", { max_length: max("linkCode") }),
          { ...choice("action", "What to do (default: link)", [["link", "link"], ["unlink this account", "unlink"]]), required: false },
        ]),
        sub("help", "How to use /release"),
      ],
    },
  ];
}
