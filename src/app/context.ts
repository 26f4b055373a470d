import { UserError } from "../domain/errors.js";
import { can, type Action } from "../domain/permissions.js";
import { DEFAULT_POLICY, type Policy } from "../domain/policy.js";
import type { Actor, Release } from "../domain/types.js";
import type { Config } from "../config.js";
import type { AuditEventPayload } from "./audit-events.js";
import type { Clock, Logger } from "./ports.js";
import type { Store } from "./store.js";
import type { NoticeView } from "./views.js";
import type { ChannelRef } from "../domain/types.js";

/** Ids of gonogo's own actors. */
export const SYSTEM_PREFIX = "gonogo:";

/** The job runner, as an actor in the audit trail and on notices. */
export const SCHEDULER = { id: "gonogo", name: "gonogo" };

/** The parts of the configuration the core reads. */
export type CoreConfig = Pick<
  Config,
  "admins" | "timezone" | "quorum" | "require" | "retroDelayMs" | "retroWindowMs" | "deployWebhookUrl" | "rollbackWebhookUrl" | "webhookSecret"
>;

/** What a use case asks to happen after its transaction commits. */
export type Effect =
  | { type: "refresh"; releaseId: string }
  | { type: "post"; releaseId: string; channel: ChannelRef }
  | { type: "notice"; notice: NoticeView }
  | { type: "wake" };

export interface Ctx {
  /** The open transaction: every read and write of the use case goes through it. */
  store: Store;
  clock: Clock;
  config: CoreConfig;
  log: Logger;
  /** Effects collected during the current use case; run after commit. */
  effects: Effect[];
  /** Audit events written by the current use case, counted for metrics after commit. */
  audited: Array<{ platform: string; event: AuditEventPayload }>;
}

export async function policyFor(ctx: Pick<Ctx, "store" | "config">, channelKey: string): Promise<Policy> {
  const base: Policy = { ...DEFAULT_POLICY, quorum: ctx.config.quorum, require: ctx.config.require, timezone: ctx.config.timezone };
  return { ...base, ...(await ctx.store.getPolicy(channelKey)) };
}

function isConfiguredAdmin(config: CoreConfig, actor: Actor): boolean {
  return config.admins.some((a) => a === actor.id || actor.id.endsWith(`:${a}`));
}

/** The actor's roles: bindings to them or to any of their platform groups, plus config admins. */
export async function rolesOf(ctx: Ctx, actor: Actor): Promise<string[]> {
  // gonogo's own actors (the scheduler, signed pipeline and monitoring hooks) act with
  // full rights. No adapter can produce this prefix: platform ids are always qualified.
  if (actor.id.startsWith(SYSTEM_PREFIX)) return ["admin"];
  const roles = new Set((await ctx.store.listRoleBindings([actor.id, ...actor.groups])).map((b) => b.role));
  if (isConfiguredAdmin(ctx.config, actor)) roles.add("admin");
  return [...roles].sort();
}

export async function getReleaseOrThrow(ctx: Ctx, id: string): Promise<Release> {
  const release = await ctx.store.getRelease(id);
  if (!release) throw new UserError("unknown_release", `There is no release ${id}. \`/release list\` shows the open ones.`);
  return release;
}

export class PermissionDenied extends UserError {
  constructor(
    message: string,
    readonly action: Action,
    readonly releaseId: string | null,
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
  ctx.audited.push({ platform, event });
}

/** `terminal:alice` → `alice`; a mention token → a qualified subject on the actor's platform. */
export function qualifySubject(actor: Actor, token: string): string {
  const bare = token.replace(/^@/, "");
  if (bare.includes(":")) return bare;
  const prefix = actor.id.slice(0, actor.id.lastIndexOf(":") + 1);
  return `${prefix}${bare}`;
}

/** A role subject that is a platform group (Slack user group, Discord role), not one person. */
export function isGroupSubject(subject: string): boolean {
  return subject.includes("-group:") || subject.includes("-role:");
}

export function displayName(subject: string): string {
  return subject.slice(subject.lastIndexOf(":") + 1);
}

export function notice(releaseId: string, text: string, extra: Partial<NoticeView> = {}): Effect {
  return { type: "notice", notice: { releaseId, text, mention: [], mentionGroups: [], buttons: [], ...extra } };
}
