import { TZDate } from "@date-fns/tz";
import { format } from "date-fns/format";
import { relative } from "../domain/time.js";
import { html, type Html } from "./html.js";

/*
 * Instants on a page. The server writes each one in the page's zone (the viewer's, once the
 * browser said which, else GONOGO_TIMEZONE) so the page reads right without JavaScript; the
 * client script then rewrites the text in the browser's own zone with Intl, keeping the
 * machine-readable `datetime`.
 */

export type TimeStyle = "datetime" | "time" | "date";

const PATTERNS: Record<TimeStyle, string> = { datetime: "EEE d MMM yyyy HH:mm", time: "HH:mm", date: "EEEE d MMMM yyyy" };

/** A `<time>` element: text in `zone`, and what the browser needs to show it in its own. */
export function timeEl(ms: number, zone: string, style: TimeStyle = "datetime"): Html {
  const text = format(new TZDate(ms, zone), PATTERNS[style]) + (style === "date" ? "" : ` ${zoneAbbrev(ms, zone)}`);
  return html`<time datetime="${new Date(ms).toISOString()}" data-format="${style}">${text}</time>`;
}

/** `in 2h 5m` / `3m ago` as of `now`, counted down in the browser while the page is open. */
export function countdownEl(ms: number, now: number): Html {
  return html`<span class="countdown" data-countdown="${new Date(ms).toISOString()}">${relative(ms, now)}</span>`;
}

/** The zone's short name at that instant (`CET`, `GMT+1`, `UTC`), as Intl spells it. */
function zoneAbbrev(ms: number, zone: string): string {
  const part = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "short" }).formatToParts(ms).find((p) => p.type === "timeZoneName");
  return part?.value ?? zone;
}
