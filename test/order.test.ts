// The execution order chosen by the planner (src/plan/order.ts), checked by brute force over every
// topological order of seeded random int8 graphs of up to 8 layers (branches, joins through ADD /
// SUB / MUL / MINIMUM / MAXIMUM / CONCATENATION, several inputs and outputs), and run on the arena.
import { describe, expect, it } from 'vitest';
import { modelFromBytes } from '../src/import/from-bytes.js';
import { readTflite } from '../src/import/tflite.js';
import { tfliteToModel } from '../src/import/tflite-lower.js';
import type { Model } from '../src/model/ir.js';
import type { Block } from '../src/plan/engine.js';
import { inPlannedOrder, leastLayerByLayerOrder, planOrder, reorder } from '../src/plan/order.js';
import { planModel } from '../src/plan/planner.js';
import { scheduleOf } from '../src/plan/schedule.js';
import { getExecutor } from '../src/runtime/run.js';
import { type Family, randomGraph } from './helpers/random-graph.js';
import { rng } from './helpers/rng.js';

const SPATIAL: Family[] = ['conv', 'depthwise', 'pool', 'binary', 'binary', 'concat', 'unary', 'pad', 'split', 'mean', 'fc'];

/** Every topological order of the layers, by the test's own recursion. */
function allOrders(model: Model): number[][] {
  const producer = new Map(model.layers.map((l) => [l.output, l.index]));
  const preds = model.layers.map((l) => l.inputs.map((t) => producer.get(t)).filter((p): p is number => p !== undefined));
  const out: number[][] = [];
  const rec = (done: number[]) => {
    if (done.length === model.layers.length) return void out.push(done);
    for (let i = 0; i < model.layers.length; i++)
      if (!done.includes(i) && preds[i]!.every((p) => done.includes(p))) rec([...done, i]);
  };
  rec([]);
  return out;
}

const lbl = (m: Model): Block[] => m.layers.map((_, i): Block => [i, i]);

/** The planner's figures for the model in one order; placeable: the arena allocator lays both plans out at their peaks. */
function figures(m: Model) {
  const r = planModel(m, { engine: 'js' });
  let placeable = true;
  try {
    scheduleOf(m, r.solution.blocks);
    scheduleOf(m, lbl(m));
  } catch {
    placeable = false;
  }
  return { layerByLayer: r.vanilla.peakBytes, minimumRam: r.solution.peakBytes, blocks: r.solution.blocks, placeable };
}

const graphs = Array.from({ length: 160 }, (_, seed) => {
  const r = rng(9001 + seed * 7);
  const g = randomGraph(r, { ops: r.int(3, 8), families: SPATIAL });
  return { seed, g, model: tfliteToModel(readTflite(g.bytes, 'g.tflite'), `g${seed}`) };
}).filter(({ model }) => model.layers.length <= 8 && model.layers.length >= 3);

