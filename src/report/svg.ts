/**
 * Small helpers for the hand-written SVG of the HTML report: escaping, compact coordinates, scales
 * with readable ticks, and number formats. No DOM, no dependencies: everything returns strings.
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

/** Maps a domain value to a pixel coordinate. */
export type Scale = (v: number) => number;

export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const l0 = Math.log10(d0);
  const k = d1 === d0 ? 0 : (r1 - r0) / (Math.log10(d1) - l0);
  return (v) => r0 + (Math.log10(v) - l0) * k;
}

/** Strips binary noise from a tick value such as 0.30000000000000004. */
const clean = (x: number): number => Number(x.toPrecision(12));

/** A 1-2-5 step giving about `count` intervals over [min, max]; the domain widened to whole steps. */
export function niceLinear(min: number, max: number, count = 5): { lo: number; hi: number; ticks: number[] } {
  if (!(max > min)) max = min + (min === 0 ? 1 : Math.abs(min) * 0.1);
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
  const lo = clean(Math.floor(min / step + 1e-9) * step);
  const hi = clean(Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(clean(lo + i * step));
  return { lo, hi, ticks };
}

/**
 * Ticks for a log axis: labelled 1-2-5 values per decade (1-2-3-5 or every integer multiple when the
 * domain is too short for three labels) and faint minor lines at the other integer multiples.
 */
export function logTicks(min: number, max: number): { major: number[]; minor: number[] } {
  const e0 = Math.floor(Math.log10(min));
  const e1 = Math.ceil(Math.log10(max));
  const pick = (mults: number[]): number[] => {
    const out: number[] = [];
    for (let e = e0; e <= e1; e++) for (const m of mults) {
      const v = clean(m * 10 ** e);
      if (v >= min && v <= max) out.push(v);
    }
    return out;
  };
  let major = pick([1, 2, 5]);
  if (major.length < 4) major = pick([1, 2, 3, 5]);
  if (major.length < 3) major = pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const minor = pick([1, 2, 3, 4, 5, 6, 7, 8, 9]).filter((v) => !major.includes(v));
  return { major, minor };
}

/** Exact integers with thousands separators: 31,758,160. */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Axis-label bytes in decimal units (the paper's kB = 1,000 B): "500 B", "64 kB", "1.5 MB". */
export function bytesTick(v: number): string {
  if (v >= 1e6) return `${clean(v / 1e6)} MB`;
  if (v >= 1e3) return `${clean(v / 1e3)} kB`;
  return `${clean(v)} B`;
}

/** Bytes to three significant digits in decimal units: "7.89 kB", "194 kB", "512 B". */
export function bytesShort(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))} MB`;
  if (v >= 1e3) return `${Number((v / 1e3).toPrecision(3))} kB`;
  return `${Math.round(v)} B`;
}

/** MAC counts to three significant digits: "31.8 M", "220 M", "1.05 G". */
export function macsShort(v: number): string {
  if (v >= 1e9) return `${Number((v / 1e9).toPrecision(3))} G`;
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))} M`;
  if (v >= 1e3) return `${Number((v / 1e3).toPrecision(3))} k`;
  return String(Math.round(v));
}

/** "×1.6795" */
export const factor = (f: number, digits = 4): string => `×${f.toFixed(digits)}`;

/** A symmetric diamond path centred on (x, y). */
export const diamond = (x: number, y: number, r: number): string =>
  `M${num(x)} ${num(y - r)}L${num(x + r)} ${num(y)}L${num(x)} ${num(y + r)}L${num(x - r)} ${num(y)}Z`;
