// Differential test of the element-wise and data-movement operators against TensorFlow Lite Micro's
// reference kernels (../shared/tools/tflm/tflm_ref_runner): seeded random small models, built here,
// run by our executor (layer by layer and at the minimum-RAM plan) and by TFLM, byte-identical.
// Inputs hold every int8 value, so each unary table is checked on all 256 entries.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARY_SOURCES, emitC } from '../src/emit/emit-c.js';
import { ModelError } from '../src/errors.js';
import { readTflite } from '../src/import/tflite.js';
import { tfliteToModel } from '../src/import/tflite-lower.js';
import { foldMeanCount } from '../src/runtime/lower-ops.js';
import { bilinearTaps, nearestIndices } from '../src/runtime/resize-tables.js';
import { exactLayers } from '../src/cost/exact.js';
import { kindOf } from '../src/cost/stream-sim.js';
import { planModel } from '../src/plan/planner.js';
import { layerRows } from '../src/report/layers.js';
import { getExecutor } from '../src/runtime/run.js';
import { allValues, rng } from './helpers/rng.js';
import { tflmRun } from './helpers/tflm.js';
import { OP, OPTS, type O, type T, TT, tflite } from './helpers/tflite-writer.js';

const exec = getExecutor();
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Runs a one-input, one-output model both ways; returns ours and TFLM's output. */
function both(tensors: T[], ops: O[], input: Uint8Array) {
  const r = bothAll(tensors, ops, [0], [tensors.length - 1], [input]);
  return { ours: r.ours[0]!, tflm: r.tflm[0]! };
}

/** Runs a model with the given inputs and outputs both ways (layer by layer and fused: the same bytes). */
function bothAll(tensors: T[], ops: O[], inputs: number[], outputs: number[], data: Uint8Array[]) {
  const bytes = tflite(tensors, ops, inputs, outputs);
  const model = tfliteToModel(readTflite(bytes, 'case.tflite'), 'case');
  const lbl = exec.run(model, model.layers.map((_, i) => [i, i] as [number, number]), data);
  expect(lbl.measuredPeakBytes).toBe(lbl.predictedPeakBytes);
  const plan = planModel(model, { cost: 'exact', engine: 'js' }).solution;
  const fused = exec.run(model, plan.blocks, data);
  fused.outputs.forEach((o, j) => expect(same(o, lbl.outputs[j]!), 'fused == layer by layer').toBe(true));
  expect(fused.measuredPeakBytes).toBe(plan.peakBytes);
  return { ours: lbl.outputs, tflm: tflmRun(bytes, data, outputs.length) };
}
/**
 * The emitted C of `bytes` at its minimum-RAM plan, built by the host gcc with sanitizers and run on
 * `data`: each output's bytes.
 */
