import { humanDuration } from "../../domain/duration.js";
import type { WebReleaseView } from "../../app/web-views.js";
import { html, type Html } from "../html.js";
import { page } from "../layout.js";
import { countdownEl, timeEl } from "../time.js";
import { coreTextHtml, decisionBadge, freezesList, locksList, queueLine } from "./parts.js";

const CHOICE = { go: "GO", no_go: "NO-GO", abstain: "Abstain" } as const;
/** A criterion's status in words with a mark, so it reads without colour (marks common fonts have, unlike emoji). */
const STATUS = { passed: "✔ passed", failed: "✘ failed", pending: "○ pending" } as const;

/** One release: what its card shows, then its whole story from the audit trail. */
/**
 * The card's time, saying what it is: its T-0 (with the countdown while it is coming), or once
 * the deploy started, when it started, and the T-0 it was scheduled for when that was a minute
 * or more earlier (a queue turn, a ship after a hold). An early ship's T-0 became its start.
 */
function whenRows(view: WebReleaseView, zone: string, now: number): Html {
  const { card, startedAt } = view;
  if (startedAt !== null) {
    const late = card.scheduledAt !== null && startedAt - card.scheduledAt >= 60_000 ? html`<dt>T-0 (scheduled)</dt><dd>${timeEl(card.scheduledAt, zone)}</dd>` : "";
    return html`<dt>Started</dt><dd>${timeEl(startedAt, zone)}</dd>${late}`;
  }
  return html`<dt>T-0</dt><dd>${card.scheduledAt === null ? "not scheduled" : card.resolved ? timeEl(card.scheduledAt, zone) : html`${timeEl(card.scheduledAt, zone)} (${countdownEl(card.scheduledAt, now)})`}</dd>`;
}

