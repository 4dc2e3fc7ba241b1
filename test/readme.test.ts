// The README stays true: its quick start is two commands and CI runs the second; its library example
// and its table of the shared models show what the planner computes now.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InfeasibleError } from '../src/errors.js';
import { loadModel } from '../src/import/load.js';
import { tensorBytes } from '../src/model/ir.js';
import { zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import '../src/runtime/wasm-node.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ciRun = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
const arena = JSON.parse(readFileSync(new URL('../../shared/conformance/mlperf_vww_96_int8/meta.json', import.meta.url), 'utf8'));
const fmt = (n: number) => n.toLocaleString('en-US');

describe('README', () => {
  it('quick start: two commands; .ci/run runs exactly the second', () => {
    const block = /## Quick start\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = block.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('npm test');
    expect(ciRun).toMatch(/^timeout \d+ npm test$/m);
  });

  it('the library example shows planModel\'s answer', () => {
    const r = planModel(zooModel('mbv2-w0.35-r144'), { maxOverhead: 1.3, front: true });
    const { peakBytes, macs, overhead, blocks } = r.solution;
    expect(readme).toContain(`{ peakBytes: ${peakBytes}, macs: ${macs}, overhead: ${overhead.toFixed(4)}, blocks: [[${blocks[0]!.join(', ')}], ...] }`);
  });

  it('the shared-model table shows the exact cost model\'s figures', () => {
    const rows = [...readme.matchAll(/^\| ((?:mlperf|tflm|armzoo)_\w+) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \(x([\d.]+)\) \| ([^|]+?) \| ([^|]+?) \|$/gm)];
    expect(rows).toHaveLength(8);
    const p2 = (model: ReturnType<typeof loadModel>, ram: number): string => {
      try {
        const r = planModel(model, { cost: 'exact', ramLimit: ram });
        return `${fmt(r.solution.peakBytes)} (x${r.solution.overhead.toFixed(3)})`;
      } catch (e) {
        if (!(e instanceof InfeasibleError)) throw e;
        return `infeasible (min ${fmt(planModel(model, { cost: 'exact' }).solution.peakBytes)})`;
      }
    };
    for (const [, name, lbl, , minPeak, minOverhead, at64, at32] of rows) {
      const model = loadModel(new URL(`../../shared/models/${name}.tflite`, import.meta.url).pathname);
      const r = planModel(model, { cost: 'exact' });
      expect([name, lbl, minPeak, minOverhead]).toEqual([name, fmt(r.vanilla.peakBytes), fmt(r.solution.peakBytes), r.solution.overhead.toFixed(3)]);
      expect([name, at64, at32]).toEqual([name, p2(model, 64_000), p2(model, 32_000)]);
    }
    expect(readme).toContain(`| mlperf_vww_96_int8 | 55,296 | ${fmt(arena.arena_used_bytes)} |`);
  });

  it('the more-models table shows the exact cost model\'s figures, TFLM\'s arena and the total SRAM with the I/O buffers', () => {
    const rows = [...readme.matchAll(/^\| (\w+_int8) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \(x([\d.]+)\) \| ([\d,]+) \| ([^|]+?) \| ([^|]+?) \|$/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const [, name, lbl, tflm, minPeak, minOverhead, total] of rows) {
      const model = loadModel(new URL(`../../shared/more-models/models/${name}.tflite`, import.meta.url).pathname);
      const meta = JSON.parse(readFileSync(new URL(`../../shared/more-models/conformance/${name}/meta.json`, import.meta.url), 'utf8'));
      const r = planModel(model, { cost: 'exact' });
      const io = tensorBytes(model.tensors[model.input]!.shape) + tensorBytes(model.tensors[model.output]!.shape);
      expect([name, lbl, tflm, minPeak, minOverhead, total]).toEqual([
        name, fmt(r.vanilla.peakBytes), fmt(meta.arena_used_bytes), fmt(r.solution.peakBytes), r.solution.overhead.toFixed(3), fmt(r.solution.peakBytes + io),
      ]);
    }
  });
});
