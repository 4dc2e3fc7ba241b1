// The Pareto front of the fusion DAG: labels pushed along the nodes in topological order, the same
// algorithm as src/plan/solver-js.ts (read its header for why it is correct), with the same merge
// order and tie-break so that both engines return identical fronts, blocks included.
//
// Labels live in flat arrays (peak, macs, prev, node); node v's labels are
// nodeStart[v] .. nodeStart[v+1]-1, ascending in peak and strictly descending in MACs. A node's list
// is built in two scratch lists X and Y used in turn, then appended to the labels.

import {
  A_FROM, A_L_MACS, A_L_NODE, A_L_PEAK, A_L_PREV, A_MACS, A_MEM, A_NODE_START, A_START,
  A_X_MACS, A_X_PEAK, A_X_PREV, A_Y_MACS, A_Y_PEAK, A_Y_PREV, G_LABELS, G_SCRATCH, capacity, ptr, reserve,
} from './buffers';
import { fail } from './errors';
import { tableEdges, tableLayers } from './table';

@inline function i32At(a: usize, i: i32): i32 {
  return load<i32>(a + (<usize>i << 2));
}
@inline function f64At(a: usize, i: i32): f64 {
  return load<f64>(a + (<usize>i << 3));
}

/**
 * Runs the search on the current edge table. Returns the number of labels; the front is the labels
 * of node N (nodeStart[N] .. nodeStart[N+1]-1), each path found by following prev back to node 0.
 */
export function solveFront(): i32 {
  const N = tableLayers();
  if (N < 0) fail('front: there is no edge table to search (the last one was discarded)');
  checkOffsets(N, tableEdges());

  reserve(G_LABELS, 1);
  let NS = ptr(A_NODE_START);
  store<f64>(ptr(A_L_PEAK), 0);
  store<f64>(ptr(A_L_MACS), 0);
  store<i32>(ptr(A_L_PREV), -1);
  store<i32>(ptr(A_L_NODE), 0);
  store<i32>(NS, 0);
  store<i32>(NS + 4, 1);
  let total: i32 = 1;

  for (let v = 1; v <= N; v++) {
    const START = ptr(A_START);
    const eEnd = i32At(START, v + 1);
    let len: i32 = 0; // length of the current list
    let inX = true; // whether the current list is X (else Y)
    for (let e = i32At(START, v); e < eEnd; e++) {
      const u = i32At(ptr(A_FROM), e);
      // Labels of later nodes do not exist yet: such an edge would read garbage.
      if (<u32>u >= <u32>v)
        fail('malformed edge table: edge {0} goes from node {1} to node {2}; every edge must go from a lower node to a higher one', <f64>e, <f64>u, <f64>v);
      const mem = f64At(ptr(A_MEM), e);
      // A NaN peak would break the sorted order that the collapse search relies on.
      if (isNaN(mem)) fail('malformed edge table: edge {0} (from node {1}) has NaN memory', <f64>e, <f64>u);
      const uStart = i32At(NS, u);
      const uEnd = i32At(NS, u + 1);
      if (uStart == uEnd) continue; // u unreachable
      const first = collapse(ptr(A_L_PEAK), uStart, uEnd, mem);
      const need = len + (uEnd - first);
      if (need > capacity(G_SCRATCH)) {
        reserve(G_SCRATCH, need);
        NS = ptr(A_NODE_START);
      }
      len = inX
        ? merge(ptr(A_X_PEAK), ptr(A_X_MACS), ptr(A_X_PREV), len, ptr(A_Y_PEAK), ptr(A_Y_MACS), ptr(A_Y_PREV), first, uEnd, mem, f64At(ptr(A_MACS), e))
        : merge(ptr(A_Y_PEAK), ptr(A_Y_MACS), ptr(A_Y_PREV), len, ptr(A_X_PEAK), ptr(A_X_MACS), ptr(A_X_PREV), first, uEnd, mem, f64At(ptr(A_MACS), e));
      inX = !inX;
    }
    if (total + len < total) fail('front: more than 2^31 labels');
    if (reserve(G_LABELS, total + len)) NS = ptr(A_NODE_START);
    append(total, len, v, inX);
    total += len;
    store<i32>(NS + (<usize>(v + 1) << 2), total);
  }
  return total;
}

