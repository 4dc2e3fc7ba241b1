// The network input in the arena (issue #14 item 5, inputInArena) and streaming plans of models
// with several inputs and outputs (../shared/more-models). With the option the input counts as an
// arena tensor until its last reader has run, a first edge may overwrite it in place, and the
// streaming executor writes it into the arena before the first edge: runs are bit-exact with the
// layer-by-layer run and the arena measures the prediction to the byte.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactLayers } from '../src/cost/exact.js';
import { streamGraphTable } from '../src/cost/stream-sim.js';
import { createWasmSearchEngine } from '../src/runtime/wasm-node.js';
import { loadModel } from '../src/import/load.js';
import { readTflite } from '../src/import/tflite.js';
import { tfliteToModel } from '../src/import/tflite-lower.js';
import { decodeOutput } from '../src/runtime/encoding.js';
import { modelInputs, modelOutputs, tensorBytes } from '../src/model/ir.js';
import { executableModel } from '../src/model/seeded.js';
import type { FrontPoint } from '../src/plan/engine.js';
import { JsSearchEngine } from '../src/plan/solver-js.js';
import { buildChain } from '../src/model/chain.js';
import { randomChain } from '../src/model/generate.js';
import { chosenEdges, streamScheduleOf } from '../src/plan/stream-schedule.js';
import { ShadowError } from '../src/runtime/shadow.js';
import { getExecutor, runModel } from '../src/runtime/run.js';
import { runAction } from '../src/cli/run.js';
import { UsageError } from '../src/errors.js';
import { planModel } from '../src/plan/planner.js';
import { StreamExecutor } from '../src/runtime/stream-exec.js';
import { residualGraph } from './helpers/residual.js';
import { inputsOf, layerByLayerTensors, replayStreamPlan } from './helpers/stream-replay.js';

const MODELS = new URL('../../shared/models/', import.meta.url).pathname;
const js = new JsSearchEngine();
const streamer = new StreamExecutor(getExecutor());
const lowest = (front: FrontPoint[], base: number, F: number) => front.filter((x) => x.macs <= F * base * (1 + 1e-12)).sort((a, b) => a.peakBytes - b.peakBytes)[0]!;

describe('the network input in the arena', () => {
  it.each([
    ['mlperf_ic_resnet8_int8', 1.05], ['mlperf_kws_dscnn_int8', 1.05], ['mlperf_vww_96_int8', Infinity], ['armzoo_micronet_vww2_50_int8', 1.05],
  ])('%s at F <= %s', (id, F) => {
    const model = executableModel(loadModel(`${MODELS}${id}.tflite`));
    const truth = layerByLayerTensors(model);
    const inBytes = tensorBytes(model.tensors[model.input]!.shape);
    {
      const outside = streamGraphTable(model, 24);
      const inside = streamGraphTable(model, 24, { inputInArena: true });
      const p = lowest(js.front(inside), inside.baselineMacs, F);
      const q = lowest(js.front(outside), outside.baselineMacs, F);
      const edges = chosenEdges(inside, p);
      const r = streamer.run(model, edges, inputsOf(model, truth), { check: true, inputInArena: true });
      expect(Buffer.from(r.output).equals(Buffer.from(truth.get(model.output)!))).toBe(true);
      expect(r.measuredPeakBytes).toBe(p.peakBytes);
      expect(r.macs).toBe(p.macs);
      const replay = replayStreamPlan(model, edges, truth, p.peakBytes, { inputInArena: true });
      expect(replay.measuredPeakBytes).toBe(p.peakBytes);
      // Holding the input can only cost up to its bytes, and never saves arena bytes.
      expect(p.peakBytes).toBeGreaterThanOrEqual(q.peakBytes);
      expect(p.peakBytes).toBeLessThanOrEqual(q.peakBytes + inBytes);
      console.log(`${id} F <= ${F}: input in the arena ${p.peakBytes} B (F ${(p.macs / inside.baselineMacs).toFixed(3)}, first edge ${edges[0]!.m}-${edges[0]!.n}${edges[0]!.inPlace ? ' in place' : ''}); outside ${q.peakBytes} + ${inBytes} = ${q.peakBytes + inBytes} B`);
    }
  });
});

