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
 *
 * Graphs (skip connections): nodes are cuts in the execution order. A block m..n must be a chain
 * segment of window ops and ADDs whose intermediate tensors feed only the next layer. Every
 * materialised tensor produced before the cut and still needed at or after it is live during the
 * edge, so skip tensors count in every edge they span; the model's input and output stay the
 * caller's. Fully connected, global pooling, pad and softmax run alone; global pooling keeps an int32
 * accumulator per channel (4-byte aligned scratch).
 *
 * ADD in a block: an ADD l (m < l <= n) may be a member when one operand is layer l-1's output (in
 * the block, feeding only l) and the other is a materialised tensor produced before m (or the model
 * input), so already live across the cut before m and counted there: otherProducer[l] < m. As m
 * decreases, once m <= otherProducer[l] that block and every longer one is invalid. An ADD is a 1x1
 * stride-1 unpadded window (one output element per input element, 1 MAC per element): inside a block
 * it keeps a column cache of 1 column x its rows x C of its in-block operand and reads the other
 * operand straight from the materialised tensor at the same (row, column), in the ADD's own operand
 * order. An ADD as a block's first layer reads both operands materialised.
 */
import { type Model, WINDOW_OPS, inputShape, macsPerElement, outputShape, readsThroughView, tensorBytes } from '../model/ir.js';
import { type EdgeTable, EdgeTableBuilder } from './table.js';

/** Per-layer geometry in flat arrays (heights and widths apart: non-square models are fine). */
export interface ExactLayers {
  n: number;
  /** 1 for the ops a fusion block can contain: window ops (conv, depthwise, pools) and ADD. */
  window: Uint8Array;
  /**
   * ADD layers: the producer of the operand that is not layer l-1's output (-1 for the model input),
   * which must come before the block's first layer unless l is that first layer (the latest producer
   * when neither operand is layer l-1's output). -1 for other ops.
   */
  otherProducer: Int32Array;
  /** Bytes that must stay live while layer l runs, besides its own input and output (skip tensors). */
  liveAcross: Float64Array;
  /** Bytes of layer l's output when it is materialised (0 when it is the caller's output). */
  outMaterial: Float64Array;
  /** Bytes of layer l's main input when materialised (0 when it is the caller's input). */
  inMaterial: Float64Array;
  /**
   * 1 when layer l's output feeds only layer l+1 (as its only input, or as one operand of an ADD whose
   * other operand is another tensor), so l and l+1 can fuse.
   */
  chainsToNext: Uint8Array;
  /** Scratch bytes a single layer needs (global pooling's int32 accumulators). */
  scratch: Float64Array;
  kh: Int32Array; kw: Int32Array; sh: Int32Array; sw: Int32Array; pt: Int32Array; pl: Int32Array;
  hIn: Int32Array; wIn: Int32Array; cIn: Int32Array;
  hOut: Int32Array; wOut: Int32Array; cOut: Int32Array;
  perElementMacs: Float64Array;
}

export function exactLayers(model: Model): ExactLayers {
  const n = model.layers.length;
  const i32 = () => new Int32Array(n);
  const f64 = () => new Float64Array(n);
  const L: ExactLayers = {
    n, window: new Uint8Array(n), otherProducer: new Int32Array(n).fill(-1), liveAcross: f64(), outMaterial: f64(), inMaterial: f64(), chainsToNext: new Uint8Array(n), scratch: f64(),
    kh: i32(), kw: i32(), sh: i32(), sw: i32(), pt: i32(), pl: i32(),
    hIn: i32(), wIn: i32(), cIn: i32(), hOut: i32(), wOut: i32(), cOut: i32(),
    perElementMacs: f64(),
  };
  const life = tensorLifetimes(model);
  // Bytes live across the cut before layer l (produced before l, used at or after l), by a sweep.
  const startsAt = new Float64Array(n + 1);
  for (const t of model.tensors) {
    const { producer, lastUse } = life[t.id]!;
    if (t.id === model.input || t.id === model.output || lastUse <= producer) continue;
    startsAt[producer + 1] = startsAt[producer + 1]! + tensorBytes(t.shape);
    if (lastUse + 1 <= n) startsAt[lastUse + 1] = startsAt[lastUse + 1]! - tensorBytes(t.shape);
  }
  let live = 0;
  model.layers.forEach((layer, i) => {
    live += startsAt[i]!;
    const a = inputShape(model, layer);
    const b = outputShape(model, layer);
    const add = layer.op === 'add';
    // An ADD is a 1x1 stride-1 unpadded window over its operands.
    L.kh[i] = add ? 1 : layer.kernel[0]; L.kw[i] = add ? 1 : layer.kernel[1];
    L.sh[i] = add ? 1 : layer.stride[0]; L.sw[i] = add ? 1 : layer.stride[1];
    L.pt[i] = add ? 0 : layer.padding[0]; L.pl[i] = add ? 0 : layer.padding[2];
    L.hIn[i] = a[0]; L.wIn[i] = a[1]; L.cIn[i] = a[2];
    L.hOut[i] = b[0]; L.wOut[i] = b[1]; L.cOut[i] = b[2];
    L.perElementMacs[i] = macsPerElement(model, layer);
    L.window[i] = WINDOW_OPS.has(layer.op) || add ? 1 : 0;
    if (add) {
      // (An ADD that reads neither operand from layer l-1 can only start a block: chainsToNext[l-1] = 0.)
      const k = inBlockOperand(model, i);
      const producers = layer.inputs.map((t) => life[t]!.producer);
      L.otherProducer[i] = k >= 0 ? producers[1 - k]! : Math.max(...producers);
    }
    const material = (t: number) => (t === model.input || t === model.output ? 0 : tensorBytes(model.tensors[t]!.shape));
    L.inMaterial[i] = material(layer.inputs[0]!);
    L.outMaterial[i] = material(layer.output);
    // Live across the cut before i, other than i's main input (counted as inMaterial).
    L.liveAcross[i] = live - (life[layer.inputs[0]!]!.producer < i ? L.inMaterial[i]! : 0);
    const next = model.layers[i + 1];
    const users = life[layer.output]!.users;
    // A layer reading its operand through a view (a RESHAPE) sees other rows: it cannot fuse with the producer.
    const feeds = next && !readsThroughView(model, next) && (next.inputs.length === 1 || (next.op === 'add' && inBlockOperand(model, i + 1) >= 0));
    L.chainsToNext[i] = feeds && users.length === 1 && users[0] === i + 1 && layer.output !== model.output ? 1 : 0;
    L.scratch[i] = layer.op === 'global_avg_pool2d' ? 4 * b[2] : 0;
  });
  return L;
}

