import type { WebCalendar } from "../../app/web-views.js";
import { html } from "../html.js";
import { page } from "../layout.js";
import { timeEl } from "../time.js";
import { freezesList, locksList, releaseTable } from "./parts.js";

/** The releases page: the coming weeks day by day, then what is live off the calendar, then what ended lately. */
export function releasesPage(cal: WebCalendar, scopeLabel: string): string {
  const { zone, now } = cal;
  const days = cal.days.map((d) => {
    const has = d.releases.length > 0 || d.freezes.length > 0;
    const heading = html`<h3 id="day-${d.date}">${timeEl(d.start, zone, "date")}</h3>`;
    if (!has) return html`<section class="day empty" aria-labelledby="day-${d.date}">${heading}</section>`;
    return html`<section class="day" aria-labelledby="day-${d.date}">${heading}${d.freezes.length ? freezesList(d.freezes, zone) : ""}${
      d.releases.length ? releaseTable(d.releases, zone, now, "time", `Releases due or started on ${d.date}`) : html`<p class="muted">No releases.</p>`
    }</section>`;
  });
  const first = cal.days[0];
  const last = cal.days.at(-1);
  const channelOptions = cal.channels.map((c) => html`<option value="${c.key}" ${c.key === cal.channel ? html`selected` : ""}>${c.label}</option>`);
  const shown = cal.channels.find((c) => c.key === cal.channel)?.label;
  const body = html`<h1>Releases</h1>
<p class="lead">Upcoming, live and recent releases of ${shown ? `channel ${shown} in ` : ""}${scopeLabel}.</p>
<form class="filters" method="get" action="/web/">
<label for="channel">Channel<select id="channel" name="channel"><option value="">All channels</option>${channelOptions}</select></label>
<button type="submit">Show</button>
</form>
${cal.freezesNow.length ? html`<section class="banner frozen" role="status" aria-labelledby="freezes-now"><h2 id="freezes-now">❄ Frozen now: nothing ships in these channels until the freeze ends</h2>${freezesList(cal.freezesNow, zone)}</section>` : ""}
${cal.locks.length ? html`<section aria-labelledby="locks-now"><h2 id="locks-now">Deploy locks</h2>${locksList(cal.locks, zone)}<p class="muted">Releases of a locked service + environment are held at T-0 until someone runs <code>/release unlock</code>.</p></section>` : ""}
<section aria-labelledby="calendar">
<h2 id="calendar">Calendar: the next ${cal.days.length} days</h2>
${first && last ? html`<p class="muted">From ${timeEl(first.start, zone, "date")} to ${timeEl(last.start, zone, "date")}; days without releases are listed small.</p>` : ""}
${days}
</section>
<section aria-labelledby="live">
<h2 id="live">Live, not on the calendar</h2>
${cal.live.length ? releaseTable(cal.live, zone, now, "datetime", "Open releases that are unscheduled, due or started before today, or due after the calendar's last day") : html`<p>None: every live release is on the calendar above.</p>`}
</section>
<section aria-labelledby="recent">
<h2 id="recent">Ended in the last two weeks</h2>
${cal.recent.length ? releaseTable(cal.recent, zone, now, "datetime", "Shipped, rolled-back, cancelled or closed releases, newest first") : html`<p>None.</p>`}
</section>`;
  return page({ title: "Releases", section: "releases", scopeLabel, zone, liveUrl: "/web/events", zoneDays: true, body });
}
