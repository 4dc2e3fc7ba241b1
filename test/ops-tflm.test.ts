// Differential test of the element-wise and data-movement operators against TensorFlow Lite Micro's
// reference kernels (../shared/tools/tflm/tflm_ref_runner): seeded random small models, built here,
// run by our executor (layer by layer and at the minimum-RAM plan) and by TFLM, byte-identical.
// Inputs hold every int8 value, so each unary table is checked on all 256 entries.
import { describe, expect, it } from 'vitest';
import { readTflite } from '../src/import/tflite.js';
import { tfliteToModel } from '../src/import/tflite-lower.js';
import { planModel } from '../src/plan/planner.js';
import { getExecutor } from '../src/runtime/run.js';
import { tflmRun } from './helpers/tflm.js';
import { OP, OPTS, type O, type T, TT, tflite } from './helpers/tflite-writer.js';

/** xorshift32, seeded. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <V>(xs: readonly V[]) => xs[Math.floor(next() * xs.length)]! };
}

/** Every int8 value once, shuffled, then repeated to `n` bytes. */
function allValues(n: number, r: ReturnType<typeof rng>): Uint8Array {
  const v = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 255; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return Uint8Array.from({ length: n }, (_, i) => v[i % 256]!);
}

const exec = getExecutor();
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Runs a one-input, one-output model both ways; returns ours and TFLM's output. */
function both(tensors: T[], ops: O[], input: Uint8Array) {
  const bytes = tflite(tensors, ops, [0], [tensors.length - 1]);
  const model = tfliteToModel(readTflite(bytes, 'case.tflite'), 'case');
  const lbl = exec.run(model, model.layers.map((_, i) => [i, i] as [number, number]), input);
  expect(lbl.measuredPeakBytes).toBe(lbl.predictedPeakBytes);
  const plan = planModel(model, { cost: 'exact', engine: 'js' }).solution;
  const fused = exec.run(model, plan.blocks, input);
  expect(same(fused.output, lbl.output), 'fused == layer by layer').toBe(true);
  expect(fused.measuredPeakBytes).toBe(plan.peakBytes);
  return { ours: lbl.output, tflm: tflmRun(bytes, [input], 1)[0]! };
}

const q = (r: ReturnType<typeof rng>) => ({ scale: [0.002 + r.next() * 0.2], zeroPoint: [r.int(-60, 60)] });
const SHAPE = [1, 4, 8, 8];

describe('unary operators: all 256 input values, random quantisations', () => {
  const cases: { name: string; code: number; out?: (r: ReturnType<typeof rng>) => { scale: number[]; zeroPoint: number[] }; sameQuant?: boolean; options?: O['options'] }[] = [
    { name: 'LOGISTIC', code: OP.LOGISTIC, out: () => ({ scale: [1 / 256], zeroPoint: [-128] }) },
    { name: 'TANH', code: OP.TANH, out: () => ({ scale: [1 / 128], zeroPoint: [0] }) },
    { name: 'RELU', code: OP.RELU },
    { name: 'RELU6', code: OP.RELU6, sameQuant: true },
    { name: 'LEAKY_RELU alpha 0.2', code: OP.LEAKY_RELU, options: { type: OPTS.LeakyReluOptions, fields: [[0, 'f32', 0.2]] } },
    { name: 'LEAKY_RELU alpha 1.7', code: OP.LEAKY_RELU, options: { type: OPTS.LeakyReluOptions, fields: [[0, 'f32', 1.7]] } },
    { name: 'QUANTIZE int8 -> int8', code: OP.QUANTIZE },
  ];
  for (const c of cases)
    it.each([1, 2, 3, 4])(`${c.name}, seed %i`, (seed) => {
      const r = rng(seed * 7919 + c.code);
      const qi = q(r);
      const qo = c.sameQuant ? qi : c.out ? c.out(r) : q(r);
      const { ours, tflm } = both(
        [
          { shape: SHAPE, type: TT.int8, name: 'x', ...qi },
          { shape: SHAPE, type: TT.int8, name: 'y', ...qo },
        ],
        [{ code: c.code, inputs: [0], outputs: [1], ...(c.options ? { options: c.options } : {}) }],
        allValues(256, r),
      );
      expect(same(ours, tflm)).toBe(true);
    });
});

