// The fast streaming tables (src/cost/stream-fast*.ts) against the specification (src/cost/stream.ts's
// streamTableOf, src/cost/stream-sim.ts's streamGraphTable): the same edges in the same order, bit for
// bit in bytes and MACs, the same holds and in-place flags, on random chains, residual graphs, random
// TFLite graphs, the shared models and a zoo model.
import { describe, expect, it } from 'vitest';
import { exactLayers } from '../src/cost/exact.js';
import { streamTableFast } from '../src/cost/stream-fast.js';
import { streamGraphTableFast } from '../src/cost/stream-fast-graph.js';
import { streamGraphTable } from '../src/cost/stream-sim.js';
import { type StreamTable, streamTableOf } from '../src/cost/stream.js';
import { loadModel } from '../src/import/load.js';
import { readTflite } from '../src/import/tflite.js';
import { tfliteToModel } from '../src/import/tflite-lower.js';
import { buildChain } from '../src/model/chain.js';
import { randomChain } from '../src/model/generate.js';
import type { Model } from '../src/model/ir.js';
import { zooModel } from '../src/model/zoo.js';
import { getEngine } from '../src/plan/planner.js';
import '../src/runtime/wasm-node.js'; // registers the Wasm engine
import { randomGraph } from './helpers/random-graph.js';
import { residualGraph } from './helpers/residual.js';
import { rng } from './helpers/rng.js';
import { tableDiff } from './helpers/tables.js';

const MODELS = new URL('../../shared/models/', import.meta.url).pathname;

/** First difference between two streaming tables (edges, figures, holds, in place), or null. */
function streamDiff(a: StreamTable, b: StreamTable): string | null {
  const d = tableDiff(a, b);
  if (d) return d;
  for (let e = 0; e < a.holds.length; e++) {
    if (a.inPlace[e] !== b.inPlace[e]) return `inPlace[${e}] ${a.inPlace[e]} vs ${b.inPlace[e]}`;
    if (a.holds[e]!.join('') !== b.holds[e]!.join('')) return `holds[${e}] ${a.holds[e]!.join('')} vs ${b.holds[e]!.join('')}`;
  }
  return a.holds.length === b.holds.length ? null : `holds.length ${a.holds.length} vs ${b.holds.length}`;
}

/** Compares, and counts what the table holds so that the test can insist it exercised something. */
function same(name: string, want: StreamTable, got: StreamTable, seen: { edges: number; inPlace: number; lines: number }) {
  expect(streamDiff(want, got), name).toBeNull();
  seen.edges += want.from.length;
  seen.inPlace += want.inPlace.reduce((s, v) => s + v, 0);
  seen.lines += want.holds.filter((h) => h.includes(1)).length;
}

