/**
 * Streaming as a planning mode (issue #14): the one place that gives a model's streaming table
 * (line buffers or column caches per layer, residual streams, pooling tails, in place), and, for a
 * chosen front point, what each of its edges does: which layers read a line buffer (every row of
 * their input computed once), which a column cache (their producer recomputes rows), which edges
 * write their output over their input. planModel(model, { stream: true }) (planner.ts) searches the
 * table with either engine and answers the problem (P1 / P2 / minimum) with problems.ts's rule, as
 * for every other table; the reports and `msf run --stream` read these labels.
 */
import type { ArenaOptions } from '../cost/exact.js';
import { UsageError } from '../errors.js';
import { CACHE, type StreamTable } from '../cost/stream.js';
import type { Model } from '../model/ir.js';
import type { FrontPoint, SearchEngine } from './engine.js';
import { type Problem, problemNote, solveProblem } from './problems.js';
import { type StreamEdge, chosenEdges } from './stream-schedule.js';

/** Blocks longer than this get no fully streamed (graph) option (the specification plays such blocks pixel by pixel). */
export const STREAM_MAX_BLOCK_LAYERS = 24;

/** Options that do not combine with streaming (--cost paper, the instruction estimate): a usage error saying what to drop. */
export function refuseWithStream(o: { cost?: string; maxInstructions?: number }): void {
  if (o.cost !== undefined && o.cost !== 'exact')
    throw new UsageError(`--stream: streaming plans have their own exact accounting (what the streaming executor allocates); drop --cost ${o.cost} or --stream`);
  if (o.maxInstructions !== undefined)
    throw new UsageError('--stream: the instruction estimate (--max-instructions, --max-latency) knows ordinary plans only; drop it or --stream');
}

/**
 * The streaming DAG of a model: the one call every streaming planner, run and report goes through.
 * The engine builds it fast (src/cost/stream-fast-graph.ts); it equals the specification's
 * streamGraphTable edge for edge (test/stream-fast.test.ts), less the blocks that cannot be on the
 * front (src/cost/stream-prune.ts: the front is the same, tested).
 */
export function streamTable(model: Model, engine: SearchEngine, options: ArenaOptions = {}): StreamTable {
  return engine.streamTable(model, STREAM_MAX_BLOCK_LAYERS, options, true);
}

/** How a layer of an edge holds its input: the edge's input tensor, a line buffer (ring), or a column cache (its producer recomputes rows). */
export type LayerHold = 'edge input' | 'line buffer' | 'column cache';

/** One edge of a streaming plan, as every report states it. */
export interface StreamEdgeReport {
  first: number;
  last: number;
  /** The edge's peak bytes (arena) and MACs under the streaming accounting. */
  bytes: number;
  macs: number;
  /** The edge's output overwrites its input's bytes. */
  inPlace: boolean;
  layers: { layer: number; op: string; holds: LayerHold }[];
}

/** The table edge behind each block of the point (stream-schedule.ts's choice) with its figures and labels. */
export function streamEdgesOf(model: Model, table: StreamTable, point: FrontPoint): { edges: StreamEdge[]; reports: StreamEdgeReport[] } {
  const edges = chosenEdges(table, point);
  const reports = edges.map((e): StreamEdgeReport => ({
    first: e.m, last: e.n, bytes: e.mem, macs: e.macs, inPlace: e.inPlace,
    layers: model.layers.slice(e.m, e.n + 1).map((l, j) => ({
      layer: l.index, op: l.op, holds: j === 0 ? 'edge input' : e.holds[j] === CACHE ? 'column cache' : 'line buffer',
    })),
  }));
  return { edges, reports };
}

/** A model's streaming front and the point the problem picks, with its edges (for the executor) and their labels (for the reports). */
export interface StreamPlan {
  table: StreamTable;
  front: FrontPoint[];
  chosen: FrontPoint;
  edges: StreamEdge[];
  reports: StreamEdgeReport[];
  /** Table and front. */
  searchMs: number;
}

/** The one streaming planner: table, front (either engine), the problem's point (problems.ts's rule, as for ordinary plans). */
export function streamPlanOf(model: Model, engine: SearchEngine, problem: Problem, options: ArenaOptions = {}): StreamPlan {
  const t0 = performance.now();
  const table = streamTable(model, engine, options);
  const front = engine.front(table);
  const searchMs = performance.now() - t0;
  const chosen = solveProblem(front, table.baselineMacs, problem);
  return { table, front, chosen, ...streamEdgesOf(model, table, chosen), searchMs };
}

/** The layers of an edge that read their input as `hold`, in order. */
export const layersHolding = (e: StreamEdgeReport, hold: LayerHold): number[] => e.layers.filter((l) => l.holds === hold).map((l) => l.layer);

/** Layers of the edges fed by line buffers and by column caches, and the edges in place. */
export function streamCounts(edges: readonly StreamEdgeReport[]): { lineBuffer: number; columnCache: number; inPlace: number } {
  const layers = edges.flatMap((e) => e.layers);
  return {
    lineBuffer: layers.filter((l) => l.holds === 'line buffer').length,
    columnCache: layers.filter((l) => l.holds === 'column cache').length,
    inPlace: edges.filter((e) => e.inPlace).length,
  };
}

/** One line per edge: its layers, which stream from a line buffer and which recompute from a column cache, and whether it is in place. */
export function streamEdgeLines(edges: readonly StreamEdgeReport[]): string[] {
  return edges.map((e) => {
    const span = e.first === e.last ? `layer ${e.first}` : `layers ${e.first}-${e.last}`;
    const line = layersHolding(e, 'line buffer');
    const cache = layersHolding(e, 'column cache');
    const parts = [
      ...(line.length ? [`line buffers feed layers ${line.join(' ')} (every row computed once)`] : []),
      ...(cache.length ? [`column caches feed layers ${cache.join(' ')} (their producers recompute rows)`] : []),
    ];
    return `  ${span}${e.first === e.last ? ' (alone)' : ''}${parts.length ? `: ${parts.join('; ')}` : ''}${e.inPlace ? ', output in place over its input' : ''}`;
  });
}

/** The plan's line in the emitted C's comments (`msf emit --stream` and the web page's download write the same). */
export function streamPlanNote(problem: Problem, plan: StreamPlan): string {
  return `streaming plan (issue #14), ${problemNote(problem, 'exact')}, F = ${(plan.chosen.macs / plan.table.baselineMacs).toFixed(3)}`;
}
