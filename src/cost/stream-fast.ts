/**
 * The streaming table of src/cost/stream.ts (streamTableOf), built fast: the same edges, bytes, MACs
 * and holds (test/stream-fast.test.ts checks it against the specification edge for edge).
 *
 * What makes the specification slow, and what this does instead:
 *  - a sub-block's cost is recomputed per (first i, last j, block end n), walking every output row of
 *    j back to i; here one walk back from j per (j, n) yields every i on the way (the row ranges at
 *    layer l do not depend on where the sub-block starts), and when every row and column of j..i is
 *    produced (the usual case) that walk is the same for every n: done once per j;
 *  - the ring of a sub-block (stream.ts's ringPixels) visits every produced column of every step;
 *    within a step the newest written pixel and the window's first column both grow with the column,
 *    so the largest span is at the first column or at the widest window: O(1) per step from four
 *    per-layer column figures;
 *  - the Pareto sets over sub-block splits are two-pointer merges of already sorted lists (not a sort
 *    per set) in one reused pool, each entry carrying (split, index in the tail) instead of copied
 *    holds; holds are rebuilt only for the options that become edges.
 */
import { type ExactLayers, exactEdgeCost } from './exact.js';
import { lowestStart, rowsFrom, rowsTo } from './geometry.js';
import { type Holds, LINE, type StreamOption, type StreamTable, chainStart, rowWindow } from './stream.js';
import { type Settled, SplitRule, fullMacs, layerFloors, readsWholeInput } from './stream-prune.js';

/** What one block end n fixes for every block m..n (stream.ts's BlockGeometry, and sub-block costs). */
export interface BlockEnd {
  n: number;
  lo: number;
  /** Layers from..n have their figures below (from >= lo: blocks starting earlier were pruned). */
  from: number;
  /** Produced rows of layer l: [rowA[l], rowB[l]). */
  rowA: Int32Array;
  rowB: Int32Array;
  /** Produced columns of layer l (1 = produced). */
  cols: Uint8Array[];
  /** Produced column count of layer l. */
  colCount: Int32Array;
  /** Ring bytes at layer i's input when i starts a single-layer sub-block (i > m): ring[i]. */
  ringOne: Float64Array;
  /** MACs of layer l alone as a sub-block. */
  macsOne: Float64Array;
}

/** Column figures of consumer layer i over its produced columns (what ringPixels needs per step). */
interface ColumnFigures {
  firstC0: number;
  /** Whether some produced column reads a non-empty window; then the next three are meaningful. */
  any: boolean;
  minC0: number;
  maxC1: number;
  maxWidth: number;
}

function columnFigures(L: ExactLayers, i: number, cols: Uint8Array): ColumnFigures {
  const W = L.wIn[i]!;
  const sw = L.sw[i]!;
  const pl = L.pl[i]!;
  const kw = L.kw[i]!;
  const f: ColumnFigures = { firstC0: Math.max(0, cols.indexOf(1) * sw - pl), any: false, minC0: 0, maxC1: 0, maxWidth: 0 };
  for (let c = 0; c < cols.length; c++) {
    if (!cols[c]) continue;
    const c0 = Math.max(0, c * sw - pl);
    const c1 = Math.min(W, c * sw - pl + kw);
    if (c1 <= c0) continue;
    if (!f.any) f.minC0 = c0;
    f.any = true;
    f.maxC1 = Math.max(f.maxC1, c1);
    f.maxWidth = Math.max(f.maxWidth, c1 - c0);
  }
  return f;
}

/** stream.ts's ringPixels for steps [sa[s], sb[s]) in O(1) per step (see the module comment). */
function ringPixelsFast(W: number, f: ColumnFigures, sa: Int32Array, sb: Int32Array, count: number): number {
  if (!f.any) return 0;
  let newest = -1;
  let span = 0;
  for (let s = 0; s < count; s++) {
    const lo = sa[s]!;
    const hi = sb[s]!;
    if (hi <= lo) continue;
    const nextLo = s + 1 < count ? sa[s + 1]! : Infinity;
    const last = (hi - 1) * W - 1;
    if (nextLo > lo) {
      // max over columns of max(newest before the step, last + c1) - (lo W + c0) + 1.
      span = Math.max(span, newest - lo * W - f.minC0 + 1, last + f.maxWidth - lo * W + 1);
      newest = Math.max(newest, last + f.maxC1);
    } else {
      newest = Math.max(newest, last + f.maxC1);
      span = Math.max(span, newest - lo * W - f.firstC0 + 1);
    }
  }
  return span;
}

