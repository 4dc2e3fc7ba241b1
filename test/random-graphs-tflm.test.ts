// Seeded differential test against TensorFlow Lite Micro (../shared/tools/tflm/tflm_ref_runner):
// small random int8 graphs (2-8 operators, chains and branches, 1-2 inputs, every unread tensor an
// output) over every operator family msf runs, with random shapes, quantisation and options
// (test/helpers/random-graph.ts), written as .tflite and run by TFLM and by us, layer by layer and
// at the minimum-RAM plan (measured == predicted): byte-identical outputs. The runner takes one model
// per call, so graphs are batched as one model of disjoint components (their inputs and outputs side
// by side). Graphs that break TFLM's quantisation rules are run one by one: where TFLM refuses, so do we.
import { describe, expect, it } from 'vitest';
import { MsfError } from '../src/errors.js';
import { modelFromBytes } from '../src/import/from-bytes.js';
import type { Block } from '../src/plan/engine.js';
import { planModel } from '../src/plan/planner.js';
import { getExecutor } from '../src/runtime/run.js';
import { FAMILIES, type RandomGraph, randomGraph, unionOf } from './helpers/random-graph.js';
import { rng } from './helpers/rng.js';
import { tflmRun } from './helpers/tflm.js';

const exec = getExecutor();
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const GRAPHS = 176;
const BATCH = 16;

/** Our outputs for the model's bytes, layer by layer, after checking the minimum-RAM plan gives the same bytes; measured == predicted. */
function ours(g: RandomGraph, where: string): Uint8Array[] {
  const model = modelFromBytes('g.tflite', g.bytes);
  const lbl = exec.run(model, model.layers.map((_, i): Block => [i, i]), g.data);
  expect(lbl.measuredPeakBytes, where).toBe(lbl.predictedPeakBytes);
  const plan = planModel(model).solution;
  const fused = exec.run(model, plan.blocks, g.data);
  expect(fused.measuredPeakBytes, where).toBe(plan.peakBytes);
  fused.outputs.forEach((o, j) => expect(same(o, lbl.outputs[j]!), `${where}: output ${j} fused == layer by layer`).toBe(true));
  return lbl.outputs;
}

const graphs = Array.from({ length: GRAPHS }, (_, seed) => {
  const r = rng(31_337 + seed * 101);
  // TRANSPOSE twice as often as the others: its 24 permutations all come up.
  return randomGraph(r, { ops: r.int(2, 8), families: [...FAMILIES, 'transpose'] });
});

/** What the graphs exercise, from their op descriptions: operators and option values. */
function features(gs: readonly RandomGraph[]): Set<string> {
  const f = new Set<string>();
  for (const d of gs.flatMap((g) => g.describe)) {
    f.add(d.split(' ')[0]!);
    const m = (re: RegExp) => re.exec(d);
    let x: RegExpExecArray | null;
    if ((x = m(/^TRANSPOSE \[(.*)\]/))) f.add(`perm ${x[1]}`);
    if ((x = m(/^CONCATENATION of \d on axis (\d)/))) f.add(`concat axis ${x[1]}`);
    if ((x = m(/^(CONV_2D|DEPTHWISE_CONV_2D|\w+_POOL_2D) .* (SAME|VALID)/))) f.add(`${x[1]} ${x[2]}`);
    if ((x = m(/^(\w+) .*s2x|^(\w+) .*s\dx2/))) f.add(`${x[1] ?? x[2]} stride 2`);
    if ((x = m(/^DEPTHWISE_CONV_2D .* x([23])/))) f.add(`depth multiplier ${x[1]}`);
    if ((x = m(/^(ADD|SUB|MUL|MINIMUM|MAXIMUM) by constant \[(.*)\]/))) f.add(`broadcast [${x[2] ? x[2].split(',').length : 0}]`);
    if (m(/^(ADD|SUB|MUL|MINIMUM|MAXIMUM) join/)) f.add('join');
    if (m(/^MEAN .*keepdims/)) f.add('mean keepdims');
    else if (d.startsWith('MEAN')) f.add('mean no keepdims');
    if ((x = m(/^STRIDED_SLICE \S+:\S+:(\S+) masks (\d+)\/(\d+)\/(\d+)\/(\d+)/))) {
      if (x[1]!.includes('-')) f.add('slice negative stride');
      ['begin mask', 'end mask', 'ellipsis mask', 'shrink mask'].forEach((name, k) => x![2 + k] !== '0' && f.add(`slice ${name}`));
    }
  }
  return f;
}

