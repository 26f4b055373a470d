import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { humanDuration } from "../../domain/duration.js";
import { deployRate, windowName } from "../../domain/stats.js";
import type { WebAuditCheck, WebNumbers } from "../../app/web-views.js";
import { columnBars, horizontalBars, type Bar, type ChartSpec } from "../charts.js";
import { html, type Html } from "../html.js";
import { page } from "../layout.js";
import { timeEl } from "../time.js";
import { countOf, numberOrNone } from "../../domain/plural.js";

/** Windows the filter offers, in days. */
const WINDOWS = [7, 30, 90, 180, 365];

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)}%`);

/** A metric: its heading, the chart, and the same numbers as a table beside it. */
function metric(id: string, heading: string, chart: Html, rows: Array<[string, string]>, note: string): Html {
  return html`<section aria-labelledby="${id}-h"><h2 id="${id}-h">${heading}</h2>
<div class="metric">
<figure>${chart}<figcaption>${note}</figcaption></figure>
<table><caption class="muted">${heading} in numbers</caption><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td class="num">${v}</td></tr>`)}</tbody></table>
</div></section>`;
}

function durationBars(entries: Array<[string, number | null]>): Bar[] {
  return entries.filter((e): e is [string, number] => e[1] !== null).map(([label, ms]) => ({ label, value: ms, text: humanDuration(ms) }));
}

/**
 * Which environments the figures cover: the one picked, or all of them with each one's
 * shipped releases, so staging deploys are never read as production's.
 */
function environmentsLine(s: WebNumbers["stats"]): string {
  if (s.environment !== null) return s.environment;
  if (!s.environments.length) return "all environments";
  return `all environments${s.environments.length > 1 ? ", counted together" : ""}: ${s.environments.map((e) => `${e.environment} (${numberOrNone(e.shipped)} shipped)`).join(", ")}`;
}

