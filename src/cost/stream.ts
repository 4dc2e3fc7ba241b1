/**
 * Line-buffered streaming inside fusion blocks: the specification of the per-layer choice and its
 * exact byte / MAC accounting (issue #14, item 1). Pure and unoptimised on purpose: the engines'
 * tables are to be checked against it.
 *
 * In a block m..n every layer l > m holds its input (layer l-1's output) in one of two ways:
 *  - CACHE (msf-CNN's column cache, today's exact model, src/cost/exact.ts): kw_l columns x the
 *    input rows the current step needs; layer l-1 recomputes those rows for every step;
 *  - LINE (a line buffer): a ring of the rows of its input that are still to be read, at full width;
 *    layer l-1 computes every needed row exactly once, on demand.
 * A LINE splits the block into sub-blocks: maximal runs i..j of CACHE-connected layers. A sub-block
 * runs like today's block, one step per needed output row of j; its first layer reads either the
 * block's materialised input (i = m) or the ring filled by the previous sub-block (i > m).
 *
 * Which rows and columns of each layer get produced depends on the block end n only: the rows and
 * columns of layer n's output, and for l < n those that some produced row / column of l+1 reads
 * (rows as one contiguous range, see BlockGeometry).
 * So a sub-block's cost depends on (i, j, n), never on the other choices: a block's choice-dependent
 * cost is a sum of sub-block terms, and its Pareto set over the 2^(n-m) choices is a shortest-path
 * front over sub-block splits (streamBlockFront).
 *
 * The ring is a linear buffer of R pixels (pixel (r, c) lives at ((r * W + c) mod R) * C): the
 * producer writes pixels in row-major order, each needed row completed before the next one starts,
 * the newest row only as far as the consumer's window reaches; the consumer's first layer computes
 * its produced columns left to right, one column at a time. R is the largest span, over every read,
 * from the oldest pixel still to be read to the newest one written: a k x k stride-1 window over a
 * W-wide tensor needs 2W + 3 pixels for k = 3 (k - 1 full rows plus the part of the next row being
 * filled), a 1x1 window one pixel. Writing position q overwrites q - R, which is older than the
 * oldest live pixel, so nothing still to be read is lost.
 *
 * Candidates: a block is a chain segment of window ops and ADDs (exact.ts's rule for the layers and
 * the ADDs' materialised operands); each sub-block of two or more layers must satisfy the paper's
 * validity rule on its own (its receptive field fits its first layer's input height). A block that
 * is all LINE has no length limit: every row is computed once, nothing is recomputed.
 */
import { type ExactLayers, exactEdgeCost } from './exact.js';
import { type LayerGeometry, blockIsCandidate, lowestStart, rowsFrom, rowsTo } from './geometry.js';
import { type EdgeTable, EdgeTableBuilder } from './table.js';

export const CACHE = 0;
export const LINE = 1;
/** holds[l - m] for l in m..n: how layer l holds its input (holds[0] is unused: layer m reads the block input). */
export type Holds = Uint8Array;

/** Input rows [from, to) of layer l that its output rows [a, b) need (geometry.ts's row window). */
export const rowWindow = (G: LayerGeometry, l: number, a: number, b: number): [number, number] => [rowsFrom(G, l, a), rowsTo(G, l, b)];

// The same geometry with the height rule switched off (a receptive field of 2^30 rows needs 30 stride-2
// layers in one block): a block of line buffers has no height limit.
const tallViews = new WeakMap<LayerGeometry, LayerGeometry>();
const tall = (G: LayerGeometry): LayerGeometry => {
  let t = tallViews.get(G);
  if (!t) tallViews.set(G, (t = { ...G, hIn: G.hIn.map(() => 0x3fffffff) }));
  return t;
};

/** The earliest m such that m..n is a chain segment of window ops / ADDs: geometry.ts's candidate rule without its height limit. */
export const chainStart = (G: LayerGeometry, n: number): number => lowestStart(tall(G), n);

