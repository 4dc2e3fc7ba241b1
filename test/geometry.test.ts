// The block geometry (src/cost/geometry.ts) against independent statements of it: the candidate rule
// checked block by block as the paper states it, MACs and cache heights row by row, and the exact
// table's suffix sums against each edge priced on its own. (The Wasm ports are checked against the
// table in test/exact-wasm.test.ts and, for the executor, by measured == predicted in executor.test.ts.)
import { describe, expect, it } from 'vitest';
import { type ExactLayers, exactEdgeCost, exactLayers, exactTableOf } from '../src/cost/exact.js';
import { blockCost, blockIsCandidate, cacheBytes, cacheRows } from '../src/cost/geometry.js';
import { buildChain } from '../src/model/chain.js';
import { randomChain } from '../src/model/generate.js';
import type { Model } from '../src/model/ir.js';
import { residualGraph } from './helpers/residual.js';

/** The candidate rule, block by block: a chain segment of fusable ops, ADD operands before m, T <= H_in(m). */
function candidateByDefinition(L: ExactLayers, m: number, n: number): boolean {
  for (let l = m; l <= n; l++) if (!L.window[l] || (l < n && !L.chainsToNext[l]) || (l > m && L.otherProducer[l]! >= m)) return false;
  let T = 1;
  for (let l = n; l >= m; l--) T = (T - 1) * L.sh[l]! + L.kh[l]!;
  return T <= L.hIn[m]!;
}

/** Cache heights and MACs of block m..n computed output row by output row, column masks in full. */
function blockByRows(L: ExactLayers, m: number, n: number): { rows: number[]; macs: number } {
  const produced: number[] = [];
  let mine = new Uint8Array(L.wOut[n]!).fill(1);
  produced[n] = mine.length;
  for (let l = n; l > m; l--) {
    const need = new Uint8Array(L.wOut[l - 1]!);
    mine.forEach((on, x) => {
      if (!on) return;
      const c0 = x * L.sw[l]! - L.pl[l]!;
      for (let c = Math.max(0, c0); c < Math.min(L.wIn[l]!, c0 + L.kw[l]!); c++) need[c] = 1;
    });
    produced[l - 1] = need.reduce((s, v) => s + v, 0);
    mine = need;
  }
  const rows = new Array<number>(n - m + 1).fill(0);
  let macs = 0;
  for (let y = 0; y < L.hOut[n]!; y++) {
    let a = y;
    let b = y + 1;
    for (let l = n; l >= m; l--) {
      macs += (b - a) * produced[l]! * L.cOut[l]! * L.perElementMacs[l]!;
      const lo = Math.max(0, a * L.sh[l]! - L.pt[l]!);
      const hi = Math.min(L.hIn[l]!, (b - 1) * L.sh[l]! - L.pt[l]! + L.kh[l]!);
      [a, b] = [lo, hi];
      if (l > m) rows[l - m] = Math.max(rows[l - m]!, b - a);
    }
  }
  return { rows, macs };
}

function check(model: Model, perturb?: (L: ExactLayers) => void): string[] {
  const L = exactLayers(model);
  perturb?.(L);
  const t = exactTableOf(L);
  const bad: string[] = [];
  for (let n = 0; n < L.n; n++) {
    const into = new Set<number>();
    for (let e = t.start[n + 1]!; e < t.start[n + 2]!; e++) {
      const m = t.from[e]!;
      into.add(m);
      const c = exactEdgeCost(L, m, n);
      if (c.mem !== t.mem[e] || c.macs !== t.macs[e]) bad.push(`edge ${m}-${n}: table ${t.mem[e]}/${t.macs[e]}, per edge ${c.mem}/${c.macs}`);
    }
    for (let m = 0; m < n; m++) {
      const want = candidateByDefinition(L, m, n);
      if (blockIsCandidate(L, m, n) !== want || into.has(m) !== want) bad.push(`block ${m}-${n}: candidate by definition ${want}`);
      if (!want) continue;
      const ref = blockByRows(L, m, n);
      const rows = Array.from(cacheRows(L, m, n));
      const cost = blockCost(L, m, n);
      const cache = ref.rows.reduce((s, r, j) => s + (j > 0 ? cacheBytes(L, m + j, r) : 0), 0);
      if (JSON.stringify(rows) !== JSON.stringify(ref.rows) || cost.macs !== ref.macs || cost.cache !== cache)
        bad.push(`block ${m}-${n}: rows ${rows} / ${ref.rows}, MACs ${cost.macs} / ${ref.macs}, cache ${cost.cache} / ${cache}`);
    }
  }
  return bad;
}

describe('block geometry', () => {
  it('300 random chains (ordinary and tiny inputs): candidates, cache heights, MACs and table edges', () => {
    const bad: string[] = [];
    for (let seed = 1; seed <= 150; seed++) {
      bad.push(...check(buildChain(randomChain(seed, 1 + ((seed * 7) % 20)))).map((s) => `seed ${seed}: ${s}`));
      bad.push(...check(buildChain(randomChain(seed + 9000, 1 + (seed % 20), 8))).map((s) => `tiny ${seed}: ${s}`));
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('200 residual graphs, plain and with perturbed chaining and ADD operands', () => {
    const bad: string[] = [];
    for (let seed = 1; seed <= 100; seed++) {
      const model = residualGraph(seed, seed % 2 === 0);
      bad.push(...check(model).map((s) => `seed ${seed}: ${s}`));
      let x = seed * 40503;
      const rnd = (k: number) => {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        return (x >>> 0) % k;
      };
      bad.push(
        ...check(model, (L) => {
          for (let l = 0; l < L.n; l++) {
            if (!rnd(6)) L.otherProducer[l] = rnd(l + 1) - 1;
            if (!rnd(10)) L.chainsToNext[l] = 0;
            if (!rnd(10)) L.window[l] = 0;
          }
        }).map((s) => `perturbed ${seed}: ${s}`),
      );
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