export function releasePage(view: WebReleaseView, scopeLabel: string, zone: string, now: number): string {
  const { card } = view;
  const votes = card.votes.map(
    (v) => html`<tr><th scope="row">${v.voterName}</th><td>${CHOICE[v.choice]}</td><td class="prewrap">${v.reason ?? ""}</td></tr>`,
  );
  const timeline = view.timeline.map(
    (e) => html`<tr><td>${timeEl(e.at, zone)}</td><th scope="row">${e.actorName}</th><td>${e.platform}</td><td class="prewrap">${e.text}</td></tr>`,
  );
  const deliveries = view.deliveries.map(
    (d) => html`<tr><th scope="row">${d.kind}</th><td>${d.status}</td><td class="num">${d.attempts}</td><td>${d.lastStatus === null ? "—" : `HTTP ${d.lastStatus}`}</td><td class="prewrap">${d.lastError ?? ""}</td><td>${timeEl(d.createdAt, zone)}</td><td>${d.deliveredAt === null ? "—" : timeEl(d.deliveredAt, zone)}</td></tr>`,
  );
  const retro = view.retro.map(
    (a) => html`<article class="retro"><h3>${a.authorName}, ${timeEl(a.at, zone)}</h3>
<dl><dt>Went well</dt><dd><blockquote>${a.wentWell || "—"}</blockquote></dd><dt>Went badly</dt><dd><blockquote>${a.wentBadly || "—"}</blockquote></dd><dt>Action items</dt><dd><blockquote>${a.actionItems || "—"}</blockquote></dd></dl></article>`,
  );
  const criteria = view.criteria.map(
    (c) => html`<tr><th scope="row">${c.name}</th><td class="status-${c.status}">${STATUS[c.status]}</td>
<td>${c.byName === null ? html`<span class="muted">—</span>` : `${c.byName}${c.source === "ci" ? " (CI)" : ""}`}</td>
<td>${c.at === null ? "—" : timeEl(c.at, zone)}</td>
<td><span class="prewrap">${c.note ?? ""}</span>${c.note && c.url ? " " : ""}${c.url ? html`<a href="${c.url}" rel="noopener noreferrer nofollow">${c.url}</a>` : ""}</td>
<td class="muted">${c.ciOwned ? "CI reports it" : c.tickers}</td></tr>`,
  );
  const guards = [
    ...(view.freezes.length ? [html`<li>${view.card.scheduledAt !== null && view.card.scheduledAt > now ? "T-0 falls in a freeze: it is held at T-0 unless rescheduled or shipped with an override." : "In a freeze now: it does not ship until the freeze ends or someone overrides it."}${freezesList(view.freezes, zone)}</li>`] : []),
    ...(view.locks.length ? [html`<li>Held by a deploy lock: nothing ships there until someone unlocks it.${locksList(view.locks, zone)}</li>`] : []),
    ...(view.queue ? [html`<li>${queueLine(view.queue)}: it ships when ${view.queue.behind} is shipped or rolled back, if it is still GO and not in a freeze.</li>`] : []),
    ...(view.override
      ? [html`<li>Freeze ${view.override.freeze} overridden by <strong>${view.override.byName}</strong> at ${timeEl(view.override.at, zone)}: <span class="prewrap">${view.override.reason}</span></li>`]
      : []),
  ];
  const body = html`<p><a href="/web/">← All releases</a></p>
<h1>${card.releaseId}: ${card.title}</h1>
<section class="card" aria-labelledby="card-h">
<h2 id="card-h">Card</h2>
<dl>
<dt>State</dt><dd>${card.stateLabel}</dd>
<dt>Decision</dt><dd>${decisionBadge(card.decision, card.decisionLine)}${card.alsoPendingLine ? html` ${card.alsoPendingLine}` : ""}</dd>
${card.pendingReasons.length ? html`<dt>Waiting for</dt><dd><ul>${card.pendingReasons.map((r) => html`<li>${r}</li>`)}</ul></dd>` : ""}
${whenRows(view, zone, now)}
${card.countdownLine ? html`<dt>Countdown</dt><dd>${card.countdownLine}</dd>` : ""}
<dt>Release manager</dt><dd>${card.managerName}</dd>
<dt>Channel</dt><dd>${view.channel}</dd>
<dt>Created</dt><dd>${timeEl(view.createdAt, zone)}</dd>
${view.shippedAt !== null ? html`<dt>Shipped</dt><dd>${timeEl(view.shippedAt, zone)} (lead time ${humanDuration(view.shippedAt - view.createdAt)})</dd>` : ""}
${view.rollbackRequestedAt !== null ? html`<dt>Rollback asked</dt><dd>${timeEl(view.rollbackRequestedAt, zone)}</dd>` : ""}
${view.recoveredAt !== null && view.rollbackRequestedAt !== null ? html`<dt>Restored</dt><dd>${timeEl(view.recoveredAt, zone)} (time to restore ${humanDuration(view.recoveredAt - view.rollbackRequestedAt)})</dd>` : ""}
${card.description ? html`<dt>Description</dt><dd class="prewrap">${card.description}</dd>` : ""}
</dl>
${card.notes.length ? html`<ul>${card.notes.map((n) => html`<li class="prewrap">${coreTextHtml(n)}</li>`)}</ul>` : ""}
<h3 id="tally-h">Tally: ${card.tally.go} GO · ${card.tally.noGo} NO-GO · ${card.tally.abstain} abstain</h3>
${card.votes.length ? html`<table aria-labelledby="tally-h"><thead><tr><th scope="col">Voter</th><th scope="col">Vote</th><th scope="col">Reason</th></tr></thead><tbody id="votes">${votes}</tbody></table>` : html`<p id="votes">No votes yet.</p>`}
</section>
${guards.length ? html`<section aria-labelledby="guards-h"><h2 id="guards-h">Guardrails</h2><ul class="guards" id="guards">${guards}</ul></section>` : ""}
${
  view.criteria.length
    ? html`<section aria-labelledby="criteria-h"><h2 id="criteria-h">Readiness criteria</h2>
<p class="muted">${view.criteria.filter((c) => c.status === "passed").length} of ${view.criteria.length} passed; the release is GO only when the votes say GO and every criterion has passed.</p>
<table id="criteria"><thead><tr><th scope="col">Criterion</th><th scope="col">Status</th><th scope="col">Set by</th><th scope="col">When</th><th scope="col">Evidence</th><th scope="col">Ticked by</th></tr></thead><tbody>${criteria}</tbody></table></section>`
    : ""
}
<section aria-labelledby="timeline-h">
<h2 id="timeline-h">Timeline</h2>
<table><caption class="muted">Every event of ${card.releaseId} from the audit trail, oldest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">From</th><th scope="col">What</th></tr></thead>
<tbody>${timeline}</tbody></table>
</section>
<section aria-labelledby="webhooks-h">
<h2 id="webhooks-h">Deploy and rollback webhooks</h2>
${view.deliveries.length ? html`<table><thead><tr><th scope="col">Webhook</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last answer</th><th scope="col">Last error</th><th scope="col">Created</th><th scope="col">Delivered</th></tr></thead><tbody>${deliveries}</tbody></table>` : html`<p>No webhook calls for this release.</p>`}
</section>
<section aria-labelledby="retro-h">
<h2 id="retro-h">Retro</h2>
${view.retro.length ? retro : html`<p>No retro notes yet.</p>`}
</section>`;
  return page({ title: `${card.releaseId} ${card.title}`, section: "release", scopeLabel, zone, liveUrl: `/web/events?release=${encodeURIComponent(card.releaseId)}`, body });
}