/** Every column produced, for a tensor w wide (shared: never written). */
const allOnes: Uint8Array[] = [];
const allProduced = (w: number): Uint8Array => (allOnes[w] ??= new Uint8Array(w).fill(1));

/** Produced rows and columns of every layer lo..n for blocks ending at n (stream.ts's blockGeometry). */
function blockEnd(L: ExactLayers, n: number, lo: number, from: number): BlockEnd {
  const rowA = new Int32Array(n + 1);
  const rowB = new Int32Array(n + 1);
  const cols: Uint8Array[] = [];
  const colCount = new Int32Array(n + 1);
  rowB[n] = L.hOut[n]!;
  cols[n] = allProduced(L.wOut[n]!);
  colCount[n] = L.wOut[n]!;
  for (let l = n; l > from; l--) {
    const h = L.hOut[l - 1]!;
    if (rowB[l]! > rowA[l]!) {
      const a = rowsFrom(L, l, rowA[l]!);
      const b = rowsTo(L, l, rowB[l]!);
      rowA[l - 1] = Math.min(a, h);
      rowB[l - 1] = Math.max(Math.min(b, h), Math.min(a, h));
    } else {
      // No produced row (never in a valid model): mirror the specification's fill exactly.
      const r = new Uint8Array(h);
      const [a, b] = rowWindow(L, l, -1, 0);
      r.fill(1, a, b);
      rowA[l - 1] = r.indexOf(1) < 0 ? 0 : r.indexOf(1);
      rowB[l - 1] = r.indexOf(1) < 0 ? 0 : r.lastIndexOf(1) + 1;
    }
    // The union of the produced columns' windows, left to right (windows start further right as x grows).
    const mine = cols[l]!;
    const sw = L.sw[l]!;
    const pl = L.pl[l]!;
    const kw = L.kw[l]!;
    const w = L.wOut[l - 1]!;
    const wIn = Math.min(L.wIn[l]!, w);
    let count = 0;
    let filled = 0;
    for (let x = 0; x < mine.length; x++) {
      if (!mine[x]) continue;
      const c0 = Math.max(filled, x * sw - pl);
      const c1 = Math.min(wIn, x * sw - pl + kw);
      if (c1 > c0) {
        count += c1 - c0;
        filled = c1;
      }
    }
    colCount[l - 1] = count;
    if (count === w) cols[l - 1] = allProduced(w);
    else {
      const c = new Uint8Array(w);
      filled = 0;
      for (let x = 0; x < mine.length; x++) {
        if (!mine[x]) continue;
        const c1 = Math.min(wIn, x * sw - pl + kw);
        for (let c0 = Math.max(filled, x * sw - pl); c0 < c1; c0++) c[c0] = 1;
        filled = Math.max(filled, c1);
      }
      cols[l - 1] = c;
    }
  }
  return { n, lo, from, rowA, rowB, cols, colCount, ringOne: new Float64Array(n + 1), macsOne: new Float64Array(n + 1) };
}

/**
 * Pareto lists of (bytes, macs) over sub-block splits, packed in flat arrays reused across block ends:
 * entry k holds its split's last layer j and the index (in the pool) of the rest's entry in tail[j + 1].
 */