describe('fast streaming tables equal the specification', () => {
  it('chain table (streamTableOf) on 200 random chains and a zoo model', () => {
    const seen = { edges: 0, inPlace: 0, lines: 0 };
    for (let s = 1; s <= 200; s++) {
      const L = exactLayers(buildChain(randomChain(s, 1 + (s % 8), 24)));
      same(`chain ${s}`, streamTableOf(L), streamTableFast(L), seen);
    }
    const L = exactLayers(zooModel('mcunet-vww5-r80'));
    same('mcunet-vww5-r80', streamTableOf(L), streamTableFast(L), seen);
    expect(seen.lines).toBeGreaterThan(5000);
  });

  it('graph table (streamGraphTable) on random chains, residual graphs and random TFLite graphs', () => {
    const seen = { edges: 0, inPlace: 0, lines: 0 };
    // Every other case with the network inputs in the arena (then a first edge may work in place).
    const cases: [string, Model, number][] = [
      ...Array.from({ length: 120 }, (_, s): [string, Model, number] => [`chain ${s}`, buildChain(randomChain(s + 1, 1 + (s % 8), 24)), 1 + (s % 10)]),
      ...Array.from({ length: 80 }, (_, s): [string, Model, number] => [`residual ${s}`, residualGraph(s + 1), 32]),
      // One or two inputs, every unread tensor an output (several outputs).
      ...Array.from({ length: 40 }, (_, s): [string, Model, number] => {
        const g = randomGraph(rng(700 + s), { ops: 3 + (s % 6), families: ['conv', 'depthwise', 'pool', 'binary', 'pad', 'mean', 'fc', 'unary'], inputs: 1 + (s % 2) });
        return [`random graph ${s}`, tfliteToModel(readTflite(g.bytes, 'g.tflite'), `g${s}`), 32];
      }),
    ];
    cases.forEach(([name, model, max], k) => {
      const o = { inputInArena: k % 2 === 1 };
      same(`${name} ${JSON.stringify(o)}`, streamGraphTable(model, max, o), streamGraphTableFast(model, max, o), seen);
    });
    expect(seen.inPlace).toBeGreaterThan(100);
  });

  it('graph table on the shared models and a zoo model', () => {
    const seen = { edges: 0, inPlace: 0, lines: 0 };
    for (const file of ['mlperf_ic_resnet8_int8', 'mlperf_kws_dscnn_int8', 'armzoo_micronet_vww2_50_int8', 'mlperf_vww_96_int8']) {
      const model = loadModel(`${MODELS}${file}.tflite`);
      const want = streamGraphTable(model, 24);
      same(file, want, streamGraphTableFast(model, 24), seen);
      // What the planner calls: each engine's streamTable and front give the specification's front.
      const front = getEngine('js').front(want);
      for (const name of ['js', 'wasm'] as const) {
        const e = getEngine(name);
        expect(e.front(e.streamTable(model, 24)), `${file} ${name}`).toEqual(front);
      }
    }
    const micro = loadModel(`${MODELS}mlperf_kws_dscnn_int8.tflite`);
    same('mlperf_kws_dscnn_int8 input in the arena', streamGraphTable(micro, 24, { inputInArena: true }), streamGraphTableFast(micro, 24, { inputInArena: true }), seen);
    const zoo = zooModel('mcunet-vww5-r80');
    same('mcunet-vww5-r80', streamGraphTable(zoo, 24), streamGraphTableFast(zoo, 24), seen);
    expect(seen.inPlace).toBeGreaterThan(20);
  }, 120_000);

  // stream-prune.ts: leaving out the options that are too big (more bytes than a plan of baseline MACs
  // needs) or beaten by a split keeps the front, point for point and block for block, on both engines.
  it('pruned tables have the same front on random chains, residual and random graphs and the models', () => {
    const engines = [getEngine('js'), getEngine('wasm')];
    let dropped = 0;
    let tables = 0;
    const check = (name: string, all: StreamTable, pruned: StreamTable) => {
      const want = engines[0]!.front(all);
      for (const e of engines) expect(e.front(pruned), `${name} ${e.name}`).toEqual(want);
      expect(pruned.from.length, name).toBeLessThanOrEqual(all.from.length);
      dropped += all.from.length - pruned.from.length;
      tables += pruned.from.length < all.from.length ? 1 : 0;
    };
    for (let s = 1; s <= 150; s++) {
      const L = exactLayers(buildChain(randomChain(s + 300, 2 + (s % 9), 24)));
      check(`chain ${s}`, streamTableFast(L), streamTableFast(L, undefined, undefined, undefined, true));
    }
    const graphs: [string, Model][] = [
      ...Array.from({ length: 60 }, (_, s): [string, Model] => [`residual ${s}`, residualGraph(s + 200)]),
      ...Array.from({ length: 30 }, (_, s): [string, Model] => {
        const g = randomGraph(rng(900 + s), { ops: 3 + (s % 6), families: ['conv', 'depthwise', 'pool', 'binary', 'pad', 'mean', 'fc', 'unary'], inputs: 1 + (s % 2) });
        return [`random graph ${s}`, tfliteToModel(readTflite(g.bytes, 'g.tflite'), `g${s}`)];
      }),
    ];
    graphs.forEach(([name, model], k) => {
      const o = { inputInArena: k % 2 === 1 };
      check(name, streamGraphTableFast(model, 32, o), streamGraphTableFast(model, 32, o, true));
    });
    const zoo = ['mbv2-w0.35-r144', 'mcunet-vww5-r80', 'mcunet-320kb-r176'];
    const models: [string, Model][] = [
      ...['mlperf_ic_resnet8_int8', 'mlperf_kws_dscnn_int8', 'armzoo_micronet_vww2_50_int8', 'mlperf_vww_96_int8'].map((f): [string, Model] => [f, loadModel(`${MODELS}${f}.tflite`)]),
      ...zoo.map((id): [string, Model] => [id, zooModel(id)]),
    ];
    for (const [name, model] of models) {
      const all = streamGraphTableFast(model, 24);
      const pruned = engines[1]!.streamTable(model, 24, {}, true);
      check(name, all, pruned);
      // The split rule (stream-prune.ts) leaves ~1 % of a zoo model's edges (mbv2: 22,001 -> 182).
      if (zoo.includes(name)) expect(pruned.from.length * 20, name).toBeLessThan(all.from.length);
    }
    // The rule did prune: edges and tables (random chains, graphs, zoo models).
    expect(dropped).toBeGreaterThan(1000);
    expect(tables).toBeGreaterThan(20);
  }, 120_000);
});
