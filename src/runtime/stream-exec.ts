/**
 * Runs a streaming plan for real (issue #14): line buffers, column caches, residual streams,
 * pooling tails and in-place outputs, every output pixel computed by the int8 Wasm kernels the
 * executor uses (TFLite Micro's arithmetic), reading its operands from the ring slots, column caches
 * and tensors of the plan's schedule (src/plan/stream-schedule.ts: the offsets the replay check uses
 * too), inside one simulated arena.
 *
 * The order is the specification's walk (src/cost/stream-sim.ts, StreamActions): this driver
 * makes one kernel call per pixel (per column of rows in a cached sub-block), window kernels reading
 * wrapped buffers through assembly/exec/stream.ts. Data crosses into Wasm as pointers into its
 * memory, never copied; the driver is TypeScript, so a streamed run is slow (seconds for the zoo,
 * the walk being played pixel by pixel). A single layer runs whole, as in the executor, unless its
 * output overwrites its input in place: then pixel by pixel too.
 *
 * Measured: the arena (McuArena) takes and releases every buffer of each edge; a ring or cache
 * counts the slots really written (highest slot + 1), so an oversized buffer would show.
 * Checking mode: a per-byte shadow map of which pixel version each byte holds; every read the
 * walk makes must find its pixel's latest version (so nothing still to be read was overwritten, and
 * nothing dead is read), an edge may change no byte outside the buffers it took or writes in place,
 * and no buffer may be taken over live bytes or over another buffer of its edge.
 * Caller tensors (every model output, and the inputs unless inputInArena) are buffers outside the
 * arena; with inputInArena the inputs are written into their arena buffers when the first edge starts.
 */
import { WasmError } from '../errors.js';
import { exactLayers, outsideArena } from '../cost/exact.js';
import { type StreamEvent, kindOf, streamedBlockCost } from '../cost/stream-sim.js';
import { rowWindow } from '../cost/stream.js';
import { type Model, modelInputs, modelOutputs, outputShape, tensorBytes } from '../model/ir.js';
import { type StreamEdge, type StreamSchedule, type StreamStep, streamScheduleOf } from '../plan/stream-schedule.js';
import { McuArena } from './arena.js';
import { DESC_BYTES, writeDesc } from './desc.js';
import type { ExecExports, Executor } from './executor.js';
import { L_DESC, L_MACS_PER_ELEMENT, L_WORDS, P_AUX, P_HEADER_WORDS, P_IN, P_LAYERS, P_OUT } from './program.js';
import { ShadowError } from './shadow.js';

/** The kernel exports a streamed run calls (build/exec.wasm, assembly/exec/index.ts). */
interface StreamExports extends ExecExports {
  runWindow(desc: number, inPtr: number, inRow0: number, inCol0: number, inRows: number, inCols: number,
    outPtr: number, outRow0: number, outCol0: number, outCols: number, oy0: number, oy1: number, ox0: number, ox1: number): void;
  runWindowWrapped(desc: number, inPtr: number, inRow0: number, inCol0: number, inRows: number, inCols: number, ring: number, colRing: number,
    outPtr: number, outRow0: number, outCol0: number, outCols: number, oy0: number, oy1: number, ox0: number, ox1: number): void;
  add(desc: number, a: number, b: number, out: number, count: number): void;
  pad(desc: number, input: number, out: number): void;
  lut(desc: number, input: number, out: number, count: number): void;
  fullyConnected(desc: number, input: number, out: number): void;
  softmax(desc: number, input: number, out: number, rows: number, depth: number): void;
  meanInit(desc: number, acc: number): void;
  meanAccumulate(desc: number, acc: number, input: number, pixels: number): void;
  meanFinalize(desc: number, acc: number, out: number): void;
  avgPoolFromSums(desc: number, acc: number, out: number): void;
}

