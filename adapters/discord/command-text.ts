/**
 * Turns the typed options of `/release <subcommand>` back into the one text grammar the
 * core parses (src/domain/grammar.ts), so Discord, Slack and the terminal share every
 * rule and message.
 */

import { subjectId, type Person, type SubjectId } from "../../src/domain/identity.js";

/** The shape discord.js gives as `interaction.options.data` (only what we read). */
export interface CommandOptionData {
  name: string;
  value?: string | number | boolean | undefined;
  options?: readonly CommandOptionData[] | undefined;
  /** Set by discord.js when a user / mentionable option resolved to a role. */
  role?: unknown;
}

export type CommandText = { ok: true; text: string } | { ok: false; error: string };

/** A guild member as a person, and the `subject` forms the core stores for role bindings. */
export const discordPerson = (guildId: string, userId: string): Person => ({ kind: "person", platform: "discord", scope: guildId, user: userId });
export const discordUserId = (guildId: string, userId: string): SubjectId => subjectId(discordPerson(guildId, userId));
export const discordRoleSubject = (guildId: string, roleId: string): SubjectId => subjectId({ kind: "group", platform: "discord", scope: guildId, group: roleId });

export function commandText(guildId: string, data: readonly CommandOptionData[]): CommandText {
  const subcommand = data[0];
  if (!subcommand) return { ok: true, text: "help" };
  const opts = new Map((subcommand.options ?? []).map((o) => [o.name, o]));
  const val = (name: string): string | null => {
    const v = opts.get(name)?.value;
    return v === undefined || v === null || String(v).trim() === "" ? null : String(v).trim();
  };
  const parts: string[] = [subcommand.name];
  const push = (...xs: (string | null)[]) => {
    for (const x of xs) if (x !== null) parts.push(x);
  };

  switch (subcommand.name) {
    case "create": {
      const service = val("service");
      const version = val("version");
      // The grammar splits on spaces; a space here would silently shift every later word.
      for (const [label, v] of [["service", service], ["version", version]] as const) {
        if (v && /\s/.test(v)) return { ok: false, error: `The ${label} is one word without spaces (got \`${v}\`).` };
      }
      push(service, version);
      const at = val("when");
      if (at) push("at", at);
      const env = val("environment");
      if (env) push("env", env);
      const manager = val("manager");
      if (manager) push("manager", discordUserId(guildId, manager));
      // desc comes last: the grammar takes everything after it as the description.
      const desc = val("description");
      if (desc) push("desc", desc);
      break;
    }
    case "vote":
      push(val("id"), val("choice"), val("reason"));
      break;
    case "update":
      push(val("id"), val("field"), val("value"));
      break;
    case "schedule":
      push(val("id"), val("when"));
      break;
    case "hold":
    case "cancel":
    case "rollback":
      push(val("id"), val("reason"));
      break;
    case "policy": {
      const set = val("set");
      if (set) push("set", set);
      break;
    }
    case "role": {
      const action = val("action") ?? "list";
      push(action);
      if (action !== "list") {
        const who = opts.get("who");
        const role = val("role");
        if (!who?.value || !role) return { ok: false, error: `Say who and which role, e.g. \`/release role ${action} who:@QA role:qa\`.` };
        const subject = who.role ? discordRoleSubject(guildId, String(who.value)) : discordUserId(guildId, String(who.value));
        push(subject, role);
      }
      break;
    }
    case "stats":
      push(val("service"), val("days"));
      break;
    case "audit": {
      const action = val("action") ?? "timeline";
      if (action === "timeline") push(val("id"));
      else push(action, ...(action === "export" ? [val("from"), val("to")] : []));
      break;
    }
    default:
      // retract, status, list, share, ship, shipped, recovered, retro, help: at most an id.
      push(val("id"));
  }
  return { ok: true, text: parts.join(" ") };
}
