// Streaming plans run for real (src/runtime/stream-exec.ts): every pixel computed by the int8 Wasm
// kernels from the rings, column caches and tensors of the plan's schedule, in the arena, with the
// checking mode's shadow map. Each run's output and every tensor it materialises equal the
// layer-by-layer run (bit-exact with TFLite Micro, test/conformance.test.ts), and the arena measures
// the predicted peak to the byte. On the conformance inputs of the shared models, the output and
// every tensor between edges are TensorFlow Lite Micro's own bytes (../shared/conformance).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { streamGraphTable } from '../src/cost/stream-sim.js';
import { loadModel } from '../src/import/load.js';
import { readTflite } from '../src/import/tflite.js';
import { tfliteAliases, tfliteToModel } from '../src/import/tflite-lower.js';
import { decodeOutput } from '../src/runtime/encoding.js';
import { buildChain } from '../src/model/chain.js';
import { randomChain } from '../src/model/generate.js';
import type { Model } from '../src/model/ir.js';
import { executableModel } from '../src/model/seeded.js';
import type { FrontPoint } from '../src/plan/engine.js';
import { JsSearchEngine } from '../src/plan/solver-js.js';
import { chosenEdges, streamScheduleOf } from '../src/plan/stream-schedule.js';
import { getExecutor } from '../src/runtime/run.js';
import { ShadowError } from '../src/runtime/shadow.js';
import { StreamExecutor } from '../src/runtime/stream-exec.js';
import { runAction } from '../src/cli/run.js';
import { runModel } from '../src/runtime/run.js';
import { residualGraph } from './helpers/residual.js';
import { layerByLayerTensors } from './helpers/stream-replay.js';

const MODELS = new URL('../../shared/models/', import.meta.url).pathname;
const js = new JsSearchEngine();
const streamer = new StreamExecutor(getExecutor());

/** Runs point p of the model's streaming front for real; checks it against the layer-by-layer run. */
function runPoint(model: Model, t: ReturnType<typeof streamGraphTable>, p: FrontPoint, truth: Map<number, Uint8Array>, poison?: number) {
  const edges = chosenEdges(t, p);
  let materialised = 0;
  const r = streamer.run(model, edges, truth.get(model.input)!, {
    check: true, ...(poison === undefined ? {} : { poison }),
    onTensor: (tensor, bytes) => {
      materialised++;
      expect(Buffer.from(bytes).equals(Buffer.from(truth.get(tensor)!)), `${model.name}: tensor ${tensor}`).toBe(true);
    },
  });
  expect(Buffer.from(r.output).equals(Buffer.from(truth.get(model.output)!)), `${model.name}: output`).toBe(true);
  expect(r.predictedPeakBytes).toBe(p.peakBytes);
  expect(r.measuredPeakBytes, `${model.name} at ${p.peakBytes} B`).toBe(p.peakBytes);
  expect(r.macs).toBe(p.macs);
  expect(materialised).toBe(edges.length);
  return { r, edges };
}

const lowest = (front: FrontPoint[], base: number, F: number) => front.filter((x) => x.macs <= F * base * (1 + 1e-12)).sort((a, b) => a.peakBytes - b.peakBytes)[0]!;