export interface StreamRunOptions {
  /** Arena capacity; default the plan's predicted peak (the largest edge). */
  capacity?: number;
  check?: boolean;
  poison?: number;
  /** Run on this schedule of the same edges instead of making one (tests alter it to see the checks fail). */
  schedule?: StreamSchedule;
  /** Called after each edge with the tensor it materialised (a view into Wasm memory, valid during the call). */
  onTensor?: (tensor: number, bytes: Uint8Array) => void;
  /** The network inputs are arena tensors (the plan's table must have been built with the same option). */
  inputInArena?: boolean;
}

export interface StreamRunResult {
  /** The first model output; `outputs` has every one, in the model's output order. */
  output: Uint8Array;
  outputs: Uint8Array[];
  predictedPeakBytes: number;
  measuredPeakBytes: number;
  arenaBytes: number;
  /** MACs the kernels were asked for (the specification's count for the same walk: predictedMacs). */
  macs: number;
  predictedMacs: number;
  /** Kernel calls made (pixels, columns and whole layers). */
  kernelCalls: number;
  schedule: StreamSchedule;
}

export class StreamExecutor {
  constructor(private readonly exec: Executor) {}

  /** Runs the edges on `input`: the int8 bytes of the model input, or one buffer per model input (in the model's order). */
  run(model: Model, edges: readonly StreamEdge[], input: Uint8Array | readonly Uint8Array[], options: StreamRunOptions = {}): StreamRunResult {
    const arenaOptions = { inputInArena: options.inputInArena === true };
    const predictedPeakBytes = Math.max(...edges.map((e) => e.mem));
    const schedule = options.schedule ?? streamScheduleOf(model, edges, options.capacity ?? predictedPeakBytes, arenaOptions);
    const capacity = schedule.arenaBytes;
    const wasm = this.exec.wasm as StreamExports;
    const heap = this.exec.heap;
    const prep = this.exec.prepare(model);
    const L = exactLayers(model, arenaOptions);
    const size = (t: number) => tensorBytes(model.tensors[t]!.shape);
    const chans = (t: number) => model.tensors[t]!.shape[2];
    const outside = (t: number) => outsideArena(model, t, arenaOptions);
    const inIds = modelInputs(model);
    const outIds = modelOutputs(model);
    const inputs = Array.isArray(input) ? (input as readonly Uint8Array[]) : [input as Uint8Array];
    if (inputs.length !== inIds.length) throw new WasmError(`${inputs.length} input buffers given, the model has ${inIds.length} inputs`);
    inputs.forEach((b, i) => {
      if (b.length !== size(inIds[i]!)) throw new WasmError(`input${inIds.length > 1 ? ` ${i}` : ''} has ${b.length} bytes, the model expects ${size(inIds[i]!)}`);
    });

    heap.resetTo(prep.flashEnd);
    // The caller's buffers: every output, and the inputs unless they are in the arena.
    const callerPtr = new Map<number, number>();
    for (const t of [...inIds, ...outIds]) if (outside(t) && !callerPtr.has(t)) callerPtr.set(t, heap.alloc(size(t)));
    const progPtr = heap.alloc((P_HEADER_WORDS + L_WORDS) * 4);
    const tablePtr = heap.alloc(4 * Math.max(1, ...model.layers.map((l) => l.inputs.length)));
    // A channel PAD streamed pixel by pixel: its descriptor for a 1x1 map.
    const pixelDesc = new Map<number, number>();
    for (const l of model.layers) {
      if (l.op !== 'pad') continue;
      const d = prep.lowered[l.index]!.desc;
      if ((d.padT ?? 0) !== 0 || (d.padL ?? 0) !== 0 || d.inH !== d.outH || d.inW !== d.outW) continue; // spatial: never streamed
      const ptr = heap.alloc(DESC_BYTES, 16);
      pixelDesc.set(l.index, ptr);
    }
    const arenaPtr = heap.alloc(capacity, 16);
    for (const [l, ptr] of pixelDesc) writeDesc(heap.i32, ptr, { ...prep.lowered[l]!.desc, inH: 1, inW: 1, outH: 1, outW: 1, weights: 0, bias: 0, mult: 0, shift: 0, aux: 0 });
    inIds.forEach((t, i) => callerPtr.has(t) && heap.u8.set(inputs[i]!, callerPtr.get(t)!));
    heap.u8.fill(options.poison ?? 0xa5, arenaPtr, arenaPtr + capacity);

    const arena = new McuArena(capacity);
    const base = (t: number): number => callerPtr.get(t) ?? arenaPtr + schedule.tensorAt(t)!.offset;
    let macs = 0;
    let calls = 0;
    const shadow = options.check ? new StreamShadow(capacity, model.name) : null;

    schedule.steps.forEach((step, k) => {
      const { m, n } = step.edge;
      // The shadow first: a buffer placed over live bytes is its finding, before the arena's own check.
      shadow?.beginEdge(step, heap.u8.subarray(arenaPtr, arenaPtr + capacity), step.edge.inPlace ? schedule.tensorAt(model.layers[m]!.inputs[0]!) : null);
      for (const b of step.takes) arena.take(b);
      // Network inputs in the arena: the caller writes them when the first edge starts.
      for (const b of step.preloaded) {
        const i = inIds.findIndex((t) => schedule.tensorAt(t) === b);
        heap.u8.set(inputs[i]!, arenaPtr + b.offset);
        shadow?.wroteTensor(inIds[i]!, b.offset, size(inIds[i]!) / chans(inIds[i]!), chans(inIds[i]!));
      }
      const guard = (what: string, f: () => void) => {
        try {
          f();
        } catch (err) {
          if (err instanceof ShadowError) throw err;
          const why = this.exec.abortMessage() ?? (err as Error).message;
          throw new WasmError(`streaming edge ${k} [${m}, ${n}] of ${model.name}: ${what} failed: ${why}`);
        }
      };
      if (m === n && !step.edge.inPlace) {
        // Every arena operand must hold its pixels' latest versions when the layer reads it whole.
        for (const t of new Set(model.layers[m]!.inputs)) if (!outside(t)) shadow?.readTensor(t, base(t) - arenaPtr, size(t) / chans(t), chans(t), step);
        guard(`layer ${m}`, () => (macs += this.runWhole(model, m, prep.descPtrs[m]!, L.perElementMacs[m]!, base, step, arenaPtr, progPtr, tablePtr)));
        calls++;
        const out = model.layers[m]!.output;
        if (!outside(out)) shadow?.wroteTensor(out, base(out) - arenaPtr, size(out) / chans(out), chans(out));
      } else {
        const used = new Map<number, number>(); // held tensor -> highest slot written + 1
        const r = streamStep(model, L, step, prep.descPtrs, pixelDesc, wasm, base, outside, arenaPtr, used, shadow);
        guard(`block`, r.run);
        macs += r.macs();
        calls += r.calls();
        for (const [t, h] of step.held) arena.recordUse(h.buffer.name, (used.get(t) ?? 0) * chans(t));
      }
      shadow?.endEdge(step, heap.u8.subarray(arenaPtr, arenaPtr + capacity));
      arena.settle();
      const out = model.layers[n]!.output;
      if (options.onTensor) options.onTensor(out, heap.u8.subarray(base(out), base(out) + size(out)));
      for (const b of step.release) {
        arena.release(b.name);
        shadow?.dead(b);
      }
    });
    const predictedMacs = schedule.steps.reduce((s, st) => s + (st.edge.m === st.edge.n ? outputBytes(model, st.edge.m) * L.perElementMacs[st.edge.m]! : st.cost!.macs), 0);
    const outputs = outIds.map((t) => heap.u8.slice(base(t), base(t) + size(t)));
    return {
      output: outputs[0]!, outputs,
      predictedPeakBytes, measuredPeakBytes: arena.highWater, arenaBytes: capacity, macs, predictedMacs, kernelCalls: calls, schedule,
    };
  }

