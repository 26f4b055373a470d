import { describeCriteriaSpec } from "../../domain/criteria.js";
import { UserError } from "../../domain/errors.js";
import { describePolicy, parsePolicyChanges } from "../../domain/policy.js";
import { BUILTIN_ROLES } from "../../domain/permissions.js";
import { actorOf, adminText, displayName, parseChannelKey, parseSubject, subjectId, type Subject } from "../../domain/identity.js";
import { can } from "../../domain/permissions.js";
import { ofAskersPlaces } from "../../domain/places.js";
import type { Actor, ChannelRef } from "../../domain/types.js";
import { audit, bindingsHere, isGroup, PermissionDenied, policyFor, qualifyRealSubject, qualifySubject, requirePermission, rolesNobodyHolds, rolesOf, type Ctx } from "../context.js";
import { planCountdownJobs } from "../countdown-jobs.js";
import { replanLockReminders } from "../lock-reminder-jobs.js";
import { minutesText } from "../../domain/minutes.js";
import { targetName } from "../../domain/deploy-lock.js";
import { ok, okLines } from "../replies.js";
import type { Reply, ReplyPart } from "../views.js";

export async function showPolicy(ctx: Ctx, channel: ChannelRef): Promise<Reply> {
  const policy = await policyFor(ctx, channel.key);
  const criteria = `• criteria: ${describeCriteriaSpec(policy.criteria)} (readiness criteria: \`/release criteria\`)`;
  return ok([`Policy for this channel:`, ...describePolicy(policy).map((l) => `• ${l}`), criteria, "Admins change it with `/release policy set key=value …`."].join("\n"));
}

export async function setPolicy(ctx: Ctx, actor: Actor, channel: ChannelRef, pairs: string[]): Promise<Reply> {
  await requirePermission(ctx, actor, "policy");
  const changes = parsePolicyChanges(pairs);
  const before = await policyFor(ctx, channel.key);
  const stored = { ...(await ctx.store.getPolicy(channel.key)), ...changes };
  await ctx.store.setPolicy(channel.key, stored);
  await audit(ctx, actor, channel.platform, null, { type: "policy_changed", data: { channel: channel.key, before, changes } });
  // Open releases in this channel follow at once: judged by the new rules, shown in the new
  // zone, reminded at the new offsets (only those still ahead; none is sent twice).
  const open = await ctx.store.listReleases({ states: ["voting", "held"], channelKey: channel.key });
  const after = await policyFor(ctx, channel.key);
  for (const r of open) {
    const release = changes.timezone !== undefined && r.timezone !== after.timezone ? await ctx.store.updateRelease(r.id, { timezone: after.timezone }) : r;
    if (changes.reminders !== undefined && release.state === "voting" && release.scheduledAt !== null && release.scheduledAt > ctx.clock.now()) await planCountdownJobs(ctx, release);
    ctx.effects.push({ type: "refresh", releaseId: r.id });
  }
  // Locks set here are said again at the new interval (or no more), from now: the reply names them.
  const replanned = changes.lockReminder !== undefined ? await replanLockReminders(ctx, channel.key) : [];
  const locks = replanned.length
    ? [`Locks set here are ${after.lockReminder === null ? "no longer said again" : `said again every ${minutesText(after.lockReminder)} from now`}: ${replanned.map((l) => targetName(l.service, l.environment)).join(", ")}.`]
    : [];
  const following = open.length ? [`Open releases here follow at once: ${open.map((r) => r.id).reverse().join(", ")}.`] : [];
  // A required role nobody holds (a typo, or not granted yet) would leave every release waiting for it for good: say so now.
  const unheld = changes.require ? await rolesNobodyHolds(ctx, changes.require) : [];
  const hints = unheld.map((r) => `Nobody holds ${r} yet, so no GO can count as its sign-off: grant it with \`/release role grant <user or group> ${r}\`, or check its spelling.`);
  return ok([`Policy updated:`, ...describePolicy(after).map((l) => `• ${l}`), ...hints, ...locks, ...following].join("\n"));
}

export async function grantRole(ctx: Ctx, actor: Actor, channel: ChannelRef, subjectToken: string, role: string): Promise<Reply> {
  const platform = channel.platform;
  await requirePermission(ctx, actor, "roles");
  const subject = subjectId(await requireHere(ctx, qualifyRealSubject(actor, subjectToken), "Grant"));
  const added = await ctx.store.grantRole({ subject, role, grantedBy: actor.id, at: ctx.clock.now() });
  if (added) await audit(ctx, actor, platform, null, { type: "role_granted", data: { subject, role } });
  // The command that adds it to what this channel already requires (require= replaces the list).
  const required = (await policyFor(ctx, channel.key)).require;
  const requireIt = required.includes(role) ? "required here already" : `require it with \`/release policy set require=${[...required, role].join(",")}\``;
  const kind = (BUILTIN_ROLES as readonly string[]).includes(role) ? "" : ` (a sign-off role: ${requireIt})`;
  // Sign-off counts the roles a vote was cast with (group memberships are only known then).
  const votes = kind ? " A GO cast before now counts as this role once its voter votes again." : "";
  return said(subject, added ? ` now has the role ${role}${kind}.${votes}` : ` already has the role ${role}.`);
}

