// Running plans for real: fused == layer by layer (bit for bit), measured peak == predicted peak
// (exact cost model, to the byte), measured MACs == predicted MACs, and arena overflow is typed.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactCostTable } from '../src/cost/exact.js';
import { buildChain } from '../src/model/chain.js';
import { Rng, randomChain } from '../src/model/generate.js';
import { tensorBytes } from '../src/model/ir.js';
import { zooModel, ZOO_IDS } from '../src/model/zoo.js';
import { withSeededParams } from '../src/model/seeded.js';
import type { Block } from '../src/plan/engine.js';
import { getEngine } from '../src/plan/planner.js';
import { solveP1 } from '../src/plan/problems.js';
import { ArenaOverflowError } from '../src/runtime/arena.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';
import { runCli } from './helpers/cli.js';

/** A random path 0 -> N through the table's edges. */
function randomPath(table: ReturnType<typeof exactCostTable>, rng: Rng): Block[] {
  const N = table.layers;
  const out: number[][] = Array.from({ length: N + 1 }, () => []);
  for (let v = 0; v <= N; v++) for (let e = table.start[v]!; e < table.start[v + 1]!; e++) out[table.from[e]!]!.push(v);
  const blocks: Block[] = [];
  for (let u = 0; u < N; ) {
    const v = rng.pick(out[u]!);
    blocks.push([u, v - 1]);
    u = v;
  }
  return blocks;
}

const layerByLayer = (n: number): Block[] => Array.from({ length: n }, (_, i) => [i, i] as Block);

describe('executor', () => {
  const exec = getExecutor();

  it('2,000 random chains x random fusion settings: fused == layer by layer, measured == predicted', () => {
    let fusedBlocks = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const model = withSeededParams(buildChain(randomChain(seed, 1 + (seed % 8), 20)), seed);
      const table = exactCostTable(model);
      const rng = new Rng(seed * 7919);
      const blocks = randomPath(table, rng);
      fusedBlocks += blocks.filter(([a, b]) => b > a).length;
      const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), seed);
      const ref = exec.run(model, layerByLayer(model.layers.length), input);
      const fused = exec.run(model, blocks, input);
      const where = `seed ${seed}, blocks ${JSON.stringify(blocks)}`;
      expect(Buffer.from(fused.output).equals(Buffer.from(ref.output)), where).toBe(true);
      expect(fused.measuredPeakBytes, where).toBe(fused.predictedPeakBytes);
      expect(ref.measuredPeakBytes, where).toBe(ref.predictedPeakBytes);
      expect(fused.macs, where).toBe(fused.predictedMacs);
    }
    expect(fusedBlocks).toBeGreaterThan(1000);
  });

  describe.each(ZOO_IDS)('%s', (id) => {
    const model = withSeededParams(zooModel(id), 1);
    const table = exactCostTable(model);
    const front = getEngine('js').front(table);
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 1);
    const ref = exec.run(model, layerByLayer(model.layers.length), input);
    it.each([
      ['minimum-RAM plan', Infinity],
      ['F <= 1.2 plan', 1.2],
    ])('%s: identical to layer by layer, measured == predicted', (_name, f) => {
      const plan = solveP1(front, table.baselineMacs, f);
      const r = exec.run(model, plan.blocks, input);
      expect(r.predictedPeakBytes).toBe(plan.peakBytes);
      expect(r.measuredPeakBytes).toBe(r.predictedPeakBytes);
      expect(r.macs).toBe(plan.macs);
      expect(Buffer.from(r.output).equals(Buffer.from(ref.output))).toBe(true);
      // The output is not degenerate (all one value would hide arithmetic errors).
      expect(new Set(r.output).size).toBeGreaterThan(8);
    });
    it('one byte below the need: ArenaOverflowError naming the buffer; the engine still works', () => {
      const plan = solveP1(front, table.baselineMacs, Infinity);
      let err: unknown;
      try {
        exec.run(model, plan.blocks, input, { capacity: plan.peakBytes - 1 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ArenaOverflowError);
      const e = err as ArenaOverflowError;
      expect(e.message).toMatch(/needs \d+ B but only \d+ B are free/);
      expect(e.capacity).toBe(plan.peakBytes - 1);
      expect(e.needed).toBeGreaterThan(e.available);
      const again = exec.run(model, plan.blocks, input);
      expect(again.measuredPeakBytes).toBe(plan.peakBytes);
    });
  });
});

describe('msf run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msf-run-'));
  it('--json reports predicted == measured and the paper figure beside it', async () => {
    const { code, stdout } = await runCli('run', 'mcunet-vww5-r80', '--json');
    expect(code).toBe(0);
    const j = JSON.parse(stdout);
    for (const key of ['model', 'costModel', 'predictedPeakBytes', 'measuredPeakBytes', 'arenaBytes', 'macs', 'blocks', 'outputSha256', 'ms', 'paperPeakBytes'])
      expect(j).toHaveProperty(key);
    expect(j.measuredPeakBytes).toBe(j.predictedPeakBytes);
    expect(j.arenaBytes).toBe(j.predictedPeakBytes);
    expect(j.outputSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(j.paperPeakBytes).toBeGreaterThan(0);
  });
  it('a one-byte-short arena fails with exit 4 and leaves no output file', async () => {
    const { stdout } = await runCli('run', 'mbv2-w0.35-r144', '--json');
    const need = JSON.parse(stdout).predictedPeakBytes;
    const outFile = join(dir, 'out.bin');
    const bad = await runCli('run', 'mbv2-w0.35-r144', '--arena', String(need - 1), '--output', outFile);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/arena overflow: .* needs \d+ B but only \d+ B are free in the \d+ B arena/);
    expect(existsSync(outFile)).toBe(false);
    const ok = await runCli('run', 'mbv2-w0.35-r144', '--output', outFile);
    expect(ok.code).toBe(0);
    expect(existsSync(outFile)).toBe(true);
  });
  it('--mcu sets the budget; a too-small part is infeasible', async () => {
    const ok = await runCli('run', 'mcunet-vww5-r80', '--mcu', 'nrf52840', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).arenaBytes).toBe(256 * 1024);
    const tiny = await runCli('run', 'mcunet-320kb-r176', '--mcu', 'fe310');
    expect(tiny.code).toBe(4);
    expect(tiny.stderr).toMatch(/smallest reachable peak/);
    const unknown = await runCli('run', 'mcunet-vww5-r80', '--mcu', 'z80');
    expect(unknown.code).toBe(2);
  });
});