describe('the network input in the arena on random models, and the checks that guard it', () => {
  it('every front point of random chains and residual graphs: bit-exact, measured == predicted, replayed', () => {
    let points = 0;
    let overInput = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const model = executableModel(seed % 2 ? buildChain(randomChain(seed, 3 + (seed % 5), 16)) : residualGraph(seed));
      const t = streamGraphTable(model, 12, { inputInArena: true });
      const truth = layerByLayerTensors(model);
      for (const p of js.front(t)) {
        const edges = chosenEdges(t, p);
        const r = streamer.run(model, edges, inputsOf(model, truth), {
          check: true, inputInArena: true,
          onTensor: (tensor, bytes) => expect(Buffer.from(bytes).equals(Buffer.from(truth.get(tensor)!)), `seed ${seed}: tensor ${tensor}`).toBe(true),
        });
        expect(Buffer.from(r.output).equals(Buffer.from(truth.get(model.output)!)), `seed ${seed}`).toBe(true);
        expect(r.measuredPeakBytes, `seed ${seed} at ${p.peakBytes} B`).toBe(p.peakBytes);
        expect(replayStreamPlan(model, edges, truth, p.peakBytes, { inputInArena: true }).measuredPeakBytes).toBe(p.peakBytes);
        points++;
        if (edges[0]!.inPlace) overInput++;
      }
    }
    console.log(`${points} front points with the input in the arena (${overInput} with the first edge in place over it)`);
    expect(points).toBeGreaterThan(30);
    expect(overInput).toBeGreaterThan(0);
  });

  it('checking mode fails a buffer placed over the live input, and an in-place write over input pixels still to be read', () => {
    const model = executableModel(loadModel(`${MODELS}mlperf_kws_dscnn_int8.tflite`));
    const t = streamGraphTable(model, 24, { inputInArena: true });
    const p = lowest(js.front(t), t.baselineMacs, 1.05);
    const edges = chosenEdges(t, p);
    const input = inputsOf(model, layerByLayerTensors(model));
    const s = streamScheduleOf(model, edges, p.peakBytes, { inputInArena: true });
    const first = s.steps[0]!;
    const inAt = s.tensorAt(model.input)!;
    // The first edge's ring (or output) moved onto the input's bytes.
    const victim = first.takes.find((b) => b !== inAt)!;
    victim.offset = inAt.offset;
    expect(() => streamer.run(model, edges, input, { check: true, inputInArena: true, schedule: s })).toThrow(ShadowError);
    expect(() => streamer.run(model, edges, input, { check: true, inputInArena: true, schedule: s })).toThrow(/over the same arena byte/);
    // A 3x3 depthwise layer forced in place over the input: output pixel q lands on input pixel q,
    // which output pixel q + W (the row below) has still to read.
    const dw = executableModel(buildChain({ name: 'dw', input: [6, 6, 4], layers: [{ op: 'depthwise_conv2d', kernel: 3, stride: 1, padding: 1 }, { op: 'conv2d', filters: 2, kernel: 1, stride: 1, padding: 0 }] }));
    const dt = streamGraphTable(dw, 12, { inputInArena: true });
    expect(dt.inPlace.every((x) => x === 0)).toBe(true); // the specification never allows it
    const alone = (m: number, inPlace: boolean) => ({ m, n: m, mem: 400, macs: 0, inPlace, holds: new Uint8Array(1) });
    const dwIn = inputsOf(dw, layerByLayerTensors(dw));
    expect(streamer.run(dw, [alone(0, false), alone(1, false)], dwIn, { check: true, inputInArena: true }).measuredPeakBytes).toBe(6 * 6 * 4 * 2);
    const dwEdges = [alone(0, true), alone(1, false)];
    expect(() => streamer.run(dw, dwEdges, dwIn, { check: true, inputInArena: true })).toThrow(/was overwritten before this read/);
  });
});