/**
 * Rows and columns of each layer's output that a block ending at n produces (1 = produced): the
 * columns some produced column of the next layer reads, and the contiguous range of rows between the
 * first and the last such row (a sub-block of cached layers computes whole row ranges).
 */
export interface BlockGeometry {
  n: number;
  /** Earliest layer a block ending at n may start at (window/ADD chain rule; no height limit). */
  lo: number;
  rows: Uint8Array[];
  cols: Uint8Array[];
}

export function blockGeometry(L: ExactLayers, n: number, lo = chainStart(L, n)): BlockGeometry {
  const rows: Uint8Array[] = [];
  const cols: Uint8Array[] = [];
  rows[n] = new Uint8Array(L.hOut[n]!).fill(1);
  cols[n] = new Uint8Array(L.wOut[n]!).fill(1);
  for (let l = n; l > lo; l--) {
    const r = new Uint8Array(L.hOut[l - 1]!);
    const c = new Uint8Array(L.wOut[l - 1]!);
    // Rows are a contiguous range: a cached sub-block computes whole row ranges per step.
    const [a, b] = rowWindow(L, l, rows[l]!.indexOf(1), rows[l]!.lastIndexOf(1) + 1);
    r.fill(1, a, b);
    cols[l]!.forEach((on, x) => {
      if (!on) return;
      const c0 = x * L.sw[l]! - L.pl[l]!;
      c.fill(1, Math.max(0, c0), Math.min(L.wIn[l]!, c0 + L.kw[l]!));
    });
    rows[l - 1] = r;
    cols[l - 1] = c;
  }
  return { n, lo, rows, cols };
}

/** A sub-block i..j of cached layers inside a chain segment: a single layer, or a candidate fusion block (geometry.ts's rule). */
export const subBlockFits = (G: LayerGeometry, i: number, j: number): boolean => i === j || blockIsCandidate(G, i, j);

const count = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);

/**
 * Bytes (column caches of layers i+1..j, plus the ring at layer i's input when `ring`) and MACs of
 * the sub-block i..j of a block ending at g.n.
 */
export function subBlockCost(L: ExactLayers, g: BlockGeometry, i: number, j: number, ring: boolean): { bytes: number; macs: number } {
  const cacheRows = new Int32Array(j - i + 1);
  const produced = (l: number) => count(g.cols[l]!);
  const steps: [number, number][] = [];
  let macs = 0;
  g.rows[j]!.forEach((on, y) => {
    if (!on) return;
    let a = y;
    let b = y + 1;
    for (let l = j; l >= i; l--) {
      macs += (b - a) * produced(l) * L.cOut[l]! * L.perElementMacs[l]!;
      [a, b] = rowWindow(L, l, a, b);
      if (l > i) cacheRows[l - i] = Math.max(cacheRows[l - i]!, b - a);
    }
    steps.push([a, b]);
  });
  let bytes = 0;
  for (let l = i + 1; l <= j; l++) bytes += L.kw[l]! * cacheRows[l - i]! * L.cIn[l]!;
  if (ring) bytes += ringPixels(L, i, steps, g.cols[i]!) * L.cIn[i]!;
  return { bytes, macs };
}

/**
 * Pixels the ring at layer i's input needs, for the consumer's steps (input row ranges, in order)
 * and layer i's produced columns: the largest span from the oldest pixel still to be read to the
 * newest written, over every read.
 */
