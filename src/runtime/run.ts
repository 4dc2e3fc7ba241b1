/**
 * plan -> execute: the library entry point behind `msf run`. Plans (exact cost model by default, the
 * one the executor follows), runs the plan in the Wasm executor inside the arena, and reports the
 * predicted and measured figures side by side, with the paper's accounting of the same blocks.
 */
import { createHash } from 'node:crypto';
import { paperCostTable } from '../cost/paper.js';
import { ModelError } from '../errors.js';
import { type Model, modelInputs, modelOutputs, tensorBytes, tensorDims } from '../model/ir.js';
import { DEFAULT_SEED, executableModel, seededInput } from '../model/seeded.js';
import type { Block } from '../plan/engine.js';
import { type PlanOptions, type PlanResult, planModel } from '../plan/planner.js';
import { evaluateBlocks } from '../plan/problems.js';
import { decodeOutput, encodeInput, encodingName, seededEncodedInput } from './encoding.js';
import type { Executor, RunResult } from './executor.js';
import { createExecutor } from './wasm-node.js';

export interface RunModelOptions extends PlanOptions {
  seed?: number;
  /** Input bytes in the model's input encoding (int8, float32 little-endian or uint8); default seeded. */
  input?: Uint8Array;
  /** A model with several inputs: one buffer per input, in the model's order (the first in its encoding). */
  inputs?: Uint8Array[];
  /** Arena capacity; default the plan's predicted peak. */
  capacity?: number;
  /** Run these blocks instead of planning. */
  blocks?: Block[];
}

export interface RunOutput {
  /** IR tensor id and its dimensions as the file declares them. */
  tensor: number;
  shape: number[];
  dtype: string;
  bytes: Uint8Array;
  sha256: string;
}

export interface RunReport {
  model: string;
  costModel: string;
  predictedPeakBytes: number;
  measuredPeakBytes: number;
  paperPeakBytes: number | null;
  arenaBytes: number;
  macs: number;
  predictedMacs: number;
  blocks: Block[];
  /** sha256 of `output`. */
  outputSha256: string;
  ms: number;
  /** The output in the model's output encoding (what `msf run --output` writes). */
  output: Uint8Array;
  /** The int8 network output (equal to `output` when the model has no output encoding). */
  int8Output: Uint8Array;
  /** Every model output in the model's order (the first in its output encoding). */
  outputs: RunOutput[];
  /** 'int8', 'float32' or 'uint8': the caller's input and output buffers. */
  inputEncoding: string;
  outputEncoding: string;
}

let executor: Executor | undefined;
/** The process's shared Wasm executor, created on first use. */
export function getExecutor(): Executor {
  return (executor ??= createExecutor());
}

export { seededInput } from '../model/seeded.js';

function paperPeak(model: Model, blocks: Block[]): number | null {
  try {
    return evaluateBlocks(paperCostTable(model), blocks).peakBytes;
  } catch {
    return null; // the paper's model does not apply (non-square, graphs) or lacks one of the blocks
  }
}

export function runModel(model: Model, options: RunModelOptions = {}): RunReport & { plan?: PlanResult } {
  const exe = executableModel(model, options.seed ?? DEFAULT_SEED);
  const cost = options.cost ?? 'exact';
  const plan = options.blocks ? undefined : planModel(exe, { ...options, cost });
  const blocks = options.blocks ?? plan!.solution.blocks;
  // The caller's buffers are in the model's own encoding (int8, or float32 / uint8 through the
  // model's edge conversions); the network and its arena only ever see int8.
  const seed = options.seed ?? DEFAULT_SEED;
  const int8Inputs = callerInputs(exe, seed, options.inputs ?? (options.input ? [options.input] : undefined));
  const t0 = performance.now();
  const r: RunResult = getExecutor().run(exe, blocks, int8Inputs, {
    ...(options.capacity !== undefined ? { capacity: options.capacity } : {}), ...(options.inputInArena ? { inputInArena: true } : {}),
  });
  const output = decodeOutput(exe, r.output);
  const ms = performance.now() - t0;
  const outputs = runOutputs(exe, output, r.outputs);
  return {
    model: exe.name,
    costModel: cost,
    predictedPeakBytes: r.predictedPeakBytes,
    measuredPeakBytes: r.measuredPeakBytes,
    paperPeakBytes: paperPeak(exe, blocks),
    arenaBytes: r.arenaBytes,
    macs: r.macs,
    predictedMacs: r.predictedMacs,
    blocks,
    outputSha256: createHash('sha256').update(output).digest('hex'),
    ms,
    output,
    int8Output: r.output,
    outputs,
    inputEncoding: encodingName(exe.inputEncoding),
    outputEncoding: encodingName(exe.outputEncoding),
    ...(plan ? { plan } : {}),
  };
}

/** Every model output as the caller receives it: the first decoded (`first`, in the model's output encoding), the others int8. */
export function runOutputs(exe: Model, first: Uint8Array, int8: readonly Uint8Array[]): RunOutput[] {
  return modelOutputs(exe).map((t, j): RunOutput => {
    const bytes = j === 0 ? first : int8[j]!;
    const dtype = exe.tensors[t]!.dtype ?? (j === 0 ? encodingName(exe.outputEncoding) : 'int8');
    return { tensor: t, shape: [...(exe.outputDims?.[j] ?? tensorDims(exe.tensors[t]!))], dtype, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/**
 * The int8 bytes of every model input, in the model's order: `given` (the first in the model's input
 * encoding, the others int8) or seeded ones; a clear error on a wrong count or size.
 */
export function callerInputs(exe: Model, seed: number, given?: readonly Uint8Array[]): Uint8Array[] {
  const ins = modelInputs(exe);
  if (given && given.length !== ins.length)
    throw new ModelError(`${exe.name} has ${ins.length} input${ins.length > 1 ? 's' : ''}, ${given.length} given (one per input, in the model's input order)`);
  const buffers = ins.map((t, i) => given?.[i] ?? (i === 0 ? seededEncodedInput(exe, seed) : seededInput(tensorBytes(exe.tensors[t]!.shape), seed)));
  return buffers.map((b, i) => {
    if (i === 0) return encodeInput(exe, b);
    const want = tensorBytes(exe.tensors[ins[i]!]!.shape);
    if (b.length !== want) throw new ModelError(`input ${i} has ${b.length} bytes but ${exe.name} expects ${want} (${exe.tensors[ins[i]!]!.shape.join('x')} int8)`);
    return b;
  });
}
