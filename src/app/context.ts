import { UserError } from "../domain/errors.js";
import { actorOf, isAdmin, isUserIdOf, parseSubject, type Person, type Subject } from "../domain/identity.js";
import { can, type Action } from "../domain/permissions.js";
import { ofAskersPlaces, seesRelease, type Asker } from "../domain/places.js";
import { DEFAULT_POLICY, type Policy } from "../domain/policy.js";
import type { Actor, Release } from "../domain/types.js";
import type { Config } from "../config.js";
import type { AuditEventPayload } from "./audit-events.js";
import type { Clock, Logger } from "./ports.js";
import type { RoleBinding, Store } from "./store.js";
import { replyLineText, type NoticeView, type ReplyPart } from "./views.js";
import type { ChannelRef } from "../domain/types.js";

/** One of gonogo's own actors (the pipeline, monitoring): no adapter makes a person on the `gonogo` platform. */
export function systemActor(user: string, name: string): Actor {
  return actorOf({ kind: "person", platform: "gonogo", scope: null, user }, name);
}

/** The job runner, as an actor in the audit trail and on notices. */
export const SCHEDULER = { id: "gonogo", name: "gonogo" };

/** The parts of the configuration the core reads. */
export type CoreConfig = Pick<
  Config,
  "admins" | "timezone" | "quorum" | "require" | "lockReminder" | "retroDelayMs" | "retroWindowMs" | "deployWebhookUrl" | "rollbackWebhookUrl" | "webhookSecret" | "web"
>;

/** What a use case asks to happen after its transaction commits. */
export type Effect =
  | { type: "refresh"; releaseId: string }
  /** Only the time left to T-0 moved on: copies on a platform that counts down by itself are left alone. */
  | { type: "countdown"; releaseId: string }
  /** `askedBy`: the person whose `/release share` asked for this copy, who is told if it cannot be posted. */
  | { type: "post"; releaseId: string; channel: ChannelRef; askedBy?: string; outboxId?: number }
  /** `outboxId`: its row in the notice outbox, written before commit (notice-outbox.ts). */
  | { type: "notice"; notice: NoticeView; outboxId?: number }
  /** A direct message to one person (a platform-qualified id) on their platform; best effort: a failure to send is logged. */
  | { type: "tell"; person: string; line: ReplyPart[] }
  | { type: "wake" };

export interface Ctx {
  /** The open transaction: every read and write of the use case goes through it. */
  store: Store;
  clock: Clock;
  config: CoreConfig;
  log: Logger;
  /** Effects collected during the current use case; run after commit. */
  effects: Effect[];
  /** Audit events written by the current use case, counted for metrics (and, by release, published as changes) after commit. */
  audited: Array<{ platform: string; releaseId: string | null; event: AuditEventPayload }>;
  /**
   * Who asked and where, for a chat event (set by chat-events.ts): a release they name by id must
   * be one their workspace or server sees (domain/places.ts). Absent for hooks and jobs.
   */
  asker?: Asker;
}

/**
 * The roles among `roles` that nobody holds (admins come from the configuration, so `admin` is
 * never among them): a sign-off or a criterion waiting on one would wait for good, so the
 * command that names it says how to grant it. Asked in chat, only the holders of the asker's
 * workspace or server (and of those their linked accounts are in) count, as `/release role list`
 * shows them: another workspace's never see this channel's releases, and whether it uses a role
 * name is not this one's to learn.
 */
export async function rolesNobodyHolds(ctx: Pick<Ctx, "store" | "asker">, roles: readonly string[]): Promise<string[]> {
  const held = new Set((await bindingsHere(ctx)).map((b) => b.role));
  return [...new Set(roles.filter((r) => r !== "admin" && !held.has(r)))];
}

/**
 * The role bindings of the chat asker's workspace or server, and of those their linked accounts
 * are in (all of them outside chat): what `/release role list` shows and the hints count.
 */
export async function bindingsHere(ctx: Pick<Ctx, "store" | "asker">): Promise<RoleBinding[]> {
  const asker = ctx.asker;
  const bindings = await ctx.store.listRoleBindings();
  if (!asker) return bindings;
  return bindings.filter((b) => {
    const subject = parseSubject(b.subject);
    return subject !== null && ofAskersPlaces(asker, subject);
  });
}

export async function policyFor(ctx: Pick<Ctx, "store" | "config">, channelKey: string): Promise<Policy> {
  const base: Policy = { ...DEFAULT_POLICY, quorum: ctx.config.quorum, require: ctx.config.require, timezone: ctx.config.timezone, lockReminder: ctx.config.lockReminder };
  return { ...base, ...(await ctx.store.getPolicy(channelKey)) };
}

/** The actor's roles: bindings to them or to any of their platform groups, plus config admins. */
export async function rolesOf(ctx: Ctx, actor: Actor): Promise<string[]> {
  // gonogo's own actors (signed pipeline and monitoring hooks) act with full rights.
  if (actor.person.platform === "gonogo") return ["admin"];
  const roles = new Set((await ctx.store.listRoleBindings([actor.id, ...actor.groups])).map((b) => b.role));
  if (isAdmin(ctx.config.admins, actor.person)) roles.add("admin");
  return [...roles].sort();
}

