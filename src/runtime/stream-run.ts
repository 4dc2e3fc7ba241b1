/**
 * plan -> execute with streaming (issue #14), behind `msf run --stream`: the streaming plan of
 * src/plan/stream-plan.ts (the point the budget asks for, P1 / P2 as for `msf plan --stream`), run for
 * real by the streaming executor (stream-exec.ts), with its per-edge labels (which layers stream from
 * a line buffer, which recompute rows from a column cache, which edges write in place).
 */
import { createHash } from 'node:crypto';
import { ModelError } from '../errors.js';
import { type Model, modelInputs, modelOutputs } from '../model/ir.js';
import { DEFAULT_SEED, executableModel } from '../model/seeded.js';
import type { EngineName, SearchEngine } from '../plan/engine.js';
import { getEngine } from '../plan/planner.js';
import { problemOf } from '../plan/problems.js';
import { type StreamEdgeReport, streamPlanOf } from '../plan/stream-plan.js';
import { decodeOutput, encodeInput, seededEncodedInput } from './encoding.js';
import { getExecutor } from './run.js';
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
  output: Uint8Array;
  outputSha256: string;
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
  /** Search engine of the front (default: the TypeScript one). */
  engine?: EngineName | SearchEngine;
}

export function runStreamedModel(model: Model, options: StreamRunOptions = {}): StreamRunReport {
  const exe = executableModel(model, options.seed ?? DEFAULT_SEED);
  if (modelInputs(exe).length !== 1 || modelOutputs(exe).length !== 1)
    throw new ModelError(`${exe.name}: the streaming executor runs models with one input and one output (this one has ${modelInputs(exe).length} and ${modelOutputs(exe).length}); run it without --stream`);
  const plan = streamPlanOf(exe, getEngine(options.engine), problemOf(options.ramLimit, options.maxOverhead));
  const input = encodeInput(exe, options.input ?? seededEncodedInput(exe, options.seed ?? DEFAULT_SEED));
  const t1 = performance.now();
  const r = new StreamExecutor(getExecutor()).run(exe, plan.edges, input, { ...(options.check ? { check: true } : {}) });
  const runMs = performance.now() - t1;
  const output = decodeOutput(exe, r.output);
  return {
    model: exe.name, predictedPeakBytes: r.predictedPeakBytes, measuredPeakBytes: r.measuredPeakBytes, arenaBytes: r.arenaBytes,
    macs: r.macs, predictedMacs: r.predictedMacs, baselineMacs: plan.table.baselineMacs, edges: plan.reports,
    output, outputSha256: createHash('sha256').update(output).digest('hex'), searchMs: plan.searchMs, runMs,
  };
}
