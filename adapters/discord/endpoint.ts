import type { ServerResponse } from "node:http";
import { InteractionResponseType, MessageFlags, Routes, type REST } from "discord.js";
import type { Bot } from "../../src/app/bot-api.js";
import type { Clock, Logger } from "../../src/app/ports.js";
import type { Reply } from "../../src/app/views.js";
import type { HttpServer } from "../../src/http/server.js";
import { readRawBody, sendJson } from "../../src/http/body.js";
import { actorOfPlace, inboundFrom } from "./inbound.js";
import { answerFor, APOLOGY, DEFER_AFTER_MS, discordEventId, NO_PINGS, NOT_IN_GUILD, OTHER_SERVER, choicesFor, servesGuild } from "./interactions.js";
import { clip, LIMITS } from "./limits.js";
import { focusedOption, inputOfPayload, INTERACTION, interactionPayloadSchema, placeOfPayload, type InteractionPayload } from "./payload.js";
import { coreText } from "./markdown.js";
import { renderModal } from "./render-form.js";
import { errorForLog } from "./scrub.js";
import { missingForCard, withChannelAccess } from "./channel-access.js";
import { discordPublicKey, verifyInteractionSignature } from "./signature.js";

import { INTERACTIONS_PATH } from "./paths.js";

export { INTERACTIONS_PATH };

/** Interactions carry resolved users and roles; 1 MiB is far above any gonogo receives. */
const MAX_BODY = 1024 * 1024;

export interface EndpointDeps {
  bot: Bot;
  log: Logger;
  /** The bot's REST client: follow-ups after a deferral go through it (webhook routes, no bot token). */
  rest: REST;
  applicationId: string;
  /** The application's public key, 64 hex characters (DISCORD_PUBLIC_KEY). */
  publicKey: string;
  /** The signature's 5-minute window is measured on it. */
  clock: Clock;
  secrets: readonly string[];
  deferAfterMs?: number;
  /** DISCORD_GUILD_ID: interactions from any other server are refused. */
  guildId?: string | undefined;
}

/** An answer in the HTTP response: Discord's interaction callback (InteractionResponse). */
type Callback = { type: InteractionResponseType; data?: unknown };

const privately = (content: string): Callback => ({
  type: InteractionResponseType.ChannelMessageWithSource,
  data: { content: clip(coreText(content).markup, LIMITS.content), flags: MessageFlags.Ephemeral, allowed_mentions: NO_PINGS },
});

/**
 * `POST /discord/interactions`: Discord's HTTP delivery of interactions, so any instance
 * behind a load balancer can take a press. Each request's signature is checked first; the
 * answer is the interaction callback in the HTTP response (due within 3 s): a private
 * message (4), a modal (9), or, when the core is slow or the answer has files, a deferral
 * (5) completed by editing the original response over REST. Cards are never edited in the
 * callback (7): one path, the coalesced REST edits, keeps every card on the latest state.
 */
export function registerInteractionsEndpoint(http: HttpServer, deps: EndpointDeps): void {
  const key = discordPublicKey(deps.publicKey);
  http.route("POST", INTERACTIONS_PATH, async (req, res) => {
    const body = await readRawBody(req, MAX_BODY);
    if (body === null) return sendJson(res, 413, { error: "body over 1 MiB" });
    const verdict = verifyInteractionSignature(key, req.headers, body, Math.floor(deps.clock.now() / 1000));
    if (!verdict.ok) {
      // Discord probes with bad signatures on purpose; a warning per probe would be noise, so info.
      deps.log.info({ ip: req.socket.remoteAddress, problem: verdict.problem }, "discord: refused an interaction with a missing, bad or stale signature");
      return sendJson(res, 401, { error: "invalid request signature" });
    }
    let parsed: ReturnType<typeof interactionPayloadSchema.safeParse>;
    try {
      parsed = interactionPayloadSchema.safeParse(JSON.parse(body.toString("utf8")));
    } catch {
      return sendJson(res, 400, { error: "body is not JSON" });
    }
    if (!parsed.success) return sendJson(res, 400, { error: "not an interaction gonogo can read" });
    const interaction = parsed.data;
    if (interaction.type === INTERACTION.ping) return sendJson(res, 200, { type: InteractionResponseType.Pong });
    try {
      await answer(interaction, res, deps);
    } catch (err) {
      deps.log.error({ err: errorForLog(err, deps.secrets), interaction: interaction.id, type: interaction.type }, "discord interaction failed");
      if (!res.headersSent) sendJson(res, 200, privately(APOLOGY));
      else await followUp(deps, interaction, { content: APOLOGY }).catch(() => undefined);
    }
  });
}