  /** A single layer over whole tensors: one block program of one layer (assembly/exec/fused.ts runBlock). */
  private runWhole(model: Model, l: number, desc: number, perElement: number, base: (t: number) => number, step: StreamStep, arenaPtr: number, progPtr: number, tablePtr: number): number {
    const layer = model.layers[l]!;
    const i32 = this.exec.heap.i32;
    const p0 = progPtr >> 2;
    i32.fill(0, p0, p0 + P_HEADER_WORDS + L_WORDS);
    i32[p0 + P_LAYERS] = 1;
    i32[p0 + P_IN] = base(layer.inputs[0]!);
    i32[p0 + P_OUT] = base(layer.output);
    if (layer.op === 'concat') {
      layer.inputs.forEach((t, k) => (i32[(tablePtr >> 2) + k] = base(t)));
      i32[p0 + P_AUX] = tablePtr;
    } else if (layer.inputs.length > 1) i32[p0 + P_AUX] = base(layer.inputs[1]!);
    else if (step.scratch) i32[p0 + P_AUX] = arenaPtr + step.scratch.offset;
    i32[p0 + P_HEADER_WORDS + L_DESC] = desc;
    i32[p0 + P_HEADER_WORDS + L_MACS_PER_ELEMENT] = perElement;
    this.exec.wasm.runBlock(progPtr);
    return outputBytes(model, l) * perElement;
  }
}