describe('streaming plans run for real', () => {
  it.each([
    ['mlperf_kws_dscnn_int8', 1.05], ['mlperf_kws_dscnn_int8', Infinity], ['mlperf_ic_resnet8_int8', 1.05], ['armzoo_micronet_vww2_50_int8', 1.05],
  ])('%s at F <= %s: bit-exact with the layer-by-layer run, the arena measures the prediction', (id, F) => {
    const model = executableModel(loadModel(`${MODELS}${id}.tflite`));
    const t = streamGraphTable(model, 24);
    const p = lowest(js.front(t), t.baselineMacs, F);
    const truth = layerByLayerTensors(model);
    const { r, edges } = runPoint(model, t, p, truth);
    // Streamed blocks really ran (pixels from rings), not only single layers.
    expect(edges.some((e) => e.n > e.m)).toBe(true);
    expect(r.kernelCalls).toBeGreaterThan(edges.length * 10);
    // Stale arena bytes never reach the output: another poison gives the same bytes.
    expect(Buffer.from(streamer.run(model, edges, truth.get(model.input)!, { poison: 0x00 }).output).equals(Buffer.from(r.output))).toBe(true);
  });

  it.each([
    ['mlperf_kws_dscnn_int8', 1.05], ['mlperf_ic_resnet8_int8', 1.05], ['armzoo_micronet_vww2_50_int8', 1.05], ['mlperf_vww_96_int8', 1.05],
  ])('%s at F <= %s on the conformance inputs: output and every materialised tensor are TensorFlow Lite Micro\'s bytes', (id, F) => {
    const dir = new URL(`../../shared/conformance/${id}/`, import.meta.url);
    const tf = readTflite(new Uint8Array(readFileSync(`${MODELS}${id}.tflite`)), id);
    const model = tfliteToModel(tf, id);
    // TFLM's copy of an IR tensor: the file tensor it came from (test/conformance.test.ts's mapping).
    const aliases = tfliteAliases(tf);
    const exposed = (JSON.parse(readFileSync(new URL('meta.json', dir), 'utf8')) as { exposed_tensors: { index: number }[] }).exposed_tensors;
    const fileTensor = new Map<number, number>();
    for (const t of model.tensors) if (t.sourceIndex !== undefined) fileTensor.set(t.id, t.sourceIndex);
    const tflmIndex = (ir: number) => exposed.find((e) => (aliases.get(e.index) ?? e.index) === fileTensor.get(ir))?.index;
    const t = streamGraphTable(model, 24);
    const edges = chosenEdges(t, lowest(js.front(t), t.baselineMacs, F));
    let compared = 0;
    for (const k of [1, 2]) {
      const r = streamer.run(model, edges, new Uint8Array(readFileSync(new URL(`in_${k}.bin`, dir))), {
        check: true,
        onTensor: (tensor, bytes) => {
          const index = tflmIndex(tensor);
          if (index === undefined || tensor === model.output) return;
          expect(Buffer.from(bytes).equals(readFileSync(new URL(`tensors/${k}/t${index}.bin`, dir))), `${id} input ${k}: tensor ${tensor}`).toBe(true);
          compared++;
        },
      });
      expect(Buffer.from(decodeOutput(model, r.output)).equals(readFileSync(new URL(`out_${k}_0.bin`, dir))), `${id} input ${k}: output`).toBe(true);
      expect(r.measuredPeakBytes).toBe(r.predictedPeakBytes);
    }
    console.log(`${id}: ${edges.length} edges, ${compared} materialised tensors compared with TFLM`);
    expect(compared).toBe(2 * (edges.length - 1)); // every tensor between edges, both inputs
  });

  it.each(['st_miniresnetv2_1stacks_64x50_esc10_int8', 'tflm_sensiml_model_runner_int8'])(
    '%s (spatial PAD, an operand read through a folded RESHAPE: not streamed, run whole) at F <= 1.05', (id) => {
      const model = executableModel(loadModel(new URL(`../../shared/more-models/models/${id}.tflite`, import.meta.url).pathname));
      const t = streamGraphTable(model, 24);
      runPoint(model, t, lowest(js.front(t), t.baselineMacs, 1.05), layerByLayerTensors(model));
    },
  );

  it('every front point of random chains and residual graphs (line buffers, column caches, residual streams, in place)', () => {
    let points = 0;
    let cached = 0;
    let inPlace = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const model = executableModel(seed % 2 ? buildChain(randomChain(seed, 3 + (seed % 5), 16)) : residualGraph(seed));
      const t = streamGraphTable(model, 12);
      const truth = layerByLayerTensors(model);
      for (const p of js.front(t)) {
        const { edges } = runPoint(model, t, p, truth);
        points++;
        if (edges.some((e) => e.n > e.m && e.holds.slice(1).includes(0))) cached++;
        if (edges.some((e) => e.inPlace)) inPlace++;
      }
    }
    console.log(`${points} front points run (${cached} with column caches, ${inPlace} in place)`);
    expect(points).toBeGreaterThan(60);
    expect(cached).toBeGreaterThan(0);
    expect(inPlace).toBeGreaterThan(0);
  });

  it('the checking mode fails a ring one pixel short, and the kernel refuses a window that does not fit its ring', () => {
    const model = executableModel(loadModel(`${MODELS}mlperf_kws_dscnn_int8.tflite`));
    const t = streamGraphTable(model, 24);
    const p = lowest(js.front(t), t.baselineMacs, 1.05);
    const edges = chosenEdges(t, p);
    const input = layerByLayerTensors(model).get(model.input)!;
    const shrunk = (pick: (C: number, R: number) => boolean) => {
      const s = streamScheduleOf(model, edges, p.peakBytes);
      for (const step of s.steps) {
        for (const [tensor, h] of step.held) {
          const C = model.tensors[tensor]!.shape[2];
          if (h.kind === 'ring' && pick(C, h.buffer.size / C)) {
            h.buffer.size -= C;
            return s;
          }
        }
      }
      throw new Error('no ring to shrink');
    };
    // A 1-pixel ring (1x1 consumer) one pixel short would hold nothing: pick a larger one.
    expect(() => streamer.run(model, edges, input, { check: true, schedule: shrunk((_, R) => R > 8) })).toThrow(/ring|overwritten/);
    try {
      streamer.run(model, edges, input, { check: true, schedule: shrunk((_, R) => R > 8) });
    } catch (e) {
      expect(e instanceof ShadowError || /does not fit in the ring/.test((e as Error).message)).toBe(true);
    }
  });

  it('msf run --stream: the run is checked, says which layers stream and which recompute, and gives the fused run\'s output', () => {
    const path = `${MODELS}mlperf_ic_resnet8_int8.tflite`;
    const flags = { cost: 'exact', engine: 'js', seed: '1', input: [], stream: true, maxOverhead: '1.05' };
    let text = '';
    runAction(path, flags, (s) => (text = s));
    expect(text).toMatch(/predicted 9,312 B, measured 9,312 B \(identical\)/);
    expect(text).toMatch(/layers 0-12: line buffers feed layers 1 2 3 4 5 6 7 8 9 10 11 12/);
    let json = '';
    runAction(path, { ...flags, json: true }, (s) => (json = s));
    const j = JSON.parse(json) as { stream: boolean; measuredPeakBytes: number; edges: { layers: { holds: string }[] }[]; outputSha256: string };
    expect(j.stream).toBe(true);
    expect(j.measuredPeakBytes).toBe(9312);
    expect(j.edges[0]!.layers.map((l) => l.holds).slice(0, 2)).toEqual(['edge input', 'line buffer']);
    expect(j.outputSha256).toBe(runModel(loadModel(path)).outputSha256);
    // A minimum plan recomputes rows from column caches, and says so.
    runAction(`${MODELS}mlperf_vww_96_int8.tflite`, { ...flags, maxOverhead: 'inf' }, (s) => (text = s));
    expect(text).toMatch(/column caches feed layers [\d ]+ \(their producers recompute rows\)/);
    expect(() => runAction(path, { ...flags, cost: 'paper' }, () => {})).toThrow(/--stream/);
  });
});
