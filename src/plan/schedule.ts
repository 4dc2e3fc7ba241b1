/**
 * The memory schedule of a plan: its edges in order, with every buffer's arena offset, every
 * column cache and every operand's location. The one place that computes offsets: the Wasm executor
 * (src/runtime/executor.ts) writes a schedule into Wasm memory, the C emitter (src/emit/emit-c.ts)
 * prints the same schedule, so the C arena and the Wasm arena hold the same buffers at the same bytes.
 *
 * Buffers are sized by the exact cost model (src/cost/exact.ts): the tensor an edge materialises (its
 * last layer's output), the tensors it reads (its first layer's operands, and the materialised
 * operands of ADDs fused after the block's first layer), the column caches of a fusion block and the
 * scratch of a single layer. The model's outputs are the caller's buffers, outside the arena; so
 * are its inputs, unless `inputInArena` (ArenaOptions): then each input read by a layer is a buffer
 * preloaded before the first edge (the caller, or msf_model_run, writes it there) and freed after its
 * last reader, as the exact cost model counts it. Offsets come from placement.ts, the arena allocator.
 */
import { ArenaOverflowError, InfeasibleError } from '../errors.js';
import { type ArenaOptions, type ExactLayers, exactLayers, exactPlanCost, inBlockOperand, outsideArena } from '../cost/exact.js';
import { cacheBytes, cacheRows } from '../cost/geometry.js';
import { type Model, modelInputs, modelOutputs, tensorBytes } from '../model/ir.js';
import type { Block } from './engine.js';
import { type EdgeBuffers, type EdgePlacement, type Placed, type TensorBuffer, placeBuffers } from './placement.js';

/** Where a tensor lives while a step runs: the caller's input or output buffer, or an arena slot. */
export interface TensorAt {
  tensor: number;
  at: 'input' | 'output' | 'arena';
  /** Which model input or output (0 in the arena). */
  index: number;
  /** Arena offset (0 for the caller's buffers). */
  offset: number;
  size: number;
}

/** One layer of a step. */
export interface Stage {
  layer: number;
  /** The column cache of a fused layer after the block's first (null otherwise). */
  cache: Placed | null;
  /** Input rows the cache holds (0 without a cache). */
  cacheRows: number;
  /** A fused ADD's materialised operand, and whether it is ADD's input1 (null otherwise). */
  other: { operand: TensorAt; first: boolean } | null;
}

/** One edge of the plan: a single layer, or a fusion block of layers first..last. */
export interface Step {
  first: number;
  last: number;
  /** The first layer's operands (input2: an ADD's second one) and the last layer's output. */
  input: TensorAt;
  input2: TensorAt | null;
  /** Every operand of the first layer, in order (input, input2, and more for CONCATENATION). */
  operands: TensorAt[];
  output: TensorAt;
  /** Scratch of a single layer (global pooling's int32 accumulators). */
  scratch: Placed | null;
  stages: Stage[];
  /** Arena buffers the step takes when it starts: its output, its caches, its scratch. */
  takes: Placed[];
  /** Arena buffers to release after the step ran, top of stack first. */
  release: Placed[];
}

export interface Schedule {
  model: Model;
  blocks: readonly Block[];
  /** The exact cost model's per-layer figures the schedule was sized with. */
  layers: ExactLayers;
  /** Capacity of the arena the offsets fit in. */
  arenaBytes: number;
  /** The exact cost model's predictions: peak bytes live at once, MACs. */
  peakBytes: number;
  macs: number;
  steps: Step[];
  /** With inputInArena: each model input a layer reads (index: its place in the model's inputs), in the arena before the first step; empty otherwise. */
  preloaded: { index: number; at: TensorAt; buffer: Placed }[];
}

const made = new WeakMap<Model, Map<string, Schedule>>();

/**
 * The schedule of `blocks` over `model` in an arena of `capacity` bytes (default: the predicted
 * peak). Throws InfeasibleError when a block is not a candidate fusion block, ArenaOverflowError
 * naming the first buffer that does not fit. Schedules are immutable and made once per (model,
 * blocks, capacity, options): every consumer of a plan reads the same object.
 */
export function scheduleOf(model: Model, blocks: readonly Block[], capacity?: number, options: ArenaOptions = {}): Schedule {
  let byKey = made.get(model);
  if (!byKey) made.set(model, (byKey = new Map()));
  const key = `${capacity ?? ''}:${options.inputInArena ? 'in-arena:' : ''}${blocks.map(([a, b]) => `${a}-${b}`).join(',')}`;
  let s = byKey.get(key);
  if (!s) byKey.set(key, (s = buildSchedule(model, blocks, capacity, options)));
  return s;
}

/** Places the buffers; an overflow of a capacity the caller chose says the arena the plan needs (`planBytes`, its predicted peak). */
function placeWithin(edges: EdgeBuffers[], capacity: number, planBytes: number | undefined): EdgePlacement[] {
  try {
    return placeBuffers(edges, capacity);
  } catch (e) {
    if (planBytes === undefined || !(e instanceof ArenaOverflowError)) throw e;
    throw new ArenaOverflowError(e.buffer, e.needed, e.available, e.capacity, planBytes);
  }
}