const outputBytes = (model: Model, l: number) => tensorBytes(outputShape(model, model.layers[l]!));

/**
 * One streamed block: plays the specification's walk and, at each of its actions, calls the layer's
 * kernel with the addresses of the schedule.
 */
function streamStep(
  model: Model, L: ReturnType<typeof exactLayers>, step: StreamStep, descPtrs: number[], pixelDesc: Map<number, number>, wasm: StreamExports,
  base: (t: number) => number, outside: (t: number) => boolean, arenaPtr: number, used: Map<number, number>, shadow: StreamShadow | null,
) {
  const { m, n } = step.edge;
  const chans = (t: number) => model.tensors[t]!.shape[2];
  const shape = (t: number) => model.tensors[t]!.shape;
  // Row of the first cached input row of each CACHE layer in the current step (set by its producer's compute).
  const cacheRow0 = new Map<number, number>();
  let macs = 0;
  let calls = 0;
  // Accumulators: one int32[C] per reducer, in layer order (stream-sim.ts's scratch).
  const accAt = new Map<number, number>();
  let accOffset = step.accumulators ? arenaPtr + step.accumulators.offset : 0;
  for (let l = m; l <= n; l++) {
    if (kindOf(model, model.layers[l]!) !== 'reduce') continue;
    accAt.set(l, accOffset);
    accOffset += 4 * chans(model.layers[l]!.output);
  }
  /** Address of pixel q (row r, column c) of tensor t, wherever it lives in this edge. */
  const pixelAt = (t: number, q: number): number => {
    const h = step.held.get(t);
    const C = chans(t);
    if (!h) return base(t) + q * C;
    const at = arenaPtr + h.buffer.offset;
    if (h.kind === 'ring') return at + (q % (h.buffer.size / C)) * C;
    const W = shape(t)[1];
    const kw = L.kw[h.layer]!;
    return at + ((Math.floor(q / W) - cacheRow0.get(h.layer)!) * kw + ((q % W) % kw)) * C;
  };
  const inBlock = (t: number) => model.layers.slice(m, n + 1).some((x) => x.output === t);
  const wrote = (t: number, slot: number) => used.set(t, Math.max(used.get(t) ?? 0, slot + 1));

  const compute = (l: number, y0: number, y1: number, x: number): void => {
    const layer = model.layers[l]!;
    const desc = descPtrs[l]!;
    const out = layer.output;
    const [, W, C] = shape(out);
    const outHeld = step.held.get(out);
    calls++;
    // Where the output rows [y0, y1) of column x go: a ring slot, the next layer's cache, or a tensor.
    let outPtr: number, outRow0: number, outCol0: number, outCols: number;
    if (outHeld?.kind === 'ring') {
      const slot = (y0 * W + x) % (outHeld.buffer.size / C);
      [outPtr, outRow0, outCol0, outCols] = [arenaPtr + outHeld.buffer.offset + slot * C, y0, x, 1];
      wrote(out, slot);
    } else if (outHeld?.kind === 'cache') {
      const kw = L.kw[outHeld.layer]!;
      cacheRow0.set(outHeld.layer, y0);
      [outPtr, outRow0, outCol0, outCols] = [arenaPtr + outHeld.buffer.offset + (x % kw) * C, y0, x, kw];
      wrote(out, (y1 - 1 - y0) * kw + (x % kw));
    } else [outPtr, outRow0, outCol0, outCols] = [base(out), 0, 0, W];
    const outAt = (r: number) => outPtr + ((r - outRow0) * outCols + (x - outCol0)) * C;
    const inT = layer.inputs[0]!;
    const acc = accAt.get(l);
    if (acc !== undefined) {
      // A reducer: its sums are complete (pixel by pixel, or here from a materialised operand).
      const [H, Win] = shape(inT);
      if (!inBlock(inT)) wasm.meanAccumulate(desc, acc, base(inT), H * Win);
      macs += tensorBytes(shape(inT));
      if (layer.op === 'global_avg_pool2d') wasm.meanFinalize(desc, acc, outAt(y0));
      else wasm.avgPoolFromSums(desc, acc, outAt(y0));
      return;
    }
    macs += (y1 - y0) * C * L.perElementMacs[l]!;
    switch (layer.op) {
      case 'conv2d':
      case 'depthwise_conv2d':
      case 'max_pool2d':
      case 'avg_pool2d': {
        const h = step.held.get(inT);
        const [H, Win] = shape(inT);
        if (!h) wasm.runWindow(desc, base(inT), 0, 0, H, Win, outPtr, outRow0, outCol0, outCols, y0, y1, x, x + 1);
        else if (h.kind === 'ring') wasm.runWindowWrapped(desc, arenaPtr + h.buffer.offset, 0, 0, H, Win, h.buffer.size / chans(inT), 0, outPtr, outRow0, outCol0, outCols, y0, y1, x, x + 1);
        else {
          const [ra, rb] = rowWindow(L, l, y0, y1);
          const kw = L.kw[l]!;
          wasm.runWindowWrapped(desc, arenaPtr + h.buffer.offset, cacheRow0.get(l)!, 0, rb - ra, kw, 0, kw, outPtr, outRow0, outCol0, outCols, y0, y1, x, x + 1);
        }
        return;
      }
      default:
        for (let r = y0; r < y1; r++) {
          const q = r * W + x;
          const a = pixelAt(inT, q);
          const o = outAt(r);
          const op = layer.op;
          if (op === 'add') wasm.add(desc, a, pixelAt(layer.inputs[1]!, q), o, C);
          else if (op === 'pad' && pixelDesc.has(l)) wasm.pad(pixelDesc.get(l)!, a, o);
          else if (op === 'lut') wasm.lut(desc, a, o, C);
          else if (op === 'fully_connected') wasm.fullyConnected(desc, a, o);
          else if (op === 'softmax') wasm.softmax(desc, a, o, 1, C);
          else throw new WasmError(`${model.name}: layer ${l} (${op}) cannot be streamed pixel by pixel`);
        }
    }
  };
  const accumulate = (l: number, q: number): void => {
    const layer = model.layers[l]!;
    wasm.meanAccumulate(descPtrs[l]!, accAt.get(l)!, pixelAt(layer.inputs[0]!, q), 1);
    calls++;
  };
  const trace: StreamEvent | undefined = shadow
    ? (kind, t, q, slot) => {
        if (outside(t)) return;
        const h = step.held.get(t);
        const C = chans(t);
        const at = h?.kind === 'cache' && slot !== undefined ? h.buffer.offset + slot * C : pixelAt(t, q) - arenaPtr;
        shadow.event(kind, t, q, at, C, step);
      }
    : undefined;
  return {
    run: () => {
      for (const [l, acc] of accAt) wasm.meanInit(descPtrs[l]!, acc);
      streamedBlockCost(model, L, m, n, trace, step.holds, { compute, accumulate });
    },
    macs: () => macs,
    calls: () => calls,
  };
}

