/**
 * Small helpers for the hand-written SVG of the HTML report: escaping, compact coordinates, legends; the
 * scales, ticks and number formats are ticks.ts's (shared with the web page), re-exported here.
 * No DOM, no dependencies: everything returns strings.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/SVG element content and quoted attribute values. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** A coordinate with at most one decimal (keeps the markup small and byte-for-byte stable). */
export function num(x: number): string {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

/** `<tag a="1" b="x">`: attribute values are escaped; numbers go through num(). */
export function attrs(a: Record<string, string | number | undefined>): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    s += ` ${k}="${typeof v === 'number' ? num(v) : esc(v)}"`;
  }
  return s;
}

export const el = (tag: string, a: Record<string, string | number | undefined>, body?: string): string =>
  body === undefined ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${body}</${tag}>`;

export { type Scale, bytesShort, bytesTick, change, factor, int, layersLabel, linearScale, logDomain, logScale, logTicks, macsShort, niceLinear } from './ticks.js';

/** A symmetric diamond path centred on (x, y). */
export const diamond = (x: number, y: number, r: number): string =>
  `M${num(x)} ${num(y - r)}L${num(x + r)} ${num(y)}L${num(x)} ${num(y + r)}L${num(x - r)} ${num(y)}Z`;

/** Estimated width of a label in the SVG's 12px system font (good enough to lay out a legend). */
export const textWidth = (s: string, px = 12): number => s.length * px * 0.52;

/** A legend swatch: draws itself centred on (x, y). */
export type Swatch = (x: number, y: number) => string;

export interface LegendItem {
  swatch: Swatch;
  label: string;
}

/** A w x h rectangle swatch (h = w: a square) of the given class. */
export const rectSwatch =
  (cls: string, w: number, h = w): Swatch =>
  (x, y) =>
    el('rect', { x: x - w / 2, y: y - h / 2, width: w, height: h, class: cls });

/** One row of legend items starting at (x, y), wrapping at maxX. */
function legend(items: LegendItem[], x: number, y: number, maxX: number): string {
  let cx = x;
  let cy = y;
  let out = '';
  for (const it of items) {
    const w = 18 + textWidth(it.label) + 20;
    if (cx + w > maxX && cx > x) {
      cx = x;
      cy += 20;
    }
    out += it.swatch(cx + 6, cy) + el('text', { x: cx + 18, y: cy, class: 'legend', 'dominant-baseline': 'central' }, esc(it.label));
    cx += w;
  }
  return el('g', { class: 'legend-row' }, out);
}

/** A chart's canvas (width x height) and its plot area [x0, x1] x [y0, y1] inside the margins. */
export interface Frame {
  width: number;
  height: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export const frame = (width: number, height: number, m: { l: number; r: number; t: number; b: number }): Frame => ({
  width,
  height,
  x0: m.l,
  x1: width - m.r,
  y0: m.t,
  y1: height - m.b,
});

/** The x axis along the bottom of the plot area and the y axis along its left. */
export const axisLines = (f: Frame): string =>
  el('line', { x1: f.x0, x2: f.x1, y1: f.y1, y2: f.y1, class: 'axis' }) + el('line', { x1: f.x0, x2: f.x0, y1: f.y0, y2: f.y1, class: 'axis' });

/** The x axis title centred at height `xTitleY`, the y axis title rotated along the left edge. */
export const axisTitles = (f: Frame, xTitle: string, xTitleY: number, yTitle: string): string =>
  el('text', { x: (f.x0 + f.x1) / 2, y: xTitleY, class: 'axis-title', 'text-anchor': 'middle' }, xTitle) +
  el('text', { x: 0, y: 0, class: 'axis-title', 'text-anchor': 'middle', transform: `translate(18 ${num((f.y0 + f.y1) / 2)}) rotate(-90)` }, yTitle);

/** The chart's svg: its title (for screen readers), the marks, then the legend row above the plot area. */
export const chartSvg = (f: Frame, cls: string, titleId: string, title: string, marks: readonly string[], legendItems: LegendItem[]): string =>
  el(
    'svg',
    { viewBox: `0 0 ${f.width} ${f.height}`, class: `chart ${cls}`, role: 'img', 'aria-labelledby': titleId },
    el('title', { id: titleId }, esc(title)) + marks.join('') + legend(legendItems, f.x0, 22, f.x1),
  );
