import { DiscordAPIError, InteractionResponseType, MessageFlags, RESTJSONErrorCodes, Routes, type AutocompleteInteraction, type Interaction, type InteractionReplyOptions } from "discord.js";
import type { Bot } from "../../src/app/bot-api.js";
import type { Logger } from "../../src/app/ports.js";
import type { Reply } from "../../src/app/views.js";
import { commandFits } from "../../src/domain/release.js";
import { looksLikeReleaseId, normalizeReleaseId } from "../../src/domain/command-fields.js";
import type { Actor } from "../../src/domain/types.js";
import { actorFrom, toInboundEvent, type ActionableInteraction } from "./inbound.js";
import { clip, LIMITS } from "./limits.js";
import { coreText, md } from "./markdown.js";
import { renderFormErrors, renderModal } from "./render-form.js";
import { renderReplyMessage } from "./render.js";
import { errorForLog } from "./scrub.js";
import { missingForCard, withChannelAccess } from "./channel-access.js";

/**
 * Discord drops an interaction not answered within 3 s. bot.handle commits in well under
 * a millisecond, so this only fires when the process is badly stalled: we then defer
 * (which cannot show a modal) and edit the deferred reply when the answer comes.
 */
export const DEFER_AFTER_MS = 2000;

export const NOT_IN_GUILD = "gonogo works in server channels: releases, roles and policies belong to a server. Run `/release` in a channel of your server where gonogo is, e.g. where a release card was posted.";
/** DISCORD_GUILD_ID names the one server this gonogo serves: its releases are not shown or voted on anywhere else. */
export const OTHER_SERVER = "This gonogo serves another Discord server, so it takes no commands here. To run release votes in this server, set up a gonogo of your own (see its README).";

/** Whether an interaction from `guildId` may reach the core: any server when none is configured (a DM is refused later, as one). */
export function servesGuild(served: string | undefined, guildId: string | null): boolean {
  return served === undefined || guildId === null || guildId === served;
}
export const APOLOGY = "Something went wrong on our side and nothing was changed. Please try again; if it keeps failing, tell whoever runs gonogo.";
/** Every answer pings nobody: it goes to the person who acted, and its text may quote what people typed. */
export const NO_PINGS = { parse: [] };

type Responder = ActionableInteraction & Interaction<"cached" | "raw">;

export interface InteractionDeps {
  bot: Bot;
  log: Logger;
  /** Strings that must never reach the log (the bot token). */
  secrets: readonly string[];
  /** When to give up waiting for bot.handle and defer (tests shorten it). */
  deferAfterMs?: number;
  /** DISCORD_GUILD_ID: interactions from any other server are refused. */
  guildId?: string | undefined;
}

