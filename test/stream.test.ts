// Line buffers in fusion blocks (src/cost/stream.ts): the all-cache choice is the exact model, the
// ring is as small as the access order allows (an independent pixel-level simulation), and the DAG
// search over per-block Pareto sets equals brute force over every segmentation x every per-layer
// choice on random chains and residual graphs, with both engines.
import { describe, expect, it } from 'vitest';
import { type ExactLayers, exactEdgeCost, exactLayers } from '../src/cost/exact.js';
import { blockIsCandidate } from '../src/cost/geometry.js';
import {
  CACHE, LINE, blockGeometry, chainStart, rowWindow, streamEdgeCost, streamHoldsOf, streamTableOf, subBlockCost,
} from '../src/cost/stream.js';
import { buildChain } from '../src/model/chain.js';
import { randomChain } from '../src/model/generate.js';
import type { Model } from '../src/model/ir.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import { ENGINES, getEngine } from '../src/plan/planner.js';
import '../src/runtime/wasm-node.js'; // registers the Wasm engine
import { residualGraph } from './helpers/residual.js';

const chain = (spec: Parameters<typeof buildChain>[0]) => exactLayers(buildChain(spec));

function holdsOf(len: number, mask: number): Uint8Array {
  const h = new Uint8Array(len);
  for (let l = 1; l < len; l++) h[l] = mask & (1 << (l - 1)) ? LINE : CACHE;
  return h;
}

describe('stream cost model', () => {
  it('the all-cache choice is the exact model, on every candidate block of the zoo and of residual graphs', () => {
    const models: Model[] = [...ZOO_IDS.map((id) => zooModel(id)), ...Array.from({ length: 40 }, (_, s) => residualGraph(s + 1))];
    let blocks = 0;
    for (const model of models) {
      const L = exactLayers(model);
      for (let n = 0; n < L.n; n++) {
        for (let m = n - 1; m >= 0 && m >= n - 8; m--) {
          if (!blockIsCandidate(L, m, n)) break;
          expect(streamEdgeCost(L, m, n, new Uint8Array(n - m + 1)), `${model.name} [${m}, ${n}]`).toEqual(exactEdgeCost(L, m, n));
          blocks++;
        }
      }
    }
    expect(blocks).toBeGreaterThan(500);
  });

  it('a 3x3 stride-1 line buffer holds 2W + 3 pixels, a 1x1 one pixel, a 3x3 stride-2 one 2W + 3', () => {
    const L = chain({
      name: 'rings', input: [20, 17, 4],
      layers: [
        { op: 'conv2d', filters: 6, kernel: 1, stride: 1, padding: 0 },
        { op: 'depthwise_conv2d', kernel: 3, stride: 1, padding: 1 },
        { op: 'conv2d', filters: 5, kernel: 1, stride: 1, padding: 0 },
        { op: 'depthwise_conv2d', kernel: 3, stride: 2, padding: 1 },
      ],
    });
    const g = blockGeometry(L, 3);
    const ring = (i: number) => subBlockCost(L, g, i, i, true).bytes;
    expect(ring(1)).toBe((2 * 17 + 3) * 6);
    expect(ring(2)).toBe(6);
    expect(ring(3)).toBe((2 * 17 + 3) * 5);
    // All line buffers: every layer computed once.
    const c = streamEdgeCost(L, 0, 3, Uint8Array.of(0, LINE, LINE, LINE))!;
    let base = 0;
    for (let l = 0; l < 4; l++) base += exactEdgeCost(L, l, l).macs;
    expect(c.macs).toBe(base);
    expect(c.mem).toBe(ring(1) + ring(2) + ring(3) + L.outMaterial[3]!);
  });

  it('the ring size is what a pixel-level simulation of the access order needs: enough, and one pixel less overwrites a live pixel', () => {
    let rings = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const L = exactLayers(buildChain(randomChain(seed, 2 + (seed % 4), 20)));
      const n = L.n - 1;
      const g = blockGeometry(L, n);
      for (let i = g.lo + 1; i <= n; i++) {
        for (let j = i; j <= n; j++) {
          const bytes = subBlockCost(L, g, i, j, true).bytes - subBlockCost(L, g, i, j, false).bytes;
          const R = bytes / L.cIn[i]!;
          expect(simulateRing(L, g, i, j, R), `seed ${seed} ring ${i}..${j} R ${R}`).toBe(true);
          if (R > 1) expect(simulateRing(L, g, i, j, R - 1), `seed ${seed} ring ${i}..${j} R-1`).toBe(false);
          rings++;
        }
      }
    }
    expect(rings).toBeGreaterThan(300);
  });
});

/**
 * Plays the ring at layer i's input with capacity R pixels: the producer writes the needed rows'
 * produced columns in row-major order, a row completed before the next starts, only as far as each
 * read needs; each slot remembers the pixel it holds and how many reads it still owes. False when a
 * write lands on a pixel still to be read, or a read finds its pixel gone.
 */