class OptionPool {
  bytes = new Float64Array(1 << 14);
  macs = new Float64Array(1 << 14);
  j = new Int32Array(1 << 14);
  rest = new Int32Array(1 << 14);
  size = 0;
  private costArrays = { cacheB: new Float64Array(0), macs: new Float64Array(0), ring: new Float64Array(0) };
  /** Scratch for a block end's sub-block costs (every entry read is written first), reused across block ends. */
  costs(size: number): { cacheB: Float64Array; macs: Float64Array; ring: Float64Array } {
    if (this.costArrays.cacheB.length < size) {
      const cap = Math.max(size, 2 * this.costArrays.cacheB.length);
      this.costArrays = { cacheB: new Float64Array(cap), macs: new Float64Array(cap), ring: new Float64Array(cap) };
    }
    return this.costArrays;
  }
  /** Makes room for k more entries. */
  reserve(k: number): void {
    while (this.size + k > this.bytes.length) this.grow();
  }
  push(bytes: number, macs: number, j: number, rest: number): void {
    if (this.size === this.bytes.length) this.grow();
    const k = this.size++;
    this.bytes[k] = bytes;
    this.macs[k] = macs;
    this.j[k] = j;
    this.rest[k] = rest;
  }
  private grow(): void {
    const cap = this.bytes.length * 2;
    const f = (a: Float64Array) => { const b = new Float64Array(cap); b.set(a); return b; };
    const i = (a: Int32Array) => { const b = new Int32Array(cap); b.set(a); return b; };
    this.bytes = f(this.bytes);
    this.macs = f(this.macs);
    this.j = i(this.j);
    this.rest = i(this.rest);
  }
}

/** Scratch for walkBack's step rows (reused: walks never overlap). */
let stepRows = new Int32Array(256);

/**
 * One walk back from j to iMin in a block ending at g.n: at layer l, each step's rows [A, B) (one
 * step per produced row of j); writes the sub-block i..j's MACs, caches of i+1..j and ring at i's
 * input for every i at index `at + i`.
 */
function walkBack(
  L: ExactLayers, g: BlockEnd, j: number, iMin: number, figure: (i: number) => ColumnFigures, at: number,
  macs: Float64Array, cacheB: Float64Array, ring: Float64Array,
): void {
  const steps = g.rowB[j]! - g.rowA[j]!;
  if (stepRows.length < 2 * steps) stepRows = new Int32Array(4 * steps);
  const A = stepRows.subarray(0, steps);
  const B = stepRows.subarray(steps, 2 * steps);
  for (let s = 0; s < steps; s++) {
    A[s] = g.rowA[j]! + s;
    B[s] = A[s]! + 1;
  }
  // MACs are integers (exact in any order of summation).
  let total = 0;
  let cache = 0;
  for (let l = j; l >= iMin; l--) {
    let rowsSum = 0;
    let most = 0;
    for (let s = 0; s < steps; s++) {
      rowsSum += B[s]! - A[s]!;
      A[s] = rowsFrom(L, l, A[s]!);
      B[s] = rowsTo(L, l, B[s]!);
      if (B[s]! - A[s]! > most) most = B[s]! - A[s]!;
    }
    total += rowsSum * g.colCount[l]! * L.cOut[l]! * L.perElementMacs[l]!;
    macs[at + l] = total;
    cacheB[at + l] = cache;
    ring[at + l] = ringPixelsFast(L.wIn[l]!, figure(l), A, B, steps) * L.cIn[l]!;
    cache += L.kw[l]! * most * L.cIn[l]!;
  }
}

/** One pool for every build (builds never overlap: each empties it per block end; ~0.5 MB not reallocated per table). */
const sharedPool = new OptionPool();

/** A list in the pool: entries [at, at + length). */
interface Span { at: number; length: number }

/** Sub-block costs of every i (index j - i) for a sub-block ending at j, all of whose rows and columns are produced. */
interface FullWalk { low: number; macs: Float64Array; cacheB: Float64Array; ring: Float64Array }

/**
 * Sub-block costs of every (i, j) with lo <= i <= j <= n for blocks ending at n, and the Pareto sets
 * of stream.ts's streamBlockFronts: fronts[m - lo] for blocks m..n (m < n), with a way to rebuild holds.
 */