/**
 * For an ADD layer l: which operand (0 or 1) is layer l-1's output, when exactly one is (the operand
 * a fusion block carries into it); -1 otherwise.
 */
export function inBlockOperand(model: Model, l: number): number {
  const layer = model.layers[l]!;
  const prev = model.layers[l - 1];
  if (layer.op !== 'add' || !prev || layer.inputs.length !== 2) return -1;
  const [a, b] = layer.inputs as [number, number];
  if (a === b) return -1;
  return a === prev.output ? 0 : b === prev.output ? 1 : -1;
}

/** Producer (-1 for the model input) and last user (n for the model output) of every tensor. */
export function tensorLifetimes(model: Model): { producer: number; lastUse: number; users: number[] }[] {
  const life = model.tensors.map(() => ({ producer: -1, lastUse: -1, users: [] as number[] }));
  for (const layer of model.layers) {
    life[layer.output]!.producer = layer.index;
    for (const t of layer.inputs) {
      life[t]!.lastUse = Math.max(life[t]!.lastUse, layer.index);
      life[t]!.users.push(layer.index);
    }
  }
  life[model.output]!.lastUse = model.layers.length;
  return life;
}

/** Input rows [lo, hi) of layer l that its output rows [a, b) need, clipped to the tensor. */
export function inputRows(L: ExactLayers, l: number, a: number, b: number): [number, number] {
  const lo = Math.max(0, a * L.sh[l]! - L.pt[l]!);
  const hi = Math.min(L.hIn[l]!, (b - 1) * L.sh[l]! - L.pt[l]! + L.kh[l]!);
  return [lo, hi];
}

/**
 * A fusion block m..n (m < n) is a candidate when it is a chain segment of window ops and ADDs whose
 * other operands are produced before m and, the paper's validity rule, the receptive-field height
 * (padding ignored) fits layer m's input.
 */
export function blockIsCandidate(L: ExactLayers, m: number, n: number): boolean {
  for (let l = m; l <= n; l++) if (!L.window[l] || (l < n && !L.chainsToNext[l]) || (l > m && L.otherProducer[l]! >= m)) return false;
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

const outBytes = (L: ExactLayers, l: number) => L.hOut[l]! * L.wOut[l]! * L.cOut[l]!;

/** Bytes and MACs of the edge m -> n+1 (a single layer when m == n); the caller's I/O not counted. */
export function exactEdgeCost(L: ExactLayers, m: number, n: number): { mem: number; macs: number } {
  const tensors = L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]!;
  if (m === n) return { mem: tensors + L.scratch[n]!, macs: outBytes(L, n) * L.perElementMacs[n]! };
  const c = exactBlockCost(L, m, n);
  return { mem: tensors + c.cache, macs: c.macs };
}

/** Peak bytes and MACs of a plan given as inclusive [first, last] blocks. */
export function exactPlanCost(L: ExactLayers, blocks: readonly (readonly [number, number])[]): { peakBytes: number; macs: number } {
  let peakBytes = 0;
  let macs = 0;
  for (const [m, n] of blocks) {
    if (m !== n && !blockIsCandidate(L, m, n)) throw new RangeError(`block [${m}, ${n}] is not a candidate fusion block`);
    const c = exactEdgeCost(L, m, n);
    peakBytes = Math.max(peakBytes, c.mem);
    macs += c.macs;
  }
  return { peakBytes, macs };
}

/** The fusion DAG under the exact cost model. */
export function exactTableOf(L: ExactLayers): EdgeTable {
  const b = new EdgeTableBuilder(L.n);
  let baseline = 0;
  for (let l = 0; l < L.n; l++) baseline += outBytes(L, l) * L.perElementMacs[l]!;
  for (let n = 0; n < L.n; n++) {
    for (let m = n; m >= 0; m--) {
      // Monotone like the paper's tile: once too tall, every longer block is too (see paper.ts).
      if (m < n && !blockIsCandidate(L, m, n)) break;
      const c = exactEdgeCost(L, m, n);
      b.add(m, n + 1, c.mem, c.macs);
    }
  }
  return b.build(baseline);
}

export function exactCostTable(model: Model): EdgeTable {
  return exactTableOf(exactLayers(model));
}