describe('binary operators: broadcasting on each axis, constant operands first or second, fused activations', () => {
  const fns = [
    { name: 'ADD', code: OP.ADD, opts: OPTS.AddOptions },
    { name: 'SUB', code: OP.SUB, opts: OPTS.SubOptions },
    { name: 'MUL', code: OP.MUL, opts: OPTS.MulOptions },
    { name: 'MINIMUM', code: OP.MINIMUM, opts: 0 },
    { name: 'MAXIMUM', code: OP.MAXIMUM, opts: 0 },
  ];
  const constShapes = [[], [8], [1, 1, 1, 8], [1, 4, 1, 1], [1, 1, 8, 1], [1, 4, 8, 1], [4, 8, 8], [1, 4, 8, 8]];
  for (const f of fns)
    it.each(constShapes.map((s, i) => [s, i] as const))(`${f.name} by a constant of shape [%s]`, (cs, i) => {
      const r = rng(1000 + f.code * 31 + i);
      const shared = f.name === 'MINIMUM' || f.name === 'MAXIMUM';
      const qx = q(r);
      const qc = shared ? qx : q(r);
      const qo = shared ? qx : q(r);
      const n = cs.reduce((p, v) => p * v, 1);
      const first = i % 2 === 1;
      const act = f.opts ? r.pick([0, 1, 3]) : 0; // NONE, RELU, RELU6
      const tensors: T[] = [
        { shape: SHAPE, type: TT.int8, name: 'x', ...qx },
        { shape: cs, type: TT.int8, name: 'c', ...qc, data: Uint8Array.from({ length: n }, () => r.int(0, 255)) },
        { shape: SHAPE, type: TT.int8, name: 'y', ...qo },
      ];
      const op: O = { code: f.code, inputs: first ? [1, 0] : [0, 1], outputs: [2], ...(f.opts ? { options: { type: f.opts, fields: [[0, 'i8', act]] } } : {}) };
      const { ours, tflm } = both(tensors, [op], allValues(256, r));
      expect(same(ours, tflm)).toBe(true);
    });
  for (const f of fns)
    it(`${f.name} of two tensors (x and a requantised x), and of x with itself`, () => {
      const r = rng(5000 + f.code);
      const shared = f.name === 'MINIMUM' || f.name === 'MAXIMUM';
      const qx = q(r);
      const qz = shared ? qx : q(r);
      const qo = shared ? qx : q(r);
      const tensors: T[] = [
        { shape: SHAPE, type: TT.int8, name: 'x', ...qx },
        { shape: SHAPE, type: TT.int8, name: 'z', ...qz },
        { shape: SHAPE, type: TT.int8, name: 'y', ...qo },
      ];
      const input = allValues(256, r);
      const a = both(tensors, [{ code: OP.QUANTIZE, inputs: [0], outputs: [1] }, { code: f.code, inputs: [1, 0], outputs: [2] }], input);
      expect(same(a.ours, a.tflm)).toBe(true);
      const b = both([tensors[0]!, tensors[2]!], [{ code: f.code, inputs: [0, 0], outputs: [1] }], input);
      expect(same(b.ours, b.tflm)).toBe(true);
    });
});

describe('TRANSPOSE: every rank-4 permutation', () => {
  const perms: number[][] = [];
  const rec = (p: number[]) => (p.length === 4 ? perms.push(p) : [0, 1, 2, 3].filter((k) => !p.includes(k)).forEach((k) => rec([...p, k])));
  rec([]);
  it.each(perms.map((p) => [p.join(',')]))('perm [%s] of a 1x3x4x5 tensor', (p) => {
    const perm = p.split(',').map(Number);
    const inShape = [1, 3, 4, 5];
    const r = rng(perm.reduce((s, v) => s * 5 + v, 7));
    const qx = q(r);
    const permData = new Uint8Array(new Int32Array(perm).buffer);
    const { ours, tflm } = both(
      [
        { shape: inShape, type: TT.int8, name: 'x', ...qx },
        { shape: [4], type: TT.int32, name: 'perm', data: permData },
        { shape: perm.map((k) => inShape[k]!), type: TT.int8, name: 'y', ...qx },
      ],
      [{ code: OP.TRANSPOSE, inputs: [0, 1], outputs: [2] }],
      allValues(60, r),
    );
    expect(same(ours, tflm)).toBe(true);
  });
});
