import type { App, webApi } from "@slack/bolt";
import type { Bot } from "../../src/app/bot-api.js";
import type { Logger } from "../../src/app/ports.js";
import type { FormView, Reply } from "../../src/app/views.js";
import type { Actor } from "../../src/domain/types.js";
import { ACTION_ID_PATTERN, CALLBACK_ID_PATTERN, decodeMetadata, fieldKeyFromBlockId, parseButton, parseCallbackId, type ModalMetadata } from "./ids.js";
import type { SlackIdentity } from "./identity.js";
import { appHomeOpenedSchema, blockActionsSchema, commandEvent, formValues, payloadTeam, slackChannel, slashCommandSchema, viewSubmissionSchema } from "./inbound.js";
import { describeSlackError } from "./logger.js";
import { renderHome } from "./render-home.js";
import { modalErrors, renderMessageModal, renderModal } from "./render-form.js";
import { renderReplyMessage } from "./render.js";
import { filesOnTheirWay, sendFilesPrivately } from "./files.js";
import { isDirectMessage, refusedInDirectMessage } from "./direct-message.js";
import { sayPrivately } from "./say-privately.js";
import { ackedInTime, lateReply } from "./late-answer.js";

export interface ListenerDeps {
  bot: Bot;
  identity: SlackIdentity;
  log: Logger;
}

const STALE_BUTTON = "That button is from an older version of gonogo and no longer works. Nothing changed. Use `/release status <id>` to get a fresh card.";
const TAMPERED_BUTTON = "That button was not made by gonogo (or its value was changed), so I ignored it. Nothing changed.";
const STALE_FORM = "This form is from an older version of gonogo and can't be submitted. Nothing changed: close it and start again from the card.";
const TAMPERED_FORM = "This form's data was not made by gonogo (or was changed), so I ignored it. Nothing changed.";

/** Which fields of a payload did not read, by name only (a payload's values may hold tokens): for the operator's log. */
function unreadableFields(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey> }> }): string[] {
  return [...new Set(error.issues.map((i) => i.path.map(String).join(".") || "(the payload itself)"))].slice(0, 10);
}

