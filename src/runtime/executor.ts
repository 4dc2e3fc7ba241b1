/**
 * Runs a plan for real: int8 kernels and the patch executor in Wasm (build/exec.wasm), every
 * activation buffer inside one simulated MCU arena. Weights and descriptors live outside the arena
 * (they are `const` data in flash on the MCU); the network input and output are the caller's buffers
 * (with inputInArena the inputs are arena tensors: copied to their offsets before the first edge).
 * Every offset comes from the plan's schedule (src/plan/schedule.ts), which this file only writes into
 * Wasm memory, one block program per edge (program.ts), so the arena needs exactly the plan's peak
 * and the emitted C (which prints the same schedule) uses the same bytes. Window ops and ADDs run alone or fused (a fused ADD reads its other
 * operand from its materialised tensor, see src/cost/exact.ts); every other op (FULLY_CONNECTED,
 * MEAN, PAD, SOFTMAX) runs alone over whole tensors (assembly/exec/dispatch.ts runWhole).
 *
 * Memory layout in the module: [heap base: descriptors, weights ("flash")] [input] [output]
 * [program] [arena: capacity bytes].
 */
import { WasmError } from '../errors.js';
import { cacheBytes } from '../cost/geometry.js';
import { type Model, modelInputs, modelOutputs, tensorBytes } from '../model/ir.js';
import type { Block } from '../plan/engine.js';
import { type Schedule, type TensorAt, scheduleOf } from '../plan/schedule.js';
import { McuArena } from './arena.js';
import {
  L_CACHE, L_CACHE_ROWS, L_DESC, L_MACS_PER_ELEMENT, L_OTHER, L_OTHER_FIRST, L_ROWS_USED, L_WORDS, P_AUX, P_HEADER_WORDS, P_IN, P_LAYERS, P_OUT,
} from './program.js';
import { type LoweredLayer, lowerModel } from './lower.js';
import { ShadowArena } from './shadow.js';
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
  /** Checking mode: every step's arena reads and writes checked against a shadow map (shadow.ts). */
  check?: boolean;
  /** The byte the arena is filled with before the run (default 0xa5): stale bytes show in the output. */
  poison?: number;
  /** The network inputs are arena tensors (src/cost/exact.ts ArenaOptions): written into the arena before the first edge, freed after their last reader. */
  inputInArena?: boolean;
}

export interface RunResult {
  /** The first model output; `outputs` has every one, in the model's output order. */
  output: Uint8Array;
  outputs: Uint8Array[];
  predictedPeakBytes: number;
  measuredPeakBytes: number;
  arenaBytes: number;
  predictedMacs: number;
  macs: number;
  /** The schedule that ran (the object src/emit/emit-c.ts prints for the same model and plan). */
  schedule: Schedule;
}

/** Words of a block program of `layers` layers, and the word of field `field` of its layer j (assembly/exec/program.ts lw). */
const programWords = (layers: number): number => P_HEADER_WORDS + layers * L_WORDS;
const layerWord = (j: number, field: number): number => P_HEADER_WORDS + j * L_WORDS + field;

export class Executor {
  /** The module's memory above its heap base (the streaming executor, stream-exec.ts, shares it). */
  readonly heap: WasmHeap;
  private prepared = new WeakMap<Model, { descPtrs: number[]; lowered: LoweredLayer[]; flashEnd: number }>();

  constructor(
    readonly wasm: ExecExports,
    /** The message of the last Wasm abort, if the module reported one (then cleared). */
    readonly abortMessage: () => string | undefined = () => undefined,
  ) {
    this.heap = new WasmHeap(wasm.memory, wasm.heapBase());
  }

