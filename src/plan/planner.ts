/**
 * model -> cost table -> search -> plan: the library entry point behind `msf plan`.
 */
import { UsageError } from '../errors.js';
import { type ArenaOptions, exactLayers } from '../cost/exact.js';
import { estimateInstructions, leastRamWithin } from '../cost/latency.js';
import { paperLayers } from '../cost/paper.js';
import { type EdgeTable, findEdge } from '../cost/table.js';
import type { Model } from '../model/ir.js';
import type { Block, EngineName, FrontPoint, SearchEngine } from './engine.js';
import { type Problem, heuristic, overheadOf, problemOf, solveProblem, vanilla } from './problems.js';
import { JsSearchEngine } from './solver-js.js';
import { checkLayerCount } from '../limits.js';
import { type StreamEdgeReport, type StreamPlan, refuseWithStream, streamPlanOf } from './stream-plan.js';

export type CostModelName = 'paper' | 'exact';
export const COST_MODELS: readonly CostModelName[] = ['paper', 'exact'];
/** Engine names; the first is the CLI's default. */
export const ENGINES: readonly EngineName[] = ['wasm', 'js'];

export interface PlanOptions {
  cost?: CostModelName;
  engine?: EngineName | SearchEngine;
  /** P2 (alone) or an extra limit on P1: peak bytes. */
  ramLimit?: number;
  /** P1: MACs <= maxOverhead x baseline. */
  maxOverhead?: number;
  /** Include the whole Pareto front in the result. */
  front?: boolean;
  /** The third problem: least peak RAM whose estimated instruction count (src/cost/latency.ts) is within this. */
  maxInstructions?: number;
  /** The core clock (--mcu) for estimates in milliseconds. */
  clockHz?: number;
  /**
   * Search the streaming space (issue #14, src/plan/stream-plan.ts): per layer a line buffer or a
   * column cache, residual streams, pooling tails, outputs in place; exact accounting only.
   */
  stream?: boolean;
  /** The network inputs are arena tensors, freed after their last reader (src/cost/exact.ts ArenaOptions); exact accounting only. */
  inputInArena?: boolean;
}

export interface PlanPoint {
  peakBytes: number;
  macs: number;
  overhead: number;
  blocks: Block[];
  /** Estimated instructions of the emitted C on a Cortex-M4 (src/cost/latency.ts; not cycles). */
  instructions?: number;
}

/** One block of the chosen plan with its own figures under the cost model. */
export interface BlockCost {
  first: number;
  last: number;
  bytes: number;
  macs: number;
}

export interface PlanResult {
  model: string;
  costModel: CostModelName;
  engine: EngineName;
  /** The problem the solution answers (from ramLimit / maxOverhead, see problemOf). */
  problem: Problem;
  layers: number;
  baselineMacs: number;
  vanilla: { peakBytes: number; macs: number };
  heuristic: { peakBytes: number; macs: number; overhead: number };
  solution: PlanPoint;
  /** Per-block figures of the solution, in order. */
  solutionBlocks: BlockCost[];
  front?: PlanPoint[];
  searchMs: number;
  /** options.clockHz, for milliseconds beside the instruction estimates */
  clockHz?: number;
  /** With options.stream: per edge of the solution, which layers stream from line buffers, which recompute from column caches, which edges are in place. */
  stream?: { edges: StreamEdgeReport[] };
  /** The arena holds the network inputs (options.inputInArena). */
  inputInArena?: true;
}

/**
 * Engines by name, created on first use. The Wasm engine needs a loader that knows where the module
 * lives (a file in Node, a URL in a browser), so its environment registers it: importing
 * src/runtime/wasm-node.ts (done by the package entry src/index.ts) registers the Node one.
 */
const factories = new Map<EngineName, () => SearchEngine>([['js', () => new JsSearchEngine()]]);
const engines = new Map<EngineName, SearchEngine>();

export function registerEngine(name: EngineName, create: () => SearchEngine): void {
  factories.set(name, create);
  engines.delete(name);
}

export function getEngine(engine: EngineName | SearchEngine = 'js'): SearchEngine {
  if (typeof engine !== 'string') return engine;
  const made = engines.get(engine);
  if (made) return made;
  const create = factories.get(engine);
  if (!create) {
    if ((ENGINES as readonly string[]).includes(engine))
      throw new UsageError(`engine "${engine}" is not loaded here: import the package entry (Node) or pass an engine instance (browser: createWasmSearchEngineFromUrl)`);
    throw new UsageError(`unknown engine "${engine}"; choose one of ${ENGINES.join(', ')}`);
  }
  const e = create();
  engines.set(engine, e);
  return e;
}

