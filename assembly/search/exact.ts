// The exact cost model's table (what our executor really allocates): the Wasm port of exactTableOf
// in src/cost/exact.ts, on the block geometry of src/cost/geometry.ts (the specification: row
// windows, cache heights, produced columns, the candidate rule), tested against it on random models
// (test/exact-wasm.test.ts). The caller writes the per-layer inputs that need the graph (live skip
// tensors, materialised sizes, which layers chain and fuse) and the geometry; the edges are
// enumerated here, one walk back per block end, the blocks ending there as suffix sums of per-layer
// terms in the TypeScript's order (so the figures are bit-identical).

import {
  A_CHAINS, A_C_IN, A_C_OUT, A_FROM, A_H_IN, A_H_OUT, A_IN_MAT, A_K, A_KW, A_LIVE, A_LOWEST, A_MACS, A_MASK_A, A_MASK_B,
  A_MEM, A_OTHER, A_OUT_MAT, A_P, A_PEM, A_PL, A_PRODUCED, A_ROWS, A_S, A_SCRATCH, A_SPAN, A_START, A_SW, A_WINDOW, A_W_IN,
  A_W_OUT, G_EDGES, G_LAYERS, G_NODES, G_SCRATCH, capacity, ptr, reserve,
} from './buffers';
import { fail } from './errors';
import { setTable } from './table';

let baseline: f64 = 0;

/** Baseline MACs of the last table built by buildExactTable. */
export function exactBaseline(): f64 {
  return baseline;
}

