/**
 * A front-preserving pruning rule for the fast streaming table (stream-fast.ts): it drops a block's
 * own (chain) options once the block is so long that none of them can be on the Pareto front, so
 * that long chains (2,000 layers: 2,001,000 candidate blocks) stop the walk over block starts early.
 *
 * Why no pruned option is on the front. Let P be a path of the table whose every edge has exactly its
 * layers' full MACs (each output computed once), with peak U; its MACs are the sum of all layers'
 * full MACs (the baseline). If every edge of the table has at least its layers' full MACs, no path
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
 * MACs) and falls back to the unpruned table when it does not hold.
 */
import type { ExactLayers } from './exact.js';
import type { StreamTable } from './stream.js';

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

/** Peak bytes of the best path whose every edge has exactly its layers' full MACs (Infinity if none). */
export function baselinePeak(t: StreamTable, prefix: Float64Array): number {
  const best = new Float64Array(t.layers + 1).fill(Infinity);
  best[0] = 0;
  for (let v = 1; v <= t.layers; v++) {
    for (let e = t.start[v]!; e < t.start[v + 1]!; e++) {
      const m = t.from[e]!;
      if (t.macs[e] === prefix[v]! - prefix[m]!) best[v] = Math.min(best[v]!, Math.max(best[m]!, t.mem[e]!));
    }
  }
  return best[t.layers]!;
}