describe('execution order chosen by the planner', () => {
  const stats = { graphs: 0, branching: 0, lowerMinimumRam: 0, lowerLayerByLayer: 0, globalBelowChosen: 0, globalLayerByLayerBelowChosen: 0, unplaceable: 0 };
  const changed: typeof graphs = [];

  it('on random graphs of 3-8 layers: never above the file order, the least peak over all topological orders (brute force)', () => {
    for (const { seed, g, model } of graphs) {
      const orders = allOrders(model);
      const where = `seed ${seed}: ${g.describe.join('; ')}`;
      const chosen = planOrder(model);
      expect(chosen.exhaustive, where).toBe(true);
      expect(chosen.orders, where).toBe(orders.length);
      const all = orders.map((o) => ({ o, ...figures(reorder(model, o)) }));
      const file = all[0]!; // the file order comes first (lowest ready index first)
      expect(file.o).toEqual(model.layers.map((_, i) => i));
      const mine = figures(reorder(model, chosen.order));
      expect(mine.placeable, where).toBe(true);
      // Never higher than the file order's, for both plans.
      expect(mine.layerByLayer, where).toBeLessThanOrEqual(file.layerByLayer);
      expect(mine.minimumRam, where).toBeLessThanOrEqual(file.minimumRam);
      // The least minimum-RAM peak over every order that is no worse than the file's in both peaks and placeable,
      // then the least layer-by-layer peak among those.
      const fit = all.filter((x) => x.placeable && x.layerByLayer <= file.layerByLayer && x.minimumRam <= file.minimumRam);
      const best = Math.min(...fit.map((x) => x.minimumRam));
      expect(mine.minimumRam, where).toBe(best);
      expect(mine.layerByLayer, where).toBe(Math.min(...fit.filter((x) => x.minimumRam === best).map((x) => x.layerByLayer)));
      // The down-set programme finds the least layer-by-layer peak over all orders, exactly.
      const dp = leastLayerByLayerOrder(model);
      expect(dp.exact, where).toBe(true);
      expect(figures(reorder(model, dp.order)).layerByLayer, where).toBe(Math.min(...all.map((x) => x.layerByLayer)));
      stats.graphs++;
      if (orders.length > 1) stats.branching++;
      if (mine.minimumRam < file.minimumRam) stats.lowerMinimumRam++;
      if (mine.layerByLayer < file.layerByLayer) stats.lowerLayerByLayer++;
      if (Math.min(...all.map((x) => x.minimumRam)) < mine.minimumRam) stats.globalBelowChosen++;
      if (Math.min(...all.map((x) => x.layerByLayer)) < mine.layerByLayer) stats.globalLayerByLayerBelowChosen++;
      stats.unplaceable += all.filter((x) => !x.placeable).length;
      if (chosen.order.some((i, k) => i !== k)) changed.push({ seed, g, model });
    }
    console.log(`order.test: ${JSON.stringify(stats)}`);
    // The test means something: graphs branch and the planner's order lowers peaks on some of them.
    expect(stats.graphs).toBeGreaterThanOrEqual(150);
    expect(stats.branching).toBeGreaterThanOrEqual(140);
    expect(stats.lowerMinimumRam).toBeGreaterThanOrEqual(10);
    expect(stats.lowerLayerByLayer).toBeGreaterThanOrEqual(10);
    // On these graphs, restricting to orders no worse than the file's cost nothing: the chosen order
    // has the least peak over all topological orders for both plans at once.
    expect(stats.globalBelowChosen).toBe(0);
    expect(stats.globalLayerByLayerBelowChosen).toBe(0);
  });

  it('reordered graphs run on the arena: measured == predicted, the same output bytes as the file order', () => {
    expect(changed.length).toBeGreaterThanOrEqual(10);
    const exec = getExecutor();
    for (const { seed, g, model } of changed.slice(0, 40)) {
      const where = `seed ${seed}: ${g.describe.join('; ')}`;
      const ref = exec.run(model, lbl(model), g.data);
      expect(ref.measuredPeakBytes, where).toBe(ref.predictedPeakBytes);
      const loaded = modelFromBytes('g.tflite', g.bytes); // the loader hands over the planner's order
      expect(loaded.layers.map((l) => l.name), where).toEqual(inPlannedOrder(model).layers.map((l) => l.name));
      expect(loaded.layers.map((l) => l.name), where).not.toEqual(model.layers.map((l) => l.name));
      for (const blocks of [lbl(loaded), planModel(loaded, { engine: 'js' }).solution.blocks]) {
        const run = exec.run(loaded, blocks, g.data);
        expect(run.measuredPeakBytes, where).toBe(run.predictedPeakBytes);
        expect(run.outputs.length).toBe(ref.outputs.length);
        run.outputs.forEach((o, j) => expect(Buffer.from(o).equals(Buffer.from(ref.outputs[j]!)), `${where}: output ${j}`).toBe(true));
      }
    }
  });

  it('past the exhaustive bound: the heuristic is used and is never above the file order', () => {
    let wide = 0;
    for (let seed = 0; seed < 300 && wide < 5; seed++) {
      // Branches off one input (most operands are older tensors): many more orders than 16,384 / layers.
      const g = randomGraph(rng(seed), { ops: 14, families: ['conv', 'unary', 'pool', 'depthwise'], inputs: 1 });
      const model = tfliteToModel(readTflite(g.bytes, 'g.tflite'), 'wide');
      const p = planOrder(model);
      if (p.exhaustive) continue;
      wide++;
      expect(p.score!.minimumRam).toBeLessThanOrEqual(p.fileScore!.minimumRam);
      expect(p.score!.layerByLayer).toBeLessThanOrEqual(p.fileScore!.layerByLayer);
      const exec = getExecutor();
      const ref = exec.run(model, lbl(model), g.data);
      const mine = reorder(model, p.order);
      const run = exec.run(mine, planModel(mine, { engine: 'js' }).solution.blocks, g.data);
      expect(run.measuredPeakBytes).toBe(run.predictedPeakBytes);
      expect(run.predictedPeakBytes).toBe(p.score!.minimumRam);
      run.outputs.forEach((o, j) => expect(Buffer.from(o).equals(Buffer.from(ref.outputs[j]!))).toBe(true));
    }
    expect(wide).toBe(5);
  });
});