/**
 * The checking mode's shadow map: which version of which pixel each arena byte holds. Reads are
 * checked when they happen (before the kernel call that makes them), writes recorded after it.
 */
class StreamShadow {
  private readonly owner: Float64Array;
  private readonly latest = new Map<number, number>();
  private version = 0;
  private snapshot: Uint8Array | null = null;
  private allowed: Uint8Array;
  constructor(capacity: number, private readonly modelName: string) {
    this.owner = new Float64Array(capacity).fill(-1);
    this.allowed = new Uint8Array(capacity);
  }
  private fail(step: StreamStep, what: string): never {
    throw new ShadowError(`${this.modelName}: streaming edge [${step.edge.m}, ${step.edge.n}] ${what}`);
  }
  beginEdge(step: StreamStep, arena: Uint8Array, inPlace: { offset: number; size: number } | null): void {
    // Every buffer the edge takes must be free: released buffers are dead, so a live byte means an overlap.
    for (const b of step.takes)
      for (let x = b.offset; x < b.offset + b.size; x++)
        if (this.owner[x] !== -1) this.fail(step, `takes ${b.name} over arena byte ${x}, which still holds live data`);
    const byOffset = [...step.takes].sort((a, b) => a.offset - b.offset);
    for (let k = 1; k < byOffset.length; k++)
      if (byOffset[k]!.offset < byOffset[k - 1]!.offset + byOffset[k - 1]!.size)
        this.fail(step, `takes ${byOffset[k - 1]!.name} and ${byOffset[k]!.name} over the same arena byte ${byOffset[k]!.offset}`);
    this.allowed.fill(0);
    for (const b of [...step.takes, ...(inPlace ? [inPlace] : [])]) this.allowed.fill(1, b.offset, b.offset + b.size);
    this.snapshot = arena.slice();
  }
  /** A whole tensor written by a single layer: pixel q at `at` + q * C. */
  wroteTensor(t: number, at: number, pixels: number, C: number): void {
    for (let q = 0; q < pixels; q++) this.record(t * 2 ** 24 + q, at + q * C, C);
  }
  /** A whole tensor read by a single layer. */
  readTensor(t: number, at: number, pixels: number, C: number, step: StreamStep): void {
    for (let q = 0; q < pixels; q++) this.event('read', t, q, at + q * C, C, step);
  }
  /** A released buffer holds no live data. */
  dead(b: { offset: number; size: number }): void {
    this.owner.fill(-1, b.offset, b.offset + b.size);
  }
  private record(key: number, at: number, C: number): void {
    const v = this.version++;
    this.latest.set(key, v);
    this.owner.fill(v, at, at + C);
  }
  event(kind: 'read' | 'write', t: number, q: number, at: number, C: number, step: StreamStep): void {
    const key = t * 2 ** 24 + q;
    if (kind === 'write') return this.record(key, at, C);
    const v = this.latest.get(key);
    for (let b = at; b < at + C; b++)
      if (v === undefined || this.owner[b] !== v)
        this.fail(step, `reads tensor ${t} pixel ${q} at arena byte ${b}, which ${this.owner[b] === -1 ? 'holds no live data' : 'was overwritten before this read'}`);
  }
  endEdge(step: StreamStep, arena: Uint8Array): void {
    const s = this.snapshot!;
    for (let b = 0; b < arena.length; b++) if (!this.allowed[b] && arena[b] !== s[b]) this.fail(step, `wrote arena byte ${b}, outside the buffers it took`);
  }
}
