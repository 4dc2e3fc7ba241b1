// The int8 SOFTMAX kernel (assembly/kernels/softmax.ts) against the independent scalar reference
// (test/reference/softmax.ts) and against float softmax, and its prepare-time parameters
// (src/runtime/softmax-desc.ts) against hand-worked values. The shared models' conformance data
// (test/conformance.test.ts) checks it against TensorFlow Lite Micro on real networks.
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/model/generate.js';
import { OP_SOFTMAX } from '../src/runtime/desc.js';
import { softmaxDesc, softmaxParams } from '../src/runtime/softmax-desc.js';
import { WasmKernels } from './helpers/wasm-kernels.js';
import * as ref from './reference/softmax.js';

let k: WasmKernels;
beforeAll(() => {
  k = new WasmKernels();
});

function wasmSoftmax(beta: number, scale: number, input: Int8Array, rows: number, depth: number): Int8Array {
  k.reset();
  const desc = k.desc({ op: OP_SOFTMAX, inH: 1, inW: rows, inC: depth, outH: 1, outW: rows, outC: depth, ...softmaxDesc(beta, scale) });
  const inPtr = k.putI8(input);
  const outPtr = k.alloc(input.length);
  (k.exports as unknown as { softmax(d: number, i: number, o: number, r: number, c: number): void }).softmax(desc, inPtr, outPtr, rows, depth);
  return k.readI8(outPtr, input.length);
}

describe('softmax parameters (TFLM PreprocessSoftmaxScaling, CalculateInputRadius)', () => {
  it('scale 1/16: real multiplier 2^22 -> (2^30, shift 23), radius floor(31 * 2^26 / 2^23) = 248', () => {
    expect(softmaxParams(1, 1 / 16)).toEqual({ inputMultiplier: 2 ** 30, inputLeftShift: 23, diffMin: -248 });
  });
  it('a large scale saturates the real multiplier at 2^31 - 1: (2^31 - 1, shift 31), radius 0', () => {
    expect(softmaxParams(1, 100)).toEqual({ inputMultiplier: 2 ** 31 - 1, inputLeftShift: 31, diffMin: 0 });
  });
  it('beta and the scale are float32: 0.1 is read as 0.1f', () => {
    const p = softmaxParams(1, 0.1);
    const real = Math.fround(0.1) * 2 ** 26;
    expect(p.inputLeftShift).toBe(Math.floor(Math.log2(real)) + 1);
    expect(p.inputMultiplier).toBe(Math.round((real / 2 ** p.inputLeftShift) * 2 ** 31));
  });
  it('a multiplier <= 1 is refused (TFLM checks it)', () => {
    expect(() => softmaxParams(1, 2 ** -27)).toThrow(/must exceed 1/);
  });
});

describe('softmax kernel', () => {
  const scales = [1 / 16, 0.0625 * 3, 0.05, 0.1171875, 0.2, 0.5, 0.003, 1.7, 9, 100, 2 ** -25];
  it('matches the scalar reference on 3,000 random rows across scales and depths', () => {
    const rng = new Rng(5);
    let checked = 0;
    for (let t = 0; t < 3000; t++) {
      const scale = scales[t % scales.length]!;
      const beta = t % 7 === 0 ? 0.5 + rng.nextU32() / 2 ** 32 : 1;
      if (!(Math.fround(beta) * Math.fround(scale) * 2 ** 26 > 1)) continue;
      const rows = 1 + (rng.nextU32() % 4);
      const depth = 1 + (rng.nextU32() % 40);
      const input = new Int8Array(rows * depth);
      // Narrow rows (ties, all equal) as well as full-range ones.
      const span = [1, 4, 32, 256][t % 4]!;
      const base = (rng.nextU32() % 256) - 128;
      for (let i = 0; i < input.length; i++) input[i] = Math.max(-128, Math.min(127, base + (rng.nextU32() % span) - (span >> 1)));
      const p = softmaxParams(beta, scale);
      const got = wasmSoftmax(beta, scale, input, rows, depth);
      const want = ref.softmax(p, input, rows, depth);
      expect(Array.from(got), `scale ${scale} beta ${beta} rows ${rows} depth ${depth} input ${Array.from(input)}`).toEqual(Array.from(want));
      checked++;
    }
    expect(checked).toBeGreaterThan(2500);
  });

  it('is float softmax to within 2/256 (outputs are probabilities with zero point -128, scale 1/256)', () => {
    const rng = new Rng(9);
    for (const scale of [0.05, 0.1171875, 0.2, 0.5]) {
      for (let t = 0; t < 100; t++) {
        const depth = 2 + (rng.nextU32() % 12);
        const input = Int8Array.from({ length: depth }, () => (rng.nextU32() % 256) - 128);
        const got = wasmSoftmax(1, scale, input, 1, depth);
        const m = Math.max(...input);
        const e = Array.from(input, (v) => Math.exp((v - m) * scale));
        const s = e.reduce((a, b) => a + b, 0);
        e.forEach((v, c) => expect(Math.abs((got[c]! + 128) / 256 - v / s), `scale ${scale} input ${Array.from(input)}`).toBeLessThanOrEqual(2 / 256));
      }
    }
  });

  it('the exp and reciprocal helpers of the reference are what they claim', () => {
    for (const a of [0, -1, -(2 ** 24), -(2 ** 26), -(3 * 2 ** 25), -(2 ** 30)])
      expect(Math.abs(ref.expNegative(a) / 2 ** 31 - Math.exp(a / 2 ** 26))).toBeLessThan(1e-6);
    for (const x of [0, 2 ** 29, 2 ** 30, 2 ** 31 - 1]) expect(Math.abs(ref.oneOverOnePlus(x) / 2 ** 31 - 1 / (1 + x / 2 ** 31))).toBeLessThan(1e-6);
  });
});
