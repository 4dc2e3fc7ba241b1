/**
 * Small helpers for the hand-written SVG of the HTML report: escaping and compact coordinates; the
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

export { type Scale, bytesShort, bytesTick, factor, int, linearScale, logDomain, logScale, logTicks, macsShort, niceLinear } from './ticks.js';

/** A symmetric diamond path centred on (x, y). */
export const diamond = (x: number, y: number, r: number): string =>
  `M${num(x)} ${num(y - r)}L${num(x + r)} ${num(y)}L${num(x)} ${num(y + r)}L${num(x - r)} ${num(y)}Z`;
