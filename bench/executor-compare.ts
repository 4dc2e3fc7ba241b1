/**
 * The Wasm executor of this tree against the one of another checkout (BASE, default /tmp/ops-base:
 * `git archive <commit> | tar -x -C /tmp/ops-base`, node_modules linked, its build:wasm run), in one
 * benny run: layer by layer and fused (minimum RAM) on every zoo model, the same plans and inputs.
 * Shows that adding operators left the existing kernels' speed alone.
 * Run: npx tsx bench/executor-compare.ts  -> bench/results/executor-compare.json
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

const BASE = process.env.BASE ?? '/tmp/ops-base';
const base = (await import(`${BASE}/src/runtime/run.ts`)) as { getExecutor: typeof getExecutor };
const now = getExecutor();
const then = base.getExecutor();
const rows: { model: string; plan: string; baseMs: number; nowMs: number; ratio: number }[] = [];

for (const id of ZOO_IDS) {
  const model = withSeededParams(zooModel(id), 1);
  const minRam = getEngine('js').front(exactCostTable(model))[0]!;
  const plans: [string, Block[]][] = [['layer by layer', model.layers.map((_, i) => [i, i])], ['fused (minimum RAM)', minRam.blocks]];
  const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 1);
  for (const [name, blocks] of plans) {
    if (!Buffer.from(now.run(model, blocks, input).output).equals(Buffer.from(then.run(model, blocks, input).output))) throw new Error(`${id} ${name}: outputs differ`);
    const medians: Record<string, number> = {};
    await b.suite(
      `executor ${id} ${name}`,
      b.add('base', () => void then.run(model, blocks, input)),
      b.add('now', () => void now.run(model, blocks, input)),
      b.cycle(),
      b.complete((summary) => {
        for (const r of summary.results) medians[r.name] = r.details.median * 1000;
      }),
    );
    rows.push({ model: id, plan: name, baseMs: medians.base!, nowMs: medians.now!, ratio: medians.now! / medians.base! });
  }
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/executor-compare.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), base: BASE, rows }, null, 2));
console.log('\n| model | plan | base (ms) | now (ms) | now / base |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.model} | ${r.plan} | ${r.baseMs.toFixed(2)} | ${r.nowMs.toFixed(2)} | x${r.ratio.toFixed(3)} |`);
