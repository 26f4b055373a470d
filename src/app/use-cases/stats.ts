import { UserError } from "../../domain/errors.js";
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { humanDuration } from "../../domain/duration.js";
import { computeStats, deployRate, windowName, type ReleaseFacts, type StatsReport, type WeekBucket } from "../../domain/stats.js";
import type { ChannelRef, Release } from "../../domain/types.js";
import type { AuditEventType } from "../audit-events.js";
import type { AuditEvent } from "../store.js";
import { isSeenBy, policyFor, type Ctx } from "../context.js";
import { askerOfScope, scopeOfChannel } from "../web-link.js";
import { ok } from "../replies.js";
import type { Reply } from "../views.js";
import { countOf, countOrNo, numberOrNone } from "../../domain/plural.js";

const DAY = 86_400_000;
/** Weeks drawn in chat; a year of weeks would blow the ≤40-line budget. JSON keeps them all. */
const CHART_WEEKS = 12;
/** Widest bar in cells; with ≤10 per week every block is one release, so people can count them. */
const BAR_CELLS = 10;
const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** The audit events the statistics read: a release's first GO, failed deploy, holds, overrides and state changes. */
const FACT_EVENTS = ["decision_go", "deploy_failed", "held_by_freeze", "held_by_lock", "freeze_overridden", "state_changed"] as const satisfies readonly AuditEventType[];

/**
 * Reads what the statistics need from the store: the release rows, their vote counts and the
 * audit events above, in a few queries however long the history (a query per release held
 * the writer, and on PostgreSQL the whole cluster's, for a second at a thousand releases).
 */
async function gatherFacts(ctx: Ctx, since: number, service: string | null, environment: string | null, counts: Counts): Promise<ReleaseFacts[]> {
  // Other environments' releases are left out before their votes and events are read.
  const counted: Release[] = [];
  for (const r of await ctx.store.findReleases({ service: service ?? undefined, activeSince: since })) {
    if ((environment === null || r.environment === environment) && (await counts(r))) counted.push(r);
  }
  const ids = counted.map((r) => r.id);
  const voters = await ctx.store.countVotes(ids);
  const eventsOf = new Map<string, AuditEvent[]>();
  for (const e of await ctx.store.listAuditOf(ids, FACT_EVENTS)) {
    if (e.releaseId === null) continue;
    const list = eventsOf.get(e.releaseId);
    if (list) list.push(e);
    else eventsOf.set(e.releaseId, [e]);
  }
  const quorums = new Map<string, number>();
  const quorumOf = async (channelKey: string) => {
    let quorum = quorums.get(channelKey);
    if (quorum === undefined) quorums.set(channelKey, (quorum = (await policyFor(ctx, channelKey)).quorum));
    return quorum;
  };
  const facts: ReleaseFacts[] = [];
  for (const r of counted) {
    const events = eventsOf.get(r.id) ?? [];
    const firstAt = (type: (typeof FACT_EVENTS)[number]) => events.filter((e) => e.type === type).reduce<number | null>((min, e) => (min === null || e.at < min ? e.at : min), null);
    facts.push({
      id: r.id,
      service: r.service,
      environment: r.environment,
      createdAt: r.createdAt,
      // A content change resets decidedGoAt; the audit keeps the first GO, which is what time to decision means.
      decidedGoAt: firstAt("decision_go") ?? r.decidedGoAt,
      shippedAt: r.shippedAt,
      failedAt: firstAt("deploy_failed"),
      rollbackRequestedAt: r.rollbackRequestedAt,
      recoveredAt: r.recoveredAt,
      state: r.state,
      voters: voters.get(r.id) ?? 0,
      quorum: await quorumOf(r.channel.key),
      heldByFreeze: firstAt("held_by_freeze") !== null,
      heldByLock: firstAt("held_by_lock") !== null,
      overridden: firstAt("freeze_overridden") !== null,
      heldByFailedCriteria: events.some((e) => e.type === "state_changed" && Array.isArray(e.data.failedCriteria) && e.data.failedCriteria.length > 0),
    });
  }
  return facts;
}