describe('random int8 graphs: msf == TensorFlow Lite Micro, byte for byte', () => {
  it(`${GRAPHS} graphs over every operator family, in batches of ${BATCH}: layer by layer and fused, measured == predicted`, () => {
    for (let b = 0; b < GRAPHS; b += BATCH) {
      const batch = graphs.slice(b, b + BATCH);
      const union = unionOf(batch);
      const theirs = tflmRun(union.bytes, union.data, union.outputs.length);
      const mine = ours(union, `graphs ${b}-${b + batch.length - 1}`);
      let j = 0;
      batch.forEach((g, k) => {
        for (const t of g.outputs) {
          expect(same(mine[j]!, theirs[j]!), `graph ${b + k} output tensor ${t}: ${g.describe.join('; ')}`).toBe(true);
          j++;
        }
      });
      expect(j).toBe(theirs.length);
    }
  });

  it('the graphs cover each operator and its option space', () => {
    const f = features(graphs);
    const ops = ['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'SUB', 'MUL', 'MINIMUM', 'MAXIMUM', 'CONCATENATION', 'LOGISTIC', 'TANH', 'RELU', 'RELU6',
      'LEAKY_RELU', 'HARD_SWISH', 'QUANTIZE', 'PAD', 'PADV2', 'TRANSPOSE', 'STRIDED_SLICE', 'SPLIT', 'SPLIT_V', 'MEAN', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX'];
    const options = [
      ...[0, 1, 2, 3].map((a) => `concat axis ${a}`), ...['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D'].flatMap((o) => [`${o} SAME`, `${o} VALID`, `${o} stride 2`]),
      'depth multiplier 2', 'depth multiplier 3', ...[0, 1, 4].map((n) => `broadcast [${n}]`), 'join', 'mean keepdims', 'mean no keepdims',
      'slice negative stride', 'slice begin mask', 'slice end mask', 'slice ellipsis mask', 'slice shrink mask',
    ];
    const missing = [...ops, ...options].filter((x) => !f.has(x));
    expect(missing).toEqual([]);
    const perms = [...f].filter((x) => x.startsWith('perm ')).length;
    expect(perms).toBe(24);
    // QUANTIZE int8 -> int8 with scale ratios above and below 1.
    const ratios = graphs.flatMap((g) => g.ops.filter((o) => o.code === 114).map((o) => g.tensors[o.inputs[0]!]!.scale![0]! / g.tensors[o.outputs[0]!]!.scale![0]!));
    expect(ratios.some((x) => x > 1) && ratios.some((x) => x < 1)).toBe(true);
  });

  it('graphs that break TFLM\'s quantisation rules: where TFLM refuses, msf refuses with a typed error; elsewhere the same bytes or a typed refusal', () => {
    const outcome = { bothRefuse: 0, sameBytes: 0, onlyWeRefuse: [] as string[] };
    for (let seed = 0; seed < 20; seed++) {
      const r = rng(4242 + seed * 13);
      const g = randomGraph(r, { ops: r.int(2, 6), families: ['unary', 'concat', 'fc', 'conv'], loose: true });
      const where = `loose graph ${seed}: ${g.describe.join('; ')}`;
      let theirs: Uint8Array[] | null = null;
      try {
        theirs = tflmRun(g.bytes, g.data, g.outputs.length);
      } catch {
        theirs = null;
      }
      let mine: Uint8Array[] | MsfError;
      try {
        mine = ours(g, where);
      } catch (e) {
        if (!(e instanceof MsfError)) throw e; // never an untyped failure
        mine = e;
      }
      if (theirs === null) {
        expect(mine, `${where}: TFLM refuses it, msf must too`).toBeInstanceOf(MsfError);
        outcome.bothRefuse++;
      } else if (mine instanceof MsfError) {
        outcome.onlyWeRefuse.push(mine.message); // allowed: an inconsistent file is run as TFLM runs it or refused
      } else {
        theirs.forEach((t, j) => expect(same((mine as Uint8Array[])[j]!, t), `${where}: output ${j}`).toBe(true));
        outcome.sameBytes++;
      }
    }
    console.log(`random-graphs-tflm, loose graphs: ${JSON.stringify(outcome)}`);
    expect(outcome.bothRefuse).toBeGreaterThanOrEqual(5);
    expect(outcome.sameBytes).toBeGreaterThanOrEqual(5);
  });
});
