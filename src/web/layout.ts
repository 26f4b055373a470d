import { ASSETS } from "./assets.js";
import { constantMarkup, html, type Html } from "./html.js";

export type Section = "releases" | "numbers" | "release";

export interface PageFrame {
  title: string;
  section: Section;
  /** Who the page is for, in words (`slack T1`). */
  scopeLabel: string;
  /** The zone the server wrote times in. */
  zone: string;
  /** The server-sent events stream that refreshes this page, if it is live. */
  liveUrl: string | null;
  /** Whether the server cut days in `zone` (the client asks again in the browser's zone). */
  zoneDays?: boolean;
  body: Html;
}

const NAV: Array<{ section: Section; href: string; label: string }> = [
  { section: "releases", href: "/web/", label: "Releases" },
  { section: "numbers", href: "/web/numbers", label: "Numbers" },
];

/** The page around every view: landmarks, navigation, one script and one stylesheet from 'self'. */
export function page(frame: PageFrame): string {
  const nav = NAV.map(
    (item) => html`<li><a href="${item.href}" ${item.section === frame.section ? html`aria-current="page"` : ""}>${item.label}</a></li>`,
  );
  const doc = html`${constantMarkup("<!doctype html>")}
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${frame.title} · gonogo</title>
<link rel="icon" href="${ASSETS.icon.path}" type="image/svg+xml">
<link rel="stylesheet" href="${ASSETS.style.path}">
<script src="${ASSETS.script.path}" defer></script>
</head>
<body data-zone="${frame.zone}" ${frame.liveUrl ? html`data-live="${frame.liveUrl}"` : ""} ${frame.zoneDays ? html`data-zone-days` : ""}>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<span class="brand">gonogo</span>
<nav aria-label="Pages"><ul>${nav}</ul></nav>
<span class="who">Read-only view of ${frame.scopeLabel}</span>
</header>
<main id="main" tabindex="-1">
${frame.body}
</main>
<footer class="site">
<p id="live-status" role="status">${frame.liveUrl ? "This page shows the state when it was loaded; reload to see changes." : ""}</p>
<p>Times are shown in <span data-browser-zone>${frame.zone}</span>. Nothing here changes a release: vote and act in chat.</p>
</footer>
</body>
</html>
`;
  return doc.markup;
}

/** A small page for refusals (401, 404), in the same frame but without navigation data. */
export function messagePage(title: string, message: string, hint: string): string {
  return html`${constantMarkup("<!doctype html>")}
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · gonogo</title>
<link rel="icon" href="${ASSETS.icon.path}" type="image/svg+xml">
<link rel="stylesheet" href="${ASSETS.style.path}">
</head>
<body>
<main id="main"><h1>${title}</h1><p>${message}</p><p class="muted">${hint}</p></main>
</body>
</html>
`.markup;
}
