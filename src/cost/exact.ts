/**
 * The exact cost model: the bytes and MACs our executor really uses (src/runtime/executor.ts and
 * assembly/exec/fused.ts), so that predicted == measured, to the byte.
 *
 * How a fusion block of layers m..n runs: layer n's output is produced one row at a time (a tile one
 * output row high), sweeping columns left to right. Layer m reads its materialised input tensor
 * directly. Every later layer l keeps a column cache of kw_l columns x the input rows that the
 * current output row needs (rows are recomputed for each output row, columns are produced once per
 * row and reused while the window slides). Accumulators are registers (one output element at a
 * time), so there is no other scratch, and int8 buffers need no alignment.
 *
 * The network input and output are the caller's buffers (the C API takes them as pointers), so, as
 * in the paper, the edges at the ends do not count them.
 *
 * A block is a candidate only when the one-pixel receptive field of layer n, traced back to layer m
 * with padding ignored, is no taller than layer m's input (the paper's validity rule): a longer block
 * would recompute its whole input for every output row.
 */
import { type Model, WINDOW_OPS, inputShape, isChain, macsPerElement, outputShape } from '../model/ir.js';
import { ModelError } from '../errors.js';
import { type EdgeTable, EdgeTableBuilder } from './table.js';

/** Per-layer geometry in flat arrays (heights and widths apart: non-square models are fine). */
export interface ExactLayers {
  n: number;
  kh: Int32Array; kw: Int32Array; sh: Int32Array; sw: Int32Array; pt: Int32Array; pl: Int32Array;
  hIn: Int32Array; wIn: Int32Array; cIn: Int32Array;
  hOut: Int32Array; wOut: Int32Array; cOut: Int32Array;
  perElementMacs: Float64Array;
}

export function exactLayers(model: Model): ExactLayers {
  if (!isChain(model))
    throw new ModelError(`${model.name}: the exact cost model handles chains in this version; graphs with skip connections are not supported yet`);
  const n = model.layers.length;
  const i32 = () => new Int32Array(n);
  const L: ExactLayers = {
    n, kh: i32(), kw: i32(), sh: i32(), sw: i32(), pt: i32(), pl: i32(),
    hIn: i32(), wIn: i32(), cIn: i32(), hOut: i32(), wOut: i32(), cOut: i32(),
    perElementMacs: new Float64Array(n),
  };
  model.layers.forEach((layer, i) => {
    if (!WINDOW_OPS.has(layer.op)) throw new ModelError(`${model.name} layer ${i}: ${layer.op} cannot be planned by the exact cost model yet`);
    const a = inputShape(model, layer);
    const b = outputShape(model, layer);
    L.kh[i] = layer.kernel[0]; L.kw[i] = layer.kernel[1];
    L.sh[i] = layer.stride[0]; L.sw[i] = layer.stride[1];
    L.pt[i] = layer.padding[0]; L.pl[i] = layer.padding[2];
    L.hIn[i] = a[0]; L.wIn[i] = a[1]; L.cIn[i] = a[2];
    L.hOut[i] = b[0]; L.wOut[i] = b[1]; L.cOut[i] = b[2];
    L.perElementMacs[i] = macsPerElement(model, layer);
  });
  return L;
}

/** Input rows [lo, hi) of layer l that its output rows [a, b) need, clipped to the tensor. */
export function inputRows(L: ExactLayers, l: number, a: number, b: number): [number, number] {
  const lo = Math.max(0, a * L.sh[l]! - L.pt[l]!);
  const hi = Math.min(L.hIn[l]!, (b - 1) * L.sh[l]! - L.pt[l]! + L.kh[l]!);
  return [lo, hi];
}

/** The paper's validity rule: the receptive-field height, padding ignored, fits layer m's input. */
export function blockIsCandidate(L: ExactLayers, m: number, n: number): boolean {
  let T = 1;
  for (let l = n; l >= m; l--) T = (T - 1) * L.sh[l]! + L.kh[l]!;
  return T <= L.hIn[m]!;
}

