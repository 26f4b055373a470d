import { z } from "zod";
import type { InboundEvent } from "../../src/app/events.js";
import { channelKey, parseSubject, subjectId, type Person, type SubjectId } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { fieldKeyFromBlockId } from "./ids.js";

/** Slack payloads → what the core understands. Pure: no I/O, every payload checked with zod. */

export const PLATFORM = "slack";

export function slackPerson(team: string, user: string): Person {
  return { kind: "person", platform: PLATFORM, scope: team, user };
}

function slackUserId(team: string, user: string): SubjectId {
  return subjectId(slackPerson(team, user));
}

export function slackGroupId(team: string, group: string): SubjectId {
  return subjectId({ kind: "group", platform: PLATFORM, scope: team, group });
}

export function slackChannel(team: string, channel: string): ChannelRef {
  return { platform: PLATFORM, key: channelKey({ platform: PLATFORM, scope: team, channel }), nativeId: channel };
}

/** What a Slack user or group id looks like; a name typed on Slack (`slack:T1:dana`) is no id to mention. */
const SLACK_ID = /^[A-Z0-9]+$/;

/** `slack:T1:U1` → `U1`, or null when the id is not a Slack user's. */
export function nativeUserId(id: string): string | null {
  const s = parseSubject(id);
  return s?.kind === "person" && s.platform === PLATFORM && SLACK_ID.test(s.user) ? s.user : null;
}

/** `slack-group:T1:S1` → `S1`, or null for other platforms' groups and for people. */
export function nativeGroupId(id: string): string | null {
  const s = parseSubject(id);
  return s?.kind === "group" && s.platform === PLATFORM && SLACK_ID.test(s.group) ? s.group : null;
}

/**
 * Slack escapes command text (the manifest sets should_escape): users arrive as
 * `<@U1|name>`, user groups as `<!subteam^S1|@qa>`, channels as `<#C1|name>`, links as
 * `<url|label>`, and `&`, `<`, `>` as entities. The core's grammar wants qualified ids where
 * a command names someone (`role grant <who>`, `manager <user>`); anywhere else (a reason, a
 * description, a note) a mention is words, kept as the name it was picked by (`@quinn`), so it
 * never reads as an internal id (`slack:T1:U1`).
 */
export function translateCommandText(text: string, team: string): string {
  const namesSomeone = (at: number, all: string) => /^\s*role\b/i.test(all) || /\bmanager\s+$/i.test(all.slice(0, at));
  return text
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, user: string, name: string | undefined, at: number, all: string) =>
      name?.trim() && !namesSomeone(at, all) ? `@${name.trim()}` : slackUserId(team, user),
    )
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, group: string, handle: string | undefined, at: number, all: string) =>
      handle?.trim() && !namesSomeone(at, all) ? `@${handle.trim().replace(/^@/, "")}` : slackGroupId(team, group),
    )
    .replace(/<#([A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, channel: string, name: string | undefined) => `#${name || channel}`)
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, "@$1")
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

const slackId = z.string().regex(/^[A-Z0-9]{1,40}$/);

/** The form body of a slash command (docs: "Slash command payload"). */
export const slashCommandSchema = z.object({
  command: z.string(),
  text: z.string().default(""),
  team_id: slackId,
  /** The workspace's subdomain (`acme` of acme.slack.com): the web view's link names the workspace by it. */
  team_domain: z.string().max(100).optional(),
  channel_id: slackId,
  /** `directmessage` in a DM, `mpdm-…` in a group DM: where a card cannot live. */
  channel_name: z.string().max(200).optional(),
  user_id: slackId,
  user_name: z.string().default(""),
  trigger_id: z.string().min(1),
  response_url: z.string().optional(),
});
export type SlashCommand = z.infer<typeof slashCommandSchema>;

const payloadUser = z.object({
  id: slackId,
  team_id: slackId.optional(),
  username: z.string().optional(),
  name: z.string().optional(),
});

/** A `block_actions` payload (one button press). */
export const blockActionsSchema = z.object({
  type: z.literal("block_actions"),
  team: z.object({ id: slackId }).nullable().optional(),
  user: payloadUser,
  channel: z.object({ id: slackId }).optional(),
  container: z.object({ type: z.string(), message_ts: z.string().optional(), view_id: z.string().optional() }).optional(),
  trigger_id: z.string().min(1),
  response_url: z.string().optional(),
  // A button carries `value`; a select menu (the card's criteria menu) its `selected_option`.
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional(), selected_option: z.object({ value: z.string() }).nullable().optional(), type: z.string() })).min(1),
});

const stateValue = z.object({
  type: z.string(),
  value: z.string().nullable().optional(),
  selected_date_time: z.number().nullable().optional(),
  selected_option: z.object({ value: z.string() }).nullable().optional(),
});

/** A `view_submission` payload (a modal's submit button). */
export const viewSubmissionSchema = z.object({
  type: z.literal("view_submission"),
  team: z.object({ id: slackId }).nullable().optional(),
  user: payloadUser,
  trigger_id: z.string().min(1).optional(),
  view: z.object({
    id: z.string(),
    callback_id: z.string(),
    private_metadata: z.string().default(""),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), stateValue)) }),
  }),
});
export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;

/** The `app_home_opened` event. */
export const appHomeOpenedSchema = z.object({
  type: z.literal("app_home_opened"),
  user: slackId,
  tab: z.string().optional(),
});

/** Team of a payload: the workspace the app is installed in, else the user's own team. */
export function payloadTeam(p: { team?: { id: string } | null; user: { team_id?: string | undefined } }): string | null {
  return p.team?.id ?? p.user.team_id ?? null;
}

/** Unix seconds from a datetimepicker → the ISO form the core's time parser reads (`…T14:00:00Z`). */
export function isoFromUnixSeconds(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Reads a modal's inputs into the `values` the core expects, keyed by field key. Empty inputs become "". */
export function formValues(state: ViewSubmission["view"]["state"]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(state.values)) {
    const key = fieldKeyFromBlockId(blockId);
    if (!key) continue;
    for (const input of Object.values(actions)) {
      if (typeof input.selected_date_time === "number") values[key] = isoFromUnixSeconds(input.selected_date_time);
      else if (input.selected_option) values[key] = input.selected_option.value;
      else values[key] = (input.value ?? "").trim();
    }
  }
  return values;
}

export function commandEvent(cmd: SlashCommand, actor: Actor): InboundEvent {
  return { kind: "command", actor, channel: slackChannel(cmd.team_id, cmd.channel_id), text: translateCommandText(cmd.text, cmd.team_id), names: mentionedNames(cmd.text, cmd.team_id), ...(cmd.team_domain ? { place: cmd.team_domain } : {}) };
}

/** The names Slack gives with the people a command mentions (`<@U1|dev>` → dev), by qualified id. */
function mentionedNames(text: string, team: string): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [, user, name] of text.matchAll(/<@([UW][A-Z0-9]+)\|([^>]+)>/g)) if (user && name?.trim()) names[slackUserId(team, user)] = name.trim();
  return names;
}