  /** Writes descriptors and constants of every layer once per model ("flash"). */
  prepare(model: Model): { descPtrs: number[]; lowered: LoweredLayer[]; flashEnd: number } {
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

  /**
   * Runs `blocks` on `input`: the int8 bytes of the model input, or one buffer per model input (in
   * the model's input order) for a model with several.
   */
  run(model: Model, blocks: Block[], input: Uint8Array | Int8Array | readonly (Uint8Array | Int8Array)[], options: RunOptions = {}): RunResult {
    const schedule = scheduleOf(model, blocks, options.capacity, { inputInArena: options.inputInArena === true }); // throws ArenaOverflowError before anything runs
    const L = schedule.layers;
    const capacity = schedule.arenaBytes;
    const prep = this.prepare(model);
    const inputs = Array.isArray(input) ? input : [input as Uint8Array];
    const inIds = modelInputs(model);
    if (inputs.length !== inIds.length) throw new WasmError(`${inputs.length} input buffers given, the model has ${inIds.length} inputs`);
    const bytesOf = (t: number) => tensorBytes(model.tensors[t]!.shape);
    inputs.forEach((b, i) => {
      if (b.length !== bytesOf(inIds[i]!)) throw new WasmError(`input${inIds.length > 1 ? ` ${i}` : ''} has ${b.length} bytes, the model expects ${bytesOf(inIds[i]!)}`);
    });

    this.heap.resetTo(prep.flashEnd);
    const inPtrs = inIds.map((t) => this.heap.alloc(bytesOf(t)));
    const outPtrs = modelOutputs(model).map((t) => this.heap.alloc(bytesOf(t)));
    const maxLayers = Math.max(...blocks.map(([a, b]) => b - a + 1));
    const progPtr = this.heap.alloc(programWords(maxLayers) * 4);
    // CONCATENATION reads its operands' addresses from a table.
    const tablePtr = this.heap.alloc(4 * Math.max(1, ...model.layers.map((l) => l.inputs.length)));
    const arenaPtr = this.heap.alloc(capacity, 16);
    const u8 = this.heap.u8;
    const i32 = this.heap.i32;
    inputs.forEach((b, i) => u8.set(new Uint8Array(b.buffer, b.byteOffset, b.length), inPtrs[i]!));
    u8.fill(options.poison ?? 0xa5, arenaPtr, arenaPtr + capacity); // poison: stale bytes would show up in the output
    const shadow = options.check ? new ShadowArena(capacity, model.name) : null;
    const arenaView = () => this.heap.u8.subarray(arenaPtr, arenaPtr + capacity);
    const addressOf = (t: TensorAt): number => (t.at === 'input' ? inPtrs[t.index]! : t.at === 'output' ? outPtrs[t.index]! : arenaPtr + t.offset);

    const arena = new McuArena(capacity);
    // The inputs in the arena: the caller's bytes at their offsets, live from the first edge on.
    for (const p of schedule.preloaded) {
      const b = inputs[p.index]!;
      u8.set(new Uint8Array(b.buffer, b.byteOffset, b.length), arenaPtr + p.at.offset);
      arena.take(p.buffer);
      shadow?.preload(p.at);
    }
    this.wasm.resetMacs();
    const p0 = progPtr >> 2;
    for (const step of schedule.steps) {
      const { first, last } = step;
      for (const b of step.takes) arena.take(b);
      i32.fill(0, p0, p0 + programWords(last - first + 1));
      i32[p0 + P_LAYERS] = last - first + 1;
      i32[p0 + P_IN] = addressOf(step.input);
      i32[p0 + P_OUT] = addressOf(step.output);
      if (model.layers[first]!.op === 'concat') {
        step.operands.forEach((t, k) => (i32[(tablePtr >> 2) + k] = addressOf(t)));
        i32[p0 + P_AUX] = tablePtr;
      } else if (step.input2) i32[p0 + P_AUX] = addressOf(step.input2);
      else if (step.scratch) i32[p0 + P_AUX] = arenaPtr + step.scratch.offset;
      step.stages.forEach((s, j) => {
        i32[p0 + layerWord(j, L_DESC)] = prep.descPtrs[s.layer]!;
        i32[p0 + layerWord(j, L_MACS_PER_ELEMENT)] = L.perElementMacs[s.layer]!;
        if (s.cache) {
          i32[p0 + layerWord(j, L_CACHE)] = arenaPtr + s.cache.offset;
          i32[p0 + layerWord(j, L_CACHE_ROWS)] = s.cacheRows;
        }
        if (s.other) {
          i32[p0 + layerWord(j, L_OTHER)] = addressOf(s.other.operand);
          i32[p0 + layerWord(j, L_OTHER_FIRST)] = s.other.first ? 1 : 0;
        }
      });
      shadow?.before(step, arenaView());
      try {
        this.wasm.runBlock(progPtr);
      } catch (err) {
        const why = this.abortMessage() ?? (err as Error).message;
        throw new WasmError(`executing block [${first}, ${last}] of ${model.name} failed: ${why}`);
      }
      shadow?.after(step, arenaView());
      step.stages.forEach((s, j) => {
        if (s.cache) arena.recordUse(s.cache.name, cacheBytes(L, s.layer, i32[p0 + layerWord(j, L_ROWS_USED)]!));
      });
      arena.settle();
      if (options.onTensor) {
        const ptr = addressOf(step.output);
        options.onTensor(step.output.tensor, this.heap.u8.subarray(ptr, ptr + step.output.size));
      }
      for (const r of step.release) arena.release(r.name);
    }
    const outputs = modelOutputs(model).map((t, j) => this.heap.u8.slice(outPtrs[j]!, outPtrs[j]! + bytesOf(t)));
    return {
      output: outputs[0]!,
      outputs,
      predictedPeakBytes: schedule.peakBytes,
      measuredPeakBytes: arena.highWater,
      arenaBytes: capacity,
      predictedMacs: schedule.macs,
      macs: this.wasm.getMacs(),
      schedule,
    };
  }
}
