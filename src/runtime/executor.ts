/**
 * Runs a plan for real: int8 kernels and the patch executor in Wasm (build/exec.wasm), every
 * activation buffer inside one simulated MCU arena. Weights and descriptors live outside the arena
 * (they are `const` data in flash on the MCU); the network input and output are the caller's buffers.
 * Plans over graphs (residual ADDs) keep each skip tensor in the arena from the edge that produces it
 * to the last edge that reads it; placement.ts lays all lifetimes out in two stacks, so the arena
 * needs exactly the plan's peak. Window ops and ADDs run alone or fused (a fused ADD reads its other
 * operand from its materialised tensor, see src/cost/exact.ts); every other op (FULLY_CONNECTED,
 * MEAN, PAD, SOFTMAX) runs alone over whole tensors (assembly/exec/dispatch.ts runWhole).
 *
 * Memory layout in the module: [heap base: descriptors, weights ("flash")] [input] [output]
 * [program] [arena: capacity bytes].
 */
import { InfeasibleError, WasmError } from '../errors.js';
import { type ExactLayers, cacheBytes, cacheRows, exactLayers, exactPlanCost, inBlockOperand } from '../cost/exact.js';
import { type Model, tensorBytes } from '../model/ir.js';
import type { Block } from '../plan/engine.js';
import { McuArena } from './arena.js';
import { type EdgeBuffers, type TensorBuffer, placeBuffers } from './placement.js';
import { L_CACHE, L_CACHE_ROWS, L_DESC, L_MACS_PER_ELEMENT, L_OTHER, L_OTHER_FIRST, L_ROWS_USED, P_AUX, P_IN, P_LAYERS, P_OUT, layerWord, programWords } from './program.js';
import { type LoweredLayer, lowerModel } from './lower.js';
import { WasmHeap, type WasmMemory } from './wasm-heap.js';

export interface ExecExports {
  memory: WasmMemory;
  heapBase(): number;
  runBlock(prog: number): void;
  getMacs(): number;
  resetMacs(): void;
}

export interface RunOptions {
  /** Arena capacity in bytes; default: the plan's predicted peak under the exact cost model. */
  capacity?: number;
  /**
   * Called after each edge with the tensor it materialised (IR tensor id) and its bytes: a view
   * into Wasm memory, valid only during the call (copy it to keep it). In a layer-by-layer plan that
   * is every tensor of the model; in a fused plan only the tensors between blocks.
   */
  onTensor?: (tensor: number, bytes: Uint8Array) => void;
}

export interface RunResult {
  output: Uint8Array;
  predictedPeakBytes: number;
  measuredPeakBytes: number;
  arenaBytes: number;
  predictedMacs: number;
  macs: number;
}

/**
 * The buffers each edge of a plan needs, sized by the exact cost model: the tensor an edge
 * materialises (its last layer's output), the tensors it reads (its first layer's operands), the
 * column caches of a fusion block and the scratch of a single layer. The model's input and output
 * are the caller's buffers (null here).
 */
export function planBuffers(model: Model, L: ExactLayers, blocks: Block[]): EdgeBuffers[] {
  const producer = new Map(model.layers.map((l) => [l.output, l.index]));
  const tensor = (id: number): TensorBuffer | null =>
    id === model.input || id === model.output
      ? null
      : { name: `tensor ${id} (output of layer ${producer.get(id)})`, size: tensorBytes(model.tensors[id]!.shape), tensor: id };
  return blocks.map(([first, last]) => {
    const rows = first === last ? null : cacheRows(L, first, last);
    const caches = [];
    for (let l = first + 1; l <= last; l++) caches.push({ name: `cache of layer ${l} (block ${first}-${last})`, size: cacheBytes(L, l, rows![l - first]!), layer: l });
    const head = model.layers[first]!;
    const scratch = first === last && L.scratch[first]! > 0 ? { name: `scratch of layer ${first}`, size: L.scratch[first]! } : null;
    // ADDs past the block's first layer read their other operand from its materialised tensor.
    const others: TensorBuffer[] = [];
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
    };
  });
}

/**
 * For an ADD layer l fused after its block's first layer: the materialised operand it reads (the one
 * that is not layer l-1's output) and whether that is its input1; null for other layers.
 */
export function otherOperand(model: Model, l: number): { tensor: number; first: boolean } | null {
  const k = inBlockOperand(model, l);
  if (k < 0) return null;
  return { tensor: model.layers[l]!.inputs[1 - k]!, first: k === 1 };
}

export class Executor {
  private heap: WasmHeap;
  private prepared = new WeakMap<Model, { descPtrs: number[]; lowered: LoweredLayer[]; flashEnd: number }>();

  constructor(
    private readonly wasm: ExecExports,
    /** The message of the last Wasm abort, if the module reported one (then cleared). */
    private readonly abortMessage: () => string | undefined = () => undefined,
  ) {
    this.heap = new WasmHeap(wasm.memory, wasm.heapBase());
  }

  /** Writes descriptors and constants of every layer once per model ("flash"). */
  private prepare(model: Model) {
    let p = this.prepared.get(model);
    if (p) return p;
    this.heap.resetTo(this.heap.base);
    this.prepared = new WeakMap(); // flash is rewritten: earlier models must be prepared again
    const lowered = lowerModel(model);
    const descPtrs = lowered.map((l) => l.writeTo(this.heap));
    p = { descPtrs, lowered, flashEnd: this.heap.mark() };
    this.prepared.set(model, p);
    return p;
  }

