// The streaming plans of issue #14's target models, replayed on a real arena of the predicted size
// (test/helpers/stream-replay.ts): the project's allocator places every tensor, ring and scratch,
// the per-byte shadow map finds no write over a byte still to be read and every read finds its
// pixel with the value of the layer-by-layer run, and the bytes held at the peak are the prediction.
import { describe, expect, it } from 'vitest';
import { streamGraphTable } from '../src/cost/stream-sim.js';
import { loadModel } from '../src/import/load.js';
import { zooModel } from '../src/model/zoo.js';
import { JsSearchEngine } from '../src/plan/solver-js.js';
import { executableModel } from '../src/model/seeded.js';
import { chosenEdges, layerByLayerTensors, replayStreamPlan } from './helpers/stream-replay.js';

const MODELS = new URL('../../shared/models/', import.meta.url).pathname;
const js = new JsSearchEngine();


const CASES: [string, number][] = [
  ['mlperf_ic_resnet8_int8', 1.05], ['mlperf_kws_dscnn_int8', 1.05], ['armzoo_micronet_vww2_50_int8', 1.05],
  ['mlperf_vww_96_int8', 1.0], ['mlperf_vww_96_int8', 1.05],
];

describe('streaming plans replayed on a real arena with a shadow map', () => {
  it.each(CASES)('%s at F <= %s', (id, F) => {
    const model = executableModel(id.includes('_') ? loadModel(`${MODELS}${id}.tflite`) : zooModel(id));
    const t = streamGraphTable(model, 24);
    const front = js.front(t);
    const p = front.filter((x) => x.macs <= F * t.baselineMacs * (1 + 1e-12)).sort((a, b) => a.peakBytes - b.peakBytes)[0]!;
    const r = replayStreamPlan(model, chosenEdges(t, p), layerByLayerTensors(model), p.peakBytes);
    expect(r.measuredPeakBytes).toBe(p.peakBytes);
    expect(r.highWater).toBeLessThanOrEqual(p.peakBytes);
    expect(r.reads).toBeGreaterThan(0);
    console.log(`${id}: F ${(p.macs / t.baselineMacs).toFixed(3)} predicted ${p.peakBytes} B, replayed ${r.measuredPeakBytes} B (high water ${r.highWater}), ${r.writes} writes, ${r.reads} reads`);
  });
});
