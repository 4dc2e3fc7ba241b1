/**
 * The paper's problems, answered from a Pareto front (so one search serves every constraint):
 * P1 (min peak | overhead <= F), P2 (min MACs | peak <= P), vanilla and the MCUNetV2-style heuristic.
 */
import { InfeasibleError } from '../errors.js';
import { type EdgeTable, findEdge } from '../cost/table.js';
import type { Block, FrontPoint } from './engine.js';

export const overheadOf = (macs: number, baselineMacs: number): number => macs / baselineMacs;

// F is a user-given decimal such as 1.3: compare with a relative tolerance so that a MAC count that
// is exactly F x baseline is not rejected by binary rounding.
const withinOverhead = (macs: number, baseline: number, f: number): boolean => macs <= f * baseline * (1 + 1e-12);

/** P1: minimum peak subject to F <= maxOverhead (and optionally peak <= ramLimit); ties: fewest MACs. */
export function solveP1(front: FrontPoint[], baselineMacs: number, maxOverhead: number, ramLimit = Infinity): FrontPoint {
  const hit = front.find((p) => withinOverhead(p.macs, baselineMacs, maxOverhead) && p.peakBytes <= ramLimit);
  if (hit) return hit;
  const cheapest = front[front.length - 1]!;
  const withinOh = front.find((p) => withinOverhead(p.macs, baselineMacs, maxOverhead));
  if (withinOh && Number.isFinite(ramLimit))
    throw new InfeasibleError(
      `no plan has peak <= ${ramLimit} B with MAC overhead <= ${maxOverhead}: the smallest peak within that overhead is ${withinOh.peakBytes} B; raise --ram or --max-overhead`,
    );
  throw new InfeasibleError(
    `no plan has MAC overhead <= ${maxOverhead}: the smallest reachable overhead is ${overheadOf(cheapest.macs, baselineMacs).toFixed(4)} (${cheapest.macs} MACs at ${cheapest.peakBytes} B); raise --max-overhead`,
  );
}

/** P2: minimum MACs subject to peak <= ramLimit; ties: lowest peak. */
export function solveP2(front: FrontPoint[], ramLimit: number): FrontPoint {
  let best: FrontPoint | undefined;
  for (const p of front) if (p.peakBytes <= ramLimit) best = p;
  if (best) return best;
  const min = front[0]!;
  throw new InfeasibleError(
    `no plan fits in ${ramLimit} B: the smallest reachable peak is ${min.peakBytes} B (at ${min.macs} MACs); raise --ram to at least ${min.peakBytes}`,
  );
}

/** Which of the paper's problems a plan answers; planModel records it in PlanResult.problem. */
export type Problem =
  | { kind: 'P2'; ramLimit: number }
  | { kind: 'P1'; maxOverhead: number; ramLimit?: number }
  | { kind: 'min-peak' };

/** The one choice rule: P2 with a RAM limit alone, P1 with an overhead limit (and maybe a RAM limit), else the minimum peak. */
export function problemOf(ramLimit?: number, maxOverhead?: number): Problem {
  if (ramLimit !== undefined && maxOverhead === undefined) return { kind: 'P2', ramLimit };
  if (maxOverhead !== undefined) return { kind: 'P1', maxOverhead, ...(ramLimit !== undefined ? { ramLimit } : {}) };
  return { kind: 'min-peak' };
}

/** The front point that answers the problem (the minimum peak is P1 without limits). */
export function solveProblem(front: FrontPoint[], baselineMacs: number, p: Problem): FrontPoint {
  if (p.kind === 'P2') return solveP2(front, p.ramLimit);
  return p.kind === 'P1' ? solveP1(front, baselineMacs, p.maxOverhead, p.ramLimit ?? Infinity) : solveP1(front, baselineMacs, Infinity);
}

/** One line on how a plan was chosen (the emitted C's comments and README, `msf emit`'s summary). */
export function problemNote(p: Problem, cost: string): string {
  const how =
    p.kind === 'P2'
      ? `P2: fewest MACs with peak <= ${p.ramLimit} B`
      : p.kind === 'P1'
        ? `P1: smallest peak with MAC overhead <= ${p.maxOverhead}${p.ramLimit !== undefined ? ` and peak <= ${p.ramLimit} B` : ''}`
        : 'minimum peak RAM';
  return `${how}, cost model ${cost}`;
}

/** Evaluates a path given as blocks: peak = max edge memory, MACs = sum. Throws if an edge is missing. */
export function evaluateBlocks(table: EdgeTable, blocks: Block[]): { peakBytes: number; macs: number } {
  let peak = 0;
  let macs = 0;
  for (const [first, last] of blocks) {
    const e = findEdge(table, first, last + 1);
    if (e < 0) throw new InfeasibleError(`block [${first}, ${last}] is not a valid fusion block`);
    peak = Math.max(peak, table.mem[e]!);
    macs += table.macs[e]!;
  }
  return { peakBytes: peak, macs };
}

/** Layer by layer: every edge a single layer. */
export function vanilla(table: EdgeTable): FrontPoint {
  const blocks: Block[] = [];
  for (let i = 0; i < table.layers; i++) blocks.push([i, i]);
  return { ...evaluateBlocks(table, blocks), blocks };
}

/**
 * MCUNetV2-style: only edges leaving node 0 may be fusion blocks, every later layer runs alone;
 * minimum peak, ties: fewest MACs. One fused head 0 -> v followed by single layers, so a suffix
 * maximum over the single-layer edges answers it in O(edges).
 */
export function heuristic(table: EdgeTable): FrontPoint {
  const N = table.layers;
  const sufPeak = new Float64Array(N + 1);
  const sufMacs = new Float64Array(N + 1);
  for (let v = N - 1; v >= 0; v--) {
    const e = findEdge(table, v, v + 1);
    sufPeak[v] = Math.max(sufPeak[v + 1]!, table.mem[e]!);
    sufMacs[v] = sufMacs[v + 1]! + table.macs[e]!;
  }
  let best = { peakBytes: Infinity, macs: Infinity, head: 1 };
  for (let v = 1; v <= N; v++) {
    const e = findEdge(table, 0, v);
    if (e < 0) continue;
    const peakBytes = Math.max(table.mem[e]!, sufPeak[v]!);
    const macs = table.macs[e]! + sufMacs[v]!;
    if (peakBytes < best.peakBytes || (peakBytes === best.peakBytes && macs < best.macs)) best = { peakBytes, macs, head: v };
  }
  const blocks: Block[] = [[0, best.head - 1]];
  for (let i = best.head; i < N; i++) blocks.push([i, i]);
  return { peakBytes: best.peakBytes, macs: best.macs, blocks };
}
