/**
 * The execution order the planner runs: a topological order of the model's layers chosen to lower
 * the plan's peak. Everything downstream (cost tables, the fusion search, the schedule, the executor,
 * the emitted C, the reports) reads `model.layers` in order, so choosing an order is handing over the
 * same model with its layers permuted (`inPlannedOrder`, applied by the model loader).
 *
 * Which order: under the exact cost model, each candidate order is scored by the peak of its
 * minimum-RAM plan (the fusion search's first front point), then its layer-by-layer peak, then the
 * MACs of that minimum-RAM plan. Only orders whose two peaks are both no higher than the file
 * order's qualify, so the file order (always a candidate, and kept on ties) is never beaten by a
 * worse one. Candidates: every topological order for graphs of up to EXHAUSTIVE_LAYERS layers, and
 * for larger graphs when they have at most EXHAUSTIVE_WORK / layers orders (then the
 * choice is exact for that score); otherwise the file order, the order of least layer-by-layer peak
 * found by a dynamic programme over the graph's down-sets (exact for that peak when no level of the
 * programme has more than DP_STATES sets, a beam search past that), and adjacent swaps of
 * independent layers from the best one while they
 * improve the score (a bounded hill climb). A candidate whose minimum-RAM or layer-by-layer plan the
 * arena allocator cannot place at its predicted peak is passed over.
 */
import { exactLayers, exactTableOf } from '../cost/exact.js';
import type { EdgeTable } from '../cost/table.js';
import { type Layer, type Model, isCallerTensor, tensorBytes } from '../model/ir.js';
import type { Block } from './engine.js';
import { scheduleOf } from './schedule.js';

/** Graphs of up to this many layers are searched over every topological order (at most 8! = 40,320). */
export const EXHAUSTIVE_LAYERS = 8;
/** Larger graphs: every order when orders x layers is at most this, the heuristic past it. */
export const EXHAUSTIVE_WORK = 16_384;
/** Down-sets the layer-by-layer dynamic programme keeps per level. */
export const DP_STATES = 128;
/** Candidate orders the hill climb may score. */
const CLIMB_EVALUATIONS = 48;

/** An order's figures under the exact cost model. */
export interface OrderScore {
  /** Peak of the layer-by-layer plan. */
  layerByLayer: number;
  /** Peak of the minimum-RAM plan, and its MACs (the fewest among plans of that peak). */
  minimumRam: number;
  macs: number;
}

export interface PlannedOrder {
  /** File layer indices in execution order. */
  order: number[];
  /** The chosen and the file order's figures (null when the file order is the only one). */
  score: OrderScore | null;
  fileScore: OrderScore | null;
  /** True when every topological order was a candidate. */
  exhaustive: boolean;
  /** How many topological orders the model has, when all were enumerated. */
  orders: number | null;
}

/** The model with its layers in `order` (file indices), renumbered; the tensors are shared. */
export function reorder(model: Model, order: readonly number[]): Model {
  const layers: Layer[] = order.map((i, k) => ({ ...model.layers[i]!, index: k }));
  return { ...model, layers };
}

/** For each layer, the layers producing its operands (its predecessors). */
function predecessors(model: Model): number[][] {
  const producer = new Map(model.layers.map((l) => [l.output, l.index]));
  return model.layers.map((l) => [...new Set(l.inputs.map((t) => producer.get(t)).filter((p): p is number => p !== undefined))]);
}

/**
 * Every topological order of the layers, the file's first (lowest ready index first), or null when
 * there are more than `cap`.
 */
export function topologicalOrders(model: Model, cap: number): number[][] | null {
  const n = model.layers.length;
  const preds = predecessors(model);
  const succs: number[][] = model.layers.map(() => []);
  preds.forEach((ps, i) => ps.forEach((p) => succs[p]!.push(i)));
  const waiting = preds.map((ps) => ps.length);
  const done = new Uint8Array(n);
  const out: number[][] = [];
  const path: number[] = [];
  const visit = (): boolean => {
    if (path.length === n) {
      out.push([...path]);
      return out.length <= cap;
    }
    for (let i = 0; i < n; i++) {
      if (done[i] || waiting[i]) continue;
      done[i] = 1;
      path.push(i);
      for (const s of succs[i]!) waiting[s]!--;
      const go = visit();
      for (const s of succs[i]!) waiting[s]!++;
      path.pop();
      done[i] = 0;
      if (!go) return false;
    }
    return true;
  };
  return visit() ? out : null;
}

/** Layer-by-layer and minimum-RAM figures of the plans over `model`'s own order. */
export function scoreOf(model: Model): OrderScore {
  return scoreTable(exactTableOf(exactLayers(model)));
}

