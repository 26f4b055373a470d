import { TZDate } from "@date-fns/tz";
import { addDays } from "date-fns/addDays";
import { format } from "date-fns/format";
import { startOfDay } from "date-fns/startOfDay";
import { targetName } from "../../domain/deploy-lock.js";
import { UserError } from "../../domain/errors.js";
import { occurrenceAt, occurrencesBetween } from "../../domain/freeze.js";
import { displayName } from "../../domain/identity.js";
import { isValidTimeZone } from "../../domain/policy.js";
import type { ReleaseState } from "../../domain/release.js";
import type { Actor, ChannelRef, Release } from "../../domain/types.js";
import { readCard } from "../card-reader.js";
import { isSeenBy, type Ctx } from "../context.js";
import { ok } from "../replies.js";
import type { Reply } from "../views.js";
import { askerOfScope, scopeOfChannel, scopeOwnsChannel, signWebToken, type WebScope } from "../web-link.js";
import type { WebCalendar, WebDay, WebFreezeView, WebReleaseRow, WebReleaseView } from "../web-views.js";
import { channelLabel, criteriaOf, freezesOf, freezeView, locksOf, lockView, overrideOf, queueOf } from "./web-release-parts.js";
import { describeEvent } from "./audit.js";
import { countOf } from "../../domain/plural.js";

const DAY = 86_400_000;
/** How far ahead the calendar looks. */
const CALENDAR_DAYS = 21;
/** How far back "recently ended" looks. */
const RECENT_DAYS = 14;
/** Releases read per page: far more than a team has live at once. */
const READ_LIMIT = 500;

/** `/release web`: a private, signed, expiring link to this workspace's web view, or how to turn it on. */
export function webLink(ctx: Ctx, actor: Actor, channel: ChannelRef, place?: string): Reply {
  const web = ctx.config.web;
  if (!web) {
    return ok("The web view is off. An admin turns it on by setting GONOGO_PUBLIC_URL (the address people open) and GONOGO_WEB_SECRET (32+ random characters) on the gonogo server and restarting it; see the README, \"Web view\".");
  }
  const scope = scopeOfChannel(channel);
  if (!scope || scope.kind !== "workspace") throw new UserError("web_scope", "I cannot tell which workspace this channel belongs to, so I cannot sign a link for it.");
  const expiresAt = ctx.clock.now() + web.linkTtlMs;
  const url = `${web.publicUrl}/web/login?t=${signWebToken(web.secret, place ? { ...scope, name: place } : scope, expiresAt)}`;
  const hours = Math.round(web.linkTtlMs / 3_600_000);
  const lasts = hours >= 1 ? countOf(hours, "hour") : countOf(Math.round(web.linkTtlMs / 60_000), "minute");
  // Only the person who asked sees this reply (it is private on every platform); the link is theirs.
  return ok(`Your link to the web view of this ${channel.platform === "discord" ? "server" : "workspace"}'s releases (read-only, works for ${lasts}; do not share it): ${url}`);
}

/**
 * States in which a release is over for the web view: nothing is coming at its T-0 any more.
 * Wider than the domain's isFinal (cancelled, closed), which asks whether anything can still
 * happen: a shipped release may yet be rolled back, but it is not upcoming. Shipping and
 * rolling back are under way, so they stay live.
 */
const ENDED_STATES: ReadonlySet<ReleaseState> = new Set<ReleaseState>(["shipped", "rolled_back", "cancelled", "closed"]);

/** When the release ended, from the latest end the store keeps for its state; null while it is live. */
function endedAtOf(release: Release): number | null {
  if (!ENDED_STATES.has(release.state)) return null;
  // closedAt is set by cancel and close, recoveredAt by a finished rollback, shippedAt by a finished deploy.
  return release.closedAt ?? release.recoveredAt ?? release.shippedAt ?? release.createdAt;
}

/** States in which its deploy has started; a hold while shipping goes back to T-0 (and a new one, if rescheduled). */
const STARTED_STATES: ReadonlySet<ReleaseState> = new Set<ReleaseState>(["shipping", "shipped", "rolling_back", "rolled_back", "closed"]);

/** When the deploy it is in started: its latest move to shipping (T-0, `/release ship`, a queue turn), or null before. */
function startedAtOf(release: Release, events: ReadonlyArray<{ type: string; at: number; data: Record<string, unknown> }>): number | null {
  if (!STARTED_STATES.has(release.state)) return null;
  return events.filter((e) => e.type === "state_changed" && e.data.to === "shipping").at(-1)?.at ?? null;
}

