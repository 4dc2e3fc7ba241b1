// Every figure the paper publishes (../shared/reference/paper-cost-model.md), through the API and
// through the CLI's JSON (`--cost paper`; the default is exact), for every engine.
import { describe, expect, it } from 'vitest';
import { ENGINES, planModel } from '../src/plan/planner.js';
import '../src/runtime/wasm-node.js'; // registers the Wasm engine
import { zooModel } from '../src/model/zoo.js';
import { InfeasibleError } from '../src/errors.js';
import { paperFigures } from './helpers/reference.js';
import { runCli } from './helpers/cli.js';

const ref = paperFigures();

describe('the reference tables are read completely', () => {
  it('has 18 P1 rows and 15 P2 rows for three models', () => {
    expect(ref.models).toHaveLength(3);
    expect(ref.p1).toHaveLength(18);
    expect(ref.p2).toHaveLength(15);
  });
});

describe.each(ENGINES)('engine %s', (engine) => {
  describe.each(ref.models)('$id', (m) => {
    const model = zooModel(m.id);
    it('baseline MACs, vanilla peak and heuristic peak', () => {
      const r = planModel(model, { cost: 'paper', engine });
      expect(r.baselineMacs).toBe(m.baselineMacs);
      expect(r.vanilla.peakBytes).toBe(m.vanillaPeak);
      expect(r.vanilla.macs).toBe(m.baselineMacs);
      expect(r.heuristic.peakBytes).toBe(m.heuristicPeak);
    });
    it.each(ref.p1.filter((r) => r.model === m.id))('P1 F <= $fMax: $peak B, $macs MACs', (row) => {
      const r = planModel(model, { cost: 'paper', engine, maxOverhead: row.fMax });
      expect([r.solution.peakBytes, r.solution.macs]).toEqual([row.peak, row.macs]);
    });
    it.each(ref.p2.filter((r) => r.model === m.id))('P2 peak <= $pMax: $macs MACs', (row) => {
      if (row.macs === null) {
        expect(() => planModel(model, { cost: 'paper', engine, ramLimit: row.pMax })).toThrow(InfeasibleError);
      } else {
        const r = planModel(model, { cost: 'paper', engine, ramLimit: row.pMax });
        expect([r.solution.macs, r.solution.peakBytes]).toEqual([row.macs, row.peak]);
      }
    });
  });
});

describe('the same figures through `msf plan --json`', () => {
  it.each(ref.p1)('$model --max-overhead $fMax', async (row) => {
    const { code, stdout } = await runCli('plan', row.model, '--cost', 'paper', '--max-overhead', String(row.fMax), '--json');
    expect(code).toBe(0);
    const j = JSON.parse(stdout);
    expect([j.solution.peakBytes, j.solution.macs]).toEqual([row.peak, row.macs]);
    expect(j.solution.overhead).toBeCloseTo(row.macs / j.baselineMacs, 4);
  });
  it.each(ref.p2)('$model --ram $pMax', async (row) => {
    const { code, stdout } = await runCli('plan', row.model, '--cost', 'paper', '--ram', String(row.pMax), '--json');
    const j = JSON.parse(stdout);
    if (row.macs === null) {
      expect(code).toBe(4);
      expect(j.error.code).toBe('INFEASIBLE');
      expect(j.error.message).toMatch(/smallest reachable peak is 42,643 B/);
    } else {
      expect(code).toBe(0);
      expect([j.solution.macs, j.solution.peakBytes]).toEqual([row.macs, row.peak]);
    }
  });
  it.each(ref.models)('$id: JSON keys and vanilla per the contract', async (m) => {
    const { stdout } = await runCli('plan', m.id, '--cost', 'paper', '--json');
    const j = JSON.parse(stdout);
    expect(Object.keys(j)).toEqual(['schemaVersion', 'model', 'costModel', 'engine', 'layers', 'baselineMacs', 'vanilla', 'solution', 'memory', 'searchMs']);
    expect(Object.keys(j.solution)).toEqual(['peakBytes', 'macs', 'overhead', 'blocks']);
    expect(j.vanilla).toEqual({ peakBytes: m.vanillaPeak, macs: m.baselineMacs });
    expect(j.model).toBe(m.id);
    expect(j.costModel).toBe('paper');
  });
});