  run(model: Model, blocks: Block[], input: Uint8Array | Int8Array, options: RunOptions = {}): RunResult {
    const L = exactLayers(model);
    let predicted: { peakBytes: number; macs: number };
    try {
      predicted = exactPlanCost(L, blocks);
    } catch (e) {
      throw new InfeasibleError(`${model.name}: ${(e as Error).message}`);
    }
    const capacity = options.capacity ?? predicted.peakBytes;
    const edges = planBuffers(model, L, blocks);
    const placement = placeBuffers(edges, capacity); // throws ArenaOverflowError before anything runs
    const prep = this.prepare(model);
    const inBytes = tensorBytes(model.tensors[model.input]!.shape);
    const outBytes = tensorBytes(model.tensors[model.output]!.shape);
    if (input.length !== inBytes) throw new WasmError(`input has ${input.length} bytes, the model expects ${inBytes}`);

    this.heap.resetTo(prep.flashEnd);
    const inPtr = this.heap.alloc(inBytes);
    const outPtr = this.heap.alloc(outBytes);
    const maxLayers = Math.max(...blocks.map(([a, b]) => b - a + 1));
    const progPtr = this.heap.alloc(programWords(maxLayers) * 4);
    const arenaPtr = this.heap.alloc(capacity, 16);
    const u8 = this.heap.u8;
    const i32 = this.heap.i32;
    u8.set(new Uint8Array(input.buffer, input.byteOffset, input.length), inPtr);
    u8.fill(0xa5, arenaPtr, arenaPtr + capacity); // poison: stale bytes would show up in the output

    // Where each tensor lives: the caller's input and output, or its arena slot.
    const where = new Map<number, number>([[model.input, inPtr], [model.output, outPtr]]);
    const addressOf = (id: number): number => {
      const a = where.get(id);
      if (a === undefined) throw new Error(`internal: tensor ${id} is read before it is placed`);
      return a;
    };

    const arena = new McuArena(capacity);
    this.wasm.resetMacs();
    const p0 = progPtr >> 2;
    for (const e of placement) {
      const { first, last } = e.edge;
      if (e.output) arena.take(e.output);
      for (const c of e.caches) arena.take(c);
      if (e.scratch) arena.take(e.scratch);
      const head = model.layers[first]!;
      const tail = model.layers[last]!;
      if (e.output) where.set(tail.output, arenaPtr + e.output.offset);
      const rows = first === last ? null : cacheRows(L, first, last);
      i32.fill(0, p0, p0 + programWords(last - first + 1));
      i32[p0 + P_LAYERS] = last - first + 1;
      i32[p0 + P_IN] = addressOf(head.inputs[0]!);
      i32[p0 + P_OUT] = addressOf(tail.output);
      if (head.inputs.length > 1) i32[p0 + P_AUX] = addressOf(head.inputs[1]!);
      else if (e.scratch) i32[p0 + P_AUX] = arenaPtr + e.scratch.offset;
      for (let l = first; l <= last; l++) {
        const j = l - first;
        i32[p0 + layerWord(j, L_DESC)] = prep.descPtrs[l]!;
        i32[p0 + layerWord(j, L_MACS_PER_ELEMENT)] = L.perElementMacs[l]!;
        if (j > 0) {
          i32[p0 + layerWord(j, L_CACHE)] = arenaPtr + e.caches[j - 1]!.offset;
          i32[p0 + layerWord(j, L_CACHE_ROWS)] = rows![j]!;
        }
        if (first !== last && model.layers[l]!.op === 'add') {
          // In a block: the materialised operand (the second one when the ADD comes first).
          const o = j === 0 ? { tensor: head.inputs[1]!, first: false } : otherOperand(model, l);
          if (!o) throw new Error(`internal: layer ${l} (add) in block [${first}, ${last}] has no materialised operand`);
          i32[p0 + layerWord(j, L_OTHER)] = addressOf(o.tensor);
          i32[p0 + layerWord(j, L_OTHER_FIRST)] = o.first ? 1 : 0;
        }
      }
      try {
        this.wasm.runBlock(progPtr);
      } catch (err) {
        const why = this.abortMessage() ?? (err as Error).message;
        throw new WasmError(`executing block [${first}, ${last}] of ${model.name} failed: ${why}`);
      }
      for (let l = first + 1; l <= last; l++) {
        const j = l - first;
        arena.recordUse(e.caches[j - 1]!.name, cacheBytes(L, l, i32[p0 + layerWord(j, L_ROWS_USED)]!));
      }
      arena.settle();
      if (options.onTensor) {
        const ptr = addressOf(tail.output);
        options.onTensor(tail.output, this.heap.u8.subarray(ptr, ptr + tensorBytes(model.tensors[tail.output]!.shape)));
      }
      for (const r of e.release) arena.release(r.name);
    }
    return {
      output: this.heap.u8.slice(outPtr, outPtr + outBytes),
      predictedPeakBytes: predicted.peakBytes,
      measuredPeakBytes: arena.highWater,
      arenaBytes: capacity,
      predictedMacs: predicted.macs,
      macs: this.wasm.getMacs(),
    };
  }
}