async function rowOf(ctx: Ctx, release: Release): Promise<WebReleaseRow> {
  const card = await readCard(ctx, release.id);
  return {
    id: release.id,
    title: card.title,
    service: release.service,
    channel: channelLabel(release.channel),
    state: release.state,
    stateLabel: card.stateLabel,
    decisionLine: card.decisionLine,
    scheduledAt: release.scheduledAt,
    startedAt: STARTED_STATES.has(release.state) ? startedAtOf(release, await ctx.store.listAuditOf([release.id], ["state_changed"])) : null,
    countdownLine: card.countdownLine,
    endedAt: endedAtOf(release),
    locks: await locksOf(ctx, release),
    queue: await queueOf(ctx, release),
  };
}

/** Does the scope see the release: its own, or one shared into it, by the rule `/release list` follows (context.ts `isSeenBy`)? */
export async function scopeSees(ctx: Ctx, scope: WebScope, release: Release): Promise<boolean> {
  const asker = askerOfScope(scope);
  return asker === null || isSeenBy(ctx, release, asker);
}

/** The releases the scope sees, newest first: its own and those shared into it (what its calendar shows and its numbers count). */
export async function seenReleases(ctx: Ctx, scope: WebScope): Promise<Release[]> {
  const seen: Release[] = [];
  for (const r of await ctx.store.listReleases({ limit: READ_LIMIT })) if (await scopeSees(ctx, scope, r)) seen.push(r);
  return seen;
}

/**
 * The releases page: the coming weeks day by day in `zone` (the viewer's), live releases off
 * those days, and recent ends; of one channel, or of every channel the viewer may see.
 */
export async function webCalendar(ctx: Ctx, scope: WebScope, zoneAsked: string | null, channelKey: string | null): Promise<WebCalendar> {
  const now = ctx.clock.now();
  const zone = zoneAsked && isValidTimeZone(zoneAsked) ? zoneAsked : ctx.config.timezone;
  const today = startOfDay(new TZDate(now, zone));
  const days: WebDay[] = [];
  for (let i = 0; i < CALENDAR_DAYS; i++) {
    const d = addDays(today, i);
    days.push({ date: format(d, "yyyy-MM-dd"), start: d.getTime(), releases: [], freezes: [] });
  }
  const end = addDays(today, CALENDAR_DAYS).getTime();
  const live: WebReleaseRow[] = [];
  const recent: WebReleaseRow[] = [];
  const seen = await seenReleases(ctx, scope);
  const channels = new Map(seen.map((r) => [r.channel.key, channelLabel(r.channel)]));
  const channel = channelKey !== null && channels.has(channelKey) ? channelKey : null;
  for (const r of seen) {
    if (channel !== null && r.channel.key !== channel) continue;
    const endedAt = endedAtOf(r);
    // An ended release is listed as ended or not at all, even with T-0 ahead: it is not upcoming.
    if (endedAt === null) (dayOf(days, r.scheduledAt, end)?.releases ?? live).push(await rowOf(ctx, r));
    else if (endedAt >= now - RECENT_DAYS * DAY) recent.push(await rowOf(ctx, r));
  }
  for (const d of days) d.releases.sort((a, b) => (a.scheduledAt ?? 0) - (b.scheduledAt ?? 0));
  // Freezes belong to channels: only the shown channels of the viewer's own are read (a shared
  // release's card shows the freeze that holds it; another workspace's calendar stays its own).
  const shownKeys = (channel !== null ? [channel] : [...channels.keys()]).filter((key) => scopeOwnsChannel(scope, key));
  const freezesNow: WebFreezeView[] = [];
  for (const key of shownKeys) {
    const label = channels.get(key)!;
    for (const f of await ctx.store.listFreezes(key)) {
      const onNow = occurrenceAt(f, now);
      if (onNow) freezesNow.push(freezeView(onNow, label));
      days.forEach((d, i) => {
        const dayEnd = days[i + 1]?.start ?? end;
        for (const hit of occurrencesBetween(f, d.start, dayEnd)) d.freezes.push(freezeView(hit, label));
      });
    }
  }
  for (const d of days) d.freezes.sort((a, b) => a.from - b.from);
  // Locks are per service + environment, shared by every team: only those of targets the shown channels release to.
  const targets = new Set(seen.filter((r) => channel === null || r.channel.key === channel).map((r) => targetName(r.service, r.environment)));
  const locks = (await ctx.store.listLocks()).filter((l) => targets.has(targetName(l.service, l.environment))).map(lockView);
  return {
    now,
    zone,
    days,
    live,
    recent: recent.sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0)),
    freezesNow: freezesNow.sort((a, b) => a.to - b.to),
    locks,
    channels: [...channels].map(([key, label]) => ({ key, label })).sort((a, b) => a.label.localeCompare(b.label)),
    channel,
  };
}

