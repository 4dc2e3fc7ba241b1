// The exact cost model's table computed in Wasm (assembly/search/exact.ts, the port) and by the TS
// engine equals the one TypeScript description exactTableOf (src/cost/exact.ts on src/cost/geometry.ts)
// bit for bit, and so do the fronts: zoo, seeded random chains (square and not, invalid blocks
// everywhere), a 500-layer chain and every real .tflite graph of ../shared/models.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ExactLayers, exactLayers, exactTableOf } from '../src/cost/exact.js';
import type { EdgeTable } from '../src/cost/table.js';
import { buildChain } from '../src/model/chain.js';
import { mobilenetLike, randomChain } from '../src/model/generate.js';
import type { Model } from '../src/model/ir.js';
import { loadModel } from '../src/import/load.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { JsSearchEngine } from '../src/plan/solver-js.js';
import { createWasmSearchEngine } from '../src/runtime/wasm-node.js';
import { residualGraph } from './helpers/residual.js';
import { tableDiff } from './helpers/tables.js';

const js = new JsSearchEngine();
const wasm = createWasmSearchEngine();
const MODELS = new URL('../../shared/models/', import.meta.url).pathname;

function diff(model: Model, perturb?: (L: ExactLayers) => void): string | null {
  const L = exactLayers(model);
  perturb?.(L);
  const want = exactTableOf(L);
  for (const [name, got] of [['wasm', wasm.exactTable(L)], ['js', js.exactTable(L)]] as const) {
    const d = tableDiff(got, want);
    if (d) return `${name}: ${d}`;
  }
  if (JSON.stringify(wasm.front(wasm.exactTable(L))) !== JSON.stringify(js.front(want))) return 'front';
  return null;
}


describe('exact cost table: Wasm and the TS walk equal the reference', () => {
  it.each(ZOO_IDS)('%s', (id) => {
    expect(diff(zooModel(id))).toBeNull();
  });

  it('800 seeded random chains, on ordinary and on tiny inputs', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 400; seed++) {
      const layers = 1 + ((seed * 7) % 30);
      const d = diff(buildChain(randomChain(seed, layers)));
      if (d) failures.push(`seed ${seed}: ${d}`);
      const t = diff(buildChain(randomChain(seed + 9000, 1 + (seed % 30), 8)));
      if (t) failures.push(`tiny seed ${seed + 9000}: ${t}`);
    }
    expect(failures).toEqual([]);
  });

  it('300 chains with random graph inputs: skip bytes, materialisation, scratch, non-fusable layers', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      let x = seed * 2654435761;
      const rnd = (k: number) => {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        return (x >>> 0) % k;
      };
      const d = diff(buildChain(randomChain(seed + 500, 2 + (seed % 25))), (L) => {
        for (let l = 0; l < L.n; l++) {
          L.liveAcross[l] = rnd(4) ? 0 : rnd(5000);
          L.scratch[l] = rnd(3) ? 0 : 4 * rnd(100);
          if (!rnd(6)) L.outMaterial[l] = 0;
          if (!rnd(8)) L.window[l] = 0;
          if (!rnd(8)) L.chainsToNext[l] = 0;
          if (!rnd(5)) L.otherProducer[l] = rnd(l + 1) - 1; // an ADD's materialised operand, anywhere before l
        }
      });
      if (d) failures.push(`seed ${seed}: ${d}`);
    }
    expect(failures).toEqual([]);
  });

  it('400 seeded random residual graphs (fused ADDs), plain and with perturbed inputs', () => {
    const failures: string[] = [];
    let fusedAdds = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const model = residualGraph(seed, seed % 2 === 0);
      const L = exactLayers(model);
      const t = exactTableOf(L);
      for (let v = 1; v <= t.layers; v++)
        for (let e = t.start[v]!; e < t.start[v + 1]!; e++)
          for (let l = t.from[e]!; l < v; l++) if (model.layers[l]!.op === 'add' && v - 1 > t.from[e]!) fusedAdds++;
      const d = diff(model);
      if (d) failures.push(`seed ${seed}: ${d}`);
      let x = seed * 40503;
      const rnd = (k: number) => {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        return (x >>> 0) % k;
      };
      const p = diff(model, (P) => {
        for (let l = 0; l < P.n; l++) {
          if (!rnd(4)) P.liveAcross[l] = rnd(3000);
          if (!rnd(6)) P.otherProducer[l] = rnd(l + 1) - 1;
          if (!rnd(10)) P.chainsToNext[l] = 0;
        }
      });
      if (p) failures.push(`perturbed seed ${seed}: ${p}`);
    }
    expect(failures).toEqual([]);
    expect(fusedAdds).toBeGreaterThan(500);
  });

  it('an ADD joins a block only while its materialised operand comes before the block', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const model = residualGraph(seed);
      const L = exactLayers(model);
      const t = exactTableOf(L);
      for (let v = 1; v <= t.layers; v++)
        for (let e = t.start[v]!; e < t.start[v + 1]!; e++) {
          const m = t.from[e]!;
          for (let l = m + 1; l < v; l++) {
            const layer = model.layers[l]!;
            expect(layer.inputs).toContain(model.layers[l - 1]!.output);
            if (layer.op !== 'add') continue;
            const other = layer.inputs.find((i) => i !== model.layers[l - 1]!.output)!;
            const producer = model.layers.findIndex((q) => q.output === other);
            expect(producer, `seed ${seed} block [${m}, ${v - 1}] add ${l}`).toBeLessThan(m);
          }
        }
    }
  });

  it('a 500-layer MobileNet-like chain', () => {
    expect(diff(buildChain(mobilenetLike(500, 96)))).toBeNull();
  });

  it('non-square inputs and kernels', () => {
    const m = buildChain({
      name: 'wide', input: [49, 10, 1],
      layers: [
        { op: 'conv2d', filters: 8, kernel: [10, 4], stride: [2, 2], padding: [4, 5, 1, 2] },
        { op: 'depthwise_conv2d', kernel: 3, stride: 1, padding: 1 },
        { op: 'conv2d', filters: 8, kernel: 1, stride: 1, padding: 0 },
        { op: 'depthwise_conv2d', kernel: [3, 1], stride: [2, 1], padding: [1, 1, 0, 0] },
        { op: 'avg_pool2d', kernel: [5, 5], stride: 1, padding: 0 },
      ],
    });
    expect(diff(m)).toBeNull();
  });

  it.each(readdirSync(MODELS).filter((f) => f.endsWith('.tflite')))('%s (graph with skips, pads, dense tail)', (file) => {
    expect(diff(loadModel(MODELS + file))).toBeNull();
  });

  it('planModel --cost exact gives the same plan with either engine', () => {
    for (const id of ZOO_IDS) {
      const a = planModel(zooModel(id), { cost: 'exact', front: true, engine: wasm });
      const b = planModel(zooModel(id), { cost: 'exact', front: true, engine: js });
      expect({ ...a, engine: 'js', searchMs: 0 }).toEqual({ ...b, searchMs: 0 });
    }
  });
});
