/**
 * A front-preserving pruning rule for the fast streaming table (stream-fast.ts): it drops a block's
 * own (chain) options once the block is so long that none of them can be on the Pareto front, so
 * that long chains (2,000 layers: 2,001,000 candidate blocks) stop the walk over block starts early.
 *
 * Why no pruned option is on the front. Let P be a plan whose every block has exactly its layers'
 * full MACs (each output computed once; stream-fast.ts's lineBound: single layers and all-line
 * blocks), with peak U; each of its blocks is an option of the table's (an edge, or dominated by
 * one), and its MACs are the sum of all layers' full MACs (the baseline). If every edge of the table has at least its layers' full MACs, no path
 * has fewer than the baseline, so every front point has bytes <= U (a point with more bytes has MACs
 * >= P's and would be dominated by P), and an option with bytes > U is on no front path. It is also
 * harmless to the search's labels: a label through it has bytes > U at every later node, so it can
 * only dominate (or tie) labels with more bytes than U, which are on no front path either.
 * For a block m..n whose layers are all fully produced (every row and column; strides no larger
 * than kernels, so the steps of every sub-block cover every row), every option has:
 *  - MACs >= its layers' full MACs (every produced row computed at least once);
 *  - bytes >= outMaterial[n] + sum over l in m+1..n of floor(l): layer l either starts a sub-block
 *    (a ring at its input: at least (r - 1) W + 1 pixels for a step of r >= minRows rows, see
 *    stream.ts's ringPixels) or sits inside one (a column cache of kw * (>= minRows) rows), each
 *    times cIn; the tensors across the cut before m only add.
 * That bound only grows as m falls (n fixed), so once it exceeds U every earlier start is pruned.
 * The builder checks the premise on the fly (every edge it emits has at least its layers' full
 * MACs) and falls back to the unpruned table when it does not hold. So it may drop every option
 * over U, and every tail of sub-blocks (stream-fast.ts's lists) over U - outMaterial[n].
 *
 * The split rule (SplitRule, no premise): an option of block m..n is left out when two kept edges
 * m -> k and k -> n+1 fit its bytes with strictly fewer MACs in sum. Every label it would give node
 * n+1 is beaten (strictly fewer MACs, no higher peak) by one through k, or by a label beating that;
 * beating is transitive, so removing labels that are beaten leaves every node's list, the front and
 * its blocks unchanged. Equal MACs are not enough: the option's label would win the tie (the
 * engines keep the earliest source), and the plan's blocks would change among equal-figure plans.
 */
import type { ExactLayers } from './exact.js';
import { rowsFrom, rowsTo } from './geometry.js';
import type { StreamOption } from './stream.js';

/** Full MACs of each layer (every output element once) and their prefix sums (integers: exact). */
export function fullMacs(L: ExactLayers): { layer: Float64Array; prefix: Float64Array } {
  const layer = new Float64Array(L.n);
  const prefix = new Float64Array(L.n + 1);
  for (let l = 0; l < L.n; l++) {
    layer[l] = L.hOut[l]! * L.wOut[l]! * L.cOut[l]! * L.perElementMacs[l]!;
    prefix[l + 1] = prefix[l]! + layer[l]!;
  }
  return { layer, prefix };
}

/**
 * Least bytes layer l adds inside a block whose layers are fully produced (module comment); also
 * whether the layer is regular (strides <= kernels, every output row and column reads something),
 * the premise of that bound and of the MAC bound. An irregular layer gets -1.
 */
export function layerFloors(L: ExactLayers): Float64Array {
  const floors = new Float64Array(L.n);
  for (let l = 0; l < L.n; l++) {
    const window = (i: number, size: number, s: number, p: number, k: number) => Math.min(size, i * s - p + k) - Math.max(0, i * s - p);
    let minRows = Infinity;
    for (let y = 0; y < L.hOut[l]!; y++) minRows = Math.min(minRows, window(y, L.hIn[l]!, L.sh[l]!, L.pt[l]!, L.kh[l]!));
    let minCols = Infinity;
    for (let x = 0; x < L.wOut[l]!; x++) minCols = Math.min(minCols, window(x, L.wIn[l]!, L.sw[l]!, L.pl[l]!, L.kw[l]!));
    const regular = L.sh[l]! <= L.kh[l]! && L.sw[l]! <= L.kw[l]! && minRows >= 1 && minCols >= 1 && minRows < Infinity;
    floors[l] = regular ? L.cIn[l]! * Math.min(L.kw[l]! * minRows, (minRows - 1) * L.wIn[l]! + 1) : -1;
  }
  return floors;
}

/**
 * Whether window layer l reads every pixel of its input (strides no larger than kernels, the first
 * and last windows at the edges). When every window layer of a block does, every pixel of every
 * member is needed, so each of the block's options computes each at least once: MACs >= full.
 */
export function readsWholeInput(L: ExactLayers, l: number): boolean {
  return L.sh[l]! <= L.kh[l]! && L.sw[l]! <= L.kw[l]! && rowsFrom(L, l, 0) === 0 && rowsTo(L, l, L.hOut[l]!) === L.hIn[l]
    && L.pl[l]! >= 0 && (L.wOut[l]! - 1) * L.sw[l]! - L.pl[l]! + L.kw[l]! >= L.wIn[l]!;
}

/** A block's options once settled: ascending bytes, strictly descending MACs; a pool index (holds to rebuild) or the option itself. */
export interface Settled { bytes: number[]; macs: number[]; options: (number | StreamOption)[] }

/**
 * The split rule: an option of block m..n (bytes b, MACs c) is left out when the table already has
 * edges m -> k and k -> n+1 (m < k <= n) with at most b bytes each and fewer MACs in sum. Every
 * label the option would give node n+1 is then beaten by one through k (no higher peak, strictly
 * fewer MACs), so every node's label list, and the front, is the same without it (module comment).
 */
export class SplitRule {
  /** kept[v][m]: the options kept for the edge m -> v. */
  private kept: Settled[][];
  constructor(layers: number) {
    this.kept = Array.from({ length: layers + 1 }, () => []);
  }
  record(m: number, v: number, list: Settled): void {
    if (list.bytes.length) this.kept[v]![m] = list;
  }
  /** The k of the last split found: consecutive options of a block are mostly beaten by the same one. */
  private lastK = -1;
  /** `later[k]`: the options kept for k..n (k > m), settled before m. */
  dominated(m: number, n: number, b: number, c: number, later: Settled[]): boolean {
    if (this.lastK > m && this.lastK <= n && this.beats(m, this.lastK, b, c, later)) return true;
    for (let k = m + 1; k <= n; k++) {
      if (k !== this.lastK && this.beats(m, k, b, c, later)) {
        this.lastK = k;
        return true;
      }
    }
    return false;
  }
  /** Whether kept edges m -> k and k -> n+1 fit b bytes with fewer than c MACs in sum. */
  private beats(m: number, k: number, b: number, c: number, later: Settled[]): boolean {
    const head = this.kept[k]![m];
    const tail = later[k];
    if (!head || !tail) return false;
    const c1 = leastMacsWithin(head, b);
    return c1 < c && c1 + leastMacsWithin(tail, b) < c;
  }
}

/** The fewest MACs of a settled list's options with at most b bytes (Infinity if none). */
function leastMacsWithin(s: Settled, b: number): number {
  let lo = 0;
  let hi = s.bytes.length; // first index with bytes > b
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.bytes[mid]! <= b) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? Infinity : s.macs[lo - 1]!;
}
