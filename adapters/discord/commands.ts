import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";

/** The one slash command. Its subcommands mirror the core grammar in src/domain/grammar.ts. */
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
const id = (required = true): Option => str("id", "Release id, e.g. R-12", { required, max_length: 12, autocomplete: true });
const reason = (description: string, required = false): Option => str("reason", description, { required, max_length: 1000 });
const when = (required: boolean): Option => str("when", "2030-01-15T14:00Z, tomorrow 10:00, 14:00 Europe/Berlin, in 2h", { required, max_length: 100 });

const sub = (name: string, description: string, options: Option[] = []): APIApplicationCommandSubcommandOption => ({
  type: ApplicationCommandOptionType.Subcommand,
  name,
  description,
  options,
});

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
          str("service", "Service name, e.g. payments", { required: true, max_length: 64 }),
          str("version", "Version, e.g. 1.4.2", { required: true, max_length: 64 }),
          when(false),
          str("environment", "Environment, e.g. production (default from the channel policy)", { max_length: 32 }),
          { type: ApplicationCommandOptionType.User, name: "manager", description: "Release manager (default: you)", required: false },
          str("description", "Changelog link or a short description", { max_length: 1000 }),
        ]),
        sub("vote", "Vote go, no-go or abstain", [
          id(),
          choice("choice", "Your vote", [["go", "go"], ["no-go", "no-go"], ["abstain", "abstain"]]),
          reason("Why (required for no-go)"),
        ]),
        sub("retract", "Take back your vote", [id()]),
        sub("status", "Show a release card (or the releases in this channel)", [id(false)]),
        sub("list", "List open releases"),
        sub("share", "Post the release card in this channel too", [id()]),
        sub("schedule", "Set or change the release time", [id(), when(true)]),
        sub("update", "Change the version or description (voids current votes)", [
          id(),
          choice("field", "What to change", [["version", "version"], ["description", "desc"]]),
          str("value", "The new value", { required: true, max_length: 1000 }),
        ]),
        sub("ship", "Start the deploy (needs GO)", [id()]),
        sub("shipped", "Mark the release as deployed", [id()]),
        sub("hold", "Put the release on hold", [id(), reason("Why it is held")]),
        sub("cancel", "Cancel the release", [id(), reason("Why it is cancelled")]),
        sub("rollback", "Roll the release back", [id(), reason("What went wrong")]),
        sub("recovered", "Mark the rollback as finished", [id()]),
        sub("retro", "Open the retro notes form", [id()]),
        sub("policy", "Show or change this channel's vote policy", [str("set", "Changes, e.g. quorum=2 require=qa,security", { max_length: 200 })]),
        sub("role", "Grant, revoke or list gonogo roles", [
          choice("action", "What to do", [["grant", "grant"], ["revoke", "revoke"], ["list", "list"]]),
          { type: ApplicationCommandOptionType.Mentionable, name: "who", description: "A member or a server role", required: false },
          str("role", "gonogo role, e.g. qa, security, oncall, release-manager, admin", { max_length: 32 }),
        ]),
        sub("stats", "Deploy frequency, lead time, failure rate, time to restore, time to decision", [
          str("service", "Only this service", { max_length: 64 }),
          { type: ApplicationCommandOptionType.Integer, name: "days", description: "How many days back (default 30)", required: false, min_value: 1, max_value: 3650 },
        ]),
        sub("audit", "One release's timeline, or export / verify the audit trail", [
          choice("action", "What to do", [["timeline", "timeline"], ["export", "export"], ["verify", "verify"]]),
          id(false),
          str("from", "Export from this date, e.g. 2030-01-01", { max_length: 10 }),
          str("to", "Export up to this date, e.g. 2030-01-31", { max_length: 10 }),
        ]),
        sub("help", "How to use /release"),
      ],
    },
  ];
}
