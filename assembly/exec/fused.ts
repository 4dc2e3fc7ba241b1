// Runs one edge of a plan: a single layer over whole tensors, or a fusion block of layers computed
// patch by patch: the port of the block geometry of src/cost/geometry.ts (row windows, cache heights;
// src/cost/exact.ts prices the memory it needs, which is exactly what this uses, as the executor
// tests measure).
//
// A block produces its last layer's output one row at a time, columns left to right. Layer j > 0
// keeps a column cache holding input columns [c0, c0 + kw) of the rows the current output row needs.
// Producing a column of layer j first slides its cache to the column's window, then asks layer j-1
// for the missing columns, which does the same one level down. The walk is iterative (a target
// column per layer) so that the generated C can follow it without recursion. An ADD in a block is a
// 1x1 stride-1 window over its in-block operand; it reads its other operand from the materialised
// tensor (L_OTHER) at the same pixels, in its own operand order (L_OTHER_FIRST).
import { OP_ADD, D_OP, D_IN_H, D_IN_W, D_IN_C, D_KH, D_KW, D_OUT_C, D_OUT_H, D_OUT_W, D_PAD_L, D_PAD_T, D_SH, D_SW, dget } from '../kernels/desc';
import { addWindow, isWindowOp, runWhole, runWindow } from './dispatch';
import {
  L_C0, L_CACHE, L_CACHE_ROWS, L_DESC, L_IN_A, L_IN_B, L_MACS_PER_ELEMENT, L_NEXT, L_OTHER, L_OTHER_FIRST, L_OUT_A, L_OUT_B,
  L_ROWS_USED, L_TARGET,
  P_AUX, P_IN, P_LAYERS, P_OUT, lw,
} from './program';

const NO_WINDOW: i32 = -0x40000000;

/** MACs performed since the last reset (nominal: output elements x MACs per element). */
let macsDone: f64 = 0;
export function getMacs(): f64 {
  return macsDone;
}
export function resetMacs(): void {
  macsDone = 0;
}

// @ts-ignore: decorator
@inline function get(prog: usize, j: i32, f: i32): i32 {
  return load<i32>(lw(prog, j, f));
}
// @ts-ignore: decorator
@inline function set(prog: usize, j: i32, f: i32, v: i32): void {
  store<i32>(lw(prog, j, f), v);
}

/** Moves the cache of layer j so that it starts at logical column c0, keeping the overlap. */
function slide(prog: usize, j: i32, c0: i32): void {
  const desc = <usize>get(prog, j, L_DESC);
  const old = get(prog, j, L_C0);
  set(prog, j, L_C0, c0);
  if (old == NO_WINDOW) return;
  const kw = dget(desc, D_KW);
  const shift = c0 - old;
  const keep = kw - shift;
  if (keep <= 0 || shift == 0) return;
  const c = dget(desc, D_IN_C);
  const rows = get(prog, j, L_IN_B) - get(prog, j, L_IN_A);
  const cache = <usize>get(prog, j, L_CACHE);
  for (let r = 0; r < rows; r++) {
    const rowBase = cache + <usize>(r * kw * c);
    memory.copy(rowBase, rowBase + <usize>(shift * c), <usize>(keep * c));
  }
}

/** Computes output columns [x, xEnd) of layer j for the current rows, into layer j+1's cache (or the output). */
function computeColumns(prog: usize, j: i32, last: i32, x: i32, xEnd: i32): void {
  const desc = <usize>get(prog, j, L_DESC);
  const oy0 = get(prog, j, L_OUT_A);
  const oy1 = get(prog, j, L_OUT_B);
  let inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32;
  if (j == 0) {
    inPtr = <usize>load<i32>(prog + (<usize>P_IN << 2));
    inRow0 = 0;
    inCol0 = 0;
    inRows = dget(desc, D_IN_H);
    inCols = dget(desc, D_IN_W);
  } else {
    inPtr = <usize>get(prog, j, L_CACHE);
    inRow0 = get(prog, j, L_IN_A);
    inCol0 = get(prog, j, L_C0);
    inRows = get(prog, j, L_IN_B) - inRow0;
    inCols = dget(desc, D_KW);
  }
  let outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32;
  if (j == last) {
    outPtr = <usize>load<i32>(prog + (<usize>P_OUT << 2));
    outRow0 = 0;
    outCol0 = 0;
    outCols = dget(desc, D_OUT_W);
  } else {
    const next = <usize>get(prog, j + 1, L_DESC);
    outPtr = <usize>get(prog, j + 1, L_CACHE);
    outRow0 = get(prog, j + 1, L_IN_A);
    outCol0 = get(prog, j + 1, L_C0);
    outCols = dget(next, D_KW);
  }
  if (dget(desc, D_OP) == OP_ADD) {
    // ADD: the in-block operand from the buffer above, the other one from its materialised tensor.
    const other = <usize>get(prog, j, L_OTHER);
    addWindow(desc, inPtr, inRow0, inCol0, inCols, other, get(prog, j, L_OTHER_FIRST) != 0, outPtr, outRow0, outCol0, outCols, oy0, oy1, x, xEnd);
  } else runWindow(desc, inPtr, inRow0, inCol0, inRows, inCols, outPtr, outRow0, outCol0, outCols, oy0, oy1, x, xEnd);
  macsDone += <f64>(oy1 - oy0) * <f64>(xEnd - x) * <f64>dget(desc, D_OUT_C) * <f64>get(prog, j, L_MACS_PER_ELEMENT);
  set(prog, j, L_NEXT, xEnd);
}

