import { GuildMember, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, type ModalSubmitInteraction, type StringSelectMenuInteraction } from "discord.js";
import type { InboundEvent } from "../../src/app/events.js";
import { actorOf, channelKey } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { commandIntent, discordPerson, discordRoleSubject } from "./command-intent.js";
import { fieldKeySchema, parseCustomId, parseSelectValue } from "./ids.js";

export type Inbound = { ok: true; event: InboundEvent } | { ok: false; error: string; tampered: boolean };

/** Interactions the adapter can turn into an InboundEvent. */
export type ActionableInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction | StringSelectMenuInteraction;

export const TAMPERED_MESSAGE =
  "This button or form is not one gonogo recognises (it may be from an older card). Nothing was changed. Use `/release status` to get a fresh card.";

/**
 * Who acted, with their guild roles as group subjects: a role binding to a Discord role
 * counts with whatever roles the member has at the moment they vote.
 */
export function actorFrom(i: Interaction<"cached" | "raw">): Actor {
  const guildId = i.guildId;
  const m = i.member;
  let roleIds: string[];
  let name: string;
  if (m instanceof GuildMember) {
    roleIds = [...m.roles.cache.keys()];
    name = m.displayName;
  } else {
    roleIds = m.roles;
    name = m.nick ?? i.user.displayName;
  }
  // @everyone's id is the guild id; every member has it, so it says nothing.
  const groups = roleIds.filter((r) => r !== guildId).map((r) => discordRoleSubject(guildId, r));
  return actorOf(discordPerson(guildId, i.user.id), name, groups);
}

export function channelFrom(i: Interaction<"cached" | "raw">): ChannelRef {
  const channelId = i.channelId ?? "";
  return { platform: "discord", key: channelKey({ platform: "discord", scope: i.guildId, channel: channelId }), nativeId: channelId };
}

/** Translates an interaction into the one event the core understands; untrusted ids are checked here. */
export function toInboundEvent(i: ActionableInteraction & Interaction<"cached" | "raw">): Inbound {
  const actor = actorFrom(i);
  const channel = channelFrom(i);
  if (i.isChatInputCommand()) {
    const intent = commandIntent(i.guildId, i.options.data);
    return intent.ok ? { ok: true, event: { kind: "command", actor, channel, command: intent.command } } : { ok: false, error: intent.error, tampered: false };
  }
  const parsed = parseCustomId(i.customId);
  if (i.isButton()) {
    if (parsed?.kind !== "button") return { ok: false, error: TAMPERED_MESSAGE, tampered: true };
    return { ok: true, event: { kind: "button", actor, channel, releaseId: parsed.releaseId, action: parsed.action } };
  }
  if (i.isStringSelectMenu()) {
    // The card's criteria menu: one choice, `tests:fail`; the core checks who may tick it.
    const option = parseSelectValue(i.values[0]);
    if (parsed?.kind !== "select" || option === null || i.values.length !== 1) return { ok: false, error: TAMPERED_MESSAGE, tampered: true };
    return { ok: true, event: { kind: "button", actor, channel, releaseId: parsed.releaseId, action: "check", option } };
  }
  if (parsed?.kind !== "form") return { ok: false, error: TAMPERED_MESSAGE, tampered: true };
  const values: Record<string, string> = {};
  for (const [key, field] of i.fields.fields) {
    if (!fieldKeySchema.safeParse(key).success) return { ok: false, error: TAMPERED_MESSAGE, tampered: true };
    if ("value" in field && typeof field.value === "string") values[key] = field.value;
  }
  return { ok: true, event: { kind: "form", actor, channel, form: parsed.form, releaseId: parsed.releaseId, values, tag: parsed.tag } };
}