function blockFronts(L: ExactLayers, g: BlockEnd, lowest: Int32Array, pool: OptionPool, walks: (FullWalk | undefined)[], tailCap: number): { fronts: Span[]; leastFront: Float64Array; holdsOf: (m: number, k: number) => Holds; pool: OptionPool } {
  const { n, from: lo } = g;
  const width = n - lo + 1;
  // cost[(j - lo) * width + (i - lo)]: caches of i+1..j (cacheB), MACs, ring at i's input.
  const { cacheB, macs, ring } = pool.costs(width * width);
  const figures: ColumnFigures[] = [];
  const figure = (i: number) => (figures[i - lo] ??= columnFigures(L, i, g.cols[i]!));
  for (let j = lo; j <= n; j++) {
    const iMin = Math.max(lo, lowest[j]!);
    // Every row of j and every column of iMin..j produced: the walk is the same for every such
    // block end, so a walk done once per j serves them all.
    let full = g.rowA[j] === 0 && g.rowB[j] === L.hOut[j];
    for (let l = iMin; full && l <= j; l++) full = g.colCount[l] === L.wOut[l];
    const known = full ? walks[j] : undefined;
    if (known && known.low <= iMin) {
      for (let l = j; l >= iMin; l--) {
        const at = (j - lo) * width + (l - lo);
        macs[at] = known.macs[j - l]!;
        cacheB[at] = known.cacheB[j - l]!;
        ring[at] = known.ring[j - l]!;
      }
      continue;
    }
    walkBack(L, g, j, iMin, figure, (j - lo) * width - lo, macs, cacheB, ring);
    if (full) {
      const w: FullWalk = { low: iMin, macs: new Float64Array(j - iMin + 1), cacheB: new Float64Array(j - iMin + 1), ring: new Float64Array(j - iMin + 1) };
      for (let l = j; l >= iMin; l--) {
        const at = (j - lo) * width + (l - lo);
        w.macs[j - l] = macs[at]!;
        w.cacheB[j - l] = cacheB[at]!;
        w.ring[j - l] = ring[at]!;
      }
      walks[j] = w;
    }
  }
  for (let l = lo; l <= n; l++) {
    g.ringOne[l] = ring[(l - lo) * width + (l - lo)]!;
    g.macsOne[l] = macs[(l - lo) * width + (l - lo)]!;
  }
  const P = pool;
  P.size = 0;
  P.push(0, 0, -1, -1); // the empty rest after layer n
  const zero: Span = { at: 0, length: 1 };
  const tail: Span[] = [];
  const fronts: Span[] = [];
  // The fewest MACs of each list before the cap cuts it (the pruning premise is checked on them).
  const leastTail = new Float64Array(width);
  const leastFront = new Float64Array(width);
  let least = Infinity;
  // baseBefore[i - lo]: the least input + live across of the blocks m (lo <= m < i) whose fronts may use tail(i).
  const baseBefore = new Float64Array(width).fill(Infinity);
  for (let i = lo + 1; i <= n; i++) baseBefore[i - lo] = Math.min(baseBefore[i - 1 - lo]!, L.liveAcross[i - 1]! + L.inMaterial[i - 1]!);
  // Each split j adds a list already sorted (ascending bytes, strictly descending MACs): a two-pointer
  // Pareto merge per j gives stream.ts's stable sort and filter (ties go to the smaller j, listed first).
  const extend = (i: number, withRing: boolean): Span => {
    let acc: Span = { at: P.size, length: 0 };
    // The block's own front (no ring) has its input and what lives across the cut on top of it; a
    // tail at i ends up in the front of some block m < i, so has the least such input on top.
    const cap = tailCap === Infinity ? Infinity : tailCap - (withRing ? baseBefore[i - lo]! : L.liveAcross[i]! + L.inMaterial[i]!);
    least = Infinity;
    for (let j = i; j <= n; j++) {
      if (j > i && i < lowest[j]!) break;
      const at = (j - lo) * width + (i - lo);
      const bytes = cacheB[at]! + (withRing ? ring[at]! : 0);
      const m = macs[at]!;
      const rest = j === n ? zero : tail[j + 1 - lo]!;
      least = Math.min(least, m + (j === n ? 0 : leastTail[j + 1 - lo]!));
      if (rest.length === 0) continue;
      // Nothing of this split survives when acc's last point (most bytes, fewest MACs) dominates its
      // cheapest-bytes and its fewest-MACs points: skip the merge (the usual case for long splits).
      if (acc.length > 0) {
        const lastAt = acc.at + acc.length - 1;
        if (bytes + P.bytes[rest.at]! >= P.bytes[lastAt]! && m + P.macs[rest.at + rest.length - 1]! >= P.macs[lastAt]!) continue;
      }
      // Room for the merged list first, so that the loop works on local views of the pool.
      P.reserve(acc.length + rest.length);
      const pb = P.bytes;
      const pm = P.macs;
      const pj = P.j;
      const pr = P.rest;
      const start = P.size;
      let size = start;
      let x = acc.at;
      let r = rest.at;
      const xEnd = acc.at + acc.length;
      const rEnd = rest.at + rest.length;
      let last = Infinity;
      while (x < xEnd || r < rEnd) {
        const rb = r < rEnd ? bytes + pb[r]! : Infinity;
        const rm = r < rEnd ? m + pm[r]! : Infinity;
        if (x < xEnd && (pb[x]! < rb || (pb[x] === rb && pm[x]! <= rm))) {
          if (pb[x]! > cap) break; // ascending bytes: the rest is over the cap too
          if (pm[x]! < last) {
            last = pm[x]!;
            pb[size] = pb[x]!;
            pm[size] = last;
            pj[size] = pj[x]!;
            pr[size++] = pr[x]!;
          }
          x++;
        } else {
          if (rb > cap) break;
          if (rm < last) {
            last = rm;
            pb[size] = rb;
            pm[size] = rm;
            pj[size] = j;
            pr[size++] = r;
          }
          r++;
        }
      }
      P.size = size;
      acc = { at: start, length: P.size - start };
    }
    return acc;
  };
  for (let i = n; i >= lo; i--) {
    tail[i - lo] = extend(i, true);
    leastTail[i - lo] = least;
    if (i < n) {
      fronts[i - lo] = extend(i, false);
      leastFront[i - lo] = least;
    }
  }
  const holdsOf = (m: number, k: number): Holds => {
    const h = new Uint8Array(n - m + 1);
    let j = P.j[k]!;
    let r = P.rest[k]!;
    while (j < n) {
      h[j + 1 - m] = LINE;
      [j, r] = [P.j[r]!, P.rest[r]!];
    }
    return h;
  };
  return { fronts, leastFront, holdsOf, pool: P };
}

