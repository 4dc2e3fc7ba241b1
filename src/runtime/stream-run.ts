/**
 * plan -> execute with streaming (issue #14), behind `msf run --stream`: the streaming
 * specification's front (src/cost/stream-sim.ts, searched by the TS engine), the point the budget
 * asks for, run for real by the streaming executor (stream-exec.ts), and which layers of each edge
 * stream from a line buffer, which recompute rows from a column cache, which edges write in place.
 */
import { createHash } from 'node:crypto';
import { streamGraphTable } from '../cost/stream-sim.js';
import { CACHE } from '../cost/stream.js';
import { InfeasibleError, ModelError } from '../errors.js';
import { type Model, modelInputs, modelOutputs } from '../model/ir.js';
import { DEFAULT_SEED, executableModel } from '../model/seeded.js';
import type { FrontPoint } from '../plan/engine.js';
import { JsSearchEngine } from '../plan/solver-js.js';
import { chosenEdges } from '../plan/stream-schedule.js';
import { decodeOutput, encodeInput, seededEncodedInput } from './encoding.js';
import { getExecutor } from './run.js';
import { StreamExecutor } from './stream-exec.js';

/** How layer `layer` of an edge holds its input: the edge's input tensor, a line buffer (ring), or a column cache (its producer recomputes rows). */
export type LayerHold = 'edge input' | 'line buffer' | 'column cache';

export interface StreamEdgeReport {
  first: number;
  last: number;
  /** The edge's output overwrites its input's bytes. */
  inPlace: boolean;
  layers: { layer: number; op: string; holds: LayerHold }[];
}

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
  /** Search (the TS specification) and run times. */
  searchMs: number;
  runMs: number;
}

export interface StreamRunOptions {
  /** P2: fewest MACs within this arena (bytes). */
  ramLimit?: number;
  /** P1: least arena with MACs <= maxOverhead x baseline (default: no limit). */
  maxOverhead?: number;
  seed?: number;
  /** Input bytes in the model's input encoding (default seeded). */
  input?: Uint8Array;
  /** Checking mode (a per-byte shadow map, slower). */
  check?: boolean;
}

/** The front point a budget picks: fewest MACs within ramLimit, else least arena within maxOverhead (msf emit --stream picks the same way). */
export function pick(front: FrontPoint[], base: number, o: StreamRunOptions, name: string): FrontPoint {
  const ok = front.filter((p) => (o.ramLimit === undefined || p.peakBytes <= o.ramLimit) && p.macs <= (o.maxOverhead ?? Infinity) * base * (1 + 1e-12));
  if (!ok.length) throw new InfeasibleError(`${name}: no streaming plan within the limits (least arena ${Math.min(...front.map((p) => p.peakBytes))} B)`);
  return ok.sort((a, b) => (o.ramLimit !== undefined ? a.macs - b.macs || a.peakBytes - b.peakBytes : a.peakBytes - b.peakBytes || a.macs - b.macs))[0]!;
}

export function runStreamedModel(model: Model, options: StreamRunOptions = {}): StreamRunReport {
  const exe = executableModel(model, options.seed ?? DEFAULT_SEED);
  if (modelInputs(exe).length !== 1 || modelOutputs(exe).length !== 1)
    throw new ModelError(`${exe.name}: the streaming executor runs models with one input and one output (this one has ${modelInputs(exe).length} and ${modelOutputs(exe).length}); run it without --stream`);
  const t0 = performance.now();
  const table = streamGraphTable(exe, 24);
  const point = pick(new JsSearchEngine().front(table), table.baselineMacs, options, exe.name);
  const edges = chosenEdges(table, point);
  const searchMs = performance.now() - t0;
  const input = encodeInput(exe, options.input ?? seededEncodedInput(exe, options.seed ?? DEFAULT_SEED));
  const t1 = performance.now();
  const r = new StreamExecutor(getExecutor()).run(exe, edges, input, { ...(options.check ? { check: true } : {}) });
  const runMs = performance.now() - t1;
  const output = decodeOutput(exe, r.output);
  return {
    model: exe.name, predictedPeakBytes: r.predictedPeakBytes, measuredPeakBytes: r.measuredPeakBytes, arenaBytes: r.arenaBytes,
    macs: r.macs, predictedMacs: r.predictedMacs, baselineMacs: table.baselineMacs,
    edges: edges.map((e) => ({
      first: e.m, last: e.n, inPlace: e.inPlace,
      layers: exe.layers.slice(e.m, e.n + 1).map((l, j) => ({
        layer: l.index, op: l.op, holds: j === 0 ? 'edge input' : e.holds[j] === CACHE ? 'column cache' : 'line buffer',
      })),
    })),
    output, outputSha256: createHash('sha256').update(output).digest('hex'), searchMs, runMs,
  };
}

/** One line per edge: its layers, which stream from a line buffer and which recompute from a column cache. */
export function streamEdgeLines(edges: readonly StreamEdgeReport[]): string[] {
  return edges.map((e) => {
    const span = e.first === e.last ? `layer ${e.first}` : `layers ${e.first}-${e.last}`;
    const ls = e.layers.slice(1);
    const of = (h: LayerHold) => ls.filter((l) => l.holds === h).map((l) => l.layer);
    const line = of('line buffer');
    const cache = of('column cache');
    const parts = [
      ...(line.length ? [`line buffers feed layers ${line.join(' ')} (every row computed once)`] : []),
      ...(cache.length ? [`column caches feed layers ${cache.join(' ')} (their producers recompute rows)`] : []),
    ];
    return `  ${span}${e.first === e.last ? ' (alone)' : ''}${parts.length ? `: ${parts.join('; ')}` : ''}${e.inPlace ? ', output in place over its input' : ''}`;
  });
}
