/**
 * The paper's problems, answered from a Pareto front (so one search serves every constraint):
 * P1 (min peak | overhead <= F), P2 (min MACs | peak <= P), vanilla and the MCUNetV2-style heuristic.
 */
import { InfeasibleError } from '../errors.js';
import { type EdgeTable, findEdge } from '../cost/table.js';
import { groupDigits } from '../report/digits.js';
import type { Block, FrontPoint } from './engine.js';

export const overheadOf = (macs: number, baselineMacs: number): number => macs / baselineMacs;

// F is a user-given decimal such as 1.3: compare with a relative tolerance so that a MAC count that
// is exactly F x baseline is not rejected by binary rounding.
const withinOverhead = (macs: number, baseline: number, f: number): boolean => macs <= f * baseline * (1 + 1e-12);

// Figures in messages are grouped (7,788 B) like the rest of the CLI; a figure the user should
// type back (`--ram 7788`) is written as the option reads it.
const f = groupDigits;

// An overhead a user must give to reach a plan, rounded up at 4 decimals (rounding down could
// name a limit that still excludes the plan). The slack keeps 1.0713 * baseline from becoming
// 1.0714 through binary rounding; it is below withinOverhead's tolerance, so the limit admits the plan.
const overheadToGive = (macs: number, baseline: number): number => Math.ceil((macs / baseline) * 1e4 - 1e-9) / 1e4;

/** The plan with the fewest MACs whose peak fits `ramLimit`, if any (the front runs from the least peak to the fewest MACs). */
function fewestMacsWithin(front: FrontPoint[], ramLimit: number): FrontPoint | undefined {
  let best: FrontPoint | undefined;
  for (const p of front) if (p.peakBytes <= ramLimit) best = p;
  return best;
}

const noPlanFits = (front: FrontPoint[], ramLimit: number): InfeasibleError => {
  const min = front[0]!;
  return new InfeasibleError(`no plan fits in ${f(ramLimit)} B: the smallest reachable peak is ${f(min.peakBytes)} B (at ${f(min.macs)} MACs); give --ram ${min.peakBytes} or more`);
};

/** P1: minimum peak subject to F <= maxOverhead (and optionally peak <= ramLimit); ties: fewest MACs. */
export function solveP1(front: FrontPoint[], baselineMacs: number, maxOverhead: number, ramLimit = Infinity): FrontPoint {
  const hit = front.find((p) => withinOverhead(p.macs, baselineMacs, maxOverhead) && p.peakBytes <= ramLimit);
  if (hit) return hit;
  // No overhead limit (--max-overhead inf): only the RAM limit can exclude every plan.
  if (!Number.isFinite(maxOverhead)) throw noPlanFits(front, ramLimit);
  const withinOh = front.find((p) => withinOverhead(p.macs, baselineMacs, maxOverhead));
  if (withinOh) {
    // Both limits together exclude every plan: say what each one alone would need.
    const inRam = fewestMacsWithin(front, ramLimit);
    const min = front[0]!;
    const other = inRam
      ? `, and the least overhead within ${f(ramLimit)} B is ${overheadToGive(inRam.macs, baselineMacs).toFixed(4)}; give --ram ${withinOh.peakBytes} or more, or --max-overhead ${overheadToGive(inRam.macs, baselineMacs)} or more`
      : `, and no plan fits in ${f(ramLimit)} B at any overhead (the smallest peak is ${f(min.peakBytes)} B, at overhead ${overheadToGive(min.macs, baselineMacs).toFixed(4)}); give --ram ${withinOh.peakBytes} or more`;
    throw new InfeasibleError(`no plan has peak <= ${f(ramLimit)} B with MAC overhead <= ${maxOverhead}: the smallest peak within that overhead is ${f(withinOh.peakBytes)} B${other}`);
  }
  const cheapest = front[front.length - 1]!;
  const least = overheadToGive(cheapest.macs, baselineMacs);
  throw new InfeasibleError(
    `no plan has MAC overhead <= ${maxOverhead}: the smallest reachable overhead is ${least.toFixed(4)} (${f(cheapest.macs)} MACs at ${f(cheapest.peakBytes)} B); give --max-overhead ${least} or more`,
  );
}

/** P2: minimum MACs subject to peak <= ramLimit; ties: lowest peak. */
export function solveP2(front: FrontPoint[], ramLimit: number): FrontPoint {
  const best = fewestMacsWithin(front, ramLimit);
  if (best) return best;
  throw noPlanFits(front, ramLimit);
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
      ? `P2: fewest MACs with peak <= ${f(p.ramLimit)} B`
      : p.kind === 'P1'
        ? `P1: smallest peak with ${Number.isFinite(p.maxOverhead) ? `MAC overhead <= ${p.maxOverhead}` : 'no MAC overhead limit'}${p.ramLimit !== undefined ? ` and peak <= ${f(p.ramLimit)} B` : ''}`
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