/**
 * More options for the edge m -> n+1 (stream.ts's ExtraOptions), with the block end's figures at
 * hand; `useful(bytes, macs)` is false for an option the pruned table would leave out anyway (so an
 * expensive test of it may be skipped; always true unpruned).
 */
export type FastExtraOptions = (m: number, n: number, g: BlockEnd, useful: (bytes: number, macs: number) => boolean) => StreamOption[];

/**
 * stream.ts's streamTableOf, fast: `lowestExtra(n)` is the earliest m whose extra options may be
 * non-empty (so the builder skips blocks that have none). With `prune`, blocks none of whose own
 * options can be on the Pareto front are left out (stream-prune.ts: the front is unchanged).
 */
export function streamTableFast(
  L: ExactLayers, extra?: FastExtraOptions, streams: (m: number, n: number) => boolean = () => true, lowestExtra: (n: number) => number = () => 0,
  prune = false,
): StreamTable {
  const all = (split: boolean) => buildTable(L, extra, streams, lowestExtra, null, split)!;
  if (!prune) return all(false);
  const { prefix } = fullMacs(L);
  const U = lineBound(L, streams, prefix);
  if (U === Infinity) return all(true);
  return buildTable(L, extra, streams, lowestExtra, { bound: U, floors: layerFloors(L), prefix }, true) ?? all(true);
}

/**
 * The peak of the best path of baseline MACs (stream-prune.ts's U) over single layers and all-line
 * blocks of at most SHORT_BLOCK layers (every layer computed once: a ring at each later layer's
 * input); Infinity if there is none. Each such block is a candidate option, so the path is a plan.
 */
