/**
 * plan -> execute: the library entry point behind `msf run`. Plans (exact cost model by default, the
 * one the executor follows), runs the plan in the Wasm executor inside the arena, and reports the
 * predicted and measured figures side by side, with the paper's accounting of the same blocks.
 */
import { createHash } from 'node:crypto';
import { paperCostTable } from '../cost/paper.js';
import { ModelError } from '../errors.js';
import { Rng } from '../model/generate.js';
import { type Model, isExecutable, tensorBytes } from '../model/ir.js';
import { DEFAULT_SEED, withSeededParams } from '../model/seeded.js';
import type { Block } from '../plan/engine.js';
import { type PlanOptions, type PlanResult, planModel } from '../plan/planner.js';
import { evaluateBlocks } from '../plan/problems.js';
import { type ExecExports, Executor, type RunResult } from './executor.js';
import { WasmAborts } from '../plan/solver-wasm.js';
import { loadWasmSync } from './wasm-node.js';

export interface RunModelOptions extends PlanOptions {
  seed?: number;
  input?: Uint8Array;
  /** Arena capacity; default the plan's predicted peak. */
  capacity?: number;
  /** Run these blocks instead of planning. */
  blocks?: Block[];
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
  outputSha256: string;
  ms: number;
  output: Uint8Array;
}

let executor: Executor | undefined;
export function getExecutor(): Executor {
  if (executor) return executor;
  const aborts = new WasmAborts();
  const { exports } = loadWasmSync<Omit<ExecExports, 'memory'>>('exec', aborts.imports);
  const abortMessage = () => {
    const a = aborts.last;
    aborts.last = null;
    return a ? `${exports.__getString(a.message)} (${exports.__getString(a.file)}:${a.line})` : undefined;
  };
  return (executor = new Executor(exports as typeof exports & ExecExports, abortMessage));
}

/** The seeded test input: xorshift32 bytes, as in ../shared/conformance (in_k.bin with k = seed). */
export function seededInput(bytes: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = rng.nextU32() & 0xff;
  return out;
}

export function executableModel(model: Model, seed = DEFAULT_SEED): Model {
  return isExecutable(model) ? model : withSeededParams(model, seed);
}

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
  const inBytes = tensorBytes(exe.tensors[exe.input]!.shape);
  const input = options.input ?? seededInput(inBytes, options.seed ?? DEFAULT_SEED);
  if (input.length !== inBytes)
    throw new ModelError(`input has ${input.length} bytes but ${exe.name} expects ${inBytes} (${exe.tensors[exe.input]!.shape.join('x')} int8)`);
  const t0 = performance.now();
  const r: RunResult = getExecutor().run(exe, blocks, input, options.capacity !== undefined ? { capacity: options.capacity } : {});
  const ms = performance.now() - t0;
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
    outputSha256: createHash('sha256').update(r.output).digest('hex'),
    ms,
    output: r.output,
    ...(plan ? { plan } : {}),
  };
}
