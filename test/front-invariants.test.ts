// Front invariants on the zoo, and the zoo chains equal ../shared/reference/paper-models.md exactly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paperCostTable } from '../src/cost/paper.js';
import { evaluateBlocks, vanilla } from '../src/plan/problems.js';
import { ENGINES, getEngine } from '../src/plan/planner.js';
import '../src/runtime/wasm-node.js'; // registers the Wasm engine
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import { SHARED } from './helpers/reference.js';

describe.each(ENGINES)('front invariants (%s)', (engineName) => {
  it.each(ZOO_IDS)('%s', (id) => {
    const table = paperCostTable(zooModel(id));
    const front = getEngine(engineName).front(table);
    expect(front.length).toBeGreaterThan(5);
    for (let i = 1; i < front.length; i++) {
      expect(front[i]!.peakBytes).toBeGreaterThan(front[i - 1]!.peakBytes);
      expect(front[i]!.macs).toBeLessThan(front[i - 1]!.macs);
    }
    for (const p of front) {
      expect(evaluateBlocks(table, p.blocks)).toEqual({ peakBytes: p.peakBytes, macs: p.macs });
      // Blocks tile the layers 0..N-1 in order.
      expect(p.blocks[0]![0]).toBe(0);
      expect(p.blocks.at(-1)![1]).toBe(table.layers - 1);
      for (let b = 1; b < p.blocks.length; b++) expect(p.blocks[b]![0]).toBe(p.blocks[b - 1]![1] + 1);
    }
    const minEdgePath = Math.min(...front.map((p) => p.peakBytes));
    expect(front[0]!.peakBytes).toBe(minEdgePath);
    expect(front.at(-1)!.macs).toBe(table.baselineMacs);
    expect(front.at(-1)!.peakBytes).toBeLessThanOrEqual(vanilla(table).peakBytes);
  });
});

describe('zoo chains equal the reference tables', () => {
  const md = readFileSync(`${SHARED}reference/paper-models.md`, 'utf8');
  it.each(ZOO_IDS)('%s', (id) => {
    const section = md.split('### ').find((s) => s.startsWith(id))!;
    const rows = section.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    const m = zooModel(id);
    expect(m.layers).toHaveLength(rows.length);
    rows.forEach((row, i) => {
      const [idx, op, k, s, p, cout, inS, outS] = row.split('|').map((c) => c.trim()).filter(Boolean);
      const layer = m.layers[i]!;
      expect(Number(idx)).toBe(i);
      expect(layer.op).toBe(op === 'conv' ? 'conv2d' : 'depthwise_conv2d');
      expect(layer.kernel).toEqual([Number(k), Number(k)]);
      expect(layer.stride).toEqual([Number(s), Number(s)]);
      expect(layer.padding).toEqual([Number(p), Number(p), Number(p), Number(p)]);
      expect(m.tensors[layer.inputs[0]!]!.shape.join('x')).toBe(inS);
      expect(m.tensors[layer.output]!.shape.join('x')).toBe(outS);
      expect(m.tensors[layer.output]!.shape[2]).toBe(Number(cout));
    });
  });
});