const MORE = new URL('../../shared/more-models/', import.meta.url);
const EXTRA = readdirSync(new URL('models/', MORE)).filter((f) => f.endsWith('.tflite')).map((f) => f.replace(/\.tflite$/, '')).sort();

describe('streaming plans of models with several inputs and outputs (every model of ../shared/more-models)', () => {
  it.each(EXTRA)('%s: on TFLM\'s conformance input every output is TFLM\'s, every materialised tensor the layer-by-layer run\'s, measured == predicted, replayed', (id) => {
    const dir = new URL(`conformance/${id}/`, MORE);
    const model = tfliteToModel(readTflite(new Uint8Array(readFileSync(new URL(`models/${id}.tflite`, MORE))), id), id);
    const ins = modelInputs(model);
    const outs = modelOutputs(model);
    const input = ins.map((_, i) => new Uint8Array(readFileSync(new URL(ins.length > 1 ? `in_1_${i}.bin` : 'in_1.bin', dir))));
    const truth = new Map<number, Uint8Array>(ins.map((t, i) => [t, input[i]!]));
    getExecutor().run(model, model.layers.map((_, i) => [i, i]), input, { onTensor: (t, bytes) => truth.set(t, bytes.slice()) });
    const lines: string[] = [];
    for (const inputInArena of [false, true]) {
      const t = streamGraphTable(model, 24, { inputInArena });
      const front = js.front(t);
      const points = new Set([lowest(front, t.baselineMacs, 1.05), lowest(front, t.baselineMacs, Infinity)]);
      for (const p of points) {
        const edges = chosenEdges(t, p);
        // No block swallows a model output: each is some edge's last output (written to the caller's buffer).
        for (const e of edges) for (const l of model.layers.slice(e.m, e.n)) expect(outs.includes(l.output), `${id}: layer ${l.index} inside [${e.m}, ${e.n}]`).toBe(false);
        let materialised = 0;
        const r = streamer.run(model, edges, input, {
          check: true, inputInArena,
          onTensor: (tensor, bytes) => {
            materialised++;
            expect(Buffer.from(bytes).equals(Buffer.from(truth.get(tensor)!)), `${id}: tensor ${tensor}`).toBe(true);
          },
        });
        expect(materialised).toBe(edges.length);
        outs.forEach((o, j) => {
          const got = j === 0 ? decodeOutput(model, r.outputs[j]!) : r.outputs[j]!;
          expect(Buffer.from(got).equals(readFileSync(new URL(`out_1_${j}.bin`, dir))), `${id}: output ${j}`).toBe(true);
        });
        expect(r.measuredPeakBytes, `${id} at ${p.peakBytes} B`).toBe(p.peakBytes);
        expect(r.macs).toBe(p.macs);
        expect(replayStreamPlan(model, edges, truth, p.peakBytes, { inputInArena }).measuredPeakBytes).toBe(p.peakBytes);
        lines.push(`${inputInArena ? 'input in the arena' : 'input outside'}: ${p.peakBytes} B at F ${(p.macs / t.baselineMacs).toFixed(3)}, ${edges.filter((e) => e.n > e.m).length} streamed blocks of ${edges.length} edges`);
      }
    }
    console.log(`${id} (${ins.length} inputs, ${outs.length} outputs): ${lines.join('; ')}`);
  });
});

