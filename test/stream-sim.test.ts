// Streamed graph blocks (src/cost/stream-sim.ts): on chains the play of the walk gives every per-layer
// choice of src/cost/stream.ts to the byte (two derivations of one rule); on residual
// graphs and the real models its rings, replayed with real slots, never lose a pixel still to be read
// and one pixel less does; the DAG with these blocks equals brute force.
import { describe, expect, it } from 'vitest';
import { exactEdgeCost, exactLayers } from '../src/cost/exact.js';
import { CACHE, LINE, chainStart, streamEdgeCost } from '../src/cost/stream.js';
import { streamGraphTable, streamedBlockCost } from '../src/cost/stream-sim.js';
import { buildChain } from '../src/model/chain.js';
import { randomChain } from '../src/model/generate.js';
import { type Model, outputShape } from '../src/model/ir.js';
import { loadModel } from '../src/import/load.js';
import { JsSearchEngine } from '../src/plan/solver-js.js';
import { residualGraph } from './helpers/residual.js';

const MODELS = new URL('../../shared/models/', import.meta.url).pathname;

describe('fully streamed blocks', () => {
  it('on chains the play of the walk equals the per-layer model for every choice (line buffers and column caches)', () => {
    let blocks = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const model = buildChain(randomChain(seed, 2 + (seed % 4), 20));
      const L = exactLayers(model);
      for (let n = 1; n < L.n; n++) {
        for (let m = chainStart(L, n); m < n; m++) {
          for (let mask = 0; mask < 1 << (n - m); mask++) {
            const h = new Uint8Array(n - m + 1);
            for (let l = 1; l <= n - m; l++) h[l] = mask & (1 << (l - 1)) ? LINE : CACHE;
            const want = streamEdgeCost(L, m, n, h);
            if (!want) continue;
            const got = streamedBlockCost(model, L, m, n, undefined, h)!;
            expect({ mem: got.mem, macs: got.macs }, `seed ${seed} [${m}, ${n}] holds ${h.join('')}`).toEqual(want);
            blocks++;
          }
        }
      }
    }
    expect(blocks).toBeGreaterThan(300);
  });

  /** Replays the walk with rings of the computed sizes (less `shrink` pixels on ring `which`): false when a pixel is lost. */
  function replay(model: Model, m: number, n: number, rings: Map<number, number>, which = -1, shrink = 0): boolean {
    const L = exactLayers(model);
    const slots = new Map<number, Int32Array>(); // by tensor id: the rings of the block
    for (let l = m; l < n; l++) {
      const t = model.layers[l]!.output;
      const R = rings.get(t)! / outputShape(model, model.layers[l]!)[2] - (l === which ? shrink : 0);
      if (R < 0) return false;
      slots.set(t, new Int32Array(R).fill(-1));
    }
    let ok = true;
    streamedBlockCost(model, L, m, n, (kind, t, q) => {
      const s = slots.get(t);
      if (!s) return;
      if (s.length === 0) ok = false; // a ring of no pixels must see no traffic
      else if (kind === 'write') s[q % s.length] = q;
      else if (s[q % s.length] !== q) ok = false;
    });
    return ok;
  }

  it('rings are enough and tight on residual graphs and the real models (residual branches, PADs, pooling tails)', () => {
    const models: Model[] = [
      ...Array.from({ length: 40 }, (_, s) => residualGraph(s + 1)),
      ...['mlperf_ic_resnet8_int8', 'armzoo_micronet_vww2_50_int8', 'mlperf_kws_dscnn_int8'].map((f) => loadModel(`${MODELS}${f}.tflite`)),
    ];
    let joins = 0;
    for (const model of models) {
      const L = exactLayers(model);
      for (let n = 1; n < L.n; n++) {
        for (let m = Math.max(0, n - 8); m < n; m++) {
          if (m >= chainStart(L, n)) continue; // chain blocks: the test above
          const c = streamedBlockCost(model, L, m, n);
          if (!c) continue;
          expect(replay(model, m, n, c.rings), `${model.name} [${m}, ${n}]`).toBe(true);
          // Tight: for each ring of two or more pixels, one pixel less loses one.
          for (let l = m; l < n; l++) {
            const px = c.rings.get(model.layers[l]!.output)! / outputShape(model, model.layers[l]!)[2];
            if (px > 1) expect(replay(model, m, n, c.rings, l, 1), `${model.name} [${m}, ${n}] ring ${l}`).toBe(false);
          }
          if (model.layers.slice(m, n + 1).some((x) => x.op === 'add')) joins++;
        }
      }
    }
    expect(joins).toBeGreaterThan(100);
  });

  it('the streaming DAG of residual graphs equals brute force over segmentations x choices', () => {
    const js = new JsSearchEngine();
    let cases = 0;
    for (let seed = 1; seed <= 300 && cases < 60; seed++) {
      const model = residualGraph(seed);
      const L = exactLayers(model);
      if (L.n > 8) continue;
      cases++;
      const options = (m: number, n: number): { mem: number; macs: number }[] => {
        const out: { mem: number; macs: number }[] = [];
        const s = streamedBlockCost(model, L, m, n);
        // In place: the output over the input's dead prefix (see inPlaceFits).
        if (s?.inPlace) out.push({ mem: (m === n ? exactEdgeCost(L, m, n) : s).mem - L.outMaterial[n]!, macs: s.macs });
        if (m === n) return [...out, exactEdgeCost(L, m, n)];
        for (let mask = 0; mask < 1 << (n - m); mask++) {
          const h = new Uint8Array(n - m + 1);
          for (let l = 1; l <= n - m; l++) h[l] = mask & (1 << (l - 1)) ? LINE : 0;
          const c = streamEdgeCost(L, m, n, h);
          if (c) out.push(c);
        }
        if (s) out.push({ mem: s.mem, macs: s.macs });
        return out;
      };
      const points: { peak: number; macs: number }[] = [];
      const walk = (start: number, peak: number, macs: number) => {
        if (start === L.n) return void points.push({ peak, macs });
        for (let end = start; end < L.n; end++) for (const o of options(start, end)) walk(end + 1, Math.max(peak, o.mem), macs + o.macs);
      };
      walk(0, 0, 0);
      points.sort((a, b) => a.peak - b.peak || a.macs - b.macs);
      const want: typeof points = [];
      for (const p of points) if (!want.length || p.macs < want[want.length - 1]!.macs) want.push(p);
      const got = js.front(streamGraphTable(model)).map((p) => ({ peak: p.peakBytes, macs: p.macs }));
      expect(got, model.name).toEqual(want);
    }
    expect(cases).toBe(60);
  });
});
