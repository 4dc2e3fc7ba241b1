/**
 * plan -> execute with streaming (issue #14), behind `msf run --stream`: the streaming plan of
 * src/plan/stream-plan.ts (the point the budget asks for, P1 / P2 as for `msf plan --stream`), run for
 * real by the streaming executor (stream-exec.ts), with its per-edge labels (which layers stream from
 * a line buffer, which recompute rows from a column cache, which edges write in place).
 */
import { createHash } from 'node:crypto';
import type { Model } from '../model/ir.js';
import { DEFAULT_SEED, executableModel } from '../model/seeded.js';
import type { EngineName, SearchEngine } from '../plan/engine.js';
import { getEngine } from '../plan/planner.js';
import { problemOf } from '../plan/problems.js';
import { type StreamEdgeReport, streamPlanOf } from '../plan/stream-plan.js';
import { decodeOutput } from './encoding.js';
import { type RunOutput, callerInputs, getExecutor, runOutputs } from './run.js';
import { StreamExecutor } from './stream-exec.js';

export interface StreamRunReport {
  model: string;
  predictedPeakBytes: number;
  measuredPeakBytes: number;
  arenaBytes: number;
  macs: number;
  predictedMacs: number;
  baselineMacs: number;
  edges: StreamEdgeReport[];
  /** The first output, in the model's output encoding; `outputs` has every one (as runModel's). */
  output: Uint8Array;
  outputSha256: string;
  outputs: RunOutput[];
  /** Search (table and front) and run times. */
  searchMs: number;
  runMs: number;
}

export interface StreamRunOptions {
  /** Alone, P2: fewest MACs within this arena (bytes); with maxOverhead, P1 within it (problemOf). */
  ramLimit?: number;
  /** P1: least arena with MACs <= maxOverhead x baseline (neither limit: the least arena). */
  maxOverhead?: number;
  seed?: number;
  /** Input bytes in the model's input encoding (default seeded). */
  input?: Uint8Array;
  /** Checking mode (a per-byte shadow map, slower). */
  check?: boolean;
  /** The network inputs live in the arena (src/cost/exact.ts ArenaOptions). */
  inputInArena?: boolean;
  /** A model with several inputs: one buffer per input, in the model's order (the first in its encoding). */
  inputs?: Uint8Array[];
  /** Search engine of the front (default: the TypeScript one). */
  engine?: EngineName | SearchEngine;
}

export function runStreamedModel(model: Model, options: StreamRunOptions = {}): StreamRunReport {
  const exe = executableModel(model, options.seed ?? DEFAULT_SEED);
  const inputInArena = options.inputInArena === true;
  const plan = streamPlanOf(exe, getEngine(options.engine), problemOf(options.ramLimit, options.maxOverhead), { inputInArena });
  const input = callerInputs(exe, options.seed ?? DEFAULT_SEED, options.inputs ?? (options.input ? [options.input] : undefined));
  const t1 = performance.now();
  const r = new StreamExecutor(getExecutor()).run(exe, plan.edges, input, { ...(options.check ? { check: true } : {}), inputInArena });
  const runMs = performance.now() - t1;
  const output = decodeOutput(exe, r.output);
  return {
    model: exe.name, predictedPeakBytes: r.predictedPeakBytes, measuredPeakBytes: r.measuredPeakBytes, arenaBytes: r.arenaBytes,
    macs: r.macs, predictedMacs: r.predictedMacs, baselineMacs: plan.table.baselineMacs, edges: plan.reports,
    output, outputSha256: createHash('sha256').update(output).digest('hex'), outputs: runOutputs(exe, output, r.outputs), searchMs: plan.searchMs, runMs,
  };
}
