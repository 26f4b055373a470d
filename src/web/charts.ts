import { html, type Html } from "./html.js";

/*
 * Bar charts drawn as SVG on the server from the numbers, so a page needs no chart library
 * and no script. Each chart names itself and says its data in words (<title>, <desc>); the
 * page puts a table of the same numbers beside it. Colours come from the stylesheet; no bar
 * relies on colour alone: each carries its value as text.
 */

export interface Bar {
  label: string;
  value: number;
  /** The value as people read it (`2h 5m`, `25%`). */
  text: string;
  /** Drawn in the warning colour (failures). */
  bad?: boolean;
}

export interface ChartSpec {
  /** Unique on the page: the ids of its title and description hang off it. */
  id: string;
  title: string;
  bars: Bar[];
  /** The scale's top; defaults to the largest value. */
  max?: number;
}

const ROW = 28;
const LABEL_W = 130;
const VALUE_W = 90;
const WIDTH = 520;

/** What the chart says, in one sentence: the text equivalent a screen reader gets. */
export function describeBars(spec: ChartSpec): string {
  if (!spec.bars.length) return `${spec.title}: no data.`;
  return `${spec.title}: ${spec.bars.map((b) => `${b.label} ${b.text}`).join("; ")}.`;
}

function scaleOf(spec: ChartSpec): number {
  return Math.max(spec.max ?? 0, ...spec.bars.map((b) => b.value), 0) || 1;
}

/** Horizontal bars, one row per value: label, bar, value. */
export function horizontalBars(spec: ChartSpec): Html {
  const scale = scaleOf(spec);
  const span = WIDTH - LABEL_W - VALUE_W;
  const height = Math.max(1, spec.bars.length) * ROW + 8;
  const rows = spec.bars.map((b, i) => {
    const y = 4 + i * ROW;
    const w = b.value > 0 ? Math.max(2, Math.round((b.value / scale) * span)) : 0;
    return html`<g><text x="${LABEL_W - 8}" y="${y + 18}" text-anchor="end">${b.label}</text><rect class="bar${b.bad ? " bad" : ""}" x="${LABEL_W}" y="${y + 4}" width="${w}" height="${ROW - 10}" rx="2"></rect><text x="${LABEL_W + w + 6}" y="${y + 18}">${b.text}</text></g>`;
  });
  const empty = spec.bars.length ? "" : html`<text x="${LABEL_W}" y="20">No data in this window</text>`;
  return svg(spec, WIDTH, height, html`<line class="axis" x1="${LABEL_W}" y1="0" x2="${LABEL_W}" y2="${height}"></line>${rows}${empty}`);
}

/** Vertical bars over time (one per week), each with its count above it. */
export function columnBars(spec: ChartSpec): Html {
  const scale = scaleOf(spec);
  const plotH = 140;
  const top = 18;
  const bottom = 34;
  const n = Math.max(1, spec.bars.length);
  const slot = Math.max(18, Math.floor((WIDTH - 20) / n));
  const width = Math.max(WIDTH, slot * n + 20);
  const barW = Math.max(8, slot - 8);
  const cols = spec.bars.map((b, i) => {
    const x = 10 + i * slot + (slot - barW) / 2;
    const h = b.value > 0 ? Math.max(2, Math.round((b.value / scale) * plotH)) : 0;
    const y = top + plotH - h;
    return html`<g><rect class="bar${b.bad ? " bad" : ""}" x="${x}" y="${y}" width="${barW}" height="${h}" rx="2"></rect><text x="${x + barW / 2}" y="${y - 4}" text-anchor="middle">${b.text}</text><text x="${x + barW / 2}" y="${top + plotH + 16}" text-anchor="middle">${b.label}</text></g>`;
  });
  const empty = spec.bars.length ? "" : html`<text x="10" y="${top + plotH / 2}">No data in this window</text>`;
  return svg(spec, width, top + plotH + bottom, html`<line class="axis" x1="0" y1="${top + plotH}" x2="${width}" y2="${top + plotH}"></line>${cols}${empty}`);
}

function svg(spec: ChartSpec, width: number, height: number, content: Html): Html {
  return html`<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${spec.id}-title ${spec.id}-desc"><title id="${spec.id}-title">${spec.title}</title><desc id="${spec.id}-desc">${describeBars(spec)}</desc>${content}</svg>`;
}
