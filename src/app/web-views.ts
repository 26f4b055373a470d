import type { CriterionSource, CriterionStatus } from "../domain/criteria.js";
import type { StatsReport } from "../domain/stats.js";
import type { ReleaseState } from "../domain/release.js";
import type { CardView } from "./views.js";

/*
 * What the read-only web view (src/web) shows, platform- and HTML-neutral: the core builds
 * these through the door, the web view only renders them. Readiness criteria, freeze windows,
 * deploy locks and the queue (issue 16) each have a named place here; where a release or a
 * channel has none, the lists are empty and the pages say nothing about them.
 */

/** One occurrence of a freeze window (issue 16): nothing of `scope` ships between `from` and `to`. */
export interface WebFreezeView {
  /** `F-2`. */
  id: string;
  /** The freeze's reason, or its id when it has none. */
  title: string;
  /** What it covers, in words: `releases of slack C1RELEASES`. */
  scope: string;
  /** A weekly window (this is one of its occurrences) rather than a one-off. */
  weekly: boolean;
  from: number;
  to: number;
}

/** A deploy lock (issue 16) on a service + environment. */
export interface WebLockView {
  /** `payments production`. */
  label: string;
  reason: string;
  holder: string | null;
  since: number | null;
  /** The release whose rollback set it, or null when locked by hand. */
  releaseId: string | null;
}

/** A release's place in its service + environment's deploy queue (issue 16). */
export interface WebQueueView {
  /** The release it waits for. */
  behind: string;
  /** 1 for the head of the queue. */
  position: number;
  /** `payments production`. */
  target: string;
  since: number;
}

/** A freeze override (issue 16): who shipped inside a freeze, and why. */
export interface WebOverrideView {
  freeze: string;
  byName: string;
  reason: string;
  at: number;
}

/** A readiness criterion (issue 16) with its evidence. */
export interface WebCriterionView {
  name: string;
  status: CriterionStatus;
  /** Who may tick it, in words. */
  tickers: string;
  /** Who or what set it last; null while pending since creation. */
  byName: string | null;
  source: CriterionSource | null;
  at: number | null;
  note: string | null;
  /** An http(s) link only (checked again here): anything else is not a link on the page. */
  url: string | null;
  /** CI reports it. */
  ciOwned: boolean;
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
  /** T-0 (UTC ms), or null when not scheduled; for one shipped by hand before it, when it started. */
  scheduledAt: number | null;
  /**
   * When its deploy started (UTC ms), once it has (shipping and after); null before. The page then
   * heads its time "Started", not "T-0": an early ship, a queue turn or a ship after a hold is not T-0.
   */
  startedAt: number | null;
  /** The card's countdown line as of the render (the page also counts down in the browser). */
  countdownLine: string | null;
  /**
   * When it ended (shipped, rolled back, cancelled or closed), UTC ms; null while it is live.
   * An ended release has nothing left to count down to, so its row shows T-0 without a countdown.
   */
  endedAt: number | null;
  /** The deploy lock on its service + environment while it is open (issue 16). */
  locks: WebLockView[];
  /** Its place in the deploy queue, when it waits in it (issue 16). */
  queue: WebQueueView | null;
}

/** One day of the calendar, in the viewer's time zone. */
export interface WebDay {
  /** `2030-01-15` in the calendar's zone. */
  date: string;
  /** Midnight of that day in the calendar's zone, UTC ms. */
  start: number;
  releases: WebReleaseRow[];
  /** Freeze occurrences of the shown channels that overlap this day (issue 16). */
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
  /** Releases that ended (shipped, rolled back, cancelled, closed) in the last two weeks, newest first; never on a day above. */
  recent: WebReleaseRow[];
  /** Freeze occurrences of the shown channels in force now (issue 16). */
  freezesNow: WebFreezeView[];
  /** Deploy locks on services the shown channels release (issue 16); another team's services stay out. */
  locks: WebLockView[];
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
  status: "pending" | "delivered" | "failed" | "withdrawn";
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
  /** When its deploy started, once it has (as WebReleaseRow's). */
  startedAt: number | null;
  /** When it shipped, was asked to roll back and was restored (null until then): the times its numbers come from. */
  shippedAt: number | null;
  rollbackRequestedAt: number | null;
  recoveredAt: number | null;
  /** Readiness criteria (issue 16) in the channel's order; empty when the release has none. */
  criteria: WebCriterionView[];
  /** The deploy lock that holds it while it is open (issue 16). */
  locks: WebLockView[];
  /** Freeze occurrences its T-0 falls in (held: that are on now) while it is open (issue 16). */
  freezes: WebFreezeView[];
  /** Its place in the deploy queue (issue 16). */
  queue: WebQueueView | null;
  /** The freeze override it shipped with (issue 16). */
  override: WebOverrideView | null;
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
  /** Environments the viewer has releases to, for the filter. */
  environments: string[];
  /** Null when the caller did not ask for a fresh check (it shows the one it kept). */
  audit: WebAuditCheck | null;
}
