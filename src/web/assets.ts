import { createHash } from "node:crypto";

/*
 * The web view's two static files, served from 'self' under a strict Content-Security-Policy
 * (no inline script or style anywhere). Kept as text here so the bundle in dist/ carries
 * them; each URL has the content's hash, so a browser may cache it for good.
 */

/**
 * The only JavaScript: shows times in the browser's zone (Intl), tells the server that zone
 * (a cookie, so calendar days are cut in it), and refreshes the page's content when the
 * server says a release on it changed (server-sent events). Everything else works without it.
 */
const CLIENT_SCRIPT = String.raw`"use strict";
(function () {
  var body = document.body;
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }

  // Days on the calendar are cut in the viewer's zone: tell the server once, then show the page it cuts.
  if (zone && body.getAttribute("data-zone") !== zone) {
    var mine = "gonogo_tz=" + encodeURIComponent(zone);
    var had = document.cookie.split("; ").indexOf(mine) >= 0;
    document.cookie = mine + "; path=/web; max-age=31536000; samesite=lax";
    // Reload once, and only if the cookie took (a browser that refuses cookies would reload forever).
    var took = document.cookie.split("; ").indexOf(mine) >= 0;
    if (!had && took && body.hasAttribute("data-zone-days")) { location.reload(); return; }
  }

  var formats = {
    datetime: { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" },
    time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" },
    date: { weekday: "long", day: "numeric", month: "long", year: "numeric" }
  };

  function relative(ms) {
    var diff = ms - Date.now();
    var mins = Math.round(Math.abs(diff) / 60000);
    if (mins === 0) return "now";
    var d = Math.floor(mins / 1440), h = Math.floor((mins % 1440) / 60), m = mins % 60;
    var parts = [d ? d + "d" : "", h ? h + "h" : "", m && !d ? m + "m" : ""].filter(Boolean).join(" ");
    return diff > 0 ? "in " + parts : parts + " ago";
  }

  function localize(root) {
    var times = root.querySelectorAll("time[data-format]");
    for (var i = 0; i < times.length; i++) {
      var t = times[i];
      var opts = formats[t.getAttribute("data-format")];
      var when = new Date(t.getAttribute("datetime"));
      if (opts && !isNaN(when.getTime())) t.textContent = new Intl.DateTimeFormat(undefined, opts).format(when);
    }
    var counts = root.querySelectorAll("[data-countdown]");
    for (var j = 0; j < counts.length; j++) {
      var at = Date.parse(counts[j].getAttribute("data-countdown"));
      if (!isNaN(at)) counts[j].textContent = relative(at);
    }
    var zones = root.querySelectorAll("[data-browser-zone]");
    for (var k = 0; k < zones.length; k++) if (zone) zones[k].textContent = zone;
  }

  localize(document);
  setInterval(function () { localize(document); }, 30000);

  var live = body.getAttribute("data-live");
  var status = document.getElementById("live-status");
  if (!live || !window.EventSource) return;
  var refreshing = false, again = false;
  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(location.href, { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (res) { if (!res.ok) throw new Error("HTTP " + res.status); return res.text(); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html").querySelector("main");
        var main = document.querySelector("main");
        if (fresh && main) { main.replaceWith(document.importNode(fresh, true)); localize(document); }
        if (status) status.textContent = "Live: updated " + new Intl.DateTimeFormat(undefined, formats.time).format(new Date()) + ".";
      })
      .catch(function () { if (status) status.textContent = "Live updates paused: reload the page to see the latest."; })
      .then(function () { refreshing = false; if (again) { again = false; refresh(); } });
  }
  var source = new EventSource(live);
  source.addEventListener("open", function () { if (status) status.textContent = "Live: this page updates by itself when a release on it changes."; });
  source.addEventListener("change", refresh);
  source.addEventListener("error", function () { if (status) status.textContent = "Live updates interrupted; retrying."; });
})();
`;

const STYLE = `:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa; --go: #1a7f37; --nogo: #cf222e; --pending: #9a6700; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; }
header.site { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: baseline; padding: 12px 24px; border-bottom: 1px solid var(--line); background: var(--soft); }
header.site .brand { font-weight: 700; font-size: 18px; }
header.site nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
header.site nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
header.site .who { margin-left: auto; color: var(--muted); font-size: 13px; }
main { padding: 16px 24px 32px; max-width: 1100px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
p.lead, .muted { color: var(--muted); }
p.notice { border-left: 4px solid var(--nogo); padding: 4px 10px; background: var(--soft); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { background: var(--soft); font-size: 13px; }
tbody th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.day { margin: 0 0 4px; }
.day h3 { margin: 14px 0 4px; }
.day.empty h3 { color: var(--muted); font-weight: 500; font-size: 14px; margin: 4px 0; }
.badge { display: inline-block; padding: 0 6px; border: 1px solid currentColor; border-radius: 4px; font-size: 13px; font-weight: 600; white-space: nowrap; }
.decision-go { color: var(--go); }
.decision-no_go { color: var(--nogo); }
.decision-pending { color: var(--pending); }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; background: var(--soft); }
.card h2 { margin-top: 0; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
.card dt { font-weight: 600; }
.card dd { margin: 0; }
.metric { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; align-items: start; }
@media (max-width: 760px) { .metric { grid-template-columns: 1fr; } }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 13px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .bar { fill: var(--accent); }
svg.chart .bar.alt { fill: var(--muted); }
svg.chart .bar.bad { fill: var(--nogo); }
svg.chart text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg.chart .axis { stroke: var(--line); }
form.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; margin: 8px 0 16px; }
form.filters label { display: flex; flex-direction: column; font-size: 13px; font-weight: 600; }
form.filters select, form.filters button { font: inherit; padding: 4px 8px; }
.audit-ok { color: var(--go); font-weight: 700; }
.audit-broken { color: var(--nogo); font-weight: 700; }
footer.site { padding: 12px 24px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); }
ol.timeline { list-style: none; padding: 0; margin: 0; }
blockquote { margin: 4px 0; padding-left: 10px; border-left: 3px solid var(--line); white-space: pre-wrap; }
.prewrap { white-space: pre-wrap; }
.banner.frozen { border: 2px solid var(--nogo); border-radius: 8px; padding: 4px 16px; margin: 12px 0; }
.banner.frozen h2 { border: 0; margin: 8px 0 0; color: var(--nogo); }
ul.freezes, ul.locks, ul.guards { padding-left: 20px; margin: 4px 0; }
td[class^="status-"] { white-space: nowrap; }
.status-passed { color: var(--go); font-weight: 600; }
.status-failed { color: var(--nogo); font-weight: 600; }
.status-pending { color: var(--pending); font-weight: 600; }
`;

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1a7f37"/><path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>`;

export interface Asset {
  path: string;
  contentType: string;
  body: string;
}

function asset(name: string, ext: string, contentType: string, body: string): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { path: `/web/${name}.${hash}.${ext}`, contentType, body };
}

export const ASSETS = {
  script: asset("app", "js", "text/javascript; charset=utf-8", CLIENT_SCRIPT),
  style: asset("style", "css", "text/css; charset=utf-8", STYLE),
  icon: asset("icon", "svg", "image/svg+xml", FAVICON),
} as const;
