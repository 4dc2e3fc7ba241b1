// The paper's analytical cost table (../shared/reference/paper-cost-model.md), the same formulas as
// src/cost/paper.ts, with its generalisation off the square-chain domain (rows and columns apart,
// top and bottom padding apart, blocks only where A_JOINS allows, skip tensors in A_LIVE). Every quantity is an f64 and every division goes through floor(), exactly the
// operations the TypeScript does on JS numbers, in the same order: the tables match to the bit,
// negative quotients (o = h - k in the cache loop) included.

import {
  A_COLS, A_C_IN, A_C_OUT, A_FROM, A_H_IN, A_H_MAX, A_IN_BYTES, A_JOINS, A_K, A_KW, A_LAYER_MACS, A_LIVE, A_MACS, A_MEM,
  A_OUT_BYTES, A_P, A_PB, A_PEM, A_S, A_START, G_EDGES, G_LAYERS, G_NODES, capacity, ptr, reserve,
} from './buffers';
import { fail } from './errors';
import { setTable } from './table';

let baseline: f64 = 0;
// Largest k + 2|p| + 1 over the layers: how much the cache loop's h can change per layer.
let maxGrowth: f64 = 0;

/** Baseline MACs of the last table built by buildPaperTable. */
export function paperBaseline(): f64 {
  return baseline;
}

@inline function i32At(a: usize, i: i32): i32 {
  return load<i32>(a + (<usize>i << 2));
}
@inline function f64At(a: usize, i: i32): f64 {
  return load<f64>(a + (<usize>i << 3));
}

/**
 * Builds the fusion DAG of the `n` layers the caller wrote into the layer arrays and returns its
 * edge count. Edges into node v are stored by ascending source, like EdgeTableBuilder does.
 */
export function buildPaperTable(n: i32): i32 {
  if (n < 0 || n > capacity(G_LAYERS)) fail('paper table: {0} layers but room for {1}', <f64>n, <f64>capacity(G_LAYERS));
  reserve(G_NODES, n + 2);
  const K = ptr(A_K), S = ptr(A_S), H = ptr(A_H_IN), HMAX = ptr(A_H_MAX);
  const LM = ptr(A_LAYER_MACS);

  let sum: f64 = 0;
  for (let i = 0; i < n; i++) sum += f64At(LM, i);
  baseline = sum;

  // The tile of a block only grows as the block reaches back to earlier layers (when every kernel
  // and stride is >= 1), so once it exceeds every earlier input height no earlier start fits and
  // the scan over starts can stop. Without that guarantee (malformed input) scan them all.
  let monotone = true;
  let hMax = i32.MIN_VALUE;
  let growth: f64 = 0;
  for (let i = 0; i < n; i++) {
    if (i32At(K, i) < 1 || i32At(S, i) < 1) monotone = false;
    growth = max(growth, <f64>i32At(K, i) + abs(<f64>i32At(ptr(A_P), i)) + abs(<f64>i32At(ptr(A_PB), i)) + 1);
    hMax = max(hMax, i32At(H, i));
    store<i32>(HMAX + (<usize>i << 2), hMax);
  }

  // Pass 1 counts the valid edges into every node, so the table is sized once and filled in place.
  const START = ptr(A_START);
  store<i32>(START, 0);
  store<i32>(START + 4, 0);
  let count: i64 = 0;
  for (let last = 0; last < n; last++) {
    let T: f64 = 1;
    for (let m = last; m >= 0; m--) {
      if (m < last && !i32At(ptr(A_JOINS), m)) break;
      T = (T - 1) * <f64>i32At(S, m) + <f64>i32At(K, m);
      // Written as in pass 2 (and in the TypeScript) so that the two passes agree on every value.
      if (m == last || !(T > <f64>i32At(H, m))) count++;
      else if (monotone && T > <f64>i32At(HMAX, m)) break;
    }
    if (count > i32.MAX_VALUE) fail('paper table: more than 2^31 edges');
    store<i32>(START + (<usize>(last + 2) << 2), <i32>count);
  }

  reserve(G_EDGES, <i32>count);
  maxGrowth = growth;
  fillEdges(n, monotone);
  setTable(n, <i32>count);
  return <i32>count;
}

