import type { StatsReport } from "../domain/stats.js";
import type { ReleaseState } from "../domain/release.js";
import type { CardView } from "./views.js";

/*
 * What the read-only web view (src/web) shows, platform- and HTML-neutral: the core builds
 * these through the door, the web view only renders them. Readiness criteria, freeze windows
 * and deploy locks (issue 16) each have a named place here; until those rules exist the
 * lists are empty and the pages say nothing about them.
 */

/** A freeze window (issue 16): no deploys to `scope` between `from` and `to`. */
export interface WebFreezeView {
  title: string;
  /** What it covers, in words: `production`, `payments in production`, `every service`. */
  scope: string;
  from: number;
  to: number;
}

/** A deploy lock (issue 16) that stands in a release's way. */
export interface WebLockView {
  label: string;
  holder: string | null;
  since: number | null;
}

/** A readiness criterion (issue 16) and whether it is met; `met` null while unknown. */
export interface WebCriterionView {
  name: string;
  met: boolean | null;
  detail: string | null;
}

/** One release as a line of the calendar. */
export interface WebReleaseRow {
  id: string;
  title: string;
  service: string;
  channel: string;
  state: ReleaseState;
  stateLabel: string;
  /** `GO`, `NO-GO`, `Pending: 1 of 2 GO · waiting for qa`. */
  decisionLine: string;
  /** T-0 (UTC ms), or null when not scheduled. */
  scheduledAt: number | null;
  /** The card's countdown line as of the render (the page also counts down in the browser). */
  countdownLine: string | null;
  /** Deploy locks on this release (issue 16); empty until locks exist. */
  locks: WebLockView[];
}

/** One day of the calendar, in the viewer's time zone. */
export interface WebDay {
  /** `2030-01-15` in the calendar's zone. */
  date: string;
  /** Midnight of that day in the calendar's zone, UTC ms. */
  start: number;
  releases: WebReleaseRow[];
  /** Freeze windows that overlap this day (issue 16); empty until freezes exist. */
  freezes: WebFreezeView[];
}

/** The releases page: the coming weeks day by day, what is live outside them, and what ended lately. */
export interface WebCalendar {
  now: number;
  /** The IANA zone days are cut in (the viewer's browser zone when known). */
  zone: string;
  days: WebDay[];
  /** Live releases that are not on a day above: unscheduled, or T-0 passed. */
  live: WebReleaseRow[];
  /** Releases that ended (closed, cancelled) in the last two weeks, newest first. */
  recent: WebReleaseRow[];
  /** Freeze windows in force now (issue 16); empty until freezes exist. */
  freezesNow: WebFreezeView[];
  /** The viewer's channels that have releases, for the filter; `channel` is the one shown, null for all. */
  channels: Array<{ key: string; label: string }>;
  channel: string | null;
}

/** One line of a release's history, from the audit trail. */
export interface WebTimelineEntry {
  at: number;
  actorName: string;
  platform: string;
  type: string;
  text: string;
}

export interface WebDeliveryView {
  kind: "deploy" | "rollback";
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface WebRetroView {
  authorName: string;
  wentWell: string;
  wentBadly: string;
  actionItems: string;
  at: number;
}

/** The release page: the card's content and the whole story. */
export interface WebReleaseView {
  card: CardView;
  channel: string;
  createdAt: number;
  /** Readiness criteria (issue 16); empty until criteria exist. */
  criteria: WebCriterionView[];
  /** Deploy locks on this release (issue 16); empty until locks exist. */
  locks: WebLockView[];
  /** Freeze windows that touch this release's T-0 (issue 16); empty until freezes exist. */
  freezes: WebFreezeView[];
  timeline: WebTimelineEntry[];
  deliveries: WebDeliveryView[];
  retro: WebRetroView[];
}

export type WebAuditCheck = { ok: true; count: number } | { ok: false; count: number; brokenAt: number; problem: string };

/** The numbers page: `/release stats` for the viewer's releases, and the audit chain's check. */
export interface WebNumbers {
  stats: StatsReport;
  /** Services the viewer has releases of, for the filter. */
  services: string[];
  audit: WebAuditCheck;
}
