/**
 * The exact cost model: the bytes and MACs our executor really uses (src/runtime/executor.ts and
 * assembly/exec/fused.ts), so that predicted == measured, to the byte.
 *
 * How a fusion block of layers m..n runs (its row windows, caches, candidate rule and MACs are
 * stated in geometry.ts): layer n's output is produced one row at a time (a tile one output row
 * high), sweeping columns left to right. Layer m reads its materialised input tensor directly. Every
 * later layer l keeps a column cache of kw_l columns x the input rows that the current output row
 * needs (rows are recomputed for each output row, columns are produced once per row and reused while
 * the window slides). Accumulators are registers (one output element at a time), so there is no
 * other scratch, and int8 buffers need no alignment.
 *
 * The network input and output are the caller's buffers (the C API takes them as pointers), so, as
 * in the paper, the edges at the ends do not count them. With `inputInArena` the model inputs are
 * arena tensors instead (the caller writes them there before the run): each counts, like any
 * materialised tensor, from the start until its last reader has run (then it is freed).
 *
 * The table (exactTableOf) is built by one walk per block end: for a block m..n every per-layer term
 * depends on n and the layer only, so the blocks ending at n are suffix sums of those terms, in the
 * order blockCost sums them (plan figures equal table edges bit for bit). The TypeScript engine
 * runs it as the baseline; assembly/search/exact.ts is its Wasm port.
 *
 * Graphs (skip connections): nodes are cuts in the execution order. A block m..n must be a chain
 * segment of window ops and ADDs whose intermediate tensors feed only the next layer. Every
 * materialised tensor produced before the cut and still needed at or after it is live during the
 * edge, so skip tensors count in every edge they span; the model's input and output stay the
 * caller's. Fully connected, global pooling, pad, softmax and dilated convolutions run alone; global pooling keeps an int32
 * accumulator per channel, a MEAN over other axes one per output element (scratch, any alignment).
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
import { type Model, WINDOW_OPS, inputShape, isDilated, macsPerElement, modelInputs, modelOutputs, outputShape, readsThroughView, tensorBytes } from '../model/ir.js';
import { type BlockWalk, type LayerGeometry, blockCost, blockIsCandidate, cacheBytes, lowestStart, stageMacs, walkBlock } from './geometry.js';
import { type EdgeTable, EdgeTableBuilder } from './table.js';

/** The exact model's per-layer inputs: the block geometry plus what the graph keeps live. */
export interface ExactLayers extends LayerGeometry {
  /** Bytes that must stay live while layer l runs, besides its own input and output (skip tensors). */
  liveAcross: Float64Array;
  /** Bytes of layer l's output when it is materialised (0 when it is the caller's output). */
  outMaterial: Float64Array;
  /** Bytes of layer l's main input when materialised (0 when it is the caller's input). */
  inMaterial: Float64Array;
  /** Scratch bytes a single layer needs (MEAN's int32 accumulators). */
  scratch: Float64Array;
  /** The model inputs are arena tensors (ArenaOptions). */
  inputInArena?: boolean;
}

/** Where the network inputs live: the caller's buffers (default, as the paper and TinyTS count) or the arena. */
export interface ArenaOptions {
  /** The model inputs are arena tensors, written there by the caller before the run, freed after their last reader. */
  inputInArena?: boolean;
}

/** A tensor outside the arena: a model output, or a model input unless the inputs are in the arena. */
export const outsideArena = (model: Model, t: number, o: ArenaOptions = {}): boolean =>
  modelOutputs(model).includes(t) || (!o.inputInArena && modelInputs(model).includes(t));

