// The README stays true: its quick start is two commands and CI runs the second; its library example
// and its table of the shared models show what the planner computes now.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InfeasibleError } from '../src/errors.js';
import { loadModel } from '../src/import/load.js';
import { tensorBytes } from '../src/model/ir.js';
import { zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { sramFigures } from '../src/report/memory.js';
import '../src/runtime/wasm-node.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ciRun = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
const fmt = (n: number) => n.toLocaleString('en-US');

describe('README', () => {
  it('quick start: two commands; .ci/run runs exactly the second', () => {
    const block = /## Quick start\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = block.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('npm test');
    expect(ciRun).toMatch(/^timeout \d+ npm test$/m);
  });

  it('the quick start\'s figure is the default (exact) plan of the default model', () => {
    const r = planModel(zooModel('mbv2-w0.35-r144'));
    const s = sramFigures(zooModel('mbv2-w0.35-r144'), r.solution.peakBytes);
    expect(readme).toContain(`minimum-RAM point: arena ${fmt(r.solution.peakBytes)} B at ${fmt(r.solution.macs)} MACs; total\nSRAM ${fmt(s.totalSramBytes)} B`);
  });

  it('the library example shows planModel\'s answer', () => {
    const r = planModel(zooModel('mbv2-w0.35-r144'), { maxOverhead: 1.3, front: true });
    const { peakBytes, macs, overhead, blocks } = r.solution;
    expect(readme).toContain(`{ peakBytes: ${peakBytes}, macs: ${macs}, overhead: ${overhead.toFixed(4)}, blocks: [[${blocks[0]!.join(', ')}], ...] }`);
  });

  it('the shared-model table lists every shared model with the exact cost model\'s figures, TFLM\'s arena and the total SRAM', () => {
    const rows = [...readme.matchAll(/^\| (\w+_int8) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \(x([\d.]+)\) \| ([\d,]+) \| ([^|]+?) \| ([^|]+?) \|$/gm)];
    const dirs = { models: new URL('../../shared/models/', import.meta.url), conformance: new URL('../../shared/conformance/', import.meta.url) };
    const more = { models: new URL('../../shared/more-models/models/', import.meta.url), conformance: new URL('../../shared/more-models/conformance/', import.meta.url) };
    const all = [dirs, more].flatMap((d) => readdirSync(d.models).filter((f) => f.endsWith('.tflite')).map((f) => ({ name: f.replace(/\.tflite$/, ''), ...d })));
    expect(rows.map((r) => r[1]).sort()).toEqual(all.map((m) => m.name).sort());
    const p2 = (model: ReturnType<typeof loadModel>, ram: number): string => {
      try {
        const r = planModel(model, { ramLimit: ram });
        return `${fmt(r.solution.peakBytes)} (x${r.solution.overhead.toFixed(3)})`;
      } catch (e) {
        if (!(e instanceof InfeasibleError)) throw e;
        return `infeasible (min ${fmt(planModel(model).solution.peakBytes)})`;
      }
    };
    for (const [, name, io, lbl, lblTotal, tflm, minPeak, minOverhead, minTotal, at64, at32] of rows) {
      const m = all.find((x) => x.name === name)!;
      const model = loadModel(new URL(`${name}.tflite`, m.models).pathname);
      const meta = JSON.parse(readFileSync(new URL(`${name}/meta.json`, m.conformance), 'utf8'));
      const r = planModel(model);
      expect(r.costModel).toBe('exact');
      const s = sramFigures(model, 0);
      const buffers = s.inputBytes + s.outputBytes;
      expect([name, io, lbl, lblTotal, tflm, minPeak, minOverhead, minTotal]).toEqual([
        name, fmt(buffers), fmt(r.vanilla.peakBytes), fmt(r.vanilla.peakBytes + buffers), fmt(meta.arena_used_bytes),
        fmt(r.solution.peakBytes), r.solution.overhead.toFixed(3), fmt(r.solution.peakBytes + buffers),
      ]);
      expect([name, at64, at32]).toEqual([name, p2(model, 64_000), p2(model, 32_000)]);
    }
  });
});