/**
 * The release a request names. Asked in chat, it must be one the asker's workspace or server
 * sees: every command, button and form that names a release comes through here, so another
 * workspace's is refused in one place, in the same words as an id nobody has (which says
 * nothing about whether it exists elsewhere).
 */
export async function getReleaseOrThrow(ctx: Ctx, id: string): Promise<Release> {
  const release = await ctx.store.getRelease(id);
  if (!release || (ctx.asker && !(await isSeenBy(ctx, release, ctx.asker)))) throw new UserError("unknown_release", `There is no release ${id} here. \`/release list\` shows the open ones.`);
  return release;
}

/** The releases among `releases` the chat event's asker sees (all of them outside chat): what a list shows them. */
export async function seenByAsker(ctx: Ctx, releases: readonly Release[]): Promise<Release[]> {
  const asker = ctx.asker;
  if (!asker) return [...releases];
  const seen: Release[] = [];
  for (const r of releases) if (await isSeenBy(ctx, r, asker)) seen.push(r);
  return seen;
}

/** Its own channel first: the copies shared elsewhere are read only for a release from another place. */
export async function isSeenBy(ctx: Pick<Ctx, "store">, release: Release, asker: Asker): Promise<boolean> {
  if (seesRelease(asker, [release.channel.key])) return true;
  return seesRelease(asker, (await ctx.store.listMessageRefs(release.id)).map((ref) => ref.channel.key));
}

export class PermissionDenied extends UserError {
  /**
   * `refused`: why, for the audit trail, when it is not that the person may not take the action
   * at all (`tests is reported by CI, not ticked by hand`); without it the trail says they may not.
   */
  constructor(
    message: string,
    readonly action: Action,
    readonly releaseId: string | null,
    readonly refused?: string,
  ) {
    super("not_allowed", message);
  }
}

/** Throws (and the door audits the refusal) unless the actor may take this action. */
export async function requirePermission(ctx: Ctx, actor: Actor, action: Action, release?: Release): Promise<string[]> {
  const roles = await rolesOf(ctx, actor);
  const verdict = can({ id: actor.id, roles }, action, release);
  if (!verdict.allowed) throw new PermissionDenied(verdict.reason ?? "You may not do that.", action, release?.id ?? null);
  return roles;
}

/** Writes one audit event through the open transaction; its payload must fit its type (audit-events.ts). */
export async function audit(ctx: Ctx, actor: Actor | { id: string; name?: string }, platform: string, releaseId: string | null, event: AuditEventPayload): Promise<void> {
  // The display name at the time, so a timeline reads "dana", not a platform user id.
  const data = "name" in actor && actor.name ? { ...event.data, actorName: actor.name } : event.data;
  await ctx.store.appendAudit({ releaseId, at: ctx.clock.now(), actor: actor.id, platform, type: event.type, data });
  ctx.audited.push({ platform, releaseId, event });
}

/**
 * A subject the grammar checked (`checkSubject`): an id an adapter put in (`slack:T1:U2`,
 * `discord-role:G1:R7`), or a bare name (`@dana`), which means that person on the actor's
 * platform and workspace.
 */
export function qualifySubject(actor: Actor, token: string): Subject {
  const bare = token.replace(/^@/, "");
  return parseSubject(bare) ?? { ...actor.person, user: bare };
}

/**
 * A subject someone is given a role or a release by. In Slack and Discord a person is named by
 * a mention, which the adapter turns into their id; a name typed without picking the person
 * (`@quinn` as plain text) is nobody's, and a role bound to it would never apply.
 */
export function qualifyRealSubject(actor: Actor, token: string): Subject {
  const subject = qualifySubject(actor, token);
  if (subject.kind === "group" || isUserIdOf(subject.platform, subject.user)) return subject;
  const app = subject.platform === "slack" ? "Slack" : "Discord";
  throw new UserError(
    "unknown_person",
    `I cannot tell who \`${token}\` is: ${app} sent it as plain text, not as a person. Type @ and pick them from ${app}'s list so it becomes a mention, then send the command again.`,
  );
}

/** A release manager named in a command: a person, never a group. */
export function qualifyPerson(actor: Actor, token: string): Person {
  const subject = qualifyRealSubject(actor, token);
  if (subject.kind === "person") return subject;
  throw new UserError("bad_name", `\`${token}\` is a group; a release manager is one person, e.g. \`manager @dana\`.`);
}

/** A stored role subject that is a platform group (Slack user group, Discord role), not one person. */
export function isGroup(subject: string): boolean {
  return parseSubject(subject)?.kind === "group";
}

/** A thread reply under the card. Given as parts, its times show in each viewer's own zone in chat. */
export function notice(releaseId: string, content: string | ReplyPart[], extra: Partial<NoticeView> = {}): Effect {
  const words = typeof content === "string" ? { text: content } : { text: replyLineText(content), parts: content };
  return { type: "notice", notice: { releaseId, ...words, mention: [], mentionGroups: [], buttons: [], ...extra } };
}