/** Runs the edge described by the program at `prog`. */
export function runBlock(prog: usize): void {
  const layers = load<i32>(prog + (<usize>P_LAYERS << 2));
  const last = layers - 1;
  const lastDesc = <usize>get(prog, last, L_DESC);
  if (layers == 1) {
    // A single layer: one kernel call over whole tensors.
    const inPtr = <usize>load<i32>(prog + (<usize>P_IN << 2));
    const outPtr = <usize>load<i32>(prog + (<usize>P_OUT << 2));
    const h = dget(lastDesc, D_IN_H);
    const w = dget(lastDesc, D_IN_W);
    const ow = dget(lastDesc, D_OUT_W);
    const oh = outHeight(lastDesc);
    if (isWindowOp(dget(lastDesc, D_OP))) runWindow(lastDesc, inPtr, 0, 0, h, w, outPtr, 0, 0, ow, 0, oh, 0, ow);
    else runWhole(lastDesc, inPtr, <usize>load<i32>(prog + (<usize>P_AUX << 2)), outPtr);
    macsDone += <f64>oh * <f64>ow * <f64>dget(lastDesc, D_OUT_C) * <f64>get(prog, 0, L_MACS_PER_ELEMENT);
    return;
  }
  const outH = outHeight(lastDesc);
  const outW = dget(lastDesc, D_OUT_W);
  for (let y = 0; y < outH; y++) {
    // Row ranges for this output row, from the last layer back to the first (geometry.ts rowsFrom / rowsTo).
    let a = y;
    let b = y + 1;
    for (let j = last; j >= 0; j--) {
      const d = <usize>get(prog, j, L_DESC);
      set(prog, j, L_OUT_A, a);
      set(prog, j, L_OUT_B, b);
      const sh = dget(d, D_SH);
      const pt = dget(d, D_PAD_T);
      const lo = max(0, a * sh - pt);
      const hi = min(dget(d, D_IN_H), (b - 1) * sh - pt + dget(d, D_KH));
      set(prog, j, L_IN_A, lo);
      set(prog, j, L_IN_B, hi);
      assert(j == 0 || hi - lo <= get(prog, j, L_CACHE_ROWS), 'column cache has too few rows');
      if (hi - lo > get(prog, j, L_ROWS_USED)) set(prog, j, L_ROWS_USED, hi - lo);
      set(prog, j, L_C0, NO_WINDOW);
      set(prog, j, L_NEXT, 0);
      a = lo;
      b = hi;
    }
    for (let x = 0; x < outW; x++) {
      let j = last;
      set(prog, j, L_TARGET, x);
      while (true) {
        if (j > 0) {
          const d = <usize>get(prog, j, L_DESC);
          const w0 = get(prog, j, L_TARGET) * dget(d, D_SW) - dget(d, D_PAD_L);
          if (get(prog, j, L_C0) != w0) slide(prog, j, w0);
          const needHi = min(w0 + dget(d, D_KW), dget(d, D_IN_W));
          const have = get(prog, j - 1, L_NEXT);
          if (have < needHi) {
            if (j == 1) {
              // The block's first layer reads its whole input tensor, so every column layer 1's
              // window still lacks comes from one kernel call (fewer calls, the same columns).
              computeColumns(prog, 0, last, max(have, w0), needHi);
              continue;
            }
            set(prog, j - 1, L_TARGET, max(have, w0));
            j--;
            continue;
          }
        }
        const x = get(prog, j, L_TARGET);
        computeColumns(prog, j, last, x, x + 1);
        if (j == last) break;
        j++;
      }
    }
  }
}

// @ts-ignore: decorator
@inline function outHeight(desc: usize): i32 {
  return dget(desc, D_OUT_H);
}
