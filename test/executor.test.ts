// Running plans for real: fused == layer by layer (bit for bit), measured peak == predicted peak
// (exact cost model, to the byte), measured MACs == predicted MACs, and arena overflow is typed.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
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
import { getEngine, planModel } from '../src/plan/planner.js';
import { solveP1 } from '../src/plan/problems.js';
import { ArenaOverflowError } from '../src/errors.js';
import { McuArena } from '../src/runtime/arena.js';
import { type EdgeBuffers, PlacementError, placeBuffers } from '../src/plan/placement.js';
import { loadModel } from '../src/import/load.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';
import { MCU_RESERVE_BYTES, MCU_STACK_BYTES } from '../src/report/memory.js';
import { runCli } from './helpers/cli.js';
import { residualGraph } from './helpers/residual.js';

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
      expect(e.message).toMatch(/needs [\d,]+ B but only [\d,]+ B are free/);
      expect(e.capacity).toBe(plan.peakBytes - 1);
      expect(e.needed).toBeGreaterThan(e.available);
      const again = exec.run(model, plan.blocks, input);
      expect(again.measuredPeakBytes).toBe(plan.peakBytes);
    });
  });
});

describe('executor on the shared .tflite models (graphs: residual ADDs, PAD, FC, softmax)', () => {
  const exec = getExecutor();
  const dir = new URL('../../shared/models/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.tflite')).sort();
  it.each(files)('%s: 40 random fusion settings == layer by layer, measured == predicted == arena', (file) => {
    const model = loadModel(new URL(file, dir).pathname);
    const table = exactCostTable(model);
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 3);
    const ref = exec.run(model, layerByLayer(model.layers.length), input);
    expect(ref.measuredPeakBytes).toBe(ref.predictedPeakBytes);
    const rng = new Rng(file.length * 31);
    for (let t = 0; t < 40; t++) {
      const blocks = randomPath(table, rng);
      const r = exec.run(model, blocks, input);
      const where = `${file} blocks ${JSON.stringify(blocks)}`;
      expect(Buffer.from(r.output).equals(Buffer.from(ref.output)), where).toBe(true);
      expect(r.measuredPeakBytes, where).toBe(r.predictedPeakBytes);
      expect(r.arenaBytes, where).toBe(r.predictedPeakBytes);
      expect(r.macs, where).toBe(r.predictedMacs);
    }
  });
  it('minimum-RAM plans of the residual models fuse ADDs (both operand orders) and run exactly', () => {
    for (const [file, want] of [['mlperf_ic_resnet8_int8.tflite', 32928], ['armzoo_micronet_vww2_50_int8.tflite', 11492]] as const) {
      const model = loadModel(new URL(file, dir).pathname);
      const blocks = planModel(model, { cost: 'exact', engine: 'wasm' }).solution.blocks;
      const fusedAdds = blocks.flatMap(([a, b]) => (b > a ? model.layers.slice(a + 1, b + 1) : [])).filter((l) => l.op === 'add');
      expect(fusedAdds.length, file).toBeGreaterThan(0);
      const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 5);
      const r = exec.run(model, blocks, input);
      expect(r.predictedPeakBytes, file).toBe(want);
      expect(r.measuredPeakBytes, file).toBe(want);
      expect(Buffer.from(r.output).equals(Buffer.from(exec.run(model, layerByLayer(model.layers.length), input).output)), file).toBe(true);
    }
  });
  it('a residual model one byte short of its layer-by-layer peak overflows with a typed error', () => {
    const model = loadModel(new URL('mlperf_ic_resnet8_int8.tflite', dir).pathname);
    const blocks = layerByLayer(model.layers.length);
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 1);
    const need = exec.run(model, blocks, input).predictedPeakBytes;
    expect(() => exec.run(model, blocks, input, { capacity: need - 1 })).toThrow(ArenaOverflowError);
  });
  it('onTensor sees every tensor of a layer-by-layer run once, in execution order', () => {
    const model = loadModel(new URL('armzoo_micronet_vww2_50_int8.tflite', dir).pathname);
    const ids: number[] = [];
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 2);
    const r = exec.run(model, layerByLayer(model.layers.length), input, {
      onTensor: (id, bytes) => {
        ids.push(id);
        expect(bytes.length).toBe(tensorBytes(model.tensors[id]!.shape));
      },
    });
    expect(ids).toEqual(model.layers.map((l) => l.output));
    expect(ids.at(-1)).toBe(model.output);
    expect(r.measuredPeakBytes).toBe(r.predictedPeakBytes);
  });
});

describe('fused ADDs on seeded random residual graphs', () => {
  const exec = getExecutor();
  it('150 graphs x 8 random fusion settings: fused == layer by layer, measured == predicted, MACs too', () => {
    const seen = { first: 0, inner: 0, input1: 0, input2: 0, modelInput: 0 };
    for (let seed = 1; seed <= 150; seed++) {
      const model = withSeededParams(residualGraph(seed), seed);
      const table = exactCostTable(model);
      const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), seed);
      const ref = exec.run(model, layerByLayer(model.layers.length), input);
      const rng = new Rng(seed * 13 + 5);
      for (let t = 0; t < 8; t++) {
        const blocks = randomPath(table, rng);
        for (const [a, b] of blocks) {
          if (b === a) continue;
          for (let l = a; l <= b; l++) {
            const layer = model.layers[l]!;
            if (layer.op !== 'add') continue;
            if (l === a) { seen.first++; continue; }
            seen.inner++;
            const other = layer.inputs.find((i) => i !== model.layers[l - 1]!.output)!;
            if (layer.inputs[0] === other) seen.input1++;
            else seen.input2++;
            if (other === model.input) seen.modelInput++;
          }
        }
        const r = exec.run(model, blocks, input);
        const where = `seed ${seed} blocks ${JSON.stringify(blocks)}`;
        expect(Buffer.from(r.output).equals(Buffer.from(ref.output)), where).toBe(true);
        expect(r.measuredPeakBytes, where).toBe(r.predictedPeakBytes);
        expect(r.macs, where).toBe(r.predictedMacs);
      }
    }
    // Every path of the fused ADD was taken many times.
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(20);
  });
});