// Pass 2: the same scan, now costing each valid edge and writing it from the end of its node's
// range backwards, so that sources come out ascending.
//
// The MACs of block m..last need no loop of their own. The TypeScript walks the tile forward from
// layer m (t = floor((t - k) / s) + 1, st = floor(st / s)), and that walk retraces exactly the
// backward tile of this scan: at layer l it meets T_l and St_l whatever m is. So layer l adds the
// same term to every block ending at `last`, and a block's MACs are a suffix sum of those terms.
// Summed in another order they are still bit-identical as long as every term is an integer and the
// sum of their magnitudes stays below 2^53 (all partial sums are then exact); past that, or without
// the monotone tile, fall back to the TypeScript's own loop.
const EXACT: f64 = 9007199254740992; // 2^53

function fillEdges(n: i32, monotone: bool): void {
  const K = ptr(A_K), S = ptr(A_S), H = ptr(A_H_IN), HMAX = ptr(A_H_MAX);
  const IN = ptr(A_IN_BYTES), OUT = ptr(A_OUT_BYTES), LM = ptr(A_LAYER_MACS);
  const START = ptr(A_START), FROM = ptr(A_FROM), MEM = ptr(A_MEM), MACS = ptr(A_MACS);
  for (let last = 0; last < n; last++) {
    let pos = i32At(START, last + 2);
    let T: f64 = 1;
    let St: f64 = 1;
    let suffix: f64 = 0; // MACs of block m..last while `exact`
    let magnitude: f64 = 0;
    let exact = monotone;
    for (let m = last; m >= 0; m--) {
      if (m < last && !i32At(ptr(A_JOINS), m)) break;
      const s = <f64>i32At(S, m);
      T = (T - 1) * s + <f64>i32At(K, m);
      St *= s;
      if (exact) {
        const term = layerTerm(m, T, St);
        suffix = term + suffix;
        magnitude += abs(term);
        if (term != Math.floor(term) || !(magnitude < EXACT) || !(St < EXACT)) exact = false;
      }
      let mem: f64, macs: f64;
      if (m == last) {
        mem = f64At(IN, m) + f64At(OUT, m);
        macs = f64At(LM, m);
      } else {
        if (T > <f64>i32At(H, m)) {
          if (monotone && T > <f64>i32At(HMAX, m)) break;
          continue;
        }
        // Small values (always, for real models): the same arithmetic on i32s, a much shorter
        // dependency chain than f64 adds. Bounds keep every h and o well inside i32.
        const small = monotone && St < 1073741824 && T + <f64>(last - m + 1) * maxGrowth < 1073741824;
        mem = small ? blockMemSmall(m, last, <i32>T, St) : blockMem(m, last, T, St);
        macs = exact ? suffix : blockMacs(m, last, T, St);
      }
      // The network input and output are not counted by the edges at the ends.
      if (m == 0) mem -= f64At(IN, 0);
      if (last == n - 1) mem -= f64At(OUT, n - 1);
      mem += f64At(ptr(A_LIVE), m);
      pos--;
      store<i32>(FROM + (<usize>pos << 2), m);
      store<f64>(MEM + (<usize>pos << 3), mem);
      store<f64>(MACS + (<usize>pos << 3), macs);
    }
  }
}

/**
 * Cache memory of block m..last at its last tile, plus its input and output tensors. Stride-1
 * layers (most of them) skip the divisions: x / 1 is x, and every value here is an integer (or
 * +-Infinity / NaN, which floor() also leaves alone), so floor(x / 1) is x.
 */