/** Registers the slash command, button, modal and App Home listeners. Every path acks within Slack's 3 s. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  const { bot, identity, log } = deps;

  app.command("/release", async ({ body, ack, client, respond }) => {
    const startedAt = performance.now();
    const parsed = slashCommandSchema.safeParse(body);
    if (!parsed.success) {
      await ack({ response_type: "ephemeral", ...privateText("Slack sent a command I could not read, so nothing changed. Try again.") });
      log.warn({ fields: unreadableFields(parsed.error) }, "slack: unreadable slash command payload");
      return;
    }
    const cmd = parsed.data;
    const meta: ModalMetadata = { release: null, channel: cmd.channel_id, team: cmd.team_id };
    const inDirectMessage = isDirectMessage(cmd.channel_id, cmd.channel_name) ? refusedInDirectMessage(cmd.text) : null;
    if (inDirectMessage) {
      await ack({ response_type: "ephemeral", ...privateText(inDirectMessage) });
      return;
    }
    if (!cmd.text.trim()) {
      // `/release` alone opens the create form. The trigger_id dies 3 s after Slack sent it, so nothing slow comes first.
      await ack();
      await openModal(client, cmd.trigger_id, bot.createForm(), meta, (text) => respond({ response_type: "ephemeral", ...privateText(text) }));
      return;
    }
    const actor = await identity.actor(cmd.team_id, cmd.user_id, cmd.user_name);
    const reply = await bot.handleOnce(slackEventId(cmd.trigger_id), commandEvent(cmd, actor));
    if (reply === null) {
      // A redelivery of a command already handled (and answered) on this or another instance.
      await ackedInTime(startedAt, () => ack());
      return;
    }
    if (reply.type === "form") {
      await ackedInTime(startedAt, () => ack());
      await openModal(client, cmd.trigger_id, reply.form, { ...meta, release: reply.form.releaseId }, (text) => respond({ response_type: "ephemeral", ...privateText(text) }));
      return;
    }
    // Slack has no private files in a channel: they go to the person's direct messages, and the answer says so.
    const shown = reply.type === "message" && reply.files?.length ? { ...reply, text: `${reply.text} ${filesOnTheirWay(reply.files)}` } : reply;
    if (!(await ackedInTime(startedAt, () => ack({ response_type: "ephemeral", ...replyMessage(shown, cmd.team_id) })))) {
      // The response_url outlives Slack's 3 s (30 minutes): the answer goes there, saying Slack's error was not the end of it.
      await respond({ response_type: "ephemeral", ...replyMessage(lateReply(shown, "command"), cmd.team_id) }).catch((err: unknown) => log.warn(describeSlackError(err), "slack: response_url reply failed"));
    }
    if (reply.type === "message" && reply.files?.length) {
      const problem = await sendFilesPrivately(client, cmd.user_id, reply.files, log);
      if (problem) await respond({ response_type: "ephemeral", ...privateText(problem) });
    }
  });

  app.action(ACTION_ID_PATTERN, async ({ body, ack, client, respond }) => {
    const startedAt = performance.now();
    const parsed = blockActionsSchema.safeParse(body);
    const team = parsed.success ? payloadTeam(parsed.data) : null;
    if (!parsed.success || !team) {
      await ack();
      log.warn({ fields: parsed.success ? ["team"] : unreadableFields(parsed.error) }, "slack: unreadable block_actions payload");
      return;
    }
    const press = parsed.data;
    const [action] = press.actions;
    const channelId = press.channel?.id;
    const tell = (text: string) => sayPrivately(client, respond, channelId, press.user.id, privateText(text), log);
    const button = parseButton(action?.action_id, action?.value ?? action?.selected_option?.value);
    if (!button.ok || !channelId) {
      await ack();
      await tell(!button.ok ? (button.reason === "stale" ? STALE_BUTTON : TAMPERED_BUTTON) : "Press this button on the card in its channel.");
      return;
    }
    // Commit first, then ack: a press Slack shows as delivered is already on disk. The
    // identity lookup is capped well under Slack's 3 s and bot.handle is one transaction.
    const actor = await identity.actor(team, press.user.id, press.user.name ?? press.user.username ?? "");
    const reply = await bot.handleOnce(slackEventId(press.trigger_id), { kind: "button", actor, channel: slackChannel(team, channelId), releaseId: button.releaseId, action: button.action, ...(button.option ? { option: button.option } : {}) });
    const inTime = await ackedInTime(startedAt, () => ack());
    if (reply === null) return;
    if (reply.type === "form") {
      await openModal(client, press.trigger_id, reply.form, { release: reply.form.releaseId ?? button.releaseId, channel: channelId, team }, tell);
      return;
    }
    // A successful Go / Abstain shows on the card itself within a second, as in native Slack
    // apps; an extra ephemeral per press would double the API traffic of a vote storm. The
    // same press again changes nothing on the card, so that one is answered; so is one after
    // Slack showed an error for it: the voter would press again, not look at the card.
    const quietSuccess = inTime && reply.type === "message" && !reply.error && !reply.unchanged && (button.action === "go" || button.action === "abstain");
    if (!quietSuccess) await sayPrivately(client, respond, channelId, press.user.id, replyMessage(inTime ? reply : lateReply(reply, "press"), team), log);
  });

  app.view(CALLBACK_ID_PATTERN, async ({ body, ack, client }) => {
    const startedAt = performance.now();
    const parsed = viewSubmissionSchema.safeParse(body);
    const team = parsed.success ? payloadTeam(parsed.data) : null;
    const callback = parseCallbackId(parsed.success ? parsed.data.view.callback_id : null);
    const meta = parsed.success ? decodeMetadata(parsed.data.view.private_metadata) : null;
    // The form is sent where it was opened: metadata naming another workspace than the submitter's was not made for them.
    if (!parsed.success || !team || !callback.ok || !meta || meta.team !== team) {
      const stale = !callback.ok && callback.reason === "stale";
      await ack({ response_action: "update", view: renderMessageModal("gonogo", stale ? STALE_FORM : TAMPERED_FORM) });
      return;
    }
    const submission = parsed.data;
    const modalKeys = Object.keys(submission.view.state.values).map(fieldKeyFromBlockId).filter((k): k is string => k !== null);
    const actor: Actor = await identity.actor(team, submission.user.id, submission.user.name ?? submission.user.username ?? "");
    const event = {
      kind: "form",
      actor,
      channel: slackChannel(meta.team, meta.channel),
      form: callback.form,
      releaseId: callback.form === "create" ? null : meta.release,
      values: formValues(submission.view.state),
      tag: meta.tag ?? null,
    } as const;
    // A submission's trigger_id names it; a payload without one (never seen) is handled unclaimed.
    const reply = submission.trigger_id ? await bot.handleOnce(slackEventId(submission.trigger_id), event) : await bot.handle(event);
    if (reply === null) {
      await ackedInTime(startedAt, () => ack());
      return;
    }
    const inTime = await ackedInTime(startedAt, () => {
      if (reply.type === "form_errors") return ack({ response_action: "errors", errors: modalErrors(reply.errors, modalKeys) });
      if (reply.type === "form") return ack({ response_action: "update", view: renderModal(reply.form, { ...meta, release: reply.form.releaseId }) });
      // A refusal that is not about one field (not allowed, already rolled back): say so where the person is looking.
      if (reply.error) return ack({ response_action: "update", view: renderMessageModal("Nothing changed", reply.text) });
      return ack();
    });
    // Slack showed an error in the form, which stays open: what happened goes to the channel, privately.
    if (!inTime) await sayPrivately(client, null, meta.channel, submission.user.id, replyMessage(lateReply(reply, "form"), team), log);
    else if (reply.type === "message" && !reply.error) await sayPrivately(client, null, meta.channel, submission.user.id, replyMessage(reply, team), log);
  });

  app.event("app_home_opened", async ({ event, body, client }) => {
    const parsed = appHomeOpenedSchema.safeParse(event);
    const team = (body as { team_id?: unknown }).team_id;
    if (!parsed.success || typeof team !== "string" || (parsed.data.tab && parsed.data.tab !== "home")) return;
    const actor = await identity.actor(team, parsed.data.user, "");
    try {
      await client.views.publish({ user_id: parsed.data.user, view: renderHome(await bot.overviewFor(actor), team) });
    } catch (err) {
      log.warn({ ...describeSlackError(err), user: parsed.data.user }, "slack: could not publish App Home");
    }
  });

  app.error(async (err) => {
    log.error(describeSlackError(err), "slack: unhandled error in a listener");
    return Promise.resolve();
  });

  async function openModal(client: webApi.WebClient, triggerId: string, form: FormView, meta: ModalMetadata, tell: (text: string) => Promise<unknown>): Promise<void> {
    try {
      await client.views.open({ trigger_id: triggerId, view: renderModal(form, meta) });
    } catch (err) {
      log.warn(describeSlackError(err), "slack: views.open failed");
      await tell("Slack did not let me open the form in time (it allows 3 seconds). Nothing changed; press again.").catch(() => undefined);
    }
  }
}

/**
 * The id a redelivered slash command, button press or modal submission is known by: its
 * trigger_id, which Slack makes for each interaction and repeats when it retries one
 * (`X-Slack-Retry-Num`, or `retry_attempt` in Socket Mode). Events API events carry an
 * `event_id` instead; gonogo's one event, app_home_opened, only publishes a view, so it is
 * not claimed.
 */
function slackEventId(triggerId: string): string {
  return `slack:${triggerId}`;
}

/** A short private message; like every answer it goes through the renderer, so its text is escaped the one way. */
function privateText(text: string): { text: string; blocks: ReturnType<typeof renderReplyMessage>["blocks"] } {
  return renderReplyMessage({ text, cards: [], error: false });
}

function replyMessage(reply: Reply, team: string): { text: string; blocks: ReturnType<typeof renderReplyMessage>["blocks"] } {
  if (reply.type === "message") return renderReplyMessage(reply, team);
  if (reply.type === "form_errors") return renderReplyMessage({ text: [reply.text, ...Object.values(reply.errors)].join("\n"), cards: [], error: true });
  return renderReplyMessage({ text: reply.form.title, cards: [], error: false });
}
