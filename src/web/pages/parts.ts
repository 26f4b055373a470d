import type { Decision } from "../../domain/decision.js";
import type { WebFreezeView, WebLockView, WebQueueView, WebReleaseRow } from "../../app/web-views.js";
import { html, type Html } from "../html.js";
import { countdownEl, timeEl } from "../time.js";

/**
 * Text from the core with its code spans (the commands it names, `/release ship R-1`) shown as
 * code, as chat shows them, instead of between backticks.
 */
export function coreTextHtml(text: string): Html {
  const pieces = text.split(/`([^`\n]+)`/);
  return html`${pieces.map((piece, i) => (i % 2 ? html`<code>${piece}</code>` : html`${piece}`))}`;
}

/** Where a release's page is. */
function releaseHref(id: string): string {
  return `/web/release?id=${encodeURIComponent(id)}`;
}

/** The decision as a badge whose words say it all (colour only adds to them). */
export function decisionBadge(decision: Decision, line: string): Html {
  return html`<span class="badge decision-${decision}">${line}</span>`;
}

function decisionOf(line: string): Decision {
  return line === "GO" ? "go" : line === "NO-GO" ? "no_go" : "pending";
}

/**
 * When it is due or started, saying which: `T-0 14:00` with its countdown while it waits for T-0
 * (an ended one's T-0 alone), `Started 14:30` once its deploy started, with the T-0 it was due at
 * when it started a minute or more after it (a queue turn, a ship after a hold). An early ship's
 * release time is its start already. A started release has no countdown: "2h ago" beside a T-0
 * it did not ship at would read as a release overdue.
 */
function whenCell(r: WebReleaseRow, zone: string, now: number, when: "time" | "datetime"): Html {
  if (r.startedAt !== null) {
    const late = r.scheduledAt !== null && r.startedAt - r.scheduledAt >= 60_000 ? html`<br><span class="muted">T-0 was ${timeEl(r.scheduledAt, zone, when)}</span>` : "";
    return html`Started ${timeEl(r.startedAt, zone, when)}${late}`;
  }
  if (r.scheduledAt === null) return html`<span class="muted">not scheduled</span>`;
  if (r.endedAt !== null) return html`T-0 ${timeEl(r.scheduledAt, zone, when)}`;
  return html`T-0 ${timeEl(r.scheduledAt, zone, when)}<br>${countdownEl(r.scheduledAt, now)}`;
}

/** A table of releases with a header row; `when` says whether its time shows as a time of day or a full date. */
export function releaseTable(rows: WebReleaseRow[], zone: string, now: number, when: "time" | "datetime", caption: string): Html {
  const body = rows.map(
    (r) => html`<tr>
<td>${whenCell(r, zone, now, when)}</td>
<th scope="row"><a href="${releaseHref(r.id)}">${r.id}</a> ${r.title}</th>
<td>${r.channel}</td>
<td>${r.stateLabel}</td>
<td>${decisionBadge(decisionOf(r.decisionLine), r.decisionLine)}</td>
<td>${r.locks.length || r.queue ? html`${r.locks.length ? locksList(r.locks, zone) : ""}${r.queue ? html`<p>${queueLine(r.queue)}</p>` : ""}` : ""}</td>
</tr>`,
  );
  return html`<table>
<caption class="muted">${caption}</caption>
<thead><tr><th scope="col">When</th><th scope="col">Release</th><th scope="col">Channel</th><th scope="col">State</th><th scope="col">Decision</th><th scope="col">Lock or queue</th></tr></thead>
<tbody>${body}</tbody>
</table>`;
}

/** Deploy locks (issue 16), when there are any. */
export function locksList(locks: WebLockView[], zone: string): Html {
  return html`<ul class="locks">${locks.map(
    (l) =>
      html`<li><strong>${l.label}</strong> is locked${l.releaseId ? ` after the rollback of ${l.releaseId}` : ""}${l.holder ? ` by ${l.holder}` : ""}${l.since !== null ? html` since ${timeEl(l.since, zone)}` : ""}: <span class="prewrap">${l.reason}</span></li>`,
  )}</ul>`;
}

/** `Queued behind R-6 (number 2 in the payments production queue)`. */
export function queueLine(q: WebQueueView): Html {
  return html`<span class="queue">Queued behind <a href="${releaseHref(q.behind)}">${q.behind}</a> (number ${q.position} in the ${q.target} queue)</span>`;
}

/** Freeze windows (issue 16), when there are any: one line per occurrence, its edges in the page's zone. */
export function freezesList(freezes: WebFreezeView[], zone: string): Html {
  return html`<ul class="freezes">${freezes.map(
    (f) =>
      html`<li>❄ ${f.weekly ? "Weekly freeze" : "Freeze"} <strong class="prewrap">${f.title}</strong> (${f.id}, ${f.scope}) from ${timeEl(f.from, zone)} to ${timeEl(f.to, zone)}</li>`,
  )}</ul>`;
}
