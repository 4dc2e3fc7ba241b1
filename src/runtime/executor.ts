/**
 * Runs a plan for real: int8 kernels and the patch executor in Wasm (build/exec.wasm), every
 * activation buffer inside one simulated MCU arena. Weights and descriptors live outside the arena
 * (they are `const` data in flash on the MCU); the network input and output are the caller's buffers.
 *
 * Memory layout in the module: [heap base: descriptors, weights ("flash")] [input] [output]
 * [program] [arena: capacity bytes].
 */
import { InfeasibleError, WasmError } from '../errors.js';
import { type ExactLayers, cacheBytes, cacheRows, exactLayers, exactPlanCost } from '../cost/exact.js';
import { type Model, outputShape, tensorBytes } from '../model/ir.js';
import type { Block } from '../plan/engine.js';
import { McuArena } from './arena.js';
import { type EdgeBuffers, placeChain } from './placement.js';
import { L_CACHE, L_CACHE_ROWS, L_DESC, L_MACS_PER_ELEMENT, L_ROWS_USED, P_IN, P_LAYERS, P_OUT, layerWord, programWords } from './program.js';
import { type LoweredLayer, lowerModel } from './lower.js';
import { WasmHeap } from './wasm-heap.js';

export interface ExecExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  runBlock(prog: number): void;
  getMacs(): number;
  resetMacs(): void;
}

export interface RunOptions {
  /** Arena capacity in bytes; default: the plan's predicted peak under the exact cost model. */
  capacity?: number;
}

export interface RunResult {
  output: Uint8Array;
  predictedPeakBytes: number;
  measuredPeakBytes: number;
  arenaBytes: number;
  predictedMacs: number;
  macs: number;
}

/** The buffers each edge of a chain plan needs, sized by the exact cost model. */
export function planBuffers(model: Model, L: ExactLayers, blocks: Block[]): EdgeBuffers[] {
  const N = model.layers.length;
  return blocks.map(([first, last]) => {
    const rows = first === last ? null : cacheRows(L, first, last);
    const caches = [];
    for (let l = first + 1; l <= last; l++) caches.push({ name: `cache of layer ${l} (block ${first}-${last})`, size: cacheBytes(L, l, rows![l - first]!), layer: l });
    const tensor = (layer: number) => ({ name: `tensor ${layer} (input of layer ${layer})`, size: tensorBytes(model.tensors[model.layers[layer]!.inputs[0]!]!.shape) });
    return { first, last, input: first === 0 ? null : tensor(first), output: last === N - 1 ? null : tensor(last + 1), caches };
  });
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
    const placement = placeChain(edges, capacity); // throws ArenaOverflowError before anything runs
    const prep = this.prepare(model);
    const N = model.layers.length;
    const inBytes = tensorBytes(model.tensors[model.input]!.shape);
    const outBytes = tensorBytes(outputShape(model, model.layers[N - 1]!));
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

    const arena = new McuArena(capacity);
    this.wasm.resetMacs();
    const p0 = progPtr >> 2;
    for (const e of placement) {
      const { first, last } = e.edge;
      if (e.output) arena.take(e.output);
      for (const c of e.caches) arena.take(c);
      const rows = first === last ? null : cacheRows(L, first, last);
      i32.fill(0, p0, p0 + programWords(last - first + 1));
      i32[p0 + P_LAYERS] = last - first + 1;
      i32[p0 + P_IN] = e.input ? arenaPtr + e.input.offset : inPtr;
      i32[p0 + P_OUT] = e.output ? arenaPtr + e.output.offset : outPtr;
      for (let l = first; l <= last; l++) {
        const j = l - first;
        i32[p0 + layerWord(j, L_DESC)] = prep.descPtrs[l]!;
        i32[p0 + layerWord(j, L_MACS_PER_ELEMENT)] = L.perElementMacs[l]!;
        if (j > 0) {
          i32[p0 + layerWord(j, L_CACHE)] = arenaPtr + e.caches[j - 1]!.offset;
          i32[p0 + layerWord(j, L_CACHE_ROWS)] = rows![j]!;
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
      if (e.input) arena.release(e.input.name);
      for (const c of e.caches) arena.release(c.name);
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
