import { GuildMember, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, type ModalSubmitInteraction, type StringSelectMenuInteraction } from "discord.js";
import type { InboundEvent } from "../../src/app/events.js";
import { actorOf, channelKey } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { commandIntent, discordPerson, discordRoleSubject, type CommandOptionData } from "./command-intent.js";
import { fieldKeySchema, parseCustomId, parseSelectValue } from "./ids.js";

export type Inbound = { ok: true; event: InboundEvent } | { ok: false; error: string; tampered: boolean };

/** Interactions the adapter can turn into an InboundEvent. */
export type ActionableInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction | StringSelectMenuInteraction;

export const TAMPERED_MESSAGE =
  "This button or form is not one gonogo recognises (it may be from an older card). Nothing was changed. Use `/release status` to get a fresh card.";

/** Who acted and where, as both deliveries (gateway objects, HTTP payloads) carry it. */
export interface InteractionPlace {
  guildId: string;
  channelId: string;
  userId: string;
  /** The member's server nickname, else their display name, else their username. */
  name: string;
  roleIds: readonly string[];
  /** The server's name, where the delivery carries it (the gateway's cached guild; an HTTP interaction has only its id). */
  guildName?: string;
}

/** What was done: the slash command's options, the button's custom_id, or the modal's inputs. */
export type InteractionInput =
  | { kind: "command"; options: readonly CommandOptionData[] }
  | { kind: "button"; customId: string }
  | { kind: "select"; customId: string; values: readonly string[] }
  | { kind: "modal"; customId: string; fields: Iterable<[key: string, value: string | undefined]> };

/** The place of a discord.js interaction object (gateway). */
function placeOf(i: Interaction<"cached" | "raw">): InteractionPlace {
  const m = i.member;
  const [roleIds, name] = m instanceof GuildMember ? [[...m.roles.cache.keys()], m.displayName] : [m.roles, m.nick ?? i.user.displayName];
  const guildName = i.guild?.name;
  return { guildId: i.guildId, channelId: i.channelId ?? "", userId: i.user.id, name, roleIds, ...(guildName ? { guildName } : {}) };
}

/**
 * Who acted, with their guild roles as group subjects: a role binding to a Discord role
 * counts with whatever roles the member has at the moment they vote.
 */
export function actorOfPlace(p: InteractionPlace): Actor {
  // @everyone's id is the guild id; every member has it, so it says nothing.
  const groups = p.roleIds.filter((r) => r !== p.guildId).map((r) => discordRoleSubject(p.guildId, r));
  return actorOf(discordPerson(p.guildId, p.userId), p.name, groups);
}

export function actorFrom(i: Interaction<"cached" | "raw">): Actor {
  return actorOfPlace(placeOf(i));
}

function channelOfPlace(p: InteractionPlace): ChannelRef {
  return { platform: "discord", key: channelKey({ platform: "discord", scope: p.guildId, channel: p.channelId }), nativeId: p.channelId };
}

/** Translates a discord.js interaction (gateway) into the one event the core understands. */
export function toInboundEvent(i: ActionableInteraction & Interaction<"cached" | "raw">): Inbound {
  if (i.isChatInputCommand()) return inboundFrom(placeOf(i), { kind: "command", options: i.options.data });
  if (i.isButton()) return inboundFrom(placeOf(i), { kind: "button", customId: i.customId });
  if (i.isStringSelectMenu()) return inboundFrom(placeOf(i), { kind: "select", customId: i.customId, values: i.values });
  const fields = [...i.fields.fields].map(([key, field]): [string, string | undefined] => [key, "value" in field && typeof field.value === "string" ? field.value : undefined]);
  return inboundFrom(placeOf(i), { kind: "modal", customId: i.customId, fields });
}

/**
 * Translates an interaction into the one event the core understands, whichever way it
 * came (gateway or HTTP endpoint), so both make the same InboundEvents; untrusted ids are checked here.
 */
export function inboundFrom(place: InteractionPlace, input: InteractionInput): Inbound {
  const actor = actorOfPlace(place);
  const channel = channelOfPlace(place);
  if (input.kind === "command") {
    const intent = commandIntent(place.guildId, input.options);
    return intent.ok ? { ok: true, event: { kind: "command", actor, channel, command: intent.command, ...(intent.names ? { names: intent.names } : {}), ...(place.guildName ? { place: place.guildName } : {}) } } : { ok: false, error: intent.error, tampered: false };
  }
  const parsed = parseCustomId(input.customId);
  if (input.kind === "button") {
    if (parsed?.kind !== "button") return { ok: false, error: TAMPERED_MESSAGE, tampered: true };
    return { ok: true, event: { kind: "button", actor, channel, releaseId: parsed.releaseId, action: parsed.action } };
  }
  if (input.kind === "select") {
    // The card's criteria menu: one choice, `tests:fail`; the core checks who may tick it.
    const option = parseSelectValue(input.values[0]);
    if (parsed?.kind !== "select" || option === null || input.values.length !== 1) return { ok: false, error: TAMPERED_MESSAGE, tampered: true };
    return { ok: true, event: { kind: "button", actor, channel, releaseId: parsed.releaseId, action: "check", option } };
  }
  if (parsed?.kind !== "form") return { ok: false, error: TAMPERED_MESSAGE, tampered: true };
  const values: Record<string, string> = {};
  for (const [key, value] of input.fields) {
    if (!fieldKeySchema.safeParse(key).success) return { ok: false, error: TAMPERED_MESSAGE, tampered: true };
    if (value !== undefined) values[key] = value;
  }
  return { ok: true, event: { kind: "form", actor, channel, form: parsed.form, releaseId: parsed.releaseId, values, tag: parsed.tag } };
}