/**
 * Which output columns of each layer of the block get produced: all of layer n's, and for l < n the
 * columns that some produced column of layer l+1 reads. produced[l - m][c] = 1.
 */
export function producedColumns(L: ExactLayers, m: number, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  out[n - m] = new Uint8Array(L.wOut[n]!).fill(1);
  for (let l = n; l > m; l--) {
    const need = new Uint8Array(L.wOut[l - 1]!);
    const mine = out[l - m]!;
    for (let x = 0; x < mine.length; x++) {
      if (!mine[x]) continue;
      const c0 = x * L.sw[l]! - L.pl[l]!;
      for (let c = Math.max(0, c0); c < Math.min(L.wIn[l]!, c0 + L.kw[l]!); c++) need[c] = 1;
    }
    out[l - 1 - m] = need;
  }
  return out;
}

/** Cache sizes of a fused block: cacheRows[l - m] for l > m (0 for l = m). */
export function cacheRows(L: ExactLayers, m: number, n: number): Int32Array {
  const rows = new Int32Array(n - m + 1);
  for (let y = 0; y < L.hOut[n]!; y++) {
    let a = y;
    let b = y + 1;
    for (let l = n; l > m; l--) {
      [a, b] = inputRows(L, l, a, b);
      rows[l - m] = Math.max(rows[l - m]!, b - a);
    }
  }
  return rows;
}

export function cacheBytes(L: ExactLayers, l: number, rows: number): number {
  return L.kw[l]! * rows * L.cIn[l]!;
}

/** Bytes (excluding the block's input and output tensors) and MACs of the fused block m..n. */
export function exactBlockCost(L: ExactLayers, m: number, n: number): { cache: number; macs: number } {
  const rows = cacheRows(L, m, n);
  let cache = 0;
  for (let l = m + 1; l <= n; l++) cache += cacheBytes(L, l, rows[l - m]!);
  const produced = producedColumns(L, m, n).map((p) => p.reduce((s, v) => s + v, 0));
  let macs = 0;
  for (let y = 0; y < L.hOut[n]!; y++) {
    let a = y;
    let b = y + 1;
    for (let l = n; l >= m; l--) {
      macs += (b - a) * produced[l - m]! * L.cOut[l]! * L.perElementMacs[l]!;
      [a, b] = inputRows(L, l, a, b);
    }
  }
  return { cache, macs };
}

const inBytes = (L: ExactLayers, l: number) => L.hIn[l]! * L.wIn[l]! * L.cIn[l]!;
const outBytes = (L: ExactLayers, l: number) => L.hOut[l]! * L.wOut[l]! * L.cOut[l]!;

/** The fusion DAG under the exact cost model. */
export function exactTableOf(L: ExactLayers): EdgeTable {
  const b = new EdgeTableBuilder(L.n);
  let baseline = 0;
  for (let l = 0; l < L.n; l++) baseline += outBytes(L, l) * L.perElementMacs[l]!;
  for (let n = 0; n < L.n; n++) {
    for (let m = n; m >= 0; m--) {
      let mem = (m > 0 ? inBytes(L, m) : 0) + (n < L.n - 1 ? outBytes(L, n) : 0);
      let macs: number;
      if (m === n) macs = outBytes(L, n) * L.perElementMacs[n]!;
      else {
        // Monotone like the paper's tile: once too tall, every longer block is too (see paper.ts).
        if (!blockIsCandidate(L, m, n)) break;
        const c = exactBlockCost(L, m, n);
        mem += c.cache;
        macs = c.macs;
      }
      b.add(m, n + 1, mem, macs);
    }
  }
  return b.build(baseline);
}

export function exactCostTable(model: Model): EdgeTable {
  return exactTableOf(exactLayers(model));
}
