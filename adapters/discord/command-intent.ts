import type { Command } from "../../src/domain/command.js";
import { commandFromFields, type CommandFields } from "../../src/domain/command-from-fields.js";
import { isUserError } from "../../src/domain/errors.js";
import { subjectId, type Person, type SubjectId } from "../../src/domain/identity.js";
import { OPTION_OF_FIELD } from "./commands.js";

/**
 * Turns the typed options of `/release <subcommand>` straight into the core's intent
 * (commandFromFields, src/domain), with the same checks and refusals the text grammar
 * applies, and without printing the options back to text: a reason or description is
 * kept as typed, even when its words look like the grammar's keywords.
 */

/** The shape discord.js gives as `interaction.options.data` (only what we read). */
export interface CommandOptionData {
  name: string;
  value?: string | number | boolean | undefined;
  options?: readonly CommandOptionData[] | undefined;
  /** Set by discord.js when a user / mentionable option resolved to a role. */
  role?: unknown;
  /** Set by discord.js when a user option resolved to a person: the account… */
  user?: { username: string; globalName?: string | null } | undefined | null;
  /** …and their membership of the server (a GuildMember's `nickname`, a raw member's `nick`). */
  member?: unknown;
}

/** `names`: what the people the options pick are called, by qualified id (absent when none is picked). */
export type CommandIntent = { ok: true; command: Command; names?: Record<string, string> } | { ok: false; error: string };

/** A picked person's name as the server shows it: their nickname there, else their display name, else their username. */
function pickedName(o: CommandOptionData | undefined): string | undefined {
  if (!o?.user) return undefined;
  const m = (o.member ?? {}) as { nickname?: unknown; nick?: unknown };
  const nick = typeof m.nickname === "string" ? m.nickname : typeof m.nick === "string" ? m.nick : null;
  return (nick ?? o.user.globalName ?? o.user.username).trim() || undefined;
}

/** A guild member as a person, and the `subject` forms the core stores for role bindings. */
export const discordPerson = (guildId: string, userId: string): Person => ({ kind: "person", platform: "discord", scope: guildId, user: userId });
const discordUserId = (guildId: string, userId: string): SubjectId => subjectId(discordPerson(guildId, userId));
export const discordRoleSubject = (guildId: string, roleId: string): SubjectId => subjectId({ kind: "group", platform: "discord", scope: guildId, group: roleId });

export function commandIntent(guildId: string, data: readonly CommandOptionData[]): CommandIntent {
  const subcommand = data[0];
  if (!subcommand) return { ok: true, command: { name: "help" } };
  const opts = new Map((subcommand.options ?? []).map((o) => [o.name, o]));
  const val = (name: string): string | undefined => {
    const v = opts.get(name)?.value;
    return v === undefined || String(v).trim() === "" ? undefined : String(v).trim();
  };
  const manager = val("manager");
  const days = opts.get("days")?.value;
  const fields: CommandFields = {
    id: val("id"),
    service: val("service"),
    version: val("version"),
    when: val("when"),
    environment: val("environment"),
    manager: manager && discordUserId(guildId, manager),
    description: val("description"),
    choice: val("choice"),
    reason: val("reason"),
    field: val("field"),
    value: val("value"),
    set: val("set"),
    action: val("action"),
    role: val("role"),
    days: typeof days === "number" ? days : val("days"),
    from: val("from"),
    to: val("to"),
    start: val("start"),
    until: val("until"),
    // Present but blank is still an override: the core then asks for the reason.
    override: opts.has("override") ? String(opts.get("override")?.value ?? "") : null,
    criterion: val("criterion"),
    code: val("code"),
  };

  // Options named for what they are on Discord fill the grammar's fields (a check's result is its choice, a freeze id its id).
  for (const [field, option] of Object.entries(OPTION_OF_FIELD[subcommand.name] ?? {})) {
    if (field !== "subject") (fields as Record<string, unknown>)[field] = val(option);
  }
  if (subcommand.name === "check") {
    // A blank override box is no override (Discord sends no blank options anyway).
    const override = val("override");
    if (override !== undefined) fields.override = override;
  }

  if (subcommand.name === "role") {
    const action = fields.action ?? "list";
    const who = opts.get("who");
    if (action !== "list" && (!who?.value || !fields.role)) return { ok: false, error: `Say who and which role, e.g. \`/release role ${action} @QA qa\`.` };
    fields.action = action;
    if (who?.value) fields.subject = who.role ? discordRoleSubject(guildId, String(who.value)) : discordUserId(guildId, String(who.value));
  }

  // `/release unlink` is `/release link action:unlink` on Discord (25 subcommands are all it allows).
  const name = subcommand.name === "link" && fields.action === "unlink" ? "unlink" : subcommand.name;
  // The manager is stored by id; the name the picker showed is what refusals and the card call them.
  const managerName = pickedName(opts.get("manager"));
  const names = fields.manager && managerName ? { [fields.manager]: managerName } : undefined;
  try {
    return { ok: true, command: commandFromFields(name, fields), ...(names ? { names } : {}) };
  } catch (err) {
    if (isUserError(err)) return { ok: false, error: err.message };
    throw err;
  }
}