/** The incoming-edge ranges must be ascending and inside the table, or the loops would run wild. */
function checkOffsets(N: i32, E: i32): void {
  const START = ptr(A_START);
  for (let v = 1; v <= N; v++) {
    const a = i32At(START, v);
    const b = i32At(START, v + 1);
    if (a < 0 || b < a || b > E)
      fail('malformed edge table: the incoming edges of node {0} are given as {1} .. {2}, not a range inside the table', <f64>v, <f64>a, <f64>b - 1);
  }
}

/**
 * Following an edge of memory `mem` maps every label with peak <= mem onto peak `mem`; of those only
 * the last (cheapest) survives. Returns its index: the last i in [lo, hi) with peak <= mem, or lo.
 * Peaks ascend strictly, so a binary search finds the same index as the TypeScript's linear scan.
 */
@inline function collapse(PEAK: usize, lo: i32, hi: i32, mem: f64): i32 {
  let h = hi - 1;
  while (lo < h) {
    const mid = (lo + h + 1) >>> 1;
    if (f64At(PEAK, mid) <= mem) lo = mid;
    else h = mid - 1;
  }
  return lo;
}

/**
 * Pareto merge of list A (length aLen) with the image of labels first .. end-1 under the edge
 * (mem, em), into C; returns C's length. On equal peaks A (earlier sources) wins when its MACs are
 * not larger, and a point is kept only if it is strictly cheaper than everything before it.
 */
function merge(
  AP: usize, AM: usize, AR: usize, aLen: i32,
  CP: usize, CM: usize, CR: usize,
  first: i32, end: i32, mem: f64, em: f64,
): i32 {
  const LP = ptr(A_L_PEAK);
  const LM = ptr(A_L_MACS);
  let i: i32 = 0;
  let j = first;
  let out: i32 = 0;
  let best = Infinity;
  while (i < aLen && j < end) {
    const lp = f64At(LP, j);
    const bp = lp > mem ? lp : mem;
    const bc = f64At(LM, j) + em;
    const ap = f64At(AP, i);
    const ac = f64At(AM, i);
    let p: f64, c: f64, prev: i32;
    if (ap < bp || (ap == bp && ac <= bc)) {
      p = ap;
      c = ac;
      prev = i32At(AR, i);
      i++;
    } else {
      p = bp;
      c = bc;
      prev = j;
      j++;
    }
    if (c < best) {
      best = c;
      store<f64>(CP + (<usize>out << 3), p);
      store<f64>(CM + (<usize>out << 3), c);
      store<i32>(CR + (<usize>out << 2), prev);
      out++;
    }
  }
  for (; i < aLen; i++) {
    const c = f64At(AM, i);
    if (c < best) {
      best = c;
      store<f64>(CP + (<usize>out << 3), f64At(AP, i));
      store<f64>(CM + (<usize>out << 3), c);
      store<i32>(CR + (<usize>out << 2), i32At(AR, i));
      out++;
    }
  }
  for (; j < end; j++) {
    const lp = f64At(LP, j);
    const c = f64At(LM, j) + em;
    if (c < best) {
      best = c;
      store<f64>(CP + (<usize>out << 3), lp > mem ? lp : mem);
      store<f64>(CM + (<usize>out << 3), c);
      store<i32>(CR + (<usize>out << 2), j);
      out++;
    }
  }
  return out;
}

/** Appends the finished list of node v (X or Y) to the labels at index `at`. */
function append(at: i32, len: i32, v: i32, inX: bool): void {
  const P = inX ? ptr(A_X_PEAK) : ptr(A_Y_PEAK);
  const M = inX ? ptr(A_X_MACS) : ptr(A_Y_MACS);
  const R = inX ? ptr(A_X_PREV) : ptr(A_Y_PREV);
  const o = <usize>at;
  memory.copy(ptr(A_L_PEAK) + (o << 3), P, <usize>len << 3);
  memory.copy(ptr(A_L_MACS) + (o << 3), M, <usize>len << 3);
  memory.copy(ptr(A_L_PREV) + (o << 2), R, <usize>len << 2);
  const NODE = ptr(A_L_NODE) + (o << 2);
  for (let k = 0; k < len; k++) store<i32>(NODE + (<usize>k << 2), v);
}