function buildSchedule(model: Model, blocks: readonly Block[], capacity: number | undefined, options: ArenaOptions): Schedule {
  const L = exactLayers(model, options);
  let predicted: { peakBytes: number; macs: number };
  try {
    predicted = exactPlanCost(L, blocks);
  } catch (e) {
    throw new InfeasibleError(`${model.name}: ${(e as Error).message}`);
  }
  const arenaBytes = capacity ?? predicted.peakBytes;
  const edges = edgeBuffers(model, L, blocks, options);
  const placement = placeWithin(edges, arenaBytes, capacity === undefined ? undefined : predicted.peakBytes);

  // Where each tensor lives: the caller's input and output, or its arena slot (preloaded inputs, then each tensor once produced).
  const caller = (at: 'input' | 'output') => (t: number, index: number): [number, TensorAt] => [t, { tensor: t, at, index, offset: 0, size: tensorBytes(model.tensors[t]!.shape) }];
  const where = new Map<number, TensorAt>([...modelInputs(model).map(caller('input')), ...modelOutputs(model).map(caller('output'))]);
  const preloaded = (placement[0]?.preloaded ?? []).map((buffer, k) => {
    const tensor = (edges[0]!.preloaded![k] as TensorBuffer).tensor;
    const at: TensorAt = { tensor, at: 'arena', index: 0, offset: buffer.offset, size: buffer.size };
    where.set(tensor, at);
    return { index: modelInputs(model).indexOf(tensor), at, buffer };
  });
  const at = (id: number): TensorAt => {
    const a = where.get(id);
    if (!a) throw new Error(`internal: tensor ${id} is read before it is placed`);
    return a;
  };
  const steps = placement.map((p): Step => {
    const { first, last } = p.edge;
    const head = model.layers[first]!;
    const tail = model.layers[last]!;
    if (p.output) where.set(tail.output, { tensor: tail.output, at: 'arena', index: 0, offset: p.output.offset, size: p.output.size });
    const rows = first === last ? null : cacheRows(L, first, last);
    const stages: Stage[] = [];
    for (let l = first; l <= last; l++) {
      const j = l - first;
      let other: Stage['other'] = null;
      if (first !== last && model.layers[l]!.op === 'add') {
        // In a block: the materialised operand (the second one when the ADD comes first).
        const o = j === 0 ? { tensor: head.inputs[1]!, first: false } : otherOperand(model, l);
        if (!o) throw new Error(`internal: layer ${l} (add) in block [${first}, ${last}] has no materialised operand`);
        const operand = at(o.tensor);
        if (operand.at === 'output') throw new Error(`internal: fused add ${l} reads the model output`);
        other = { operand, first: o.first };
      }
      stages.push({ layer: l, cache: j > 0 ? p.caches[j - 1]! : null, cacheRows: j > 0 ? rows![j]! : 0, other });
    }
    return {
      first, last,
      input: at(head.inputs[0]!),
      input2: head.inputs.length > 1 ? at(head.inputs[1]!) : null,
      operands: head.inputs.map(at),
      output: at(tail.output),
      scratch: p.scratch,
      stages,
      takes: [...(p.output ? [p.output] : []), ...p.caches, ...(p.scratch ? [p.scratch] : [])],
      release: p.release,
    };
  });
  return { model, blocks, layers: L, arenaBytes, peakBytes: predicted.peakBytes, macs: predicted.macs, steps, preloaded };
}

/** The buffers each edge needs (the caller's buffers: null here); the inputs in the arena are the first edge's preloaded buffers. */
function edgeBuffers(model: Model, L: ExactLayers, blocks: readonly Block[], options: ArenaOptions): EdgeBuffers[] {
  const producer = new Map(model.layers.map((l) => [l.output, l.index]));
  const buffers = new Map<number, TensorBuffer>();
  const tensor = (id: number): TensorBuffer | null => {
    if (outsideArena(model, id, options)) return null;
    let b = buffers.get(id);
    const of = producer.has(id) ? `output of layer ${producer.get(id)}` : `network input ${modelInputs(model).indexOf(id)}`;
    if (!b) buffers.set(id, (b = { name: `tensor ${id} (${of})`, size: tensorBytes(model.tensors[id]!.shape), tensor: id }));
    return b;
  };
  const preloaded = modelInputs(model).filter((t) => model.layers.some((l) => l.inputs.includes(t))).flatMap((t) => tensor(t) ?? []);
  return blocks.map(([first, last], k) => {
    const rows = first === last ? null : cacheRows(L, first, last);
    const caches = [];
    for (let l = first + 1; l <= last; l++) caches.push({ name: `cache of layer ${l} (block ${first}-${last})`, size: cacheBytes(L, l, rows![l - first]!), layer: l });
    const head = model.layers[first]!;
    const scratch = first === last && L.scratch[first]! > 0 ? { name: `scratch of layer ${first}`, size: L.scratch[first]! } : null;
    // ADDs past the block's first layer read their other operand from its materialised tensor.
    const others: TensorBuffer[] = [];
    for (const t of head.inputs.slice(2)) {
      const b = tensor(t); // CONCATENATION's further operands
      if (b) others.push(b);
    }
    for (let l = first + 1; l <= last; l++) {
      const t = otherOperand(model, l);
      const b = t === null ? null : tensor(t.tensor);
      if (b) others.push(b);
    }
    return {
      first, last,
      input: tensor(head.inputs[0]!),
      input2: head.inputs.length > 1 ? tensor(head.inputs[1]!) : null,
      others,
      output: tensor(model.layers[last]!.output),
      caches,
      scratch,
      ...(k === 0 && preloaded.length ? { preloaded } : {}),
    };
  });
}

/**
 * For an ADD layer l fused after its block's first layer: the materialised operand it reads (the one
 * that is not layer l-1's output) and whether that is its input1; null for other layers.
 */
function otherOperand(model: Model, l: number): { tensor: number; first: boolean } | null {
  const k = inBlockOperand(model, l);
  if (k < 0) return null;
  return { tensor: model.layers[l]!.inputs[1 - k]!, first: k === 1 };
}
