import { UserError } from "../../domain/errors.js";
import { describeRule, FREEZE_USAGE, freezeAt, freezeEnd, freezeLabel, freezeName, isOver, readFreezeRule, type Freeze, type FreezeSpec } from "../../domain/freeze.js";
import type { Actor, ChannelRef, Release } from "../../domain/types.js";
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { audit, policyFor, requirePermission, type Ctx } from "../context.js";
import { ok, okLines } from "../replies.js";
import { tellFreezeRemoved, watchFreezeOf } from "../freeze-watch.js";
import type { Reply, ReplyPart } from "../views.js";

/** Open releases of a channel whose cards may show a freeze: refreshed when its freezes change. */
async function refreshChannel(ctx: Ctx, channelKey: string): Promise<void> {
  for (const r of await ctx.store.listReleases({ states: ["voting", "held"], channelKey })) ctx.effects.push({ type: "refresh", releaseId: r.id });
}

/** `/release freeze add …`: admins and release-managers; the window is read in the channel's zone. */
export async function addFreeze(ctx: Ctx, actor: Actor, channel: ChannelRef, spec: FreezeSpec, reason: string | null): Promise<Reply> {
  await requirePermission(ctx, actor, "freeze");
  const zone = (await policyFor(ctx, channel.key)).timezone;
  const { rule, notes } = readFreezeRule(spec, ctx.clock.now(), zone);
  const freeze = await ctx.store.addFreeze({ channelKey: channel.key, rule, reason, createdBy: actor.id, createdByName: actor.name, createdAt: ctx.clock.now() });
  const window = describeRule(rule, zone);
  await audit(ctx, actor, channel.platform, null, { type: "freeze_added", data: { freeze: freezeName(freeze.id), channel: channel.key, window, reason } });
  await refreshChannel(ctx, channel.key);
  // Held releases whose card shows it from now on hear when it ends.
  for (const r of await ctx.store.listReleases({ states: ["held"], channelKey: channel.key })) await watchFreezeOf(ctx, r);
  const hit = await releasesInFreeze(ctx, channel.key, [freeze]);
  return ok(
    `⛔ Freeze ${freezeName(freeze.id)} added: ${window}${reason ? ` · ${reason}` : ""}. Releases whose T-0 falls inside it are held; an admin or release-manager can ship one anyway with \`/release ship <id> override <reason>\`.${notes.length ? ` ${notes.join(" ")}` : ""}${hit.length ? ` Affected now: ${hit.join(", ")}.` : ""}`,
  );
}

/** Open, scheduled releases of a channel whose T-0 falls inside one of `freezes`. */
async function releasesInFreeze(ctx: Ctx, channelKey: string, freezes: Freeze[]): Promise<string[]> {
  return (await ctx.store.listReleases({ states: ["voting"], channelKey }))
    .filter((r) => r.scheduledAt !== null && freezeAt(freezes, r.scheduledAt) !== null)
    .map((r) => r.id)
    .reverse();
}

/** `/release freeze remove F-2`. */
export async function removeFreeze(ctx: Ctx, actor: Actor, channel: ChannelRef, id: number): Promise<Reply> {
  await requirePermission(ctx, actor, "freeze");
  const before = await ctx.store.listFreezes(channel.key);
  const found = before.find((f) => f.id === id);
  if (!found) throw new UserError("unknown_freeze", `There is no freeze ${freezeName(id)} in this channel. \`/release freeze list\` shows them.`);
  await ctx.store.removeFreeze(id);
  const zone = (await policyFor(ctx, channel.key)).timezone;
  const window = describeRule(found.rule, zone);
  await audit(ctx, actor, channel.platform, null, { type: "freeze_removed", data: { freeze: freezeName(id), channel: channel.key, window, reason: found.reason } });
  await refreshChannel(ctx, channel.key);
  const told = await tellFreezeRemoved(ctx, found, before, actor.name);
  const held = told.length ? ` ${told.join(", ")} ${told.length === 1 ? "was" : "were"} in it: ${told.length === 1 ? "its manager is" : "their managers are"} told in ${told.length === 1 ? "its" : "each"} thread. A release it held stays on hold until it is shipped or rescheduled.` : "";
  return ok(`Freeze ${freezeName(id)} removed (${window}${found.reason ? ` · ${found.reason}` : ""}).${held}`);
}

/** `/release freeze list`: this channel's freezes with their ids; one-off windows in each viewer's time. */
export async function listFreezes(ctx: Ctx, channel: ChannelRef): Promise<Reply> {
  const zone = (await policyFor(ctx, channel.key)).timezone;
  const now = ctx.clock.now();
  const freezes = (await ctx.store.listFreezes(channel.key)).filter((f) => !isOver(f, now));
  if (!freezes.length) return ok(`No freeze windows in this channel. Add one with ${FREEZE_USAGE}.`);
  const when = (at: number): ReplyPart => ({ at, text: `${format(new TZDate(at, zone), "EEE d MMM yyyy HH:mm")} (${zone})` });
  const lines = freezes.map((f): ReplyPart[] => {
    const active = freezeAt([f], now);
    const tail = `${f.reason ? ` · ${f.reason}` : ""} · added by ${f.createdByName}${active ? ` · ACTIVE until ${freezeEnd(active.end, zone)}` : ""}`;
    if (f.rule.kind === "weekly") return [`• ${freezeName(f.id)} ${describeRule(f.rule, zone)}${tail}`];
    return [`• ${freezeName(f.id)} `, when(f.rule.startAt), " → ", when(f.rule.endAt), tail];
  });
  // A weekly window keeps the zone the channel had when it was added (each line names it): a later zone change moves no freeze.
  return okLines(`Freeze windows in this channel (one-off ones in your time; weekly ones on the clock each names); \`/release freeze remove <id>\` removes one:`, lines);
}

/** A warning for a release whose T-0 falls inside a freeze, or null. Said at create and schedule. */
export async function freezeWarning(ctx: Pick<Ctx, "store">, release: Release): Promise<string | null> {
  if (release.scheduledAt === null) return null;
  const active = freezeAt(await ctx.store.listFreezes(release.channel.key), release.scheduledAt);
  if (!active) return null;
  return `⛔ T-0 falls in freeze ${freezeLabel(active.freeze)} (until ${freezeEnd(active.end, release.timezone)}): it will be held at T-0 unless it is rescheduled or an admin or release-manager ships it with \`/release ship ${release.id} override <reason>\`.`;
}
