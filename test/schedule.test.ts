// The one memory schedule (src/plan/schedule.ts): the Wasm executor and the C emitter consume the same
// schedule object for a plan, the C prints exactly its offsets, and no other module places buffers.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitProgram } from '../src/emit/emit-c.js';
import { tensorBytes } from '../src/model/ir.js';
import { withSeededParams } from '../src/model/seeded.js';
import { zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { scheduleOf } from '../src/plan/schedule.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';
import { residualGraph } from './helpers/residual.js';

const cases = [
  ['mcunet-vww5-r80', withSeededParams(zooModel('mcunet-vww5-r80'), 1)],
  ...[1, 2, 3, 4].map((s) => [`residual graph ${s}`, withSeededParams(residualGraph(s), s)] as const),
] as const;

describe('one schedule', () => {
  it.each(cases)('%s: the executor runs and the emitter prints the same schedule object', (_name, model) => {
    const blocks = planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks;
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 1);
    const run = getExecutor().run(model, blocks, input);
    const { files, summary } = emitProgram(model, blocks);
    expect(run.schedule).toBe(summary.schedule);
    expect(run.schedule).toBe(scheduleOf(model, blocks));
    expect(summary.arenaBytes).toBe(run.schedule.arenaBytes);

    // Every fusion block's stage table in msf_model.c holds the schedule's cache offsets and rows.
    const c = files.get('msf_model.c')!;
    const fused = run.schedule.steps.filter((s) => s.last > s.first);
    for (const step of fused) {
      const table = c.match(new RegExp(`msf_block_${step.first}_${step.last}\\[\\d+\\] = \\{\\n([\\s\\S]*?)\\n\\};`))?.[1];
      expect(table, `block ${step.first}-${step.last}`).toBeDefined();
      const rows = [...table!.matchAll(/\{ &msf_layers\[(\d+)\], (\d+), (\d+), (\w+), ([01]) \}/g)];
      expect(rows.map((r) => Number(r[1]))).toEqual(step.stages.map((s) => s.layer));
      expect(rows.map((r) => [Number(r[2]), Number(r[3])])).toEqual(step.stages.map((s) => [s.cache?.offset ?? 0, s.cacheRows]));
      expect(rows.map((r) => r[4])).toEqual(
        step.stages.map((s) => (!s.other ? 'MSF_OTHER_NONE' : s.other.operand.at === 'input' ? 'MSF_OTHER_INPUT' : String(s.other.operand.offset))),
      );
    }
    // Every arena tensor an edge writes is where the schedule put it.
    for (const step of run.schedule.steps)
      if (step.output.at === 'arena') expect(c).toContain(`-> arena [${step.output.offset}, ${step.output.offset + step.output.size})`);
  });

  it('a different arena capacity is a different schedule; the same inputs give the same object', () => {
    const [, model] = cases[0];
    const blocks = planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks;
    const tight = scheduleOf(model, blocks);
    const roomy = scheduleOf(model, blocks, tight.arenaBytes + 1000);
    expect(roomy).not.toBe(tight);
    expect(roomy.arenaBytes).toBe(tight.arenaBytes + 1000);
    expect(scheduleOf(model, blocks.map(([a, b]) => [a, b]))).toBe(tight);
  });

  it('only the schedules place buffers: placement.ts has no other importer', () => {
    const importers: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ts$/.test(e.name) && /from '[./]*(plan\/)?placement\.js'/.test(readFileSync(p, 'utf8'))) importers.push(p);
      }
    };
    for (const d of ['src', 'web']) walk(d);
    // arena.ts takes only the Placed type; stream-schedule.ts is the schedule of streaming plans (issue #14).
    expect(importers.sort()).toEqual([join('src', 'plan', 'schedule.ts'), join('src', 'plan', 'stream-schedule.ts'), join('src', 'runtime', 'arena.ts')]);
    expect(readFileSync(join('src', 'runtime', 'arena.ts'), 'utf8')).toMatch(/import type \{ Placed \} from '\.\.\/plan\/placement\.js'/);
  });
});
