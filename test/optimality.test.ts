// Optimality against brute force: on seeded random chains the front equals the Pareto set of the
// exhaustive enumeration of all segmentations, and P1 / P2 answers equal brute force.
import { describe, expect, it } from 'vitest';
import { paperCostTable } from '../src/cost/paper.js';
import { findEdge, type EdgeTable } from '../src/cost/table.js';
import { buildChain } from '../src/model/chain.js';
import { randomChain } from '../src/model/generate.js';
import { ENGINES, getEngine } from '../src/plan/planner.js';
import '../src/runtime/wasm-node.js'; // registers the Wasm engine
import { solveP1, solveP2 } from '../src/plan/problems.js';

/** Every segmentation of 0..N (2^(N-1) of them) whose blocks are all valid edges. */
function allPaths(t: EdgeTable): { peak: number; macs: number }[] {
  const N = t.layers;
  const out: { peak: number; macs: number }[] = [];
  for (let mask = 0; mask < 1 << (N - 1); mask++) {
    let peak = 0;
    let macs = 0;
    let start = 0;
    let ok = true;
    for (let i = 1; i <= N && ok; i++) {
      if (i === N || mask & (1 << (i - 1))) {
        const e = findEdge(t, start, i);
        if (e < 0) ok = false;
        else {
          peak = Math.max(peak, t.mem[e]!);
          macs += t.macs[e]!;
        }
        start = i;
      }
    }
    if (ok) out.push({ peak, macs });
  }
  return out;
}

function paretoOf(points: { peak: number; macs: number }[]) {
  const sorted = [...points].sort((a, b) => a.peak - b.peak || a.macs - b.macs);
  const front: { peak: number; macs: number }[] = [];
  for (const p of sorted) if (front.length === 0 || p.macs < front[front.length - 1]!.macs) front.push(p);
  return front;
}

const SEEDS = Array.from({ length: 320 }, (_, i) => i + 1);

describe.each(ENGINES)('engine %s vs brute force', (engineName) => {
  const engine = getEngine(engineName);
  it(`fronts, P1 and P2 equal exhaustive enumeration on ${SEEDS.length} random chains`, () => {
    let fused = 0;
    for (const seed of SEEDS) {
      const n = 1 + (seed % 12);
      const model = buildChain(randomChain(seed, n));
      const table = paperCostTable(model);
      const paths = allPaths(table);
      const want = paretoOf(paths);
      const front = engine.front(table);
      expect(front.map((p) => ({ peak: p.peakBytes, macs: p.macs })), `seed ${seed}`).toEqual(want);
      if (front.some((p) => p.blocks.some(([a, b]) => b > a))) fused++;
      // Each front point's blocks re-evaluate to its figures.
      for (const p of front) {
        let peak = 0;
        let macs = 0;
        for (const [a, b] of p.blocks) {
          const e = findEdge(table, a, b + 1);
          expect(e).toBeGreaterThanOrEqual(0);
          peak = Math.max(peak, table.mem[e]!);
          macs += table.macs[e]!;
        }
        expect({ peak, macs }).toEqual({ peak: p.peakBytes, macs: p.macs });
      }
      const base = table.baselineMacs;
      for (const f of [1, 1.05, 1.2, 1.5, 2, Infinity]) {
        const feasible = paths.filter((p) => p.macs <= f * base * (1 + 1e-12));
        const best = feasible.sort((a, b) => a.peak - b.peak || a.macs - b.macs)[0];
        if (best) {
          const got = solveP1(front, base, f);
          expect({ peak: got.peakBytes, macs: got.macs }).toEqual(best);
        } else expect(() => solveP1(front, base, f)).toThrow();
      }
      const peaks = [...new Set(paths.map((p) => p.peak))];
      for (const budget of [peaks[0]! - 1, ...peaks.slice(0, 4), Math.max(...peaks)]) {
        const feasible = paths.filter((p) => p.peak <= budget);
        const best = feasible.sort((a, b) => a.macs - b.macs || a.peak - b.peak)[0];
        if (best) {
          const got = solveP2(front, budget);
          expect({ peak: got.peakBytes, macs: got.macs }).toEqual(best);
        } else expect(() => solveP2(front, budget)).toThrow();
      }
    }
    // The generator must exercise fusion, not just single layers.
    expect(fused).toBeGreaterThan(SEEDS.length / 3);
  });
});