/** The calendar day T-0 falls on, or undefined when it is unscheduled or outside the days (before the first, or at `end` and after). */
function dayOf(days: WebDay[], at: number | null, end: number): WebDay | undefined {
  if (at === null || at >= end) return undefined;
  return days.filter((d) => d.start <= at).at(-1);
}

/** One release's page, or null when there is none the scope sees (another workspace's release, not shared into it, is as unknown as a missing one). */
export async function webRelease(ctx: Ctx, scope: WebScope, id: string): Promise<WebReleaseView | null> {
  const release = await ctx.store.getRelease(id);
  if (!release || !(await scopeSees(ctx, scope, release))) return null;
  const events = await ctx.store.listAudit(release.id);
  const atT0 = t0Marks(events);
  return {
    card: await readCard(ctx, release.id),
    channel: channelLabel(release.channel),
    createdAt: release.createdAt,
    startedAt: startedAtOf(release, events),
    shippedAt: release.shippedAt,
    rollbackRequestedAt: release.rollbackRequestedAt,
    recoveredAt: release.recoveredAt,
    criteria: await criteriaOf(ctx, release),
    locks: await locksOf(ctx, release),
    freezes: await freezesOf(ctx, release),
    queue: await queueOf(ctx, release),
    override: await overrideOf(ctx, release),
    timeline: events.map((e, i) => ({
      at: e.at,
      actorName: typeof e.data.actorName === "string" ? e.data.actorName : displayName(e.actor),
      platform: e.platform,
      type: e.type,
      text: `${atT0[i] ? "T-0: " : ""}${describeEvent(e)}`,
    })),
    deliveries: (await ctx.store.listDeliveries(release.id)).map((d) => ({
      // The URL and body stay out: a receiver's URL may carry its own secret.
      kind: d.kind,
      status: d.status,
      attempts: d.attempts,
      lastStatus: d.lastStatus,
      lastError: d.lastError,
      createdAt: d.createdAt,
      deliveredAt: d.deliveredAt,
    })),
    retro: (await ctx.store.listRetroAnswers(release.id)).map((a) => ({ authorName: a.authorName, wentWell: a.wentWell, wentBadly: a.wentBadly, actionItems: a.actionItems, at: a.at })),
  };
}

/** A state change the scheduler made at T-0 (ship on GO, else hold or cancel), as opposed to closing a retro. */
function isT0(e: { platform: string; type: string; data: Record<string, unknown> }): boolean {
  return e.platform === "scheduler" && e.type === "state_changed" && (e.data.from === "voting" || e.data.from === "held") && ["shipping", "held", "cancelled"].includes(String(e.data.to));
}

/**
 * Which events are T-0's own state change. One the scheduler makes at a queue turn (after
 * the release was queued, at T-0 or by `ship`) is not T-0, until a new schedule starts over.
 */
function t0Marks(events: ReadonlyArray<{ platform: string; type: string; data: Record<string, unknown> }>): boolean[] {
  let queued = false;
  return events.map((e) => {
    if (e.type === "queued") queued = true;
    else if (e.type === "scheduled" || e.type === "rescheduled") queued = false;
    else if (isT0(e)) {
      const t0 = !queued;
      queued = false;
      return t0;
    }
    return false;
  });
}

/** Which of `ids` the scope sees: a live page is told only about its viewer's releases. */
export async function webOwned(ctx: Ctx, scope: WebScope, ids: string[]): Promise<string[]> {
  const owned: string[] = [];
  for (const id of ids) {
    const release = await ctx.store.getRelease(id);
    if (release && (await scopeSees(ctx, scope, release))) owned.push(id);
  }
  return owned;
}