function scoreTable(t: EdgeTable): OrderScore {
  const N = t.layers;
  let layerByLayer = 0;
  // Bottleneck path 0 -> N (least peak), then the fewest MACs among paths within that peak.
  const peak = new Float64Array(N + 1).fill(Infinity);
  peak[0] = 0;
  for (let v = 1; v <= N; v++)
    for (let e = t.start[v]!; e < t.start[v + 1]!; e++) {
      const u = t.from[e]!;
      if (u === v - 1) layerByLayer = Math.max(layerByLayer, t.mem[e]!);
      peak[v] = Math.min(peak[v]!, Math.max(peak[u]!, t.mem[e]!));
    }
  const minimumRam = peak[N]!;
  const macs = new Float64Array(N + 1).fill(Infinity);
  macs[0] = 0;
  for (let v = 1; v <= N; v++)
    for (let e = t.start[v]!; e < t.start[v + 1]!; e++)
      if (t.mem[e]! <= minimumRam) macs[v] = Math.min(macs[v]!, macs[t.from[e]!]! + t.macs[e]!);
  return { layerByLayer, minimumRam, macs: macs[N]! };
}

/** Negative when score a is better than b (see the module comment). */
export const compareScores = (a: OrderScore, b: OrderScore): number =>
  a.minimumRam - b.minimumRam || a.layerByLayer - b.layerByLayer || a.macs - b.macs;

const noWorse = (a: OrderScore, file: OrderScore): boolean => a.minimumRam <= file.minimumRam && a.layerByLayer <= file.layerByLayer;

/**
 * The order of least layer-by-layer peak, by a dynamic programme over down-sets (sets of layers
 * already run, closed under predecessors), level by level: running layer x after set S costs the
 * bytes of every arena tensor made in S that a layer outside S still reads, plus x's output and
 * scratch (the exact model's single-layer edge). Each level keeps its DP_STATES best sets (least
 * peak, then least live bytes): exact when no level has more, a beam search otherwise.
 */
export function leastLayerByLayerOrder(model: Model): { order: number[]; exact: boolean } {
  const n = model.layers.length;
  const preds = predecessors(model);
  const succs: number[][] = model.layers.map(() => []);
  preds.forEach((ps, i) => ps.forEach((p) => succs[p]!.push(i)));
  const L = exactLayers(model);
  const producer = new Map(model.layers.map((l) => [l.output, l.index]));
  const operands = model.layers.map((l) => [...new Set(l.inputs)].filter((t) => producer.has(t)));
  const readers: number[][] = model.tensors.map(() => []);
  for (const l of model.layers) for (const t of new Set(l.inputs)) readers[t]!.push(l.index);
  const bytes = model.tensors.map((t) => (isCallerTensor(model, t.id) ? 0 : tensorBytes(t.shape)));
  // Sets are keyed by a Zobrist hash: 32 + 21 bits per layer, xor-ed, as one exact double.
  let seed = 0x9e3779b9;
  const word = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0) >>> 0);
  const zobrist = model.layers.map(() => [word(), word() & 0x1fffff] as const);
  interface State { set: Uint8Array; ready: number[]; h0: number; h1: number; live: number; peak: number; order: number[] }
  const first = model.layers.map((_, i) => i).filter((i) => preds[i]!.length === 0);
  let level: State[] = [{ set: new Uint8Array(n), ready: first, h0: 0, h1: 0, live: 0, peak: 0, order: [] }];
  let exact = true;
  for (let k = 0; k < n; k++) {
    const next = new Map<number, { from: State; x: number; h0: number; h1: number; live: number; peak: number }>();
    for (const s of level) {
      for (const x of s.ready) {
        const peak = Math.max(s.peak, s.live + L.outMaterial[x]! + L.scratch[x]!);
        // Once x ran: its output lives when something reads it; operands whose readers all ran die.
        const out = model.layers[x]!.output;
        let live = s.live + (readers[out]!.length ? bytes[out]! : 0);
        for (const t of operands[x]!) if (readers[t]!.every((r) => r === x || s.set[r])) live -= bytes[t]!;
        const h0 = (s.h0 ^ zobrist[x]![0]) >>> 0;
        const h1 = s.h1 ^ zobrist[x]![1];
        const key = h1 * 2 ** 32 + h0;
        const old = next.get(key);
        if (!old || peak < old.peak) next.set(key, { from: s, x, h0, h1, live, peak });
      }
    }
    let kept = [...next.values()].sort((a, b) => a.peak - b.peak || a.live - b.live);
    if (kept.length > DP_STATES) [kept, exact] = [kept.slice(0, DP_STATES), false];
    level = kept.map(({ from, x, h0, h1, live, peak }) => {
      const set = from.set.slice();
      set[x] = 1;
      const ready = from.ready.filter((r) => r !== x);
      for (const y of succs[x]!) if (preds[y]!.every((p) => set[p])) ready.push(y);
      return { set, ready, h0, h1, live, peak, order: [...from.order, x] };
    });
  }
  return { order: level[0]!.order, exact };
}

