import { z } from "zod";
import type { CommandOptionData } from "./command-intent.js";
import type { InteractionInput, InteractionPlace } from "./inbound.js";

/**
 * An interaction as Discord POSTs it to the Interactions Endpoint URL (the same JSON the
 * gateway's INTERACTION_CREATE carries), read into the place and input that inbound.ts
 * turns into an InboundEvent, so the HTTP path and the gateway path make the same events.
 * Only the fields gonogo reads are checked; the signature was verified before this runs.
 */

const snowflake = z.string().regex(/^\d{1,20}$/);

interface RawOption {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  options?: RawOption[] | undefined;
  /** Set on the option being typed in an autocomplete interaction. */
  focused?: boolean | undefined;
}
const option: z.ZodType<RawOption> = z.lazy(() =>
  z.object({ name: z.string(), type: z.number(), value: z.union([z.string(), z.number(), z.boolean()]).optional(), options: z.array(option).optional(), focused: z.boolean().optional() }),
);

/** A modal's submitted inputs: inside action rows (older modals) or labels (today's). */
interface RawComponent {
  type: number;
  custom_id?: string | undefined;
  value?: unknown;
  component?: RawComponent | undefined;
  components?: RawComponent[] | undefined;
}
const component: z.ZodType<RawComponent> = z.lazy(() =>
  z.object({ type: z.number(), custom_id: z.string().optional(), value: z.unknown().optional(), component: component.optional(), components: z.array(component).optional() }),
);

export const interactionPayloadSchema = z.object({
  id: snowflake,
  application_id: snowflake,
  type: z.number().int(),
  token: z.string().min(1),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  channel: z.object({ id: snowflake, type: z.number().optional() }).optional(),
  /** The bot's permissions in the channel, a decimal bit set. */
  app_permissions: z.string().optional(),
  member: z
    .object({
      user: z.object({ id: snowflake, username: z.string(), global_name: z.string().nullable().optional() }),
      nick: z.string().nullable().optional(),
      roles: z.array(snowflake),
    })
    .optional(),
  data: z
    .object({
      name: z.string().optional(),
      custom_id: z.string().optional(),
      component_type: z.number().optional(),
      values: z.array(z.string()).optional(),
      options: z.array(option).optional(),
      resolved: z
        .object({
          roles: z.record(z.string(), z.unknown()).optional(),
          users: z.record(z.string(), z.object({ username: z.string(), global_name: z.string().nullable().optional() })).optional(),
          members: z.record(z.string(), z.object({ nick: z.string().nullable().optional() })).optional(),
        })
        .optional(),
      components: z.array(component).optional(),
    })
    .optional(),
});
export type InteractionPayload = z.infer<typeof interactionPayloadSchema>;

/** Discord's interaction types (InteractionType). */
export const INTERACTION = { ping: 1, command: 2, component: 3, autocomplete: 4, modalSubmit: 5 } as const;

/** Who acted and where; null outside a server (a DM), where gonogo has nothing to offer. */
export function placeOfPayload(p: InteractionPayload): InteractionPlace | null {
  const channelId = p.channel_id ?? p.channel?.id;
  if (!p.guild_id || !p.member || !channelId) return null;
  const user = p.member.user;
  return { guildId: p.guild_id, channelId, userId: user.id, name: p.member.nick ?? user.global_name ?? user.username, roleIds: p.member.roles };
}

/**
 * The subcommand's options as discord.js shows them: `role` set where a mentionable resolved to
 * a role, `user` and `member` where it resolved to a person (their names).
 */
function commandOptions(p: InteractionPayload): CommandOptionData[] {
  const roles = p.data?.resolved?.roles ?? {};
  const users = p.data?.resolved?.users ?? {};
  const members = p.data?.resolved?.members ?? {};
  const person = (id: string): Partial<CommandOptionData> => {
    const user = Object.hasOwn(users, id) ? users[id] : undefined;
    if (!user) return {};
    return { user: { username: user.username, globalName: user.global_name ?? null }, member: Object.hasOwn(members, id) ? members[id] : null };
  };
  const withRoles = (o: RawOption): CommandOptionData => ({
    name: o.name,
    value: o.value,
    ...(o.options ? { options: o.options.map(withRoles) } : {}),
    ...(typeof o.value === "string" && o.value in roles ? { role: roles[o.value] } : {}),
    ...(typeof o.value === "string" ? person(o.value) : {}),
  });
  return (p.data?.options ?? []).map(withRoles);
}

function* modalFields(components: readonly RawComponent[]): Generator<[string, string | undefined]> {
  for (const c of components) {
    if (c.custom_id !== undefined) yield [c.custom_id, typeof c.value === "string" ? c.value : undefined];
    if (c.component) yield* modalFields([c.component]);
    if (c.components) yield* modalFields(c.components);
  }
}

/** What was done; null for what gonogo does not handle (other component types, unknown kinds). */
export function inputOfPayload(p: InteractionPayload): InteractionInput | null {
  if (p.type === INTERACTION.command) return { kind: "command", options: commandOptions(p) };
  // Component type 2 is a button, 3 a string select (the card's criteria menu): the only components gonogo puts on its messages.
  if (p.type === INTERACTION.component && p.data?.component_type === 2) return { kind: "button", customId: p.data.custom_id ?? "" };
  if (p.type === INTERACTION.component && p.data?.component_type === 3) return { kind: "select", customId: p.data.custom_id ?? "", values: p.data.values ?? [] };
  if (p.type === INTERACTION.modalSubmit) return { kind: "modal", customId: p.data?.custom_id ?? "", fields: [...modalFields(p.data?.components ?? [])] };
  return null;
}

/**
 * The focused option of an autocomplete interaction (name and what was typed so far), the
 * subcommand it belongs to, and what its `id` option holds so far (null when none).
 */
export function focusedOption(p: InteractionPayload): { name: string; value: string; subcommand: string; releaseId: string | null } | null {
  const walk = (opts: readonly RawOption[], subcommand: string): { name: string; value: string; subcommand: string; releaseId: string | null } | null => {
    for (const o of opts) {
      if (o.focused) {
        const id = opts.find((s) => s.name === "id" && !s.focused)?.value;
        return { name: o.name, value: String(o.value ?? ""), subcommand, releaseId: id === undefined ? null : String(id) };
      }
      const inner = o.options ? walk(o.options, o.name) : null;
      if (inner) return inner;
    }
    return null;
  };
  return walk(p.data?.options ?? [], "");
}