function lineBound(L: ExactLayers, streams: (m: number, n: number) => boolean, prefix: Float64Array): number {
  const best = new Float64Array(L.n + 1).fill(Infinity);
  best[0] = 0;
  const macs = new Float64Array(L.n);
  const cacheB = new Float64Array(L.n);
  const ring = new Float64Array(L.n);
  const known = new Uint8Array(L.n);
  for (let n = 0; n < L.n; n++) {
    const single = exactEdgeCost(L, n, n);
    if (single.macs === prefix[n + 1]! - prefix[n]!) best[n + 1] = Math.max(best[n]!, single.mem);
    const lo = chainStart(L, n);
    const from = Math.max(lo, n - SHORT_BLOCK + 1);
    if (from === n) continue;
    const g = blockEnd(L, n, lo, from);
    const figures: ColumnFigures[] = [];
    const figure = (i: number) => (figures[i - from] ??= columnFigures(L, i, g.cols[i]!));
    for (let l = from; l <= n; l++) {
      // A layer all of whose pixels are produced has the same figures in every block end: kept.
      const full = g.rowA[l] === 0 && g.rowB[l] === L.hOut[l] && g.colCount[l] === L.wOut[l];
      if (full && known[l]) continue;
      walkBack(L, g, l, l, figure, 0, macs, cacheB, ring);
      known[l] = full ? 1 : 0;
    }
    let bytes = 0;
    let total = macs[n]!;
    for (let m = n - 1; m >= from; m--) {
      bytes += ring[m + 1]!;
      total += macs[m]!;
      if (total !== prefix[n + 1]! - prefix[m]! || !streams(m, n)) continue;
      const mem = L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]! + bytes;
      best[n + 1] = Math.min(best[n + 1]!, Math.max(best[m]!, mem));
    }
  }
  return best[L.n]!;
}

/** Longest all-line block lineBound tries (longer: perhaps a lower U, a longer first pass; 64 finds the zoo's U and halves a 100-layer chain's table against 16). */
const SHORT_BLOCK = 64;

/** Which own options a build keeps: all (null), or those that may be on the front under stream-prune.ts's bound U (null when its premise fails). */
type Reach = null | { bound: number; floors: Float64Array; prefix: Float64Array };

function buildTable(
  L: ExactLayers, extra: FastExtraOptions | undefined, streams: (m: number, n: number) => boolean, lowestExtra: (n: number) => number, reach: Reach,
  splits: boolean,
): StreamTable | null {
  const lowest = new Int32Array(L.n);
  const pool = sharedPool;
  const walks: (FullWalk | undefined)[] = [];
  const split = splits ? new SplitRule(L.n) : null;
  for (let j = 0; j < L.n; j++) lowest[j] = lowestStart(L, j);
  let baseline = 0;
  for (let l = 0; l < L.n; l++) baseline += L.hOut[l]! * L.wOut[l]! * L.cOut[l]! * L.perElementMacs[l]!;
  const start = new Int32Array(L.n + 2);
  const edges = new EdgeSink();
  // fullFrom[n]: the earliest layer x >= chainStart(n) with every layer x..n fully produced and
  // regular in a block ending at n (when layer n-1 is, the layers below it are produced as for n-1).
  const fullFrom = new Int32Array(L.n);
  for (let n = 0; n < L.n; n++) {
    start[n + 1] = edges.size;
    const lo = chainStart(L, n);
    let keep = lo; // the earliest m whose own options are kept
    if (reach) {
      fullFrom[n] = n > lo && fullBelow(L, n, reach.floors) ? Math.max(fullFrom[n - 1]!, lo) : n;
      if (fullFrom[n]! <= lo) {
        // The least bytes of any option of m..n (stream-prune.ts), growing as m falls.
        let least = L.outMaterial[n]!;
        for (let m = n - 1; m >= lo; m--) {
          least += reach.floors[m + 1]!;
          if (least > reach.bound) {
            keep = m + 1;
            break;
          }
        }
      }
    }
    const g = blockEnd(L, n, lo, Math.max(lo, Math.min(keep, extra ? lowestExtra(n) : n)));
    // Options over the bound are on no front path (stream-prune.ts): nor are the tails that lead to them.
    const cap = reach ? reach.bound - L.outMaterial[n]! : Infinity;
    const { fronts, leastFront, holdsOf, pool: P } = blockFronts(L, g, lowest, pool, walks, cap);
    const first = Math.max(0, Math.min(g.lo, extra ? lowestExtra(n) : n));
    // Extras first, m descending (the order the graph builder's callback expects); the options of
    // each block are then settled m descending too (the split rule reads the later blocks' lists),
    // and the edges pushed by ascending m.
    const settled: Settled[] = [];
    let premise = true;
    for (let m = n; m >= first; m--) {
      const full = reach ? reach.prefix[n + 1]! - reach.prefix[m]! : -Infinity;
      const bound = reach ? reach.bound : Infinity;
      const useful = (bytes: number, macs: number) => {
        // The bound's premise: no edge has fewer MACs than its layers' full MACs.
        if (macs < full) premise = false;
        return bytes <= bound && !split?.dominated(m, n, bytes, macs, settled);
      };
      const extraOpts = extra ? extra(m, n, g, useful) : [];
      const own = m === n || (m >= keep && streams(m, n));
      const list: Settled = { bytes: [], macs: [], options: [] };
      const accept = (bytes: number, macs: number, o: number | StreamOption) => {
        if (!useful(bytes, macs)) return; // over the bound, or beaten by a split
        list.bytes.push(bytes);
        list.macs.push(macs);
        list.options.push(o);
      };
      if (m === n) {
        const single = exactEdgeCost(L, n, n);
        const opts = [{ bytes: single.mem, macs: single.macs, holds: new Uint8Array(1) }, ...extraOpts];
        for (const o of extraOpts.length ? paretoList(opts) : opts) accept(o.bytes, o.macs, o);
      } else if (extraOpts.length === 0) {
        // The usual case: the block's front straight from the pool, holds only for the edges kept.
        const base = L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]!;
        const f = own ? fronts[m - g.from]! : { at: 0, length: 0 };
        if (own && leastFront[m - g.from]! < full) premise = false; // options the cap left out included
        for (let k = f.at; k < f.at + f.length; k++) accept(base + P.bytes[k]!, P.macs[k]!, k);
      } else {
        const opts: StreamOption[] = [];
        if (own) {
          const base = L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]!;
          const f = fronts[m - g.from]!;
          if (leastFront[m - g.from]! < full) premise = false;
          for (let k = f.at; k < f.at + f.length; k++) opts.push({ bytes: base + P.bytes[k]!, macs: P.macs[k]!, holds: holdsOf(m, k) });
        }
        for (const o of paretoList([...opts, ...extraOpts])) accept(o.bytes, o.macs, o);
      }
      settled[m] = list;
    }
    if (!premise) return null;
    for (let m = first; m <= n; m++) {
      const list = settled[m]!;
      for (let x = 0; x < list.bytes.length; x++) {
        const o = list.options[x]!;
        if (typeof o === 'number') edges.push(m, list.bytes[x]!, list.macs[x]!, holdsOf(m, o), 0);
        else edges.push(m, o.bytes, o.macs, o.holds, o.inPlace ? 1 : 0);
      }
      split?.record(m, n + 1, list);
    }
  }
  start[L.n + 1] = edges.size;
  const E = edges.size;
  return {
    layers: L.n, start, from: edges.from.slice(0, E), mem: edges.mem.slice(0, E), macs: edges.macs.slice(0, E),
    baselineMacs: baseline, holds: edges.holds, inPlace: edges.inPlace.slice(0, E),
  };
}