/** Which releases the statistics count (a workspace's: those it sees); every one when left out. */
type Counts = (r: Release) => boolean | Promise<boolean>;

/** What the statistics are narrowed to besides service and window. */
export interface StatsScope {
  /** Only releases to this environment; every environment when null or left out. */
  environment?: string | null;
  /** Only the releases this accepts (a workspace's: created in it or shared into it). */
  counts?: Counts;
}

/**
 * The statistics as data (`GET /api/stats`, the chat reply, the web view), in the configured
 * time zone, over every environment unless `scope.environment` names one.
 */
export async function statsReport(ctx: Ctx, service: string | null, days: number, scope: StatsScope = {}): Promise<StatsReport> {
  const now = ctx.clock.now();
  const environment = scope.environment ?? null;
  const releases = await gatherFacts(ctx, now - days * DAY, service, environment, scope.counts ?? (() => true));
  return computeStats({ releases, now, days, service, environment, timezone: ctx.config.timezone });
}

/** Which environments the figures cover, in a word: the one asked for, or all of them. */
function environmentsText(report: StatsReport): string {
  return report.environment ?? "all environments";
}

export { humanDuration };

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

/** A bar of `value / scale` cells, eighth blocks for the remainder; a non-zero value always shows. */
function bar(value: number, scale: number): string {
  if (value === 0) return "";
  const eighths = Math.max(1, Math.round((value / scale) * 8));
  return "█".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/**
 * One aligned text chart: a header row, then one row per week. Failures are one column, each
 * deploy once in the week it first failed or was rolled back, as the change failure rate and the
 * web view's weekly chart count them: a deploy that failed and was then rolled back is one failure,
 * not one under each of two labels that then add up to more than the rate says.
 */
function chart(weeks: WeekBucket[], zone: string): string[] {
  const fields = [
    { key: "shipped", title: "shipped" },
    { key: "failures", title: "failed or rolled back" },
  ] as const;
  const max = Math.max(1, ...weeks.flatMap((w) => fields.map((f) => w[f.key])));
  // One scale for every column so a failure bar compares with a shipped bar at a glance.
  const scale = max <= BAR_CELLS ? 1 : max / BAR_CELLS;
  const cols = fields.map((f) => {
    const bars = weeks.map((w) => bar(w[f.key], scale));
    const counts = weeks.map((w) => String(w[f.key]));
    // At least one cell, so counts line up the same way in a column that has no bars.
    const barW = Math.max(1, ...bars.map((b) => b.length));
    const numW = Math.max(...counts.map((c) => c.length));
    const cells = bars.map((b, i) => `${b.padEnd(barW)} ${counts[i]!.padStart(numW)}`);
    const width = Math.max(f.title.length, ...cells.map((c) => c.length));
    return { title: f.title.padEnd(width), cells: cells.map((c) => c.padEnd(width)) };
  });
  const labels = weeks.map((w) => `W${w.week.slice(-2)} ${format(new TZDate(w.start, zone), "dd MMM")}`);
  const labelW = Math.max(4, ...labels.map((l) => l.length));
  const gap = "   ";
  const rows = [["week".padEnd(labelW), ...cols.map((c) => c.title)].join(gap).trimEnd()];
  weeks.forEach((_, i) => rows.push([labels[i]!.padEnd(labelW), ...cols.map((c) => c.cells[i]!)].join(gap).trimEnd()));
  return rows;
}

/**
 * The window as the instants it runs between: it is the last N×24 hours up to now, not N
 * calendar days, so dates alone (`1 Jan – 31 Jan` for 30 days) read as a day too many.
 */
function windowText(report: StatsReport): string {
  const at = (ms: number) => format(new TZDate(ms, report.timezone), "d MMM yyyy HH:mm");
  return `${at(report.window.from)} – ${at(report.window.to)} (${report.timezone})`;
}


/**
 * Which failures those were, as the web view's Numbers page lists them: the two kinds overlap (a
 * failed deploy is often rolled back), so the words say each deploy is counted once in the total.
 */
function failureBreakdown(cfr: StatsReport["changeFailureRate"]): string {
  if (cfr.failures === 0) return "";
  const overlap = cfr.failed + cfr.rolledBack > cfr.failures ? ": a deploy can be both" : "";
  return `, each counted once (${countOrNo(cfr.failed, "failed deploy")}, ${numberOrNone(cfr.rolledBack)} rolled back${overlap})`;
}

/** `5 of the 7 releases created reached GO (71%)`, `none of the 3 …`, `the 1 release created did not reach GO`. */
function reachedGoText(reached: number, created: number, share: number): string {
  if (created === 1) return `the 1 release created ${reached ? "reached GO" : "did not reach GO"}`;
  return `${numberOrNone(reached)} of the ${created} releases created reached GO (${percent(share)})`;
}

/**
 * The weeks drawn that the window cuts, so a low first or last bar is not read as a slow week:
 * `; W01 counted from 1 Jan 12:00, W05 so far` (the first only when the window's first week is drawn).
 */
function cutWeeks(report: StatsReport, weeks: WeekBucket[]): string {
  const first = weeks[0];
  const last = weeks.at(-1);
  if (!first || !last) return "";
  const cut: string[] = [];
  if (first === report.weeks[0] && report.window.from > first.start) cut.push(`W${first.week.slice(-2)} counted from ${format(new TZDate(report.window.from, report.timezone), "d MMM HH:mm")}`);
  if (last !== first || !cut.length) cut.push(`W${last.week.slice(-2)} so far`);
  return `; ${cut.join(", ")}`;
}

/** Renders a report as a chat message: a header, one line per metric, a weekly bar chart. */
export function statsText(report: StatsReport): string {
  const scope = report.service ?? "all services";
  const lines = [`📊 Release stats · ${scope} · ${environmentsText(report)} · ${windowName(report.window.days)}`];
  const { deploymentFrequency: df, leadTime: lt, changeFailureRate: cfr, timeToRestore: ttr, timeToDecision: ttd, participation: p } = report;
  if (report.releases === 0 && df.shipped === 0 && cfr.deploys === 0 && ttr.count === 0 && ttr.open === 0 && ttd.count === 0) {
    lines.push(`Nothing happened in ${windowText(report)}: no release was created, reached GO, shipped, failed or was rolled back.`, `Try a longer window, e.g. \`${statsCommand(report, 90)}\`.`);
    return lines.join("\n");
  }
  // Delivery counts what happened in the window; participation, the releases created in it.
  lines.push(`${windowText(report)} · each event in the window it happened · ${countOf(report.releases, "release")} created in it`);
  // Change failure rate counts every deploy started, shipped or not: say how the two counts differ.
  const unshipped = cfr.deploys - df.shipped;
  const besides = unshipped > 0 ? ` (and ${unshipped} failed or rolled back before reaching shipped)` : "";
  const rate = deployRate(report);
  lines.push(df.shipped ? `• Deploys: ${df.shipped} shipped · ${rate.value} per ${rate.per}${besides}` : `• Deploys: none shipped${besides}`);
  lines.push(`• Lead time (created → shipped): ${lt.count ? `median ${humanDuration(lt.median)} · p90 ${humanDuration(lt.p90)}` : "—"}`);
  lines.push(
    `• Change failure rate: ${cfr.rate === null ? "— (no deploys)" : `${percent(cfr.rate)} · ${cfr.failures} of ${countOf(cfr.deploys, "deploy")} failed or rolled back${failureBreakdown(cfr)}`}`,
  );
  const stillOpen = ttr.open ? ` · ${ttr.open} still rolling back` : "";
  lines.push(`• Time to restore (rollback → recovered): ${ttr.count ? `median ${humanDuration(ttr.median)} · ${ttr.count} restored` : "— (no rollbacks recovered)"}${stillOpen}`);
  lines.push(`• Time to decision (created → GO): ${ttd.count ? `median ${humanDuration(ttd.median)} · ${ttd.count} reached GO` : "— (none reached GO)"}`);
  const voters = p.averageVoters === null ? "no votes cast" : `${p.averageVoters.toFixed(1)} voters per release voted on (quorum today: ${Number(p.averageQuorum!.toFixed(1))})`;
  lines.push(
    report.releases
      ? `• Participation: ${voters} · ${reachedGoText(p.reachedGo, report.releases, p.goShare ?? 0)}`
      : "• Participation: — (no release created in the window)",
  );
  const g = report.guardrails;
  // Every environment's figures together: say which, so staging deploys are not read as production's, and how to keep one.
  if (report.environment === null && report.environments.length) {
    const each = report.environments.map((e) => `${e.environment} (${numberOrNone(e.shipped)} shipped)`).join(" · ");
    const one = report.environments.length > 1 ? `, counted together here. For one alone: \`${statsCommand(report, report.window.days, (report.environments.find((e) => e.environment === "production") ?? report.environments[0]!).environment)}\`` : "";
    lines.push(`• Environments: ${each}${one}.`);
  }
  lines.push(
    `• Guardrails: ${numberOrNone(g.heldByFreeze)} held by a freeze · ${numberOrNone(g.heldByLock)} held by a lock · ${numberOrNone(g.heldByFailedCriteria)} held by failed criteria · ${countOrNo(g.overrides, "freeze override")}`,
  );

  const weeks = report.weeks.slice(-CHART_WEEKS);
  const shown = weeks.length < report.weeks.length ? ` (last ${weeks.length} of ${report.weeks.length})` : "";
  lines.push("", `Per week${shown}, weeks start Monday in ${report.timezone}${cutWeeks(report, weeks)}:`, "```", ...chart(weeks, report.timezone), "```");
  return lines.join("\n");
}

/** The command that asks for these stats again, over `days`, and in `environment` when given (else the report's). */
function statsCommand(report: StatsReport, days: number, environment = report.environment): string {
  return ["/release stats", report.service, String(days), environment === null ? null : `env ${environment}`].filter(Boolean).join(" ");
}

/** Names known, as a refusal lists them: the first 20, then an ellipsis. */
function knownList(names: Iterable<string>): string {
  const known = [...new Set(names)].sort();
  return `${known.slice(0, 20).join(", ")}${known.length > 20 ? ", …" : ""}`;
}

/**
 * `/release stats [service] [days] [env <environment>]`: DORA and decision numbers of the releases
 * the workspace or server asked in sees (`GET /api/stats`, the operator's, counts every one once), for the last
 * `days` days, in the configured time zone, over every environment unless one is named. A
 * service or environment no release ever had is a typo, said as one.
 */
export async function statsReply(ctx: Ctx, channel: ChannelRef, service: string | null, days: number, environment: string | null = null): Promise<Reply> {
  // The releases the workspace or server asked in sees (created in it or shared into it), as its
  // /release list and web view show them; another's are not its numbers, nor its business. The
  // workspace as a whole, not the asker's linked accounts: its numbers are the same whoever asks.
  const scope = scopeOfChannel(channel);
  const asker = scope && askerOfScope(scope);
  const counts = async (r: Release) => asker !== null && (await isSeenBy(ctx, r, asker));
  const releasesOf = async (filter: { service?: string }) => {
    const seen: Release[] = [];
    for (const r of await ctx.store.findReleases(filter)) if (await counts(r)) seen.push(r);
    return seen;
  };
  if (service !== null && !(await releasesOf({ service })).length) {
    const known = knownList((await releasesOf({})).map((r) => r.service));
    throw new UserError("stats_service", `No release of ${service} is known, so it has no stats.${known ? ` Services with releases: ${known}.` : ""} \`/release stats\` covers every service.`);
  }
  if (environment !== null) {
    const ofService = await releasesOf({ service: service ?? undefined });
    if (!ofService.some((r) => r.environment === environment)) {
      const known = knownList(ofService.map((r) => r.environment));
      throw new UserError("stats_environment", `No release${service ? ` of ${service}` : ""} to ${environment} is known, so it has no stats.${known ? ` Environments with releases${service ? ` of ${service}` : ""}: ${known}.` : ""} Without \`env\`, the stats cover every environment.`);
    }
  }
  return ok(statsText(await statsReport(ctx, service, days, { environment, counts })));
}