describe('--input-in-arena (msf plan / msf run with --stream)', () => {
  const path = `${MODELS}armzoo_micronet_vww2_50_int8.tflite`;
  const flags = { cost: 'exact', engine: 'js', seed: '1', input: [], stream: true, maxOverhead: '1.05' };
  it('plans and runs with the input in the arena, measured == predicted, total SRAM without an input buffer; refused with the paper cost model', () => {
    let json = '';
    runAction(path, { ...flags, inputInArena: true, json: true }, (s) => (json = s));
    const r = JSON.parse(json) as { predictedPeakBytes: number; measuredPeakBytes: number; inputBytes: number; outputBytes: number; totalSramBytes: number };
    expect(r.measuredPeakBytes).toBe(r.predictedPeakBytes);
    expect(r.inputBytes).toBe(0);
    expect(r.totalSramBytes).toBe(r.measuredPeakBytes + r.outputBytes);
    runAction(path, { ...flags, json: true }, (s) => (json = s));
    const outside = JSON.parse(json) as { measuredPeakBytes: number; inputBytes: number; totalSramBytes: number };
    expect(outside.inputBytes).toBe(2500);
    // MicroNet's first edge writes over its input in place: less total SRAM than the input outside.
    expect(r.totalSramBytes).toBeLessThan(outside.totalSramBytes);
    const plan = planModel(executableModel(loadModel(path)), { stream: true, inputInArena: true, maxOverhead: 1.05, engine: 'js' });
    expect(plan.solution.peakBytes).toBe(r.predictedPeakBytes);
    expect(plan.inputInArena).toBe(true);
    expect(() => planModel(loadModel(path), { inputInArena: true, cost: 'paper' })).toThrow(UsageError);
  });

  it('msf run --stream runs a model with 4 inputs and 5 outputs (RNNoise), gives and writes the ordinary run\'s outputs', () => {
    const rn = new URL('models/armzoo_rnnoise_int8.tflite', MORE).pathname;
    let json = '';
    runAction(rn, { ...flags, maxOverhead: 'inf', json: true }, (s) => (json = s));
    const r = JSON.parse(json) as { measuredPeakBytes: number; predictedPeakBytes: number; outputSha256: string; inputBytes: number };
    expect(r.measuredPeakBytes).toBe(r.predictedPeakBytes);
    expect(r.inputBytes).toBe(42 + 24 + 48 + 96);
    const ordinary = runModel(loadModel(rn));
    expect(r.outputSha256).toBe(ordinary.outputSha256);
    // Every output written, as the ordinary run writes them.
    const dir = mkdtempSync(join(tmpdir(), 'msf-stream-io-'));
    try {
      runAction(rn, { ...flags, maxOverhead: 'inf', output: join(dir, 'all.bin'), outputDir: join(dir, 'each') }, () => {});
      expect(readFileSync(join(dir, 'all.bin')).equals(Buffer.concat(ordinary.outputs.map((o) => o.bytes)))).toBe(true);
      ordinary.outputs.forEach((o, j) => expect(readFileSync(join(dir, 'each', `out_${j}.bin`)).equals(Buffer.from(o.bytes)), `out_${j}`).toBe(true));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the input-in-arena accounting on both engines', () => {
  it('exact tables built by the TS and the Wasm engine, and their fronts of the streaming table, are the same', () => {
    const wasm = createWasmSearchEngine();
    const models = [
      ...Array.from({ length: 20 }, (_, k) => executableModel(k % 2 ? buildChain(randomChain(k + 1, 3 + (k % 5), 16)) : residualGraph(k + 1))),
      executableModel(loadModel(`${MODELS}mlperf_kws_dscnn_int8.tflite`)),
      tfliteToModel(readTflite(new Uint8Array(readFileSync(new URL('models/armzoo_rnnoise_int8.tflite', MORE))), 'rnnoise'), 'rnnoise'),
    ];
    let grew = 0;
    for (const model of models) {
      const L = exactLayers(model, { inputInArena: true });
      const a = js.exactTable(L);
      const b = wasm.exactTable(L);
      expect([...b.mem], model.name).toEqual([...a.mem]);
      expect([...b.macs]).toEqual([...a.macs]);
      expect(wasm.front(a)).toEqual(js.front(a));
      // The input counts: the least arena of the exact table grows on some models.
      if (js.front(a)[0]!.peakBytes > js.front(js.exactTable(exactLayers(model)))[0]!.peakBytes) grew++;
      const t = streamGraphTable(model, 12, { inputInArena: true });
      expect(wasm.front(t), model.name).toEqual(js.front(t));
    }
    expect(grew).toBeGreaterThan(0);
  });
});