function emittedC(bytes: Uint8Array, data: Uint8Array[], outputs: number): Uint8Array[] {
  const model = tfliteToModel(readTflite(bytes, 'case.tflite'), 'case');
  const dir = mkdtempSync(join(tmpdir(), 'msf-ops-c-'));
  try {
    for (const [name, text] of emitC(model, planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks)) writeFileSync(join(dir, name), text);
    const sh = (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      if (r.error || r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.error?.message ?? ''}${r.stdout}${r.stderr}`);
    };
    sh('gcc', ['-std=c99', '-pedantic-errors', '-Wall', '-Wextra', '-Werror', '-O1', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-o', 'm', 'main.c', 'msf_model.c', ...LIBRARY_SOURCES]);
    const many = data.length > 1 || outputs > 1;
    const ins = data.map((b, i) => {
      const f = join(dir, many ? `in_${i}.bin` : 'in.bin');
      writeFileSync(f, b);
      return f;
    });
    const outs = Array.from({ length: outputs }, (_, j) => join(dir, many ? `out_${j}.bin` : 'out.bin'));
    sh(join(dir, 'm'), [...ins, ...outs]);
    return outs.map((f) => new Uint8Array(readFileSync(f)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sameAll = (a: Uint8Array[], b: Uint8Array[]) => a.length === b.length && a.every((x, j) => same(x, b[j]!));
const i32 = (xs: number[]) => new Uint8Array(new Int32Array(xs).buffer);

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
    { name: 'HARD_SWISH', code: OP.HARD_SWISH },
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

describe('STRIDED_SLICE: begin / end / shrink masks, negative strides and indices', () => {
  const cases: { begin: number[]; end: number[]; strides: number[]; masks?: [begin: number, end: number, shrink: number] }[] = [
    { begin: [0, 0, 0, 0], end: [1, 4, 6, 8], strides: [1, 1, 1, 1] },
    { begin: [0, 1, 2, 3], end: [1, 4, 6, 8], strides: [1, 2, 3, 2] },
    { begin: [0, 3, 5, 7], end: [1, -5, -7, -9], strides: [1, -1, -2, -3] },
    { begin: [0, -1, 0, 0], end: [1, 0, 6, 8], strides: [1, -1, 1, 1], masks: [0, 2, 0] },
    { begin: [0, 2, 0, 1], end: [1, 3, 6, 5], strides: [1, 1, 1, 1], masks: [4, 8, 2] },
    { begin: [0, 1, 1, 0], end: [0, 0, 0, 0], strides: [1, 1, 2, 1], masks: [1, 15, 1] },
    { begin: [0, 0, 4, 6], end: [1, 4, 6, 8], strides: [1, 1, 1, 1], masks: [0, 0, 12] },
  ];
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const r = rng(77 + _i);
    const qx = q(r);
    const inShape = [1, 4, 6, 8];
    const [bm, em, sm] = c.masks ?? [0, 0, 0];
    const dims = inShape.map((size, k) => {
      const s = c.strides[k]!;
      const cl = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
      let b = (bm >> k) & 1 ? (s > 0 ? 0 : size - 1) : c.begin[k]!;
      if (b < 0) b += size;
      b = cl(b, 0, size - 1);
      let e = (sm >> k) & 1 ? b + 1 : c.end[k]!;
      if ((em >> k) & 1) e = s > 0 ? size : -1;
      else if (e < 0) e += size;
      e = s > 0 ? cl(e, 0, size) : cl(e, -1, size - 1);
      return (sm >> k) & 1 ? -1 : Math.max(0, Math.ceil((s > 0 ? e - b : b - e) / Math.abs(s)));
    }).filter((d) => d >= 0);
    const { ours, tflm } = both(
      [
        { shape: inShape, type: TT.int8, name: 'x', ...qx },
        { shape: [4], type: TT.int32, name: 'b', data: i32(c.begin) },
        { shape: [4], type: TT.int32, name: 'e', data: i32(c.end) },
        { shape: [4], type: TT.int32, name: 's', data: i32(c.strides) },
        { shape: dims, type: TT.int8, name: 'y', ...qx },
      ],
      [{ code: OP.STRIDED_SLICE, inputs: [0, 1, 2, 3], outputs: [4], options: { type: OPTS.StridedSliceOptions, fields: [[0, 'i32', bm], [1, 'i32', em], [4, 'i32', sm]] } }],
      allValues(192, r),
    );
    expect(same(ours, tflm)).toBe(true);
  });
  it.each([1, 2, 4])('an ellipsis mask %i changes nothing, as in TFLM (begin / end / strides are read as given)', (mask) => {
    const r = rng(90 + mask);
    const qx = q(r);
    const inShape = [1, 4, 6, 8];
    const outShape = inShape.map((v, k) => (k === 0 ? 1 : Math.ceil((v - 1) / 2)));
    const { ours, tflm } = both(
      [
        { shape: inShape, type: TT.int8, name: 'x', ...qx },
        { shape: [4], type: TT.int32, name: 'b', data: i32([0, 1, 1, 1]) },
        { shape: [4], type: TT.int32, name: 'e', data: i32([1, 4, 6, 8]) },
        { shape: [4], type: TT.int32, name: 's', data: i32([1, 2, 2, 2]) },
        { shape: outShape, type: TT.int8, name: 'y', ...qx },
      ],
      [{ code: OP.STRIDED_SLICE, inputs: [0, 1, 2, 3], outputs: [4], options: { type: OPTS.StridedSliceOptions, fields: [[2, 'i32', mask]] } }],
      allValues(192, r),
    );
    expect(same(ours, tflm)).toBe(true);
  });
});

describe('CONCATENATION / PACK on each axis, SPLIT / SPLIT_V / UNPACK on each axis (several inputs and outputs)', () => {
  const inShape = [1, 2, 3, 4];
  it.each([0, 1, 2, 3])('CONCATENATION of three tensors along axis %i', (axis) => {
    const r = rng(300 + axis);
    const qx = q(r);
    const parts = [1, 2, 3].map((n) => inShape.map((v, k) => (k === axis ? n : v)));
    const outShape = inShape.map((v, k) => (k === axis ? 6 : v));
    const data = parts.map((p) => allValues(p.reduce((a, b) => a * b, 1), r));
    const { ours, tflm } = bothAll(
      [...parts.map((p, i) => ({ shape: p, type: TT.int8, name: `x${i}`, ...qx })), { shape: outShape, type: TT.int8, name: 'y', ...qx }],
      [{ code: OP.CONCATENATION, inputs: [0, 1, 2], outputs: [3], options: { type: OPTS.ConcatenationOptions, fields: [[0, 'i32', axis]] } }],
      [0, 1, 2],
      [3],
      data,
    );
    expect(sameAll(ours, tflm)).toBe(true);
  });
  it.each([0, 1, 2, 3])('PACK of two tensors along axis %i', (axis) => {
    const r = rng(400 + axis);
    const qx = q(r);
    const packed = [2, 3, 4];
    const outShape = [...packed.slice(0, axis), 2, ...packed.slice(axis)];
    const data = [0, 1].map(() => allValues(24, r));
    const { ours, tflm } = bothAll(
      [{ shape: packed, type: TT.int8, name: 'a', ...qx }, { shape: packed, type: TT.int8, name: 'b', ...qx }, { shape: outShape, type: TT.int8, name: 'y', ...qx }],
      [{ code: OP.PACK, inputs: [0, 1], outputs: [2], options: { type: OPTS.PackOptions, fields: [[0, 'i32', 2], [1, 'i32', axis]] } }],
      [0, 1],
      [2],
      data,
    );
    expect(sameAll(ours, tflm)).toBe(true);
  });
  it.each([1, 2, 3])('SPLIT into equal parts, SPLIT_V into 1 + rest and UNPACK along axis %i', (axis) => {
    const r = rng(500 + axis);
    const qx = q(r);
    const shape = [1, 2, 4, 6];
    const n = shape[axis]!;
    const x: T = { shape, type: TT.int8, name: 'x', ...qx };
    const input = allValues(48, r);
    // SPLIT in two
    const half = shape.map((v, k) => (k === axis ? n / 2 : v));
    const a = bothAll(
      [x, { shape: [], type: TT.int32, name: 'axis', data: i32([axis]) }, { shape: half, type: TT.int8, name: 'y0', ...qx }, { shape: half, type: TT.int8, name: 'y1', ...qx }],
      [{ code: OP.SPLIT, inputs: [1, 0], outputs: [2, 3], options: { type: OPTS.SplitOptions, fields: [[0, 'i32', 2]] } }],
      [0],
      [2, 3],
      [input],
    );
    expect(sameAll(a.ours, a.tflm)).toBe(true);
    // SPLIT_V into 1 and n - 1 (given as -1)
    const one = shape.map((v, k) => (k === axis ? 1 : v));
    const rest = shape.map((v, k) => (k === axis ? n - 1 : v));
    const b = bothAll(
      [x, { shape: [2], type: TT.int32, name: 'sizes', data: i32([1, -1]) }, { shape: [], type: TT.int32, name: 'axis', data: i32([axis]) }, { shape: one, type: TT.int8, name: 'y0', ...qx }, { shape: rest, type: TT.int8, name: 'y1', ...qx }],
      [{ code: OP.SPLIT_V, inputs: [0, 1, 2], outputs: [3, 4], options: { type: OPTS.SplitVOptions, fields: [[0, 'i32', 2]] } }],
      [0],
      [3, 4],
      [input],
    );
    expect(sameAll(b.ours, b.tflm)).toBe(true);
    // UNPACK into n tensors
    const slice = shape.filter((_, k) => k !== axis);
    const c = bothAll(
      [x, ...Array.from({ length: n }, (_, j) => ({ shape: slice, type: TT.int8, name: `y${j}`, ...qx }))],
      [{ code: OP.UNPACK, inputs: [0], outputs: Array.from({ length: n }, (_, j) => 1 + j), options: { type: OPTS.UnpackOptions, fields: [[0, 'i32', n], [1, 'i32', axis]] } }],
      [0],
      Array.from({ length: n }, (_, j) => 1 + j),
      [input],
    );
    expect(sameAll(c.ours, c.tflm)).toBe(true);
  });
});

describe('PADV2 with a constant other than the zero point', () => {
  it.each([1, 2, 3])('seed %i: spatial and channel padding with the constant', (seed) => {
    const r = rng(600 + seed);
    const qx = q(r);
    const pads = [0, 0, r.int(0, 2), r.int(0, 2), r.int(0, 2), r.int(0, 2), r.int(0, 2), r.int(0, 2)];
    const inShape = [1, 3, 4, 5];
    const outShape = inShape.map((v, k) => v + pads[2 * k]! + pads[2 * k + 1]!);
    const value = r.int(-128, 127);
    const { ours, tflm } = both(
      [
        { shape: inShape, type: TT.int8, name: 'x', ...qx },
        { shape: [4, 2], type: TT.int32, name: 'pads', data: i32(pads) },
        { shape: [], type: TT.int8, name: 'c', ...qx, data: Uint8Array.of(value & 0xff) },
        { shape: outShape, type: TT.int8, name: 'y', ...qx },
      ],
      [{ code: OP.PADV2, inputs: [0, 1, 2], outputs: [3] }],
      allValues(60, r),
    );
    expect(same(ours, tflm)).toBe(true);
  });
});

describe('MEAN and REDUCE_MAX over every axis subset, with and without keep_dims', () => {
  const inShape = [1, 3, 4, 5];
  // Every non-empty subset (an empty constant axes tensor has no buffer: TFLite reads it as no constant).
  const subsets = Array.from({ length: 15 }, (_, m) => [0, 1, 2, 3].filter((k) => ((m + 1) >> k) & 1));
  const reduce = (code: number, axes: number[], keep: boolean, qx: { scale: number[]; zeroPoint: number[] }, qy: { scale: number[]; zeroPoint: number[] }, r: ReturnType<typeof rng>) => {
    const resolved = axes.map((a) => (a < 0 ? a + 4 : a));
    const outShape = keep ? inShape.map((d, k) => (resolved.includes(k) ? 1 : d)) : inShape.filter((_, k) => !resolved.includes(k));
    return both(
      [
        { shape: inShape, type: TT.int8, name: 'x', ...qx },
        { shape: [axes.length], type: TT.int32, name: 'axes', data: i32(axes) },
        { shape: outShape, type: TT.int8, name: 'y', ...qy },
      ],
      [{ code, inputs: [0, 1], outputs: [2], options: { type: OPTS.ReducerOptions, fields: [[0, 'i8', keep ? 1 : 0]] } }],
      allValues(60, r),
    );
  };
  // Requantising, and (keep_dims only: the bytes do not depend on it) with input and output sharing
  // quantisation (TFLM rounds the mean then too).
  it.each(subsets.flatMap((s) => [[s.join(','), true], [s.join(','), false]] as const))('MEAN over [%s], keep_dims %s', (axes, keep) => {
    const ax = axes ? axes.split(',').map(Number) : [];
    for (const shared of keep ? [false, true] : [false]) {
      const r = rng(700 + ax.reduce((a, v) => a * 5 + v + 1, 0) * 2 + (keep ? 1 : 0) + (shared ? 100 : 0));
      const qx = q(r);
      const { ours, tflm } = reduce(OP.MEAN, ax, keep, qx, shared ? qx : q(r), r);
      expect(same(ours, tflm), shared ? 'shared quantisation' : 'requantised').toBe(true);
    }
  });
  it('MEAN with negative and repeated axes resolves them as TFLM does', () => {
    const r = rng(780);
    const { ours, tflm } = reduce(OP.MEAN, [-1, 3, -3], false, q(r), q(r), r);
    expect(same(ours, tflm)).toBe(true);
  });
  it('REDUCE_MAX with another output quantisation is refused, as TFLM refuses it', () => {
    const r = rng(791);
    expect(() => reduce(OP.REDUCE_MAX, [1], false, q(r), q(r), r)).toThrow(/REDUCE_MAX compares raw values and requires them equal/);
  });
  it.each(subsets.flatMap((s) => [[s.join(','), true], [s.join(','), false]] as const))('REDUCE_MAX over [%s], keep_dims %s', (axes, keep) => {
    const ax = axes ? axes.split(',').map(Number) : [];
    const r = rng(800 + ax.reduce((a, v) => a * 5 + v + 1, 0) * 2 + (keep ? 1 : 0));
    const qx = q(r);
    const { ours, tflm } = reduce(OP.REDUCE_MAX, ax, keep, qx, qx, r);
    expect(same(ours, tflm)).toBe(true);
  });
});

describe('RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR: every flag combination, up, down and mixed scales', () => {
  const inShape = [1, 5, 7, 3];
  const sizes = [[10, 14], [3, 4], [5, 7], [8, 3], [1, 1], [13, 9], [2, 20]];
  const resize = (code: number, size: number[], align: boolean, half: boolean, r: ReturnType<typeof rng>) => {
    const qx = q(r);
    const bilinear = code === OP.RESIZE_BILINEAR;
    const fields: [number, 'i8', number][] = bilinear ? [[2, 'i8', align ? 1 : 0], [3, 'i8', half ? 1 : 0]] : [[0, 'i8', align ? 1 : 0], [1, 'i8', half ? 1 : 0]];
    const tensors: T[] = [
      { shape: inShape, type: TT.int8, name: 'x', ...qx },
      { shape: [2], type: TT.int32, name: 'size', data: i32(size) },
      { shape: [1, size[0]!, size[1]!, 3], type: TT.int8, name: 'y', ...qx },
    ];
    const op: O = { code, inputs: [0, 1], outputs: [2], options: { type: bilinear ? OPTS.ResizeBilinearOptions : OPTS.ResizeNearestNeighborOptions, fields } };
    return both(tensors, [op], allValues(105, r));
  };
  const flags = [[false, false], [true, false], [false, true], [true, true]] as const;
  const cases = [OP.RESIZE_NEAREST_NEIGHBOR, OP.RESIZE_BILINEAR].flatMap((code) =>
    flags.filter(([a, h]) => code === OP.RESIZE_NEAREST_NEIGHBOR || !(a && h)).flatMap(([a, h]) => sizes.map((s) => [code === OP.RESIZE_BILINEAR ? 'BILINEAR' : 'NEAREST', a, h, s.join('x')] as const)),
  );
  it.each(cases)('%s align_corners %s half_pixel_centers %s to %s', (mode, align, half, size) => {
    const code = mode === 'BILINEAR' ? OP.RESIZE_BILINEAR : OP.RESIZE_NEAREST_NEIGHBOR;
    const r = rng(1100 + code * 97 + (align ? 1 : 0) * 13 + (half ? 1 : 0) * 7 + size.length);
    const { ours, tflm } = resize(code, size.split('x').map(Number), align, half, r);
    expect(same(ours, tflm)).toBe(true);
  });
  it('RESIZE_BILINEAR with align_corners and half_pixel_centers is refused, as TFLM refuses it', () => {
    expect(() => resize(OP.RESIZE_BILINEAR, [10, 14], true, true, rng(1199))).toThrow(/align_corners and half_pixel_centers are both set/);
  });
});

/** A CONV_2D (multiplier 0) or DEPTHWISE_CONV_2D with dilation, per-channel weights and a bias. */
function dilatedConv(r: ReturnType<typeof rng>, c: { inShape: number[]; k: [number, number]; stride: [number, number]; dilation: [number, number]; same: boolean; multiplier: number; outC?: number; act?: number }) {
  const [n, h, w, inC] = c.inShape as [number, number, number, number];
  const depthwise = c.multiplier > 0;
  const outC = depthwise ? inC * c.multiplier : c.outC!;
  const [kh, kw] = c.k;
  const [eh, ew] = [c.dilation[0] * (kh - 1) + 1, c.dilation[1] * (kw - 1) + 1];
  const size = (i: number, e: number, s: number) => (c.same ? Math.ceil(i / s) : Math.floor((i - e) / s) + 1);
  const outShape = [n, size(h, eh, c.stride[0]), size(w, ew, c.stride[1]), outC];
  const qx = q(r);
  const wScales = Array.from({ length: outC }, () => 0.002 + r.next() * 0.02);
  const wShape = depthwise ? [1, kh, kw, outC] : [outC, kh, kw, inC];
  const wn = wShape.reduce((a, b) => a * b, 1);
  const tensors: T[] = [
    { shape: c.inShape, type: TT.int8, name: 'x', ...qx },
    { shape: wShape, type: TT.int8, name: 'w', scale: wScales, zeroPoint: wScales.map(() => 0), qdim: depthwise ? 3 : 0, data: Uint8Array.from({ length: wn }, () => r.int(0, 255)) },
    { shape: [outC], type: TT.int32, name: 'b', scale: wScales.map((s) => s * qx.scale[0]!), zeroPoint: wScales.map(() => 0), data: i32(Array.from({ length: outC }, () => r.int(-3000, 3000))) },
    { shape: outShape, type: TT.int8, name: 'y', ...q(r) },
  ];
  const [pad, sw, sh, act] = [c.same ? 0 : 1, c.stride[1], c.stride[0], c.act ?? 0];
  const options: O['options'] = depthwise
    ? { type: OPTS.DepthwiseConv2DOptions, fields: [[0, 'i8', pad], [1, 'i32', sw], [2, 'i32', sh], [3, 'i32', c.multiplier], [4, 'i8', act], [5, 'i32', c.dilation[1]], [6, 'i32', c.dilation[0]]] }
    : { type: OPTS.Conv2DOptions, fields: [[0, 'i8', pad], [1, 'i32', sw], [2, 'i32', sh], [3, 'i8', act], [4, 'i32', c.dilation[1]], [5, 'i32', c.dilation[0]]] };
  return { tensors, op: { code: depthwise ? OP.DEPTHWISE_CONV_2D : OP.CONV_2D, inputs: [0, 1, 2], outputs: [3], options } as O, inBytes: n * h * w * inC };
}

describe('dilated CONV_2D and DEPTHWISE_CONV_2D: dilations 1 to 3, strides, SAME / VALID, depth multipliers', () => {
  const cases: { d: [number, number]; s: [number, number]; same: boolean; m: number; k: [number, number] }[] = [];
  for (const dd of [1, 2, 3])
    for (const m of [0, 1, 2])
      for (const same of [true, false]) cases.push({ d: [dd, dd], s: dd === 2 ? [2, 1] : [1, 1], same, m, k: [3, 3] });
  cases.push({ d: [2, 3], s: [1, 2], same: true, m: 0, k: [3, 2] }, { d: [3, 1], s: [2, 2], same: false, m: 3, k: [2, 3] }, { d: [1, 2], s: [3, 1], same: true, m: 1, k: [5, 3] });
  it.each(cases.map((c) => [c.m === 0 ? 'CONV_2D' : `DEPTHWISE x${c.m}`, c.k.join('x'), c.d.join('x'), c.s.join('x'), c.same ? 'SAME' : 'VALID', c] as const))(
    '%s %s dilation %s stride %s %s',
    (_n, _k, _d, _s, _p, c) => {
      const r = rng(1300 + cases.indexOf(c));
      const conv = dilatedConv(r, { inShape: [1, 9, 11, 3], k: c.k, stride: c.s, dilation: c.d, same: c.same, multiplier: c.m, outC: 5, act: r.pick([0, 1, 3]) });
      const { ours, tflm } = both(conv.tensors, [conv.op], allValues(conv.inBytes, r));
      expect(same(ours, tflm)).toBe(true);
    },
  );
  it('a dilated convolution is never inside a fusion block; its plan edge is one layer', () => {
    const r = rng(1399);
    const conv = dilatedConv(r, { inShape: [1, 9, 11, 3], k: [3, 3], stride: [1, 1], dilation: [2, 2], same: true, multiplier: 1 });
    const model = tfliteToModel(readTflite(tflite(conv.tensors, [conv.op], [0], [3]), 'd.tflite'), 'd');
    expect(model.layers[0]!.dilation).toEqual([2, 2]);
    expect(exactLayers(model).window[0]).toBe(0);
    expect(kindOf(model, model.layers[0]!), 'nor in a streamed block').toBeNull();
  });
});

describe('ARG_MAX and ARG_MIN on each axis (int32 indices as a model output; ties: the first index)', () => {
  const inShape = [2, 3, 4, 5];
  const arg = (code: number, axis: number, data: Uint8Array, outType: number = TT.int32) => {
    const r = rng(1500 + axis);
    const tensors: T[] = [
      { shape: inShape, type: TT.int8, name: 'x', ...q(r) },
      { shape: [1], type: TT.int32, name: 'axis', data: i32([axis]) },
      { shape: inShape.filter((_, k) => k !== (axis < 0 ? axis + 4 : axis)), type: outType, name: 'y' },
    ];
    const opts = code === OP.ARG_MAX ? OPTS.ArgMaxOptions : OPTS.ArgMinOptions;
    return { tensors, ops: [{ code, inputs: [0, 1], outputs: [2], options: { type: opts, fields: [[0, 'i8', outType]] } } as O] };
  };
  it.each([0, 1, 2, 3, -1].flatMap((a) => [['ARG_MAX', a], ['ARG_MIN', a]] as const))('%s along axis %i, on all int8 values and on many ties', (name, axis) => {
    const code = name === 'ARG_MAX' ? OP.ARG_MAX : OP.ARG_MIN;
    const r = rng(1600 + axis * 2 + code);
    // all 256 values once (then repeated), and a few values only: many ties along the axis
    for (const data of [allValues(120, r), Uint8Array.from({ length: 120 }, () => r.pick([0x80, 0x7f, 0, 3]))]) {
      const { tensors, ops } = arg(code, axis, data);
      const { ours, tflm } = both(tensors, ops, data);
      expect(ours.length).toBe(4 * tensors[2]!.shape.reduce((a, b) => a * b, 1));
      expect(same(ours, tflm)).toBe(true);
    }
  });
  it('msf inspect shows the int32 indices in elements without a quantisation; the emitted header says int32', () => {
    const { tensors, ops } = arg(OP.ARG_MIN, 2, allValues(120, rng(1650)));
    const model = tfliteToModel(readTflite(tflite(tensors, ops, [0], [2]), 'a.tflite'), 'a');
    const row = layerRows(model)[0]!;
    expect([row.op, row.output, row.outputQuant, row.outputBytes]).toEqual(['arg_min axis 2 -> int32', [2, 3, 5], null, 4 * 2 * 3 * 5]);
    expect(emitC(model, [[0, 0]]).get('msf_model.h')).toContain('#define MSF_OUTPUT_INT32 1 /* 2x3x5 int32, little-endian');
  });
  it('an int64 output is refused (TFLM writes int32 only); reading the indices inside the network is refused', () => {
    const r = rng(1700);
    const data = allValues(120, r);
    const a = arg(OP.ARG_MAX, 1, data, 4 /* int64 */);
    expect(() => tfliteToModel(readTflite(tflite(a.tensors, a.ops, [0], [2]), 'a.tflite'), 'a')).toThrow(/writes int32 indices only/);
    const b = arg(OP.ARG_MAX, 3, data);
    const tensors: T[] = [...b.tensors, { shape: [2, 3, 4], type: TT.int32, name: 'z' }];
    const ops: O[] = [...b.ops, { code: OP.ARG_MAX, inputs: [2, 1], outputs: [3], options: { type: OPTS.ArgMaxOptions, fields: [[0, 'i8', TT.int32]] } }];
    expect(() => tfliteToModel(readTflite(tflite(tensors, ops, [0], [3]), 'b.tflite'), 'b')).toThrow(ModelError);
  });
});

describe('edge values of the new kernels: TFLM\'s prepare-time formulas, saturation, rounding ties', () => {
  it('foldMeanCount folds 1 / n as QuantizedMeanOrSum does, the shift clamped to 31 + shift', () => {
    expect(foldMeanCount(1 << 30, 1, 3)).toEqual({ outMult: 715827882, outShift: 0 }); // (2^30 << 1) / 3, truncated
    expect(foldMeanCount(1 << 30, -30, 1 << 20)).toEqual({ outMult: 2048, outShift: -31 }); // s = min(20, 32, 31 - 30)
    expect(foldMeanCount(2 ** 31 - 1, 0, 1)).toEqual({ outMult: 2 ** 31 - 1, outShift: 0 });
  });
  it('nearest source indices: floor, or round half away from zero with align_corners', () => {
    expect(nearestIndices(4, 3, false, false)).toEqual([0, 1, 2]); // scale 4/3
    expect(nearestIndices(4, 3, true, false)).toEqual([0, 2, 3]); // scale 3/2: 1.5 rounds to 2
    expect(nearestIndices(5, 10, false, true)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    expect(nearestIndices(3, 1, true, false)).toEqual([0]); // one output: scale in / out
  });
  it('bilinear taps: 10-bit weights, negative before the first half pixel, truncating division', () => {
    expect(bilinearTaps(2, 4, false, true, 'x')).toEqual([0, 0, -256, 0, 1, 256, 0, 1, 768, 1, 1, 256]);
    expect(bilinearTaps(3, 2, true, false, 'x')).toEqual([0, 0, 0, 2, 2, 0]); // scale_10 = 2048
  });
  const run1 = (tensors: T[], op: O, input: Uint8Array) => {
    const { ours, tflm } = both(tensors, [op], input);
    expect(same(ours, tflm)).toBe(true);
    return new Int8Array(ours.buffer, ours.byteOffset, ours.length);
  };
  it('MEAN: a half-way mean rounds up, also below zero (SaturatingRoundingDoublingHighMul: -1.5 -> -1); a tiny output scale saturates', () => {
    const qx = { scale: [0.1], zeroPoint: [0] };
    const x: T = { shape: [1, 1, 2, 4], type: TT.int8, name: 'x', ...qx };
    const axes: T = { shape: [1], type: TT.int32, name: 'a', data: i32([2]) };
    const op: O = { code: OP.MEAN, inputs: [0, 1], outputs: [2], options: { type: OPTS.ReducerOptions, fields: [[0, 'i8', 0]] } };
    // pairs (1, 2), (-1, -2), (127, 126), (-128, -127): means 1.5, -1.5, 126.5, -127.5
    const input = Uint8Array.from([1, -1, 127, -128, 2, -2, 126, -127].map((v) => v & 0xff));
    expect([...run1([x, axes, { shape: [1, 1, 4], type: TT.int8, name: 'y', ...qx }], op, input)]).toEqual([2, -1, 127, -127]);
    const y = run1([x, axes, { shape: [1, 1, 4], type: TT.int8, name: 'y', scale: [0.001], zeroPoint: [3] }], op, input);
    expect([...y]).toEqual([127, -128, 127, -128]);
  });
  it('RESIZE_BILINEAR: half-way values round away from zero, also below zero', () => {
    const qx = { scale: [0.1], zeroPoint: [0] };
    const x: T = { shape: [1, 1, 2, 2], type: TT.int8, name: 'x', ...qx };
    const size: T = { shape: [2], type: TT.int32, name: 's', data: i32([1, 3]) };
    const op: O = { code: OP.RESIZE_BILINEAR, inputs: [0, 1], outputs: [2], options: { type: OPTS.ResizeBilinearOptions, fields: [[2, 'i8', 1]] } };
    // align_corners 2 -> 3 columns: the middle one is (a + b) / 2 exactly
    const input = Uint8Array.from([0, -128, 3, -125].map((v) => v & 0xff));
    expect([...run1([x, size, { shape: [1, 1, 3, 2], type: TT.int8, name: 'y', ...qx }], op, input)]).toEqual([0, -128, 2, -127, 3, -125]);
  });
  it('dilated convolutions saturate at the fused activation and the int8 range', () => {
    const r = rng(1800);
    for (const act of [0, 1, 3]) {
      const conv = dilatedConv(r, { inShape: [1, 7, 7, 2], k: [3, 3], stride: [1, 1], dilation: [3, 3], same: true, multiplier: 1, act });
      conv.tensors[3] = { ...conv.tensors[3]!, scale: [1e-4], zeroPoint: [0] }; // every output far outside the int8 range
      const y = run1(conv.tensors, conv.op, Uint8Array.from({ length: conv.inBytes }, () => r.pick([0x7f, 0x80])));
      expect(y.every((v) => v === -128 || v === 127 || (act !== 0 && v === 0))).toBe(true);
    }
  });
});

describe('the emitted C of the reduction, resize, arg-max and dilated operators (host gcc, sanitizers on) computes TFLM\'s bytes', () => {
  it('one model: MEAN over [0, 3] and [1] (keep_dims), REDUCE_MAX over [2, -1], RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR, ARG_MAX and ARG_MIN, dilated CONV_2D and DEPTHWISE_CONV_2D', () => {
    const r = rng(900);
    const qx = q(r);
    const qz = q(r);
    const tensors: T[] = [];
    const t = (x: T) => tensors.push(x) - 1;
    const x = t({ shape: [2, 3, 4, 5], type: TT.int8, name: 'x', ...qx });
    const z = t({ shape: [1, 5, 6, 3], type: TT.int8, name: 'z', ...qz });
    const c32 = (name: string, v: number[]) => t({ shape: [v.length], type: TT.int32, name, data: i32(v) });
    const out = (name: string, shape: number[], qo = qx) => t({ shape, type: TT.int8, name, ...qo });
    const keep = (k: boolean): O['options'] => ({ type: OPTS.ReducerOptions, fields: [[0, 'i8', k ? 1 : 0]] });
    const ops: O[] = [];
    const outs: number[] = [];
    const op = (o: O) => (ops.push(o), outs.push(...o.outputs));
    op({ code: OP.MEAN, inputs: [x, c32('a0', [0, 3])], outputs: [out('m0', [3, 4], q(r))], options: keep(false) });
    op({ code: OP.MEAN, inputs: [x, c32('a1', [1])], outputs: [out('m1', [2, 1, 4, 5])], options: keep(true) });
    op({ code: OP.REDUCE_MAX, inputs: [x, c32('a2', [2, -1])], outputs: [out('mx', [2, 3])], options: keep(false) });
    op({ code: OP.RESIZE_NEAREST_NEIGHBOR, inputs: [z, c32('s0', [9, 4])], outputs: [out('rn', [1, 9, 4, 3], qz)], options: { type: OPTS.ResizeNearestNeighborOptions, fields: [[1, 'i8', 1]] } });
    op({ code: OP.RESIZE_BILINEAR, inputs: [z, c32('s1', [11, 13])], outputs: [out('rb', [1, 11, 13, 3], qz)], options: { type: OPTS.ResizeBilinearOptions, fields: [[3, 'i8', 1]] } });
    op({ code: OP.ARG_MAX, inputs: [x, c32('a3', [2])], outputs: [t({ shape: [2, 3, 5], type: TT.int32, name: 'am' })], options: { type: OPTS.ArgMaxOptions, fields: [[0, 'i8', TT.int32]] } });
    op({ code: OP.ARG_MIN, inputs: [z, c32('a4', [-1])], outputs: [t({ shape: [1, 5, 6], type: TT.int32, name: 'an' })], options: { type: OPTS.ArgMinOptions, fields: [[0, 'i8', TT.int32]] } });
    // Dilated convolutions on z: a CONV_2D (dilation 2x3, SAME) and a DEPTHWISE x2 (dilation 2, stride 2, VALID).
    for (const c of [
      { k: [3, 3] as [number, number], stride: [1, 1] as [number, number], dilation: [2, 3] as [number, number], same: true, multiplier: 0, outC: 4 },
      { k: [2, 2] as [number, number], stride: [2, 2] as [number, number], dilation: [2, 2] as [number, number], same: false, multiplier: 2 },
    ]) {
      const d = dilatedConv(r, { inShape: [1, 5, 6, 3], ...c });
      const [wt, bt, yt] = d.tensors.slice(1).map((v) => t(v));
      tensors[wt!]!.name = `w${ops.length}`;
      tensors[bt!]!.name = `b${ops.length}`;
      tensors[yt!]!.name = `y${ops.length}`;
      op({ ...d.op, inputs: [z, wt!, bt!], outputs: [yt!] });
    }
    const input = [allValues(120, r), allValues(90, r)];
    const { ours, tflm } = bothAll(tensors, ops, [x, z], outs, input);
    expect(sameAll(ours, tflm)).toBe(true);
    expect(sameAll(emittedC(tflite(tensors, ops, [x, z], outs), input, outs.length), tflm)).toBe(true);
  });
});
