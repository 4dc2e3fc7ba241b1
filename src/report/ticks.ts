/**
 * Axis domains, scales, ticks and number formats for every plot of msf-cnn: the HTML report's SVG
 * (src/report/svg.ts, html.ts) and the web page (web/plot.ts, web/format.ts). No DOM: numbers in,
 * numbers and strings out.
 *
 * Every helper terminates and returns finite numbers on any input: 0 and negative values on a log
 * axis, one point, equal points, NaN or infinite values, ranges of hundreds of decades. (A single-
 * layer model plans to a peak of 0 bytes: log10(0) used to make the tick loop endless.)
 */

/** Maps a domain value to a pixel coordinate. */
export type Scale = (v: number) => number;

/** Most decades a log axis spans; a wider domain is cut at its top end's side. */
const MAX_DECADES = 30;
/** Most ticks any helper returns. */
const MAX_TICKS = 200;

/** Strips binary noise from a tick value such as 0.30000000000000004. */
const clean = (x: number): number => Number(x.toPrecision(12));

export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = d1 === d0 || !Number.isFinite(d1 - d0) ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A log scale over d0 < d1 (both > 0, see logDomain); values <= 0 are drawn at d0. */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const l0 = Math.log10(d0);
  const k = d1 === d0 ? 0 : (r1 - r0) / (Math.log10(d1) - l0);
  return (v) => r0 + ((v > 0 ? Math.log10(v) : l0) - l0) * k;
}

/**
 * A log-axis domain around `values` (the positive finite ones; around 1 when there are none):
 * at least a factor 2 wide (equal values are centred), widened by `pad` on both sides, at most
 * MAX_DECADES wide.
 */
export function logDomain(values: readonly number[], pad = 1.25): [number, number] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  let lo = pos.length ? Math.min(...pos) : 1;
  let hi = pos.length ? Math.max(...pos) : 1;
  if (values.some((v) => v <= 0)) lo = Math.min(lo, 1); // a 0 is drawn at the bottom of the axis
  if (!(hi / lo >= 2)) {
    const mid = Math.sqrt(lo * hi); // (nearly) equal values: a factor 2 around them
    lo = mid / Math.SQRT2;
    hi = mid * Math.SQRT2;
  }
  lo /= pad;
  hi *= pad;
  if (hi / lo > 10 ** MAX_DECADES) lo = hi / 10 ** MAX_DECADES;
  return [lo, hi];
}

/**
 * Ticks for a log axis over [min, max] (see logDomain): labelled 1-2-5 values per decade (1-2-3-5 or
 * every integer multiple when the domain is too short for three labels; only 1-5, then only powers
 * of ten, when there would be more than `maxMajor`) and faint minor lines at the other multiples.
 */
export function logTicks(min: number, max: number, maxMajor = 12): { major: number[]; minor: number[] } {
  [min, max] = validLogRange(min, max);
  const e0 = Math.floor(Math.log10(min));
  const e1 = Math.ceil(Math.log10(max));
  const pick = (mults: number[]): number[] => {
    const out: number[] = [];
    for (let e = e0; e <= e1 && out.length < MAX_TICKS; e++)
      for (const m of mults) {
        const v = clean(m * 10 ** e);
        if (v >= min && v <= max) out.push(v);
      }
    return out;
  };
  let major = pick([1, 2, 5]);
  if (major.length < 4) major = pick([1, 2, 3, 5]);
  if (major.length < 3) major = pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  if (major.length > maxMajor) major = pick([1, 5]);
  if (major.length > maxMajor) major = pick([1]);
  const minor = e1 - e0 > 12 ? [] : pick([1, 2, 3, 4, 5, 6, 7, 8, 9]).filter((v) => !major.includes(v));
  return { major, minor };
}

function validLogRange(min: number, max: number): [number, number] {
  if (!(min > 0 && Number.isFinite(min))) min = max > 0 && Number.isFinite(max) ? max / 10 : 1;
  if (!(max >= min && Number.isFinite(max))) max = min * 10;
  if (max / min > 10 ** MAX_DECADES) min = max / 10 ** MAX_DECADES;
  return [min, max];
}

/** A 1-2-2.5-5 step giving about `count` intervals over [min, max]; the domain widened to whole steps. */
export function niceLinear(min: number, max: number, count = 5): { lo: number; hi: number; ticks: number[]; step: number } {
  if (!Number.isFinite(min)) min = 0;
  if (!Number.isFinite(max)) max = min + 1;
  if (!(max > min)) max = min + (min === 0 ? 1 : Math.abs(min) * 0.1);
  if (!Number.isFinite(max - min)) [min, max] = [min / 2, max / 2]; // the span itself must be a number
  const raw = (max - min) / Math.max(1, Math.min(count, MAX_TICKS));
  if (!Number.isFinite(raw) || raw <= Math.abs(min) * 1e-12) return { lo: min, hi: max, ticks: [min, max], step: max - min };
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
  const lo = clean(Math.floor(min / step + 1e-9) * step);
  const hi = clean(Math.ceil(max / step - 1e-9) * step);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: min, hi: max, ticks: [min, max], step: max - min };
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9 && i <= MAX_TICKS; i++) ticks.push(clean(lo + i * step));
  return { lo, hi, ticks, step };
}

// ---------------------------------------------------------------------------------------------
// Number formats

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

/** Signed change of `v` relative to `ref` in percent: "−95.9%", "+3.0%", "±0%"; `missing` when ref is not positive. */
export function change(v: number, ref: number, missing = '—'): string {
  if (!(ref > 0)) return missing;
  const pct = (v / ref - 1) * 100;
  if (Math.abs(pct) < 0.05) return '±0%';
  return `${pct < 0 ? '−' : '+'}${Math.abs(pct).toFixed(1)}%`;
}

/** A block's inclusive layer range: "7" or "3–9". */
export const layersLabel = (first: number, last: number): string => (first === last ? `${first}` : `${first}–${last}`);