/** The InteractionCreate listener: one event in, exactly one answer out. */
export function createInteractionHandler(deps: InteractionDeps): (i: Interaction) => Promise<void> {
  return async (i) => {
    try {
      if (!servesGuild(deps.guildId, i.guildId)) {
        if (i.isAutocomplete()) return await i.respond([]);
        if (i.isChatInputCommand() || i.isButton() || i.isModalSubmit() || i.isStringSelectMenu()) await i.reply({ content: OTHER_SERVER, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
        return;
      }
      if (i.isAutocomplete()) return await autocomplete(i, deps.bot);
      if (!i.isChatInputCommand() && !i.isButton() && !i.isModalSubmit() && !i.isStringSelectMenu()) return;
      if (!i.inGuild()) {
        await i.reply({ content: NOT_IN_GUILD, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
        return;
      }
      await handle(i, deps);
    } catch (err) {
      // With the gateway on several instances, an answer that needs no claim (autocomplete, a
      // refusal before the core) is sent by each; Discord keeps the first and refuses the rest.
      if (isAlreadyAcknowledged(err)) return;
      deps.log.error({ err: errorForLog(err, deps.secrets), interaction: i.id, type: i.type }, "discord interaction failed");
      if (i.isRepliable() && !i.replied) {
        const answer = { content: APOLOGY, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS } as const;
        await (i.deferred ? i.editReply({ content: APOLOGY, allowedMentions: NO_PINGS }) : i.reply(answer)).catch(() => undefined);
      }
    }
  };
}

async function handle(i: Responder, deps: InteractionDeps): Promise<void> {
  const inbound = toInboundEvent(i);
  if (!inbound.ok) {
    if (inbound.tampered) deps.log.warn({ interaction: i.id, user: i.user.id, customId: clip("customId" in i ? i.customId : "", 120) }, "discord: unrecognised custom_id");
    await i.reply({ content: clip(coreText(inbound.error).markup, LIMITS.content), flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
    return;
  }
  // The timer is the only thing a press allocates for the slow case (no race of promises):
  // it fires only if bot.handle is still running after deferAfterMs.
  let deferred: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    deps.log.warn({ interaction: i.id }, "discord: bot.handle slow, deferring the reply");
    deferred = i.deferReply({ flags: MessageFlags.Ephemeral });
    deferred.catch(() => undefined); // handled where it is awaited below, not an unhandled rejection meanwhile
  }, deps.deferAfterMs ?? DEFER_AFTER_MS);
  let first: Reply | null;
  try {
    // Every gateway session receives every interaction: the instance that claims its id answers.
    first = await deps.bot.handleOnce(discordEventId(i.id), inbound.event);
    if (first && i.isChatInputCommand()) first = withChannelAccess(first, i.options.getSubcommand(false), missingForCard(i.appPermissions?.bitfield.toString(), i.channel?.type));
  } finally {
    clearTimeout(timer);
    // A deferral in flight must land before the answer, or the apology, follows it.
    if (deferred) await deferred.catch(() => undefined);
  }
  // Another instance (or an earlier delivery) claimed it and answers, editing in a deferral of ours
  // if that is the one Discord kept: deleting it would leave the person no answer at all.
  if (first === null) return;
  // With the gateway on several instances, every one defers a slow interaction and Discord keeps
  // the first deferral, which need not be the claimant's: the claimant then edits that one in.
  if (deferred) {
    // Ours or another's, the deferral Discord kept is the reply to edit; any other failure is ours to report.
    await deferred.catch((err: unknown) => {
      if (!isAlreadyAcknowledged(err)) throw err;
    });
    return editOriginal(i, first);
  }
  try {
    if (first.type === "form" && !i.isModalSubmit()) await i.showModal(renderModal(first.form));
    else await replyPrivately(i, answerFor(first, i.guildId));
  } catch (err) {
    // Another instance's deferral got there first (its timer ran out while this one took the claim).
    if (!isAlreadyAcknowledged(err)) throw err;
    await editOriginal(i, first);
  }
}

function isAlreadyAcknowledged(err: unknown): boolean {
  return err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged;
}

/**
 * Puts the answer in the deferred reply, whoever deferred: the interaction's webhook, which any
 * instance can reach with the token it received. The deferral already made it ephemeral; edits
 * cannot carry flags, and a deferred reply cannot become a modal (answerFor makes a form text).
 */
async function editOriginal(i: Responder, reply: Reply): Promise<void> {
  const { content, embeds, components, files } = answerFor(reply, i.guildId);
  await i.webhook.editMessage("@original", { content: content ?? null, embeds: embeds ?? [], components: components ?? [], files: files ?? [], allowedMentions: NO_PINGS });
}

/**
 * Sends the private answer. Without files it is plain API JSON, posted as the interaction
 * callback through discord.js's own REST client: `reply()` would first build a
 * MessagePayload, whose getters `require()` four modules on every call, each resolved
 * anew by Node (about 2 KB of garbage and 40 µs per vote in the Discord storm's
 * allocation profile). The request on the wire is the one `reply()` sends.
 */
async function replyPrivately(i: Responder, answer: ReturnType<typeof answerFor>): Promise<void> {
  if (answer.files) {
    await i.reply(answer);
    return;
  }
  const data = { content: answer.content, embeds: answer.embeds, components: answer.components, flags: MessageFlags.Ephemeral, allowed_mentions: NO_PINGS };
  await i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: InteractionResponseType.ChannelMessageWithSource, data }, auth: false });
}

/** The id an interaction is claimed by in the database (Bot.handleOnce). */
export function discordEventId(interactionId: string): string {
  return `discord:${interactionId}`;
}

/** The private answer to the person who acted. A modal cannot open another modal, so a form here becomes text. */
/** `guildId`: the asker's server, whose roles and members a card in the answer may name. */
export function answerFor(reply: Reply, guildId?: string): InteractionReplyOptions & { flags: MessageFlags.Ephemeral } {
  const base = { flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS } as const;
  switch (reply.type) {
    case "message": {
      const m = renderReplyMessage(reply.text, reply.cards, reply.lines, reply.linesLeftOut, reply.groups, guildId);
      // Files (audit exports) travel as attachments of the private reply: only the asker sees them.
      const files = reply.files?.map((f) => ({ attachment: Buffer.from(f.content, "utf8"), name: f.name }));
      return { ...base, content: m.content, embeds: m.embeds, components: m.components, ...(files?.length ? { files } : {}) };
    }
    case "form_errors":
      return { ...base, content: renderFormErrors(reply.text, reply.errors) };
    case "form":
      return { ...base, content: clip(md`${reply.form.title}: ${coreText(reply.form.context)} — use the button on the card to open the form.`.markup, LIMITS.content) };
  }
}

/** Open release ids, from the releases this person can act on; service names, from the releases they see. */
async function autocomplete(i: AutocompleteInteraction, bot: Bot): Promise<void> {
  const focused = i.options.getFocused(true);
  if (!i.inGuild()) return i.respond([]);
  const releaseId = focused.name === "id" ? null : i.options.getString("id", false);
  await i.respond(await choicesFor(bot, actorFrom(i), focused.name, i.options.getSubcommand(false) ?? "", String(focused.value), releaseId));
}

/**
 * The suggestions for the option being typed (`name`), for the gateway and the HTTP endpoint:
 * none for an option without them. `releaseId`: what the id option holds so far, for a criterion.
 */
export async function choicesFor(bot: Bot, actor: Actor, name: string, subcommand: string, typed: string, releaseId: string | null = null): Promise<Array<{ name: string; value: string }>> {
  if (name === "id") return releaseChoices(bot, actor, subcommand, typed);
  if (name === "service") return serviceChoices(bot, actor, typed);
  if (name === "criterion" && releaseId) return criterionChoices(bot, actor, releaseId, typed);
  return [];
}

/** The criteria of the open release `releaseId` (as typed: R-7, r7, 7) whose name contains what was typed, each with its status. */
async function criterionChoices(bot: Bot, actor: Actor, releaseId: string, typed: string): Promise<Array<{ name: string; value: string }>> {
  const id = releaseId.trim();
  const card = looksLikeReleaseId(id) ? (await bot.overviewFor(actor)).find((c) => c.releaseId === normalizeReleaseId(id, "")) : undefined;
  const query = typed.trim().toLowerCase();
  return (card?.criteria ?? [])
    .filter((c) => c.name.toLowerCase().includes(query))
    .slice(0, 25)
    .map((c) => ({ name: clip(`${c.name} · ${c.status}`, 100), value: c.name }));
}

/** Up to 25 services of the releases this person sees whose name contains what was typed, most recently released first. */
async function serviceChoices(bot: Bot, actor: Actor, typed: string): Promise<Array<{ name: string; value: string }>> {
  const query = typed.trim().toLowerCase();
  return (await bot.servicesFor(actor))
    .filter((s) => s.toLowerCase().includes(query))
    .slice(0, 25)
    .map((s) => ({ name: clip(s, 100), value: s }));
}

/**
 * Up to 25 release ids whose id or title contains what was typed, among those `subcommand` can
 * act on now (a rollback is not offered a release still voting), for the gateway and the HTTP endpoint.
 */
export async function releaseChoices(bot: Bot, actor: Actor, subcommand: string, typed: string): Promise<Array<{ name: string; value: string }>> {
  const query = typed.trim().toLowerCase();
  return (await bot.overviewFor(actor))
    .filter((c) => commandFits(subcommand, c.state))
    .filter((c) => !query || c.releaseId.toLowerCase().includes(query) || c.title.toLowerCase().includes(query))
    .slice(0, 25)
    .map((c) => ({ name: clip(`${c.releaseId} · ${c.title} · ${c.stateLabel}`, 100), value: c.releaseId }));
}