async function answer(interaction: InteractionPayload, res: ServerResponse, deps: EndpointDeps): Promise<void> {
  const place = placeOfPayload(interaction);
  if (!servesGuild(deps.guildId, interaction.guild_id ?? null)) {
    if (interaction.type === INTERACTION.autocomplete) return sendJson(res, 200, { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } });
    return sendJson(res, 200, privately(OTHER_SERVER));
  }
  if (interaction.type === INTERACTION.autocomplete) {
    const focused = focusedOption(interaction);
    const choices = place && focused ? await choicesFor(deps.bot, actorOfPlace(place), focused.name, focused.subcommand, focused.value, focused.releaseId) : [];
    return sendJson(res, 200, { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } });
  }
  const input = inputOfPayload(interaction);
  if (!input) return sendJson(res, 400, { error: `interaction type ${interaction.type} is not one gonogo handles` });
  if (!place) return sendJson(res, 200, privately(NOT_IN_GUILD));
  const inbound = inboundFrom(place, input);
  if (!inbound.ok) {
    if (inbound.tampered) deps.log.warn({ interaction: interaction.id, user: place.userId, customId: clip(interaction.data?.custom_id ?? "", 120) }, "discord: unrecognised custom_id");
    return sendJson(res, 200, privately(inbound.error));
  }

  // Discord drops an interaction not answered within 3 s: when the core has not answered
  // by deferAfterMs, the response becomes a deferral and the answer an edit of it.
  let deferred = false;
  const timer = setTimeout(() => {
    deferred = true;
    deps.log.warn({ interaction: interaction.id }, "discord: bot.handle slow, deferring the reply");
    sendJson(res, 200, { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
  }, deps.deferAfterMs ?? DEFER_AFTER_MS);
  let reply: Reply | null;
  try {
    reply = await deps.bot.handleOnce(discordEventId(interaction.id), inbound.event);
    if (reply && input.kind === "command") reply = withChannelAccess(reply, interaction.data?.options?.[0]?.name ?? null, missingForCard(interaction.app_permissions, interaction.channel?.type));
  } finally {
    clearTimeout(timer);
  }

  if (reply === null) {
    // Handled before (a replayed request): acknowledge without changing anything.
    if (deferred) return followUp(deps, interaction, { content: "This was already handled." });
    return sendJson(res, 200, input.kind === "command" ? privately("This command was already handled.") : { type: InteractionResponseType.DeferredMessageUpdate });
  }
  if (!deferred && reply.type === "form" && input.kind !== "modal") {
    return sendJson(res, 200, { type: InteractionResponseType.Modal, data: renderModal(reply.form) });
  }
  const { content, embeds, components, files } = answerFor(reply, interaction.guild_id);
  if (!deferred && !files) {
    return sendJson(res, 200, {
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content, embeds, components, flags: MessageFlags.Ephemeral, allowed_mentions: NO_PINGS },
    });
  }
  // Files (an audit export) travel as attachments, which a JSON response cannot carry.
  if (!deferred) sendJson(res, 200, { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
  await followUp(deps, interaction, { content, embeds, components }, files);
}

type Attachment = { attachment: Buffer; name: string };

/** Completes a deferred answer: edits the original response (interaction token, no bot token). */
async function followUp(deps: EndpointDeps, interaction: InteractionPayload, message: { content?: string | undefined; embeds?: unknown; components?: unknown }, files?: readonly unknown[]): Promise<void> {
  const attached = (files ?? []) as Attachment[];
  await deps.rest.patch(Routes.webhookMessage(deps.applicationId, interaction.token, "@original"), {
    body: { content: message.content ?? "", embeds: message.embeds ?? [], components: message.components ?? [], allowed_mentions: NO_PINGS, attachments: attached.map((f, id) => ({ id, filename: f.name })) },
    files: attached.map((f, id) => ({ key: `files[${id}]`, name: f.name, data: f.attachment })),
    auth: false,
  });
}
