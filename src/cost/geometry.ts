/**
 * The geometry of a fusion block, stated once: the specification that the exact cost model
 * (exact.ts), the schedule (src/plan/schedule.ts) and the search engines' tables read, and that the
 * Wasm ports (assembly/search/exact.ts for the table, assembly/exec/fused.ts for the executor) and
 * the C walker follow; the tests check the ports against this module on random models.
 *
 * A block of layers m..n produces layer n's output one row at a time, columns left to right. For one
 * output row y, layer l computes output rows [a, b) and reads input rows [rowsFrom(l, a), rowsTo(l, b)), which
 * are layer l-1's output rows, back to layer m, which reads its materialised input. Every layer
 * l > m keeps a column cache of kw_l columns x the most input rows any output row needs x C_in. A
 * layer's rows, cache height and produced columns depend on n and l only, never on m: one walk back
 * from n serves every block ending at n.
 *
 * The candidate rule (the paper's validity rule, plus the graph conditions): m..n is a chain segment
 * of window ops and ADDs whose outputs feed only the next layer, every fused ADD's materialised
 * operand is produced before m, and the one-pixel receptive field of layer n traced back to m with
 * padding ignored, T(m) = (T(m+1) - 1) * s_m + k_m, is no taller than layer m's input. The rule is
 * monotone in m: once T exceeds a layer's input, it exceeds every earlier one's (the output-size
 * formula gives T(m-1) - H_in(m-1) >= 1), so the candidates ending at n are exactly m >= lowestStart(n).
 */

/** Per-layer geometry in flat arrays (rows and columns apart: non-square models are fine). */
export interface LayerGeometry {
  n: number;
  /** 1 for the ops a fusion block can contain: window ops (conv, depthwise, pools) and ADD. */
  window: Uint8Array;
  /** 1 when layer l's output feeds only layer l+1 (so l and l+1 can fuse). */
  chainsToNext: Uint8Array;
  /**
   * ADD layers: the producer of the operand that is not layer l-1's output (-1 for the model input),
   * which must come before the block's first layer unless l is that first layer. -1 for other ops.
   */
  otherProducer: Int32Array;
  kh: Int32Array; kw: Int32Array; sh: Int32Array; sw: Int32Array; pt: Int32Array; pl: Int32Array;
  hIn: Int32Array; wIn: Int32Array; cIn: Int32Array;
  hOut: Int32Array; wOut: Int32Array; cOut: Int32Array;
  perElementMacs: Float64Array;
}

/** The row window: input rows [rowsFrom(a), rowsTo(b)) of layer l that its output rows [a, b) need, clipped to the tensor. */
export const rowsFrom = (G: LayerGeometry, l: number, a: number): number => Math.max(0, a * G.sh[l]! - G.pt[l]!);
export const rowsTo = (G: LayerGeometry, l: number, b: number): number => Math.min(G.hIn[l]!, (b - 1) * G.sh[l]! - G.pt[l]! + G.kh[l]!);

/** The earliest first layer of a candidate block ending at n (n itself when there is none). */
export function lowestStart(G: LayerGeometry, n: number): number {
  if (!G.window[n]) return n;
  let T = G.kh[n]!;
  let m = n;
  // The latest producer of a fused ADD's materialised operand in m+1..n: starts must come after it.
  let bound = -1;
  while (m > 0) {
    const c = m - 1;
    if (!G.window[c] || !G.chainsToNext[c]) break;
    bound = Math.max(bound, G.otherProducer[m]!);
    if (c <= bound) break;
    T = (T - 1) * G.sh[c]! + G.kh[c]!;
    if (!(T <= G.hIn[c]!)) break;
    m = c;
  }
  return m;
}

/** Whether layers m..n (m < n) form a candidate fusion block. */
export function blockIsCandidate(G: LayerGeometry, m: number, n: number): boolean {
  return m < n && m >= lowestStart(G, n);
}

/** What one walk back from layer n's output finds for each layer l of lo..n (arrays indexed by l). */
export interface BlockWalk {
  /** Most input rows one output row of layer n needs at layer l: its cache height when l > m. */
  rows: Int32Array;
  /** Output rows layer l computes, summed over layer n's output rows (rows are recomputed). */
  span: Int32Array;
  /** Output columns of layer l that get produced: all of n's, and below what the layer above reads. */
  produced: Int32Array;
}

/** Walks layer n's output rows and columns back to layer lo; `into` (length >= n + 1) is reused. */
export function walkBlock(G: LayerGeometry, lo: number, n: number, into?: BlockWalk): BlockWalk {
  const w = into ?? { rows: new Int32Array(n + 1), span: new Int32Array(n + 1), produced: new Int32Array(n + 1) };
  const { rows, span, produced } = w;
  rows.fill(0, lo, n + 1);
  span.fill(0, lo, n + 1);
  for (let y = 0; y < G.hOut[n]!; y++) {
    let a = y;
    let b = y + 1;
    for (let l = n; l >= lo; l--) {
      span[l] = span[l]! + (b - a);
      a = rowsFrom(G, l, a);
      b = rowsTo(G, l, b);
      if (b - a > rows[l]!) rows[l] = b - a;
    }
  }
  let mine = new Uint8Array(G.wOut[n]!).fill(1);
  produced[n] = mine.length;
  for (let l = n; l > lo; l--) {
    const need = new Uint8Array(G.wOut[l - 1]!);
    const wIn = Math.min(G.wIn[l]!, need.length);
    for (let x = 0; x < mine.length; x++) {
      if (!mine[x]) continue;
      const c0 = x * G.sw[l]! - G.pl[l]!;
      for (let c = Math.max(0, c0); c < Math.min(wIn, c0 + G.kw[l]!); c++) need[c] = 1;
    }
    produced[l - 1] = need.reduce((s, v) => s + v, 0);
    mine = need;
  }
  return w;
}

/** Bytes of layer l's column cache holding `rows` input rows. */
export function cacheBytes(G: LayerGeometry, l: number, rows: number): number {
  return G.kw[l]! * rows * G.cIn[l]!;
}

/** MACs layer l performs in a block, from the walk. */
export function stageMacs(G: LayerGeometry, w: BlockWalk, l: number): number {
  return w.span[l]! * w.produced[l]! * G.cOut[l]! * G.perElementMacs[l]!;
}

/** Cache heights of the fused block m..n: rows[l - m] for l > m (0 for l = m). */
export function cacheRows(G: LayerGeometry, m: number, n: number): Int32Array {
  const w = walkBlock(G, m, n);
  const rows = w.rows.slice(m, n + 1);
  rows[0] = 0;
  return rows;
}

/**
 * Cache bytes and MACs of the fused block m..n, summed from layer n down: the order in which the
 * exact table's suffix sums meet them, so a plan's figures equal its table edges bit for bit.
 */
export function blockCost(G: LayerGeometry, m: number, n: number): { cache: number; macs: number } {
  const w = walkBlock(G, m, n);
  let cache = 0;
  let macs = 0;
  for (let l = n; l >= m; l--) {
    macs += stageMacs(G, w, l);
    if (l > m) cache += cacheBytes(G, l, w.rows[l]!);
  }
  return { cache, macs };
}