/** Whether a block ending at n (regular layer n) produces every row and column of layer n-1. */
function fullBelow(L: ExactLayers, n: number, floors: Float64Array): boolean {
  return floors[n]! >= 0 && L.hIn[n] === L.hOut[n - 1] && L.wIn[n] === L.wOut[n - 1] && readsWholeInput(L, n);
}

/** The table's edges in growing typed arrays, in order. */
class EdgeSink {
  from = new Int32Array(1024);
  mem = new Float64Array(1024);
  macs = new Float64Array(1024);
  inPlace = new Uint8Array(1024);
  holds: Holds[] = [];
  size = 0;
  push(from: number, mem: number, macs: number, holds: Holds, inPlace: number): void {
    if (this.size === this.from.length) {
      const cap = this.size * 2;
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
      this.from = grow(this.from, new Int32Array(cap));
      this.mem = grow(this.mem, new Float64Array(cap));
      this.macs = grow(this.macs, new Float64Array(cap));
      this.inPlace = grow(this.inPlace, new Uint8Array(cap));
    }
    const e = this.size++;
    this.from[e] = from;
    this.mem[e] = mem;
    this.macs[e] = macs;
    this.inPlace[e] = inPlace;
    this.holds.push(holds);
  }
}

/** stream.ts's paretoOptions (stable: among equal figures the first listed wins). */
function paretoList(options: StreamOption[]): StreamOption[] {
  const sorted = [...options].sort((a, b) => a.bytes - b.bytes || a.macs - b.macs);
  const out: StreamOption[] = [];
  for (const o of sorted) if (out.length === 0 || o.macs < out[out.length - 1]!.macs) out.push(o);
  return out;
}

