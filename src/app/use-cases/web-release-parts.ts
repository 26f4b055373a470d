import { isHttpUrl, tickersOf } from "../../domain/criteria.js";
import { lockReason, targetName, type DeployLock } from "../../domain/deploy-lock.js";
import { freezeName, occurrenceAt, type ActiveFreeze } from "../../domain/freeze.js";
import type { ChannelRef, Release } from "../../domain/types.js";
import type { Ctx } from "../context.js";
import type { WebCriterionView, WebFreezeView, WebLockView, WebQueueView, WebReleaseView } from "../web-views.js";

/*
 * What stands beside a release's card in the web view: its readiness criteria and the guardrails
 * that hold it (a deploy lock, freezes, its place in the deploy queue, an override), read as its
 * card reads them. web.ts builds the pages from these.
 */

export function channelLabel(channel: ChannelRef): string {
  return `${channel.platform} ${channel.nativeId}`;
}

export function freezeView(hit: ActiveFreeze, channel: string): WebFreezeView {
  const id = freezeName(hit.freeze.id);
  return { id, title: hit.freeze.reason ?? id, scope: `releases of ${channel}`, weekly: hit.freeze.rule.kind === "weekly", from: hit.start, to: hit.end };
}

export function lockView(lock: DeployLock): WebLockView {
  // The page says "after the rollback of R-6" itself: the reason without its `rollback of R-6: ` prefix.
  return { label: targetName(lock.service, lock.environment), reason: lockReason(lock), holder: lock.lockedByName, since: lock.at, releaseId: lock.releaseId };
}

/** While a release is open (voting or held), the lock on its service + environment holds it, as on its card. */
export async function locksOf(ctx: Ctx, release: Release): Promise<WebLockView[]> {
  if (release.state !== "voting" && release.state !== "held") return [];
  const lock = await ctx.store.getLock(release.service, release.environment);
  return lock ? [lockView(lock)] : [];
}

/** A voting release's place in its deploy queue, or null. */
export async function queueOf(ctx: Ctx, release: Release): Promise<WebQueueView | null> {
  if (release.state !== "voting") return null;
  const entry = await ctx.store.getQueueEntry(release.id);
  if (!entry) return null;
  const queue = await ctx.store.listQueue({ service: entry.service, environment: entry.environment });
  return { behind: entry.behind, position: queue.findIndex((e) => e.releaseId === release.id) + 1, target: targetName(entry.service, entry.environment), since: entry.queuedAt };
}

/**
 * The freezes that stand in an open release's way, as its card reads them: before T-0 those
 * T-0 falls in; once T-0 has passed (or it is held), those on now.
 */
export async function freezesOf(ctx: Ctx, release: Release): Promise<WebFreezeView[]> {
  if ((release.state !== "voting" && release.state !== "held") || release.scheduledAt === null) return [];
  const now = ctx.clock.now();
  const at = release.state === "voting" && release.scheduledAt > now ? release.scheduledAt : now;
  const label = channelLabel(release.channel);
  return (await ctx.store.listFreezes(release.channel.key))
    .map((f) => occurrenceAt(f, at))
    .filter((hit): hit is ActiveFreeze => hit !== null)
    .map((hit) => freezeView(hit, label));
}

export async function criteriaOf(ctx: Ctx, release: Release): Promise<WebCriterionView[]> {
  return (await ctx.store.listCriteria(release.id)).map((c) => ({
    name: c.name,
    status: c.status,
    tickers: tickersOf(c, release),
    byName: c.setByName,
    source: c.source,
    at: c.at,
    note: c.note,
    // Stored links are http(s) already; checked again because this one becomes an href.
    url: c.url !== null && isHttpUrl(c.url) ? c.url : null,
    ciOwned: c.ciOwned,
  }));
}

export async function overrideOf(ctx: Ctx, release: Release): Promise<WebReleaseView["override"]> {
  const o = await ctx.store.getOverride(release.id);
  return o ? { freeze: o.freeze, byName: o.byName, reason: o.reason, at: o.at } : null;
}