export function ringPixels(L: ExactLayers, i: number, steps: readonly (readonly [number, number])[], cols: Uint8Array): number {
  const W = L.wIn[i]!;
  const sw = L.sw[i]!;
  const pl = L.pl[i]!;
  const kw = L.kw[i]!;
  const firstCol = cols.indexOf(1);
  const firstC0 = Math.max(0, firstCol * sw - pl);
  let newest = -1;
  let span = 0;
  steps.forEach(([lo, hi], s) => {
    if (hi <= lo) return;
    const nextLo = s + 1 < steps.length ? steps[s + 1]![0] : Infinity;
    cols.forEach((on, c) => {
      if (!on) return;
      const c0 = Math.max(0, c * sw - pl);
      const c1 = Math.min(W, c * sw - pl + kw);
      if (c1 <= c0) return;
      newest = Math.max(newest, (hi - 1) * W + c1 - 1);
      const oldest = lo * W + (nextLo > lo ? c0 : firstC0);
      span = Math.max(span, newest - oldest + 1);
    });
  });
  return span;
}

/** Bytes the block's choices add to its tensors (caches and rings) and its MACs; null when a sub-block is not a candidate. */
export function streamChoiceCost(L: ExactLayers, m: number, n: number, holds: Holds, g = blockGeometry(L, n)): { bytes: number; macs: number } | null {
  let bytes = 0;
  let macs = 0;
  let i = m;
  for (let l = m + 1; l <= n + 1; l++) {
    if (l <= n && holds[l - m] !== LINE) continue;
    const j = l - 1;
    if (!subBlockFits(L, i, j)) return null;
    const c = subBlockCost(L, g, i, j, i > m);
    bytes += c.bytes;
    macs += c.macs;
    i = l;
  }
  return { bytes, macs };
}

/** Bytes at the edge's peak (exact.ts's tensors, caches, rings) and MACs of block m..n with these choices; null when not a candidate. */
export function streamEdgeCost(L: ExactLayers, m: number, n: number, holds: Holds): { mem: number; macs: number } | null {
  if (m === n) return exactEdgeCost(L, m, n);
  if (m < chainStart(L, n)) return null;
  const c = streamChoiceCost(L, m, n, holds);
  if (!c) return null;
  return { mem: L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]! + c.bytes, macs: c.macs };
}

/** One non-dominated choice for a block: its figures and the holds that give them. */
export interface StreamOption {
  bytes: number;
  macs: number;
  holds: Holds;
  /** The block's output overwrites its input in place (stream-sim.ts). */
  inPlace?: boolean;
}

/** Keeps the non-dominated options, ascending in bytes and strictly descending in MACs. */
export function paretoOptions(options: StreamOption[]): StreamOption[] {
  const sorted = [...options].sort((a, b) => a.bytes - b.bytes || a.macs - b.macs);
  const out: StreamOption[] = [];
  for (const o of sorted) if (out.length === 0 || o.macs < out[out.length - 1]!.macs) out.push(o);
  return out;
}

/**
 * The Pareto set over the choices of every block m..n (m from n - 1 down to g.lo) ending at g.n:
 * fronts[m - g.lo]. Built right to left over sub-block splits: tail(i) is the front of covering
 * i..n with a ring at layer i's input, block(m) the same with layer m reading the block input.
 */
export function streamBlockFronts(L: ExactLayers, g: BlockGeometry): StreamOption[][] {
  const n = g.n;
  const width = n - g.lo + 1;
  const tail: StreamOption[][] = [];
  const fronts: StreamOption[][] = [];
  const extend = (i: number, ring: boolean, m: number): StreamOption[] => {
    const out: StreamOption[] = [];
    for (let j = i; j <= n; j++) {
      if (!subBlockFits(L, i, j)) break; // monotone in j: a taller field stays too tall
      const c = subBlockCost(L, g, i, j, ring);
      const rest = j === n ? [{ bytes: 0, macs: 0, holds: new Uint8Array(width) }] : tail[j + 1 - g.lo]!;
      for (const r of rest) {
        const holds = r.holds.slice();
        holds.fill(CACHE, i - g.lo + 1, j - g.lo + 1);
        if (j < n) holds[j + 1 - g.lo] = LINE;
        out.push({ bytes: c.bytes + r.bytes, macs: c.macs + r.macs, holds });
      }
    }
    // Holds are indexed from g.lo while building; the block's own start m is index 0 outside.
    return paretoOptions(out).map((o) => ({ ...o, holds: o.holds.subarray(m - g.lo, width) }));
  };
  for (let i = n; i >= g.lo; i--) {
    tail[i - g.lo] = extend(i, true, g.lo);
    if (i < n) fronts[i - g.lo] = extend(i, false, i);
  }
  return fronts;
}