export function costTable(model: Model, cost: CostModelName = 'exact', engine: SearchEngine = getEngine('js'), options: ArenaOptions = {}): EdgeTable {
  if (cost === 'paper') return engine.paperTable(paperLayers(model));
  if (cost === 'exact') return engine.exactTable(exactLayers(model, options));
  throw new UsageError(`unknown cost model "${cost}"; choose one of ${COST_MODELS.join(', ')}`);
}

const pointOf = (p: FrontPoint, baseline: number): PlanPoint => ({
  peakBytes: p.peakBytes,
  macs: p.macs,
  overhead: overheadOf(p.macs, baseline),
  blocks: p.blocks,
});

/** Plans the model: one search for the whole front, then the problem the options name (problemOf). */
export function planModel(model: Model, options: PlanOptions = {}): PlanResult {
  return planWithStream(model, options).result;
}

/** planModel, and with options.stream the streaming plan behind it (its edges run in the streaming executor and the streamed C). */
export function planWithStream(model: Model, options: PlanOptions = {}): { result: PlanResult; streaming: StreamPlan | null } {
  checkLayerCount(model.layers.length, model.name); // both engines: bounded work, a typed error past it
  const cost = options.cost ?? 'exact';
  if (options.stream) refuseWithStream(options);
  else if (options.inputInArena && cost !== 'exact')
    throw new UsageError(`--input-in-arena: the ${cost} cost model leaves the input outside the arena, as the paper counts it; plan with --cost exact or drop --input-in-arena`);
  const arena: ArenaOptions = { inputInArena: options.inputInArena === true };
  const engine = getEngine(options.engine);
  const problem = problemOf(options.ramLimit, options.maxOverhead);
  const t0 = performance.now();
  const streaming = options.stream ? streamPlanOf(model, engine, problem, arena) : null;
  const table = streaming?.table ?? costTable(model, cost, engine, arena);
  const front = streaming?.front ?? engine.front(table);
  const searchMs = streaming?.searchMs ?? performance.now() - t0;
  const base = table.baselineMacs;
  // Instruction estimates are of the emitted C of ordinary plans (src/cost/latency.ts).
  const toPoint = (p: FrontPoint): PlanPoint => ({ ...pointOf(p, base), ...(streaming ? {} : { instructions: estimateInstructions(model, p.blocks) }) });
  // --max-instructions / --max-latency: least RAM within the estimate (src/cost/latency.ts), the RAM limit kept
  const chosen =
    streaming?.chosen ??
    (options.maxInstructions !== undefined
      ? leastRamWithin(model, front, options.maxInstructions, options.ramLimit ?? Infinity)
      : solveProblem(front, base, problem));
  const stream = streaming?.reports ?? null;
  // Layer by layer and the heuristic are the ordinary (exact) plans, the references streaming is compared with.
  const reference = streaming ? costTable(model, 'exact', engine, arena) : table;
  const v = vanilla(reference);
  const h = heuristic(reference);
  const result: PlanResult = {
    model: model.name,
    costModel: cost,
    engine: engine.name,
    problem,
    layers: model.layers.length,
    baselineMacs: base,
    vanilla: { peakBytes: v.peakBytes, macs: v.macs },
    heuristic: { peakBytes: h.peakBytes, macs: h.macs, overhead: overheadOf(h.macs, base) },
    solution: toPoint(chosen),
    solutionBlocks: stream
      ? stream.map(({ first, last, bytes, macs }) => ({ first, last, bytes, macs }))
      : chosen.blocks.map(([first, last]) => {
          const e = findEdge(table, first, last + 1);
          return { first, last, bytes: table.mem[e]!, macs: table.macs[e]! };
        }),
    ...(options.front ? { front: front.map(toPoint) } : {}),
    searchMs,
    ...(options.clockHz ? { clockHz: options.clockHz } : {}),
    ...(stream ? { stream: { edges: stream } } : {}),
    ...(options.inputInArena ? { inputInArena: true as const } : {}),
  };
  return { result, streaming };
}