// @ts-ignore: decorator
@inline function i32At(a: i32, i: i32): i32 {
  return load<i32>(ptr(a) + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function f64At(a: i32, i: i32): f64 {
  return load<f64>(ptr(a) + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function setI32(a: i32, i: i32, v: i32): void {
  store<i32>(ptr(a) + (<usize>i << 2), v);
}

// @ts-ignore: decorator
@inline function outBytes(l: i32): f64 {
  return <f64>i32At(A_H_OUT, l) * <f64>i32At(A_W_OUT, l) * <f64>i32At(A_C_OUT, l);
}

/** geometry.ts rowsFrom / rowsTo: input rows [lo, hi) of layer l that its output rows [a, b) need. */
// @ts-ignore: decorator
@inline function rowsFrom(l: i32, a: i32): i32 {
  return max(0, a * i32At(A_S, l) - i32At(A_P, l));
}
// @ts-ignore: decorator
@inline function rowsTo(l: i32, b: i32): i32 {
  return min(i32At(A_H_IN, l), (b - 1) * i32At(A_S, l) - i32At(A_P, l) + i32At(A_K, l));
}

/** geometry.ts lowestStart: the earliest first layer of a candidate block ending at n. */
function lowestStart(n: i32): i32 {
  if (!i32At(A_WINDOW, n)) return n;
  let T: f64 = <f64>i32At(A_K, n);
  let m = n;
  // The latest producer of an ADD's materialised operand in m+1..n: starts must come after it.
  let bound: i32 = -1;
  while (m > 0) {
    const c = m - 1;
    if (!i32At(A_WINDOW, c) || !i32At(A_CHAINS, c)) break;
    bound = max(bound, i32At(A_OTHER, m));
    if (c <= bound) break;
    T = (T - 1) * <f64>i32At(A_S, c) + <f64>i32At(A_K, c);
    if (!(T <= <f64>i32At(A_H_IN, c))) break;
    m = c;
  }
  return m;
}

/**
 * Builds the fusion DAG of the `n` layers the caller wrote into the layer arrays and returns its
 * edge count. Edges into node v are stored by ascending source, like EdgeTableBuilder does.
 */
export function buildExactTable(n: i32): i32 {
  if (n < 0 || n > capacity(G_LAYERS)) fail('exact table: {0} layers but room for {1}', <f64>n, <f64>capacity(G_LAYERS));
  reserve(G_NODES, n + 2);
  let sum: f64 = 0;
  let maxW: i32 = 1;
  for (let l = 0; l < n; l++) {
    sum += outBytes(l) * f64At(A_PEM, l);
    maxW = max(maxW, max(i32At(A_W_OUT, l), i32At(A_W_IN, l)));
  }
  baseline = sum;

  // Pass 1: the earliest candidate start of every n, and the CSR offsets.
  store<i32>(ptr(A_START), 0);
  store<i32>(ptr(A_START) + 4, 0);
  let count: i64 = 0;
  for (let last = 0; last < n; last++) {
    const lo = lowestStart(last);
    setI32(A_LOWEST, last, lo);
    count += last - lo + 1;
    if (count > i32.MAX_VALUE) fail('exact table: more than 2^31 edges');
    setI32(A_START, last + 2, <i32>count);
  }
  reserve(G_EDGES, <i32>count);
  reserve(G_SCRATCH, maxW);

  // Pass 2: cost every edge, written from the end of its node's range backwards (ascending sources).
  for (let last = 0; last < n; last++) {
    const lo = i32At(A_LOWEST, last);
    walkBlock(lo, last);
    let pos = i32At(A_START, last + 2);
    let cache: f64 = 0;
    let macs: f64 = 0;
    for (let m = last; m >= lo; m--) {
      const tensors = f64At(A_LIVE, m) + f64At(A_IN_MAT, m) + f64At(A_OUT_MAT, last);
      let edgeMem: f64, edgeMacs: f64;
      macs += <f64>i32At(A_SPAN, m) * <f64>i32At(A_PRODUCED, m) * <f64>i32At(A_C_OUT, m) * f64At(A_PEM, m);
      if (m == last) {
        edgeMem = tensors + f64At(A_SCRATCH, last);
        edgeMacs = outBytes(last) * f64At(A_PEM, last);
      } else {
        cache += <f64>i32At(A_KW, m + 1) * <f64>i32At(A_ROWS, m + 1) * <f64>i32At(A_C_IN, m + 1);
        edgeMem = tensors + cache;
        edgeMacs = macs;
      }
      pos--;
      store<i32>(ptr(A_FROM) + (<usize>pos << 2), m);
      store<f64>(ptr(A_MEM) + (<usize>pos << 3), edgeMem);
      store<f64>(ptr(A_MACS) + (<usize>pos << 3), edgeMacs);
    }
  }
  setTable(n, <i32>count);
  return <i32>count;
}

/**
 * geometry.ts walkBlock: walks layer `last`'s output rows back to layer lo; for each layer l in
 * lo..last its cache rows (input rows the current output row needs, at most), its computed output
 * rows summed over the block's output rows, and its produced output columns.
 */
function walkBlock(lo: i32, last: i32): void {
  for (let l = lo; l <= last; l++) {
    setI32(A_ROWS, l, 0);
    setI32(A_SPAN, l, 0);
  }
  const hOut = i32At(A_H_OUT, last);
  for (let y = 0; y < hOut; y++) {
    let a = y;
    let b = y + 1;
    for (let l = last; l >= lo; l--) {
      setI32(A_SPAN, l, i32At(A_SPAN, l) + (b - a));
      const na = rowsFrom(l, a);
      const nb = rowsTo(l, b);
      a = na;
      b = nb;
      if (b - a > i32At(A_ROWS, l)) setI32(A_ROWS, l, b - a);
    }
  }
  // Produced columns: all of layer last's; below, the columns some produced column above reads.
  let mine = ptr(A_MASK_A);
  let need = ptr(A_MASK_B);
  const wLast = i32At(A_W_OUT, last);
  for (let x = 0; x < wLast; x++) store<i32>(mine + (<usize>x << 2), 1);
  setI32(A_PRODUCED, last, wLast);
  for (let l = last; l > lo; l--) {
    const wBelow = i32At(A_W_OUT, l - 1);
    for (let c = 0; c < wBelow; c++) store<i32>(need + (<usize>c << 2), 0);
    const sw = i32At(A_SW, l), pl = i32At(A_PL, l), kw = i32At(A_KW, l);
    const wIn = min(i32At(A_W_IN, l), wBelow); // the TypeScript's typed array ignores writes past its end
    const w = i32At(A_W_OUT, l);
    for (let x = 0; x < w; x++) {
      if (!load<i32>(mine + (<usize>x << 2))) continue;
      const c0 = x * sw - pl;
      const cEnd = min(wIn, c0 + kw);
      for (let c = max(0, c0); c < cEnd; c++) store<i32>(need + (<usize>c << 2), 1);
    }
    let produced = 0;
    for (let c = 0; c < wBelow; c++) produced += load<i32>(need + (<usize>c << 2));
    setI32(A_PRODUCED, l - 1, produced);
    const t = mine;
    mine = need;
    need = t;
  }
}
