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
export function releaseHref(id: string): string {
  return `/web/release?id=${encodeURIComponent(id)}`;
}

/** The decision as a badge whose words say it all (colour only adds to them). */
export function decisionBadge(decision: Decision, line: string): Html {
  return html`<span class="badge decision-${decision}">${line}</span>`;
}

function decisionOf(line: string): Decision {
  return line === "GO" ? "go" : line === "NO-GO" ? "no_go" : "pending";
}

/** T-0 with its countdown; an ended release's T-0 alone, since nothing is coming at it any more. */
function t0Cell(r: WebReleaseRow, zone: string, now: number, when: "time" | "datetime"): Html {
  if (r.scheduledAt === null) return html`<span class="muted">not scheduled</span>`;
  if (r.endedAt !== null) return timeEl(r.scheduledAt, zone, when);
  return html`${timeEl(r.scheduledAt, zone, when)}<br>${countdownEl(r.scheduledAt, now)}`;
}

/** A table of releases with a header row; `when` says whether T-0 shows as a time of day or a full date. */
export function releaseTable(rows: WebReleaseRow[], zone: string, now: number, when: "time" | "datetime", caption: string): Html {
  const body = rows.map(
    (r) => html`<tr>
<td>${t0Cell(r, zone, now, when)}</td>
<th scope="row"><a href="${releaseHref(r.id)}">${r.id}</a> ${r.title}</th>
<td>${r.channel}</td>
<td>${r.stateLabel}</td>
<td>${decisionBadge(decisionOf(r.decisionLine), r.decisionLine)}</td>
<td>${r.locks.length || r.queue ? html`${r.locks.length ? locksList(r.locks, zone) : ""}${r.queue ? html`<p>${queueLine(r.queue)}</p>` : ""}` : ""}</td>
</tr>`,
  );
  return html`<table>
<caption class="muted">${caption}</caption>
<thead><tr><th scope="col">T-0</th><th scope="col">Release</th><th scope="col">Channel</th><th scope="col">State</th><th scope="col">Decision</th><th scope="col">Lock or queue</th></tr></thead>
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