describe('placement (two stacks)', () => {
  const t = (name: string, size: number) => ({ name, size });
  const edge = (i: number, input: string | null, output: string | null, extra: Partial<EdgeBuffers> = {}): EdgeBuffers => ({
    first: i, last: i, input: input ? t(input, 0) : null, output: output ? t(output, sizes[output]!) : null, caches: [], ...extra,
  });
  const sizes: Record<string, number> = { a: 10, b: 20, c: 30, d: 5, s: 7 };
  /** Live bytes at each edge, the lower bound of any placement. */
  const peakOf = (edges: EdgeBuffers[], placed: ReturnType<typeof placeBuffers>) => {
    const arena = new McuArena(1 << 20);
    for (const e of placed) {
      if (e.output) arena.take(e.output);
      for (const c of e.caches) arena.take(c);
      arena.settle();
      for (const r of e.release) arena.release(r.name);
    }
    return arena.highWater;
  };
  it('a residual block fits in exactly its peak and never overlaps live buffers', () => {
    // a -> b -> c, add(a, c) -> d: a lives across b and c.
    const edges = [
      edge(0, null, 'a'),
      edge(1, 'a', 'b', { caches: [{ name: 'k1', size: 3, layer: 1 }] }),
      edge(2, 'b', 'c'),
      { ...edge(3, 'c', 'd'), input2: { name: 'a', size: 10, tensor: 0 } },
      edge(4, 'd', null),
    ];
    const peak = peakOf(edges, placeBuffers(edges, 1 << 20));
    expect(peak).toBe(10 + 20 + 30); // edge 2: a, b, c
    const placed = placeBuffers(edges, peak); // McuArena.take checks overlaps as it goes
    expect(peakOf(edges, placed)).toBe(peak);
    expect(() => placeBuffers(edges, peak - 1)).toThrow(ArenaOverflowError);
  });
  it('three pairwise crossing lifetimes (no two-stack layout) get offsets that fit their live peak, never overlapping', () => {
    // a: edges 0-2, b: 1-3, c: 2-4: each pair crosses.
    const edges = [
      edge(0, null, 'a'),
      edge(1, null, 'b'),
      { ...edge(2, 'a', 'c') },
      edge(3, 'b', 'd'),
      { ...edge(4, 'c', null), input2: { name: 'd', size: 5, tensor: 0 } },
    ];
    const peak = 10 + 20 + 30; // edge 2: a, b, c
    const placed = placeBuffers(edges, peak); // McuArena.take checks overlaps as it goes
    expect(peakOf(edges, placed)).toBe(peak);
    expect(() => placeBuffers(edges, peak - 1)).toThrow(ArenaOverflowError);
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
    expect(bad.stderr).toMatch(/arena overflow: .* needs [\d,]+ B but only [\d,]+ B are free in the [\d,]+ B arena/);
    expect(existsSync(outFile)).toBe(false);
    const ok = await runCli('run', 'mbv2-w0.35-r144', '--output', outFile);
    expect(ok.code).toBe(0);
    expect(existsSync(outFile)).toBe(true);
  });
  it('--mcu sets the budget; a too-small part is infeasible', async () => {
    // The budget is the SRAM less the caller's buffers, the stack allowance and the reserve.
    const ok = await runCli('run', 'mcunet-vww5-r80', '--mcu', 'nrf52840', '--json');
    expect(ok.code).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j.arenaBytes).toBe(j.predictedPeakBytes);
    expect(j.totalSramBytes).toBe(j.arenaBytes + 80 * 80 * 3 + j.outputBytes);
    expect(j.arenaBytes).toBe(planModel(zooModel('mcunet-vww5-r80'), { ramLimit: 256 * 1024 - 80 * 80 * 3 - j.outputBytes - MCU_STACK_BYTES - MCU_RESERVE_BYTES }).solution.peakBytes);
    const tiny = await runCli('run', 'mcunet-320kb-r176', '--mcu', 'fe310');
    expect(tiny.code).toBe(4);
    expect(tiny.stderr).toMatch(/has 16,384 B of SRAM: input 92,928 B \+ output .* leave no room for the arena/);
    // 96x96x3 = 27,648 B of input alone: more than a 16 KiB part has, whatever the plan.
    const vww = await runCli('run', '../shared/models/mlperf_vww_96_int8.tflite', '--mcu', 'fe310');
    expect(vww.code).toBe(4);
    expect(vww.stderr).toMatch(/input 27,648 B/);
    const unknown = await runCli('run', 'mcunet-vww5-r80', '--mcu', 'z80');
    expect(unknown.code).toBe(2);
  });
});