function simulateRing(L: ExactLayers, g: ReturnType<typeof blockGeometry>, i: number, j: number, R: number): boolean {
  const W = L.wIn[i]!;
  const reads: [number, number, number, number][] = []; // rows [lo, hi), cols [c0, c1)
  g.rows[j]!.forEach((on, y) => {
    if (!on) return;
    let [a, b] = [y, y + 1];
    for (let l = j; l >= i; l--) [a, b] = rowWindow(L, l, a, b);
    g.cols[i]!.forEach((c, x) => {
      if (!c) return;
      const c0 = Math.max(0, x * L.sw[i]! - L.pl[i]!);
      const c1 = Math.min(W, x * L.sw[i]! - L.pl[i]! + L.kw[i]!);
      if (b > a && c1 > c0) reads.push([a, b, c0, c1]);
    });
  });
  const owed = new Map<number, number>();
  for (const [a, b, c0, c1] of reads) for (let r = a; r < b; r++) for (let c = c0; c < c1; c++) owed.set(r * W + c, (owed.get(r * W + c) ?? 0) + 1);
  const order: number[] = []; // write order: needed rows, produced columns
  g.rows[i - 1]!.forEach((on, r) => {
    if (on) g.cols[i - 1]!.forEach((c, x) => c && order.push(r * W + x));
  });
  const slot = new Int32Array(R).fill(-1);
  let w = 0;
  for (const [a, b, c0, c1] of reads) {
    const need = (b - 1) * W + c1 - 1;
    while (w < order.length && order[w]! <= need) {
      const q = order[w++]!;
      const old = slot[q % R]!;
      if (old >= 0 && (owed.get(old) ?? 0) > 0) return false;
      slot[q % R] = q;
    }
    for (let r = a; r < b; r++) {
      for (let c = c0; c < c1; c++) {
        const q = r * W + c;
        if (slot[q % R] !== q) return false;
        owed.set(q, owed.get(q)! - 1);
      }
    }
  }
  return true;
}

/** Every segmentation x every per-layer choice: the Pareto set of (peak, MACs). */
function bruteForce(L: ExactLayers): { peak: number; macs: number }[] {
  const N = L.n;
  const options = (m: number, n: number): { mem: number; macs: number }[] => {
    if (m === n) return [exactEdgeCost(L, m, n)];
    if (m < chainStart(L, n)) return [];
    const out: { mem: number; macs: number }[] = [];
    for (let mask = 0; mask < 1 << (n - m); mask++) {
      const c = streamEdgeCost(L, m, n, holdsOf(n - m + 1, mask));
      if (c) out.push(c);
    }
    return out;
  };
  const points: { peak: number; macs: number }[] = [];
  const walk = (start: number, peak: number, macs: number) => {
    if (start === N) {
      points.push({ peak, macs });
      return;
    }
    for (let end = start; end < N; end++) for (const o of options(start, end)) walk(end + 1, Math.max(peak, o.mem), macs + o.macs);
  };
  walk(0, 0, 0);
  const sorted = points.sort((a, b) => a.peak - b.peak || a.macs - b.macs);
  const front: { peak: number; macs: number }[] = [];
  for (const p of sorted) if (front.length === 0 || p.macs < front[front.length - 1]!.macs) front.push(p);
  return front;
}

const CASES: { name: string; L: ExactLayers }[] = [
  ...Array.from({ length: 220 }, (_, s) => ({ name: `chain ${s + 1}`, L: chain(randomChain(s + 1, 1 + (s % 6), 16)) })),
  ...Array.from({ length: 400 }, (_, s) => ({ name: `graph ${s + 1}`, L: exactLayers(residualGraph(s + 1)) })).filter((c) => c.L.n <= 8),
];

describe.each(ENGINES)('engine %s: fronts with line buffers vs brute force', (engineName) => {
  const engine = getEngine(engineName);
  it(`equal on ${CASES.length} random chains and residual graphs`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300);
    let streamed = 0;
    for (const { name, L } of CASES) {
      const t = streamTableOf(L);
      const front = engine.front(t);
      expect(front.map((p) => ({ peak: p.peakBytes, macs: p.macs })), name).toEqual(bruteForce(L));
      for (const p of front) {
        const holds = streamHoldsOf(t, p.peakBytes, p.blocks);
        let peak = 0;
        let macs = 0;
        p.blocks.forEach(([m, n], b) => {
          const c = streamEdgeCost(L, m, n, holds[b]!)!;
          peak = Math.max(peak, c.mem);
          macs += c.macs;
        });
        expect({ peak, macs }, name).toEqual({ peak: p.peakBytes, macs: p.macs });
        if (holds.some((h) => h.includes(LINE))) streamed++;
      }
    }
    // The search must use line buffers, not only reproduce the cache-only fronts.
    expect(streamed).toBeGreaterThan(CASES.length / 3);
  });
});