/** Adjacent layers k, k+1 of `order` can swap when k+1 does not read k's output. */
function swapped(order: readonly number[], k: number, preds: number[][]): number[] | null {
  if (preds[order[k + 1]!]!.includes(order[k]!)) return null;
  const o = [...order];
  [o[k], o[k + 1]] = [o[k + 1]!, o[k]!];
  return o;
}

/** True when the arena allocator places the order's minimum-RAM and layer-by-layer plans at their predicted peaks. */
function placeable(model: Model, minimumRamBlocks: Block[]): boolean {
  try {
    scheduleOf(model, minimumRamBlocks);
    scheduleOf(model, model.layers.map((_, i): Block => [i, i]));
    return true;
  } catch {
    return false;
  }
}

/** The blocks of the least-MACs minimum-RAM plan over `model`'s order. */
function minimumRamBlocks(model: Model, score: OrderScore): Block[] {
  const t = exactTableOf(exactLayers(model));
  const N = t.layers;
  const macs = new Float64Array(N + 1).fill(Infinity);
  const from = new Int32Array(N + 1).fill(-1);
  macs[0] = 0;
  for (let v = 1; v <= N; v++)
    for (let e = t.start[v]!; e < t.start[v + 1]!; e++) {
      const u = t.from[e]!;
      if (t.mem[e]! <= score.minimumRam && macs[u]! + t.macs[e]! < macs[v]!) [macs[v], from[v]] = [macs[u]! + t.macs[e]!, u];
    }
  const blocks: Block[] = [];
  for (let v = N; v > 0; v = from[v]!) blocks.unshift([from[v]!, v - 1]);
  return blocks;
}

/** The order the planner runs `model` in (see the module comment). */
export function planOrder(model: Model): PlannedOrder {
  const n = model.layers.length;
  const file = model.layers.map((_, i) => i);
  const all = topologicalOrders(model, n <= EXHAUSTIVE_LAYERS ? Infinity : Math.floor(EXHAUSTIVE_WORK / n));
  if (all?.length === 1) return { order: file, score: null, fileScore: null, exhaustive: true, orders: 1 };
  const fileScore = scoreOf(model);
  const scored: { order: number[]; score: OrderScore }[] = [{ order: file, score: fileScore }];
  const seen = new Set([file.join()]);
  const consider = (order: number[] | null): boolean => {
    if (!order || seen.has(order.join())) return false;
    seen.add(order.join());
    scored.push({ order, score: scoreOf(reorder(model, order)) });
    return true;
  };
  if (all) all.forEach(consider);
  else {
    consider(leastLayerByLayerOrder(model).order);
    const preds = predecessors(model);
    let best = scored.filter((c) => noWorse(c.score, fileScore)).sort((a, b) => compareScores(a.score, b.score))[0]!;
    for (let improved = true, budget = CLIMB_EVALUATIONS; improved && budget > 0; ) {
      improved = false;
      for (let k = 0; k + 1 < n && budget > 0; k++) {
        if (!consider(swapped(best.order, k, preds))) continue;
        budget--;
        const c = scored[scored.length - 1]!;
        if (noWorse(c.score, fileScore) && compareScores(c.score, best.score) < 0) [best, improved] = [c, true];
      }
    }
  }
  // Stable sort: the file order (first) wins ties.
  const ranked = scored.filter((c) => noWorse(c.score, fileScore)).sort((a, b) => compareScores(a.score, b.score));
  const placed = ranked.find((c) => c.order === file || placeable(reorder(model, c.order), minimumRamBlocks(reorder(model, c.order), c.score)))!;
  return { order: placed.order, score: placed.score, fileScore, exhaustive: all !== null, orders: all ? all.length : null };
}

const planned = new WeakMap<Model, Model>();

/** `model` in the planner's order (the same object when that is the file's); made once per model. */
export function inPlannedOrder(model: Model): Model {
  let m = planned.get(model);
  if (!m) {
    const { order } = planOrder(model);
    m = order.every((i, k) => i === k) ? model : reorder(model, order);
    planned.set(model, m);
  }
  return m;
}