function blockMem(m: i32, last: i32, T: f64, St: f64): f64 {
  const K = ptr(A_K), S = ptr(A_S), P = ptr(A_P), PB = ptr(A_PB), KW = ptr(A_KW), H = ptr(A_H_IN), CIN = ptr(A_C_IN);
  const iStar = Math.floor((<f64>i32At(H, m) - T) / St) * St;
  let h = T;
  let cs: f64 = 1;
  let r = iStar; // floor(iStar / cs); changes only when cs does
  let cache: f64 = 0;
  for (let l = m; l <= last; l++) {
    const k = <f64>i32At(K, l);
    const si = i32At(S, l);
    const s = <f64>si;
    if (si != 1) {
      cs *= s;
      r = Math.floor(iStar / cs);
    }
    let o = h - k;
    if (r == 0) o += <f64>i32At(P, l);
    if (r + h >= <f64>i32At(H, l)) o += <f64>i32At(PB, l);
    cache += <f64>i32At(KW, l) * h * <f64>i32At(CIN, l);
    h = si == 1 ? o + 1 : Math.floor(o / s) + 1;
  }
  return cache + f64At(ptr(A_IN_BYTES), m) + f64At(ptr(A_OUT_BYTES), last);
}

/**
 * blockMem for a monotone chain whose h stays below 2^30 in magnitude: h, o and r as i32 (exact, so
 * floor division gives what Math.floor(o / s) gives on the same integers), the cache sum still in
 * f64, term by term as in the TypeScript.
 */
function blockMemSmall(m: i32, last: i32, T: i32, St: f64): f64 {
  const K = ptr(A_K), S = ptr(A_S), P = ptr(A_P), PB = ptr(A_PB), KW = ptr(A_KW), H = ptr(A_H_IN), CIN = ptr(A_C_IN);
  // 0 <= iStar <= H - T < 2^31: T fits in the input (a valid block) and St >= 1.
  const iStar = Math.floor((<f64>i32At(H, m) - <f64>T) / St) * St;
  let h = T;
  let cs: f64 = 1;
  let r = <i32>iStar;
  let cache: f64 = 0;
  for (let l = m; l <= last; l++) {
    const k = i32At(K, l);
    const s = i32At(S, l);
    if (s != 1) {
      cs *= <f64>s;
      r = <i32>Math.floor(iStar / cs);
    }
    let o = h - k;
    if (r == 0) o += i32At(P, l);
    if (h >= i32At(H, l) - r) o += i32At(PB, l); // r + h >= H without overflow
    cache += <f64>i32At(KW, l) * <f64>h * <f64>i32At(CIN, l);
    h = (s == 1 ? o : floorDiv(o, s)) + 1;
  }
  return cache + f64At(ptr(A_IN_BYTES), m) + f64At(ptr(A_OUT_BYTES), last);
}

/** floor(a / b) for b >= 1; i32 division truncates toward zero, so round negative quotients down. */
@inline function floorDiv(a: i32, b: i32): i32 {
  const q = a / b;
  return a < 0 && q * b != a ? q - 1 : q;
}

/**
 * The MACs layer l adds to a block when its tile there is t rows with stride st; never fewer than
 * the layer alone (src/cost/paper.ts, paperBlockCost).
 */
@inline function layerTerm(l: i32, t: f64, st: f64): f64 {
  const k = <f64>i32At(ptr(A_K), l);
  const s = <f64>i32At(ptr(A_S), l);
  const h = <f64>i32At(ptr(A_H_IN), l);
  const rowsOuter = Math.floor((h + <f64>i32At(ptr(A_P), l) + <f64>i32At(ptr(A_PB), l) - t) / st) + 1;
  const rowsInner = Math.floor((t - k) / s) + 1;
  return max(rowsOuter * f64At(ptr(A_COLS), l) * rowsInner * <f64>i32At(ptr(A_C_OUT), l) * f64At(ptr(A_PEM), l), f64At(ptr(A_LAYER_MACS), l));
}

/** MACs of block m..last, term by term in the TypeScript's order: rows recomputed per tile. */
function blockMacs(m: i32, last: i32, T: f64, St: f64): f64 {
  const K = ptr(A_K), S = ptr(A_S);
  let t = T;
  let st = St;
  let macs: f64 = 0;
  for (let l = m; l <= last; l++) {
    const k = <f64>i32At(K, l);
    const s = <f64>i32At(S, l);
    macs += layerTerm(l, t, st);
    t = Math.floor((t - k) / s) + 1;
    st = Math.floor(st / s);
  }
  return macs;
}