export async function revokeRole(ctx: Ctx, actor: Actor, platform: string, subjectToken: string, role: string): Promise<Reply> {
  await requirePermission(ctx, actor, "roles");
  // Checked before the binding is looked up: whether another workspace's person has a role is not said here.
  const subject = subjectId(await requireHere(ctx, qualifySubject(actor, subjectToken), "Revoke"));
  if (!await ctx.store.revokeRole(subject, role)) {
    throw new UserError("no_binding", `${displayName(subject)} does not have the role ${role}. \`/release role list\` shows who has which role.`);
  }
  await audit(ctx, actor, platform, null, { type: "role_revoked", data: { subject, role } });
  if (isGroup(subject)) {
    // Who is in a group is known only when someone acts, so a member's vote cannot be updated here.
    const votes = (BUILTIN_ROLES as readonly string[]).includes(role) ? "" : " A member's GO cast before now keeps counting as this role until they vote again or retract.";
    return said(subject, ` no longer has the role ${role}.${votes}`);
  }
  // A person's votes on releases still being decided stop counting as the role at once.
  for (const release of await ctx.store.listReleases({ states: ["voting", "held"] })) {
    const vote = await ctx.store.getVote(release.id, subject);
    if (!vote?.roles.includes(role)) continue;
    await ctx.store.upsertVote(release.id, { ...vote, roles: vote.roles.filter((r) => r !== role) });
    ctx.effects.push({ type: "refresh", releaseId: release.id });
  }
  return said(subject, ` no longer has the role ${role}.`);
}

/** How the place a command was typed in reads in a refusal. */
const HERE: Record<string, string> = { slack: "this Slack workspace", discord: "this Discord server", terminal: "the terminal" };

/**
 * A role may be bound or unbound only for a person or group of the asker's workspace or server, or
 * of one a linked account of theirs is in and may change roles in itself: a role counts for its
 * subject alone, and so in its workspace alone, which another workspace's admin has no say over (an
 * admin of T2 granting `slack:T1:U1` release-manager would hand out rights over T1's releases; so
 * would one who linked their T2 account to a plain member's account in T1). The refusals echo only
 * what was typed, so they tell nothing of the other workspace.
 */
async function requireHere<S extends Subject>(ctx: Ctx, subject: S, verb: "Grant" | "Revoke"): Promise<S> {
  const asker = ctx.asker;
  if (!asker || ofAskersPlaces({ ...asker, linked: [] }, subject)) return subject;
  const through = asker.linked.filter((account) => ofAskersPlaces({ channelKey: null, linked: [account] }, subject));
  for (const account of through) {
    const person = parseSubject(account);
    if (person?.kind !== "person") continue;
    // The linked account's own roles there: bound to it, or GONOGO_ADMINS (its groups are not known outside its own events).
    if (can({ id: account, roles: await rolesOf(ctx, actorOf(person, displayName(account))) }, "roles").allowed) return subject;
  }
  if (through.length) {
    throw new PermissionDenied(`${subjectId(subject)} is where one of your linked accounts is, but that account may not change roles there. ${verb} roles there as one of its admins, or ask one of them.`, "roles", null);
  }
  const where = HERE[(asker.channelKey !== null ? parseChannelKey(asker.channelKey)?.platform : asker.place?.platform) ?? ""] ?? "this workspace or server";
  throw new PermissionDenied(
    `${subjectId(subject)} is not in ${where}, nor where one of your linked accounts is. ${verb} roles where that person or group works, or link your accounts with \`/release link\` first.`,
    "roles",
    null,
  );
}

/** A one-line answer about someone: chat shows them as a mention (which pings nobody in a private reply), the terminal by name. */
function said(subject: string, rest: string): Reply {
  return okLines("", [[{ subject, text: displayName(subject) }, rest]]);
}

/**
 * `/release role list`: the bindings of the people and groups of the asker's workspace or server
 * (and of those their linked accounts are in), and the GONOGO_ADMINS entries who are admins
 * there. Another workspace's bindings name its people and groups, and its admins are no admins
 * here: neither is this workspace's business. Nor is whether it has any, so "nobody here" reads
 * the same with no GONOGO_ADMINS at all.
 */
export async function listRoles(ctx: Ctx, actor: Actor): Promise<Reply> {
  const asker = ctx.asker;
  const bindings = await bindingsHere(ctx);
  const byRole = new Map<string, string[]>();
  for (const b of bindings) byRole.set(b.role, [...(byRole.get(b.role) ?? []), b.subject]);
  // People and groups each as a mention, comma-separated.
  const named = (who: Array<{ subject: string; text: string }>): ReplyPart[] => who.flatMap((w, i) => [...(i ? [", "] : []), w]);
  const lines: ReplyPart[][] = [...byRole].map(([role, subjects]) => [`• ${role}: `, ...named(subjects.map((subject) => ({ subject, text: displayName(subject) })))]);
  const configured = ctx.config.admins.filter((a) => !asker || ofAskersPlaces(asker, a));
  const admins: ReplyPart[] = configured.length
    ? ["• admin (from GONOGO_ADMINS): ", ...named(configured.map((a) => ({ subject: subjectId(a), text: adminText(a) })))]
    : [`• admin: nobody here from GONOGO_ADMINS (whoever runs gonogo adds admins' ids there, e.g. yours: ${actor.id})`];
  return okLines("Roles:", [admins, ...lines]);
}
