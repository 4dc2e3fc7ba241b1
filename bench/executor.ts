/**
 * Fused (minimum-RAM plan) vs layer-by-layer wall time of the Wasm executor for each zoo model,
 * set against the plan's MAC overhead factor. Target: fused <= 1.25 x (overhead x layer-by-layer).
 * Medians from benny (benchmark.js statistics), all cases measured in one run.
 * Run: npx tsx bench/executor.ts  -> bench/results/executor.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import b from 'benny';
import { exactCostTable } from '../src/cost/exact.js';
import { tensorBytes } from '../src/model/ir.js';
import { withSeededParams } from '../src/model/seeded.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import type { Block } from '../src/plan/engine.js';
import { getEngine } from '../src/plan/planner.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';

interface Row { model: string; overhead: number; lblMs: number; fusedMs: number; ratio: number; bound: number; ok: boolean }

const exec = getExecutor();
const rows: Row[] = [];

for (const id of ZOO_IDS) {
  const model = withSeededParams(zooModel(id), 1);
  const table = exactCostTable(model);
  const minRam = getEngine('js').front(table)[0]!;
  const lbl: Block[] = model.layers.map((_, i) => [i, i]);
  const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 1);
  const medians: Record<string, number> = {};
  await b.suite(
    `executor ${id}`,
    b.add('layer by layer', () => {
      exec.run(model, lbl, input);
    }),
    b.add('fused (minimum RAM)', () => {
      exec.run(model, minRam.blocks, input);
    }),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) medians[r.name] = r.details.median * 1000;
    }),
  );
  const overhead = minRam.macs / table.baselineMacs;
  const lblMs = medians['layer by layer']!;
  const fusedMs = medians['fused (minimum RAM)']!;
  const bound = 1.25 * overhead * lblMs;
  rows.push({ model: id, overhead, lblMs, fusedMs, ratio: fusedMs / lblMs, bound, ok: fusedMs <= bound });
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/executor.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
console.log('\n| model | MAC overhead | layer by layer (ms) | fused min-RAM (ms) | fused / lbl | target <= 1.25 x overhead x lbl |');
console.log('|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.model} | x${r.overhead.toFixed(3)} | ${r.lblMs.toFixed(2)} | ${r.fusedMs.toFixed(2)} | x${r.ratio.toFixed(2)} | ${r.bound.toFixed(2)} ms ${r.ok ? 'met' : 'MISSED'} |`);