/** A block's option in a streaming table: which edge of the table it is. */
export interface StreamTable extends EdgeTable {
  /** holds of each edge (single layers: one CACHE entry). */
  holds: Holds[];
  /** 1 when the edge's output overwrites its input in place. */
  inPlace: Uint8Array;
}

/** More options for the edge m -> n+1 (whole edge bytes in `bytes`), e.g. fully streamed graph blocks. */
export type ExtraOptions = (m: number, n: number) => StreamOption[];

/**
 * The fusion DAG with line buffers: one parallel edge m -> n+1 per non-dominated choice of the block
 * (so the DAG search over it stays exact), single layers as in the exact model; `streams` may rule
 * blocks out (stream-sim.ts: layers that read an operand through another shape).
 */
export function streamTableOf(L: ExactLayers, extra?: ExtraOptions, streams: (m: number, n: number) => boolean = () => true): StreamTable {
  const b = new EdgeTableBuilder(L.n);
  const optionsByKey = new Map<string, StreamOption[]>();
  let baseline = 0;
  for (let l = 0; l < L.n; l++) baseline += L.hOut[l]! * L.wOut[l]! * L.cOut[l]! * L.perElementMacs[l]!;
  for (let n = 0; n < L.n; n++) {
    const g = blockGeometry(L, n);
    const fronts = streamBlockFronts(L, g);
    for (let m = n; m >= 0; m--) {
      const base = L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]!;
      const own: StreamOption[] = [];
      if (m === n) {
        const single = exactEdgeCost(L, n, n);
        own.push({ bytes: single.mem, macs: single.macs, holds: new Uint8Array(1) });
      } else if (m >= g.lo && streams(m, n)) for (const o of fronts[m - g.lo]!) own.push({ ...o, bytes: base + o.bytes });
      const opts = paretoOptions([...own, ...(extra?.(m, n) ?? [])]);
      for (const o of opts) b.add(m, n + 1, o.bytes, o.macs);
      if (opts.length) optionsByKey.set(`${m},${n}`, opts);
    }
  }
  const t = b.build(baseline);
  // The builder keeps each source's edges in insertion order (a stable sort), so they line up with optionsByKey.
  const holds: Holds[] = [];
  const inPlace = new Uint8Array(t.from.length);
  for (let v = 1; v <= L.n; v++) {
    let k = 0;
    let prev = -1;
    for (let e = t.start[v]!; e < t.start[v + 1]!; e++) {
      const u = t.from[e]!;
      k = u === prev ? k + 1 : 0;
      prev = u;
      const o = optionsByKey.get(`${u},${v - 1}`)![k]!;
      holds[e] = o.holds;
      inPlace[e] = o.inPlace ? 1 : 0;
    }
  }
  return { ...t, holds, inPlace };
}

/**
 * The choices behind a front point: for each of its blocks, the cheapest option whose bytes fit the
 * point's peak (the front point is non-dominated, so these MACs add up to the point's).
 */
export function streamHoldsOf(t: StreamTable, peak: number, blocks: readonly (readonly [number, number])[]): Holds[] {
  return blocks.map(([m, n]) => {
    let best = -1;
    for (let e = t.start[n + 1]!; e < t.start[n + 2]!; e++) {
      if (t.from[e] !== m || t.mem[e]! > peak) continue;
      if (best < 0 || t.macs[e]! < t.macs[best]!) best = e;
    }
    if (best < 0) throw new RangeError(`block [${m}, ${n}] has no option within ${peak} B`);
    return t.holds[best]!;
  });
}