export function exactLayers(model: Model, options: ArenaOptions = {}): ExactLayers {
  const n = model.layers.length;
  const i32 = () => new Int32Array(n);
  const f64 = () => new Float64Array(n);
  const L: ExactLayers = {
    n, window: new Uint8Array(n), otherProducer: new Int32Array(n).fill(-1), liveAcross: f64(), outMaterial: f64(), inMaterial: f64(), chainsToNext: new Uint8Array(n), scratch: f64(),
    kh: i32(), kw: i32(), sh: i32(), sw: i32(), pt: i32(), pl: i32(),
    hIn: i32(), wIn: i32(), cIn: i32(), hOut: i32(), wOut: i32(), cOut: i32(),
    perElementMacs: f64(),
    ...(options.inputInArena ? { inputInArena: true } : {}),
  };
  const outside = (t: number) => outsideArena(model, t, options);
  const life = tensorLifetimes(model);
  // Bytes live across the cut before layer l (produced before l, used at or after l), by a sweep.
  const startsAt = new Float64Array(n + 1);
  for (const t of model.tensors) {
    const { producer, lastUse } = life[t.id]!;
    if (outside(t.id) || lastUse <= producer) continue;
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
    // A dilated convolution runs alone over whole tensors (its window is not in geometry.ts's walk).
    L.window[i] = (WINDOW_OPS.has(layer.op) && !isDilated(layer)) || add ? 1 : 0;
    if (add) {
      // (An ADD that reads neither operand from layer l-1 can only start a block: chainsToNext[l-1] = 0.)
      const k = inBlockOperand(model, i);
      const producers = layer.inputs.map((t) => life[t]!.producer);
      L.otherProducer[i] = k >= 0 ? producers[1 - k]! : Math.max(...producers);
      // An operand in the caller's output buffer is not one the fused walkers read: the ADD runs alone.
      if (layer.inputs.some((t) => modelOutputs(model).includes(t))) L.window[i] = 0;
    }
    const material = (t: number) => (outside(t) ? 0 : tensorBytes(model.tensors[t]!.shape));
    L.inMaterial[i] = material(layer.inputs[0]!);
    L.outMaterial[i] = material(layer.output);
    // Live across the cut before i, other than i's main input (counted as inMaterial).
    L.liveAcross[i] = live - (life[layer.inputs[0]!]!.producer < i ? L.inMaterial[i]! : 0);
    const next = model.layers[i + 1];
    const users = life[layer.output]!.users;
    // A layer reading its operand through a view (a RESHAPE) sees other rows: it cannot fuse with the producer.
    const feeds = next && !readsThroughView(model, next) && (next.inputs.length === 1 || (next.op === 'add' && inBlockOperand(model, i + 1) >= 0));
    L.chainsToNext[i] = feeds && users.length === 1 && users[0] === i + 1 && !modelOutputs(model).includes(layer.output) ? 1 : 0;
    L.scratch[i] = layer.op === 'global_avg_pool2d' ? 4 * b[2] : layer.op === 'reduce' && layer.params?.reduce?.fn === 'mean' ? 4 * tensorBytes(b) : 0;
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
  for (const o of modelOutputs(model)) life[o]!.lastUse = model.layers.length;
  return life;
}

const outBytes = (L: ExactLayers, l: number) => L.hOut[l]! * L.wOut[l]! * L.cOut[l]!;

/** Bytes and MACs of the edge m -> n+1 (a single layer when m == n); the caller's I/O not counted. */
export function exactEdgeCost(L: ExactLayers, m: number, n: number): { mem: number; macs: number } {
  const tensors = L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]!;
  if (m === n) return { mem: tensors + L.scratch[n]!, macs: outBytes(L, n) * L.perElementMacs[n]! };
  const c = blockCost(L, m, n);
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

/** The fusion DAG under the exact cost model: every edge exactEdgeCost prices, by one walk per block end. */
export function exactTableOf(L: ExactLayers): EdgeTable {
  const b = new EdgeTableBuilder(L.n);
  let baseline = 0;
  for (let l = 0; l < L.n; l++) baseline += outBytes(L, l) * L.perElementMacs[l]!;
  const walk: BlockWalk = { rows: new Int32Array(L.n), span: new Int32Array(L.n), produced: new Int32Array(L.n) };
  for (let n = 0; n < L.n; n++) {
    const lo = lowestStart(L, n);
    walkBlock(L, lo, n, walk);
    let cache = 0;
    let macs = 0;
    for (let m = n; m >= lo; m--) {
      const tensors = L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]!;
      macs += stageMacs(L, walk, m);
      if (m === n) {
        b.add(m, n + 1, tensors + L.scratch[n]!, outBytes(L, n) * L.perElementMacs[n]!);
      } else {
        cache += cacheBytes(L, m + 1, walk.rows[m + 1]!);
        b.add(m, n + 1, tensors + cache, macs);
      }
    }
  }
  return b.build(baseline);
}

export function exactCostTable(model: Model, options: ArenaOptions = {}): EdgeTable {
  return exactTableOf(exactLayers(model, options));
}