/** The numbers page: the `/release stats` figures as charts with their numbers, and the audit chain's check. */
/** `asked`: a problem with what the address asked for (a window out of range), said above the numbers shown instead. */
export function numbersPage(n: WebNumbers & { audit: WebAuditCheck }, scopeLabel: string, zone: string, asked: string | null = null): string {
  const s = n.stats;
  const { deploymentFrequency: df, leadTime: lt, changeFailureRate: cfr, timeToRestore: ttr, timeToDecision: ttd, participation: p } = s;
  const rate = deployRate(s);
  const weeks = s.weeks.slice(-26);
  const weekLabel = (start: number) => format(new TZDate(start, s.timezone), "d MMM");
  // The window cuts the first week drawn (when it is the window's first) and the last: say so, so a low bar there is not read as a slow week.
  const firstCut = weeks[0] === s.weeks[0] && weeks[0] !== undefined && s.window.from > weeks[0].start;
  const cut = `${firstCut ? `; the first week counted from ${format(new TZDate(s.window.from, s.timezone), "d MMM HH:mm")} (${s.timezone}),` : ";"} the last so far`;
  const deploys: ChartSpec = { id: "chart-deploys", title: "Releases shipped per week", bars: weeks.map((w) => ({ label: weekLabel(w.start), value: w.shipped, text: String(w.shipped) })) };
  const failures: ChartSpec = {
    id: "chart-failures",
    title: "Failed or rolled back per week",
    bars: weeks.map((w) => ({ label: weekLabel(w.start), value: w.failures, text: String(w.failures), bad: true })),
  };
  const lead: ChartSpec = { id: "chart-lead", title: "Lead time, created to shipped", bars: durationBars([["median", lt.median], ["p90", lt.p90]]) };
  const cfrSpec: ChartSpec = {
    id: "chart-cfr",
    title: "Deploys that failed or were rolled back",
    max: Math.max(1, cfr.deploys),
    bars: cfr.deploys ? [{ label: "deploys", value: cfr.deploys, text: String(cfr.deploys) }, { label: "failed or rolled back", value: cfr.failures, text: `${cfr.failures} (${percent(cfr.rate)})`, bad: true }] : [],
  };
  const restore: ChartSpec = { id: "chart-restore", title: "Time to restore, rollback to recovered", bars: durationBars([["median", ttr.median]]) };
  const decision: ChartSpec = { id: "chart-decision", title: "Time to decision, created to GO", bars: durationBars([["median", ttd.median]]) };
  const participation: ChartSpec = {
    id: "chart-participation",
    title: "Voters per release voted on, against the quorum",
    bars:
      p.averageVoters === null
        ? []
        : [
            { label: "voters", value: p.averageVoters, text: p.averageVoters.toFixed(1) },
            { label: "quorum", value: p.averageQuorum ?? 0, text: (p.averageQuorum ?? 0).toFixed(1) },
          ],
  };
  const g = s.guardrails;
  const guardrails: ChartSpec = {
    id: "chart-guardrails",
    title: "Releases held by a guardrail, and freeze overrides",
    max: Math.max(1, s.releases),
    bars: [
      { label: "held by a freeze", value: g.heldByFreeze, text: String(g.heldByFreeze) },
      { label: "held by a lock", value: g.heldByLock, text: String(g.heldByLock) },
      { label: "failed criteria", value: g.heldByFailedCriteria, text: String(g.heldByFailedCriteria) },
      { label: "freeze overrides", value: g.overrides, text: String(g.overrides), bad: true },
    ],
  };
  const serviceOptions = n.services.map((svc) => html`<option value="${svc}" ${svc === s.service ? html`selected` : ""}>${svc}</option>`);
  const environmentOptions = n.environments.map((env) => html`<option value="${env}" ${env === s.environment ? html`selected` : ""}>${env}</option>`);
  // The window shown stays chosen, one the address asked for that the filter does not offer too, so Show keeps it.
  const windows = [...new Set([...WINDOWS, s.window.days])].sort((a, b) => a - b);
  const windowOptions = windows.map((d) => html`<option value="${d}" ${d === s.window.days ? html`selected` : ""}>${windowName(d)}</option>`);
  const auditLine = n.audit.ok
    ? html`<p><span class="audit-ok">✔ Intact</span>: ${countOf(n.audit.count, "event")}, every link of the hash chain verified.</p>`
    : html`<p><span class="audit-broken">✘ BROKEN</span> at event ${n.audit.brokenAt} of ${n.audit.count}: ${n.audit.problem}. Restore the database from a backup and find out who had access to it.</p>`;

  const body = html`<h1>Numbers</h1>
${asked ? html`<p class="notice" role="status">${asked}</p>` : ""}
<p class="lead">${s.service ?? "All services"} · ${environmentsLine(s)} · what happened from ${timeEl(s.window.from, zone)} to ${timeEl(s.window.to, zone)} · ${s.releases} ${s.releases === 1 ? "release" : "releases"} created in it. Weeks start on Monday in ${s.timezone}.</p>
<form class="filters" method="get" action="/web/numbers">
<label for="service">Service<select id="service" name="service"><option value="">All services</option>${serviceOptions}</select></label>
<label for="environment">Environment<select id="environment" name="environment"><option value="">All environments</option>${environmentOptions}</select></label>
<label for="days">Window<select id="days" name="days">${windowOptions}</select></label>
<button type="submit">Show</button>
</form>
${metric("deploys", "Deploy frequency", columnBars(deploys), [["Shipped", String(df.shipped)], [rate.per === "day" ? "Per day" : "Per week", rate.value]], `Releases marked shipped each week${cut}.`)}
${metric("lead", "Lead time", horizontalBars(lead), [["Median", humanDuration(lt.median)], ["p90", humanDuration(lt.p90)], ["Releases shipped", String(lt.count)]], "From creating the release to shipping it.")}
${metric("cfr", "Change failure rate", horizontalBars(cfrSpec), [["Rate", percent(cfr.rate)], ["Deploys", String(cfr.deploys)], ["Failed deploys", String(cfr.failed)], ["Rolled back", String(cfr.rolledBack)]], "A deploy counts once however it failed.")}
${metric("failures", "Failures per week", columnBars(failures), [["Failed or rolled back", String(cfr.failures)]], `Deploys that failed or were rolled back, each once, in the week it first happened${cut}.`)}
${metric("restore", "Time to restore", horizontalBars(restore), [["Median", humanDuration(ttr.median)], ["Restored", String(ttr.count)], ["Still rolling back", String(ttr.open)]], "From requesting a rollback to marking it recovered.")}
${metric("decision", "Time to decision", horizontalBars(decision), [["Median", humanDuration(ttd.median)], ["Reached GO", String(ttd.count)]], "From creating the release to its first GO.")}
${metric("participation", "Participation", horizontalBars(participation), [["Voters per release", p.averageVoters === null ? "—" : p.averageVoters.toFixed(1)], ["Quorum (today's policy)", p.averageQuorum === null ? "—" : p.averageQuorum.toFixed(1)], ["Reached GO", `${p.reachedGo} of ${s.releases} created (${percent(p.goShare)})`]], "Over the releases created in the window; voters averaged over those that got at least one vote.")}
${metric(
  "guardrails",
  "Guardrails",
  horizontalBars(guardrails),
  [["Held by a freeze", String(g.heldByFreeze)], ["Held by a deploy lock", String(g.heldByLock)], ["Held by failed criteria", String(g.heldByFailedCriteria)], ["Freeze overrides", String(g.overrides)]],
  "Releases created in the window that freezes, deploy locks or failed readiness criteria held back, and ships inside a freeze by override.",
)}
<section aria-labelledby="audit-h"><h2 id="audit-h">Audit trail</h2>${auditLine}</section>`;
  return page({ title: "Numbers", section: "numbers", scopeLabel, zone, liveUrl: "/web/events?for=numbers", body });
}
