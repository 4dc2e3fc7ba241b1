// (Over 500 lines: one case per kernel path and rounding edge, sharing one Wasm instance and reference.)
// The int8 kernels of build/exec.wasm against the independent TypeScript reference
// (test/reference/kernels.ts), with SIMD on and off; window execution against whole-tensor calls;
// the rounding helpers against hand-worked values and a literal BigInt transcription of gemmlowp;
// the TFLM quantisation helpers (src/runtime/quantize.ts) on known values; the descriptor mirror;
// and every CONV/DEPTHWISE/POOL/ADD/FC op of the shared real models against the tensors TensorFlow
// Lite Micro computed (../shared/conformance), with parameters from src/runtime/quantize.ts.
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTflite, type TfliteModel, type TfliteOperator } from '../src/import/tflite.js';
import * as descTs from '../src/runtime/desc.js';
import {
  type FusedActivation, activationRange, addParams, convPerChannelMultipliers, frexp, fullyConnectedMultiplier,
  fullyConnectedMultipliers, meanParams, quantizeMultiplier, quantizeMultiplierSmallerThanOneExp,
} from '../src/runtime/quantize.js';
import * as ref from './reference/kernels.js';
import type { ConvLayer, FcLayer, MeanLayer, PoolLayer } from './reference/kernels.js';
import { WasmKernels, type Window } from './helpers/wasm-kernels.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** mulberry32: a small seeded generator local to these tests. */
class Rand {
  constructor(private s: number) {}
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((this.u32() / 2 ** 32) * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  i8(n: number): Int8Array {
    const a = new Int8Array(n);
    for (let i = 0; i < n; i++) a[i] = this.int(-128, 127);
    return a;
  }
  i32(n: number, lo: number, hi: number): Int32Array {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = this.int(lo, hi);
    return a;
  }
}

// ---- literal BigInt transcription of gemmlowp / TFLM (the "by definition" oracle) ----
const I64 = (x: number) => BigInt(x);
function srdhmBig(a: number, b: number): number {
  const overflow = a === b && a === INT32_MIN;
  const ab = I64(a) * I64(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  const q = (ab + nudge) / (1n << 31n); // BigInt division truncates toward zero, as C++ does
  return overflow ? INT32_MAX : Number(BigInt.asIntN(32, q));
}
function rdbpotBig(x: number, exponent: number): number {
  const mask = Number(BigInt.asIntN(32, (1n << BigInt(exponent)) - 1n));
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return ((x >> exponent) + (remainder > threshold ? 1 : 0)) | 0;
}
function mbqmBig(x: number, m: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbpotBig(srdhmBig(Math.imul(x, 2 ** left), m), right);
}

const EDGE = [
  INT32_MIN, INT32_MIN + 1, -(2 ** 30) - 1, -(2 ** 30), -(2 ** 30) + 1, -65537, -65536, -32769, -32768, -255, -128, -3, -2, -1,
  0, 1, 2, 3, 127, 255, 32767, 32768, 65535, 65536, 2 ** 30 - 1, 2 ** 30, 2 ** 30 + 1, INT32_MAX - 1, INT32_MAX,
];

let wasm: WasmKernels;
beforeAll(() => {
  wasm = new WasmKernels();
});

describe('descriptor mirror', () => {
  it('src/runtime/desc.ts has the indices and op codes of assembly/kernels/desc.ts', () => {
    const src = readFileSync(new URL('../assembly/kernels/desc.ts', import.meta.url), 'utf8');
    const consts = [...src.matchAll(/export const ((?:D|OP)_\w+|DESC_WORDS): i32 = (\d+);/g)];
    expect(consts.length).toBeGreaterThan(35);
    const mirror = descTs as unknown as Record<string, number>;
    for (const [, name, value] of consts) expect([name, mirror[name!]]).toEqual([name, Number(value)]);
    const fieldIdx = Object.values(descTs.DESC_FIELDS);
    expect(new Set(fieldIdx).size).toBe(fieldIdx.length);
    expect(Math.max(...fieldIdx)).toBeLessThan(descTs.DESC_WORDS);
  });
  it('writeDesc zeroes the block and writes int32 fields', () => {
    const mem = new Int32Array(64).fill(-1);
    descTs.writeDesc(mem, 16, { op: descTs.OP_CONV2D, inH: 7, mult: 0x80000000 - 1, inOffset: -128 });
    const d = descTs.readDesc(mem, 16);
    expect(d.op).toBe(1);
    expect(d.inH).toBe(7);
    expect(d.inOffset).toBe(-128);
    expect(d.mult).toBe(INT32_MAX);
    expect(d.bias).toBe(0);
    expect(mem[3]).toBe(-1);
    expect(mem[4 + descTs.DESC_WORDS]).toBe(-1);
    expect(() => descTs.writeDesc(mem, 2, {})).toThrow(/aligned/);
    expect(() => descTs.writeDesc(mem, 0, { inH: 1.5 })).toThrow(/32-bit/);
  });
});

describe('rounding helpers (TFLM double rounding)', () => {
  it('SaturatingRoundingDoublingHighMul: hand-worked values', () => {
    const cases: [number, number, number][] = [
      [INT32_MIN, INT32_MIN, INT32_MAX], // the saturated case
      [1, 2 ** 30, 1], // +0.5 -> 1
      [-1, 2 ** 30, 0], // -0.5 -> 0 (negative ties go toward +inf)
      [3, 2 ** 30, 2], // 1.5 -> 2
      [-3, 2 ** 30, -1], // -1.5 -> -1
      [-5, 2 ** 30, -2], // -2.5 -> -2
      [2 ** 30, 2 ** 30, 2 ** 29],
      [INT32_MIN, INT32_MAX, -INT32_MAX],
      [INT32_MIN, 1, -1],
      [INT32_MAX, INT32_MAX, INT32_MAX - 1],
      [0, INT32_MIN, 0],
    ];
    for (const [a, b, want] of cases) {
      expect([a, b, ref.saturatingRoundingDoublingHighMul(a, b)]).toEqual([a, b, want]);
      expect([a, b, srdhmBig(a, b)]).toEqual([a, b, want]);
      expect([a, b, wasm.exports.srdhm(a, b)]).toEqual([a, b, want]);
    }
  });
  it('RoundingDivideByPOT: hand-worked values (ties away from zero)', () => {
    const cases: [number, number, number][] = [
      [-3, 1, -2], [3, 1, 2], [5, 1, 3], [-5, 1, -3], [-5, 2, -1], [-2, 2, -1], [2, 2, 1], [-6, 2, -2], [-7, 2, -2],
      [INT32_MIN, 31, -1], [INT32_MAX, 31, 1], [2 ** 30, 31, 1], [-(2 ** 30), 31, -1], [2 ** 30 - 1, 31, 0],
      [-(2 ** 30) + 1, 31, 0], [12345, 0, 12345], [INT32_MIN, 0, INT32_MIN], [INT32_MIN, 1, -(2 ** 30)],
    ];
    for (const [x, e, want] of cases) {
      expect([x, e, ref.roundingDivideByPOT(x, e)]).toEqual([x, e, want]);
      expect([x, e, rdbpotBig(x, e)]).toEqual([x, e, want]);
      expect([x, e, wasm.exports.rdbpot(x, e)]).toEqual([x, e, want]);
    }
  });
  it('MultiplyByQuantizedMultiplier: hand-worked values incl. shifts -31 and +30', () => {
    const cases: [number, number, number, number][] = [
      [3, 2 ** 30, 30, -(2 ** 29)], // 3 * 2^30 wraps to -2^30 (int32 product), then * 0.5
      [100, 2 ** 30, -31, 0], // 50 / 2^31 -> 0
      [INT32_MAX, INT32_MAX, -31, 1], // 0.99999... -> 1
      [-1000, 1518500250, -2, -177], // -707 / 4 = -176.75 -> -177
      [1000, 1518500250, -2, 177],
      [-6, 2 ** 30, -1, -2], // -3 / 2 = -1.5 -> -2
      [7, 2 ** 30, 1, 7], // 7 * 2 * 0.5
    ];
    for (const [x, m, s, want] of cases) {
      expect([x, m, s, ref.multiplyByQuantizedMultiplier(x, m, s)]).toEqual([x, m, s, want]);
      expect([x, m, s, mbqmBig(x, m, s)]).toEqual([x, m, s, want]);
      expect([x, m, s, wasm.exports.mbqm(x, m, s)]).toEqual([x, m, s, want]);
    }
  });
  it('reference and Wasm helpers equal the BigInt transcription on edge and random values', () => {
    const rng = new Rand(7);
    const values = [...EDGE];
    for (let i = 0; i < 200; i++) values.push(rng.u32() | 0, rng.int(-70000, 70000));
    for (const a of values) {
      for (const b of EDGE) {
        const want = srdhmBig(a, b);
        if (ref.saturatingRoundingDoublingHighMul(a, b) !== want || wasm.exports.srdhm(a, b) !== want) {
          expect([a, b, ref.saturatingRoundingDoublingHighMul(a, b), wasm.exports.srdhm(a, b)]).toEqual([a, b, want, want]);
        }
      }
      for (let e = 0; e <= 31; e++) {
        const want = rdbpotBig(a, e);
        if (ref.roundingDivideByPOT(a, e) !== want || wasm.exports.rdbpot(a, e) !== want) {
          expect([a, e, ref.roundingDivideByPOT(a, e), wasm.exports.rdbpot(a, e)]).toEqual([a, e, want, want]);
        }
      }
    }
    for (let i = 0; i < 20000; i++) {
      const x = rng.chance(0.5) ? rng.u32() | 0 : rng.int(-300000, 300000);
      const m = rng.chance(0.9) ? rng.int(2 ** 30, INT32_MAX) : rng.pick([0, 1, INT32_MAX, 2 ** 30]);
      const s = rng.int(-31, 30);
      const want = mbqmBig(x, m, s);
      const got = [ref.multiplyByQuantizedMultiplier(x, m, s), wasm.exports.mbqm(x, m, s)];
      if (got[0] !== want || got[1] !== want) expect([x, m, s, ...got]).toEqual([x, m, s, want, want]);
    }
  });
});

describe('TFLM quantisation helpers', () => {
  it('frexp is exact', () => {
    expect(frexp(1)).toEqual({ fraction: 0.5, exponent: 1 });
    expect(frexp(0.75)).toEqual({ fraction: 0.75, exponent: 0 });
    expect(frexp(-3)).toEqual({ fraction: -0.75, exponent: 2 });
    expect(frexp(2 ** -1074)).toEqual({ fraction: 0.5, exponent: -1073 });
    expect(frexp(0)).toEqual({ fraction: 0, exponent: 0 });
  });
  it('QuantizeMultiplier on known values', () => {
    const cases: [number, number, number][] = [
      [0.5, 1073741824, 0],
      [1.0, 1073741824, 1],
      [0, 0, 0],
      [0.75, 1610612736, 0],
      [3.0, 1610612736, 2],
      [0.1, 1717986918, -3], // 0.8 * 2^31 = 1717986918.4
      [2 ** -31, 1073741824, -30],
      [2 ** -32, 1073741824, -31], // smallest kept
      [2 ** -33, 0, 0], // shift -32: flushed to zero
      [1e-12, 0, 0],
      [5e-324, 0, 0],
      [1 - 2 ** -33, 1073741824, 1], // q * 2^31 = 2^31 - 1/4 rounds to 2^31: halved, shift + 1
      [1 - 2 ** -32, 1073741824, 1], // 2^31 - 1/2: the tie rounds away from zero, to 2^31
      [1 - 2 ** -31, 2147483647, 0],
      [2 ** 40, 1073741824, 41], // no saturation of large shifts in the double-rounding build
      [-0.5, -1073741824, 0],
    ];
    for (const [x, m, s] of cases) expect([x, quantizeMultiplier(x)]).toEqual([x, { multiplier: m, shift: s }]);
    expect(quantizeMultiplierSmallerThanOneExp(0.25)).toEqual({ multiplier: 1073741824, shift: -1 });
    expect(() => quantizeMultiplierSmallerThanOneExp(1)).toThrow();
    expect(() => quantizeMultiplierSmallerThanOneExp(0)).toThrow();
  });
  it('per-channel conv multipliers use double products of the float32 scales', () => {
    const inS = 0.0235294122248888;
    const outS = 0.0470588244497776;
    const filt = [0.00392156862745098, 0.5, 1e-9];
    const q = convPerChannelMultipliers(inS, filt, outS, 3);
    for (let c = 0; c < 3; c++) {
      const e = (Math.fround(inS) * Math.fround(filt[c]!)) / Math.fround(outS);
      expect([q.mult[c], q.shift[c]]).toEqual([quantizeMultiplier(e).multiplier, quantizeMultiplier(e).shift]);
    }
    const broadcast = convPerChannelMultipliers(inS, [0.5], outS, 4);
    expect([...broadcast.mult]).toEqual(new Array(4).fill(q.mult[1]));
    expect(() => convPerChannelMultipliers(inS, [1, 2], outS, 3)).toThrow();
  });
  it('per-tensor fully-connected multiplier forms input*filter scale in float32', () => {
    // A case where the float32 product differs from the double product.
    const inS = 0.1;
    const fS = 0.3;
    const outS = 0.7;
    const f32 = Math.fround(Math.fround(inS) * Math.fround(fS)) / Math.fround(outS);
    const f64 = (Math.fround(inS) * Math.fround(fS)) / Math.fround(outS);
    expect(f32).not.toBe(f64);
    expect(fullyConnectedMultiplier(inS, fS, outS)).toEqual(quantizeMultiplier(f32));
    const all = fullyConnectedMultipliers(inS, [fS], outS, 3);
    expect([...all.mult]).toEqual(new Array(3).fill(quantizeMultiplier(f32).multiplier));
    const per = fullyConnectedMultipliers(inS, [fS, fS, fS], outS, 3);
    expect(per.mult[0]).toBe(quantizeMultiplier(f64).multiplier);
  });
  it('activation ranges (float32 division, round half away from zero)', () => {
    expect(activationRange('none', 0.1, 3)).toEqual({ actMin: -128, actMax: 127 });
    expect(activationRange('relu', 0.1, 5)).toEqual({ actMin: 5, actMax: 127 });
    expect(activationRange('relu', 0.1, -128)).toEqual({ actMin: -128, actMax: 127 });
    expect(activationRange('relu6', 6 / 255, -128)).toEqual({ actMin: -128, actMax: 127 });
    expect(activationRange('relu6', 0.05, -10)).toEqual({ actMin: -10, actMax: 110 });
    expect(activationRange('relu6', 4, 0)).toEqual({ actMin: 0, actMax: 2 }); // 6/4 = 1.5 -> 2
    expect(activationRange('relu_n1_to_1', 2, 0)).toEqual({ actMin: -1, actMax: 1 }); // -0.5 -> -1, 0.5 -> 1
    expect(activationRange('relu_n1_to_1', 0.01, 0)).toEqual({ actMin: -100, actMax: 100 });
    expect(activationRange('relu_n1_to_1', 1 / 128, 0)).toEqual({ actMin: -128, actMax: 127 });
  });
  it('ADD parameters follow TFLM prepare (left shift 20)', () => {
    const p = addParams({ scale: 0.5, zeroPoint: -3 }, { scale: 0.25, zeroPoint: 127 }, { scale: 1, zeroPoint: -128 }, 'relu');
    expect(p).toEqual({
      inOffset: 3, in2Offset: -127, outOffset: -128, leftShift: 20,
      in1Mult: 1073741824, in1Shift: 0, // 0.5 / (2 * 0.5)
      in2Mult: 1073741824, in2Shift: -1, // 0.25 / 1
      outMult: 1073741824, outShift: -19, // 1 / (2^20 * 1)
      actMin: -128, actMax: 127,
    });
    // 5.0 + 2.0 = 7.0
    const q = addParams({ scale: 0.5, zeroPoint: 0 }, { scale: 0.25, zeroPoint: 0 }, { scale: 1, zeroPoint: 0 });
    expect([...ref.add(q, Int8Array.of(10), Int8Array.of(8))]).toEqual([7]);
    expect([...wasm.add(q, Int8Array.of(10), Int8Array.of(8))]).toEqual([7]);
  });
  it('MEAN parameters', () => {
    expect(meanParams({ scale: 0.1, zeroPoint: 3 }, { scale: 0.2, zeroPoint: -1 })).toEqual({
      inOffset: -3, outOffset: -1, outMult: 1073741824, outShift: 0,
    });
    // Shared quantisation: the rescaling path with a multiplier of 1 (TFLM has no other int8 path).
    expect(meanParams({ scale: 0.1, zeroPoint: 3 }, { scale: 0.1, zeroPoint: 3 })).toEqual({ inOffset: -3, outOffset: 3, outMult: 1073741824, outShift: 1 });
  });
});

// ---- random layers ----

function outSize(inSize: number, k: number, s: number, padA: number, padB: number): number {
  return Math.floor((inSize + padA + padB - k) / s) + 1;
}

interface Geometry { inH: number; inW: number; outH: number; outW: number; kh: number; kw: number; sh: number; sw: number; padT: number; padL: number }

function randomGeometry(rng: Rand, maxIn = 13): Geometry {
  const kh = rng.int(1, 7);
  const kw = rng.int(1, 7);
  const sh = rng.int(1, 3);
  const sw = rng.int(1, 3);
  // Padding up to k - 1 on each side, independently (asymmetric).
  const padT = rng.int(0, kh - 1);
  const padB = rng.int(0, kh - 1);
  const padL = rng.int(0, kw - 1);
  const padR = rng.int(0, kw - 1);
  const inH = rng.int(Math.max(1, kh - padT - padB), Math.max(kh, maxIn));
  const inW = rng.int(Math.max(1, kw - padL - padR), Math.max(kw, maxIn));
  return { inH, inW, outH: outSize(inH, kh, sh, padT, padB), outW: outSize(inW, kw, sw, padL, padR), kh, kw, sh, sw, padT, padL };
}

/** An input zero point, often at the int8 limits; the offset is its negation. */
function inOffset(rng: Rand): number {
  return -rng.pick([-128, 127, -128, 127, 0, rng.int(-128, 127)]);
}

function randomClamp(rng: Rand): { actMin: number; actMax: number } {
  if (rng.chance(0.4)) return { actMin: -128, actMax: 127 };
  const actMin = rng.int(-128, 20);
  return { actMin, actMax: rng.int(actMin, 127) };
}

/** Multipliers in TFLM's range, shifts scaled to the accumulator (plus extreme shifts). */
function randomRequant(rng: Rand, n: number, accBits: number): { mult: Int32Array; shift: Int32Array } {
  const perTensor = rng.chance(0.3);
  const mult = new Int32Array(n);
  const shift = new Int32Array(n);
  const typical = 7 - accBits; // brings |acc| ~ 2^accBits to ~ 2^6
  for (let c = 0; c < n; c++) {
    if (perTensor && c > 0) {
      mult[c] = mult[0]!;
      shift[c] = shift[0]!;
      continue;
    }
    mult[c] = rng.chance(0.03) ? rng.pick([0, INT32_MAX, 2 ** 30]) : rng.int(2 ** 30, INT32_MAX);
    shift[c] = rng.chance(0.1) ? rng.int(-31, 30) : Math.max(-31, Math.min(30, typical + rng.int(-3, 3)));
  }
  return { mult, shift };
}

function randomBias(rng: Rand, n: number): Int32Array | null {
  if (rng.chance(0.25)) return null;
  if (rng.chance(0.1)) return rng.i32(n, -(2 ** 30), 2 ** 30);
  return rng.i32(n, -50000, 50000);
}

function randomConv(rng: Rand): ConvLayer {
  const g = randomGeometry(rng);
  const inC = rng.pick([1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 32, 33, rng.int(1, 40)]);
  const outC = rng.pick([1, 2, 3, 4, 5, 8, 12, 13, 16, rng.int(1, 24)]);
  const accBits = Math.ceil(Math.log2(128 * 128 * Math.sqrt(g.kh * g.kw * inC)));
  return {
    ...g, inC, outC, weights: rng.i8(outC * g.kh * g.kw * inC), bias: randomBias(rng, outC),
    ...randomRequant(rng, outC, accBits), inOffset: inOffset(rng), outOffset: rng.int(-128, 127), ...randomClamp(rng),
  };
}

function randomDepthwise(rng: Rand): ConvLayer {
  const g = randomGeometry(rng);
  const depthMult = rng.chance(0.6) ? 1 : rng.int(2, 3);
  const inC = rng.pick([1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 32, rng.int(1, 40)]);
  const outC = inC * depthMult;
  const accBits = Math.ceil(Math.log2(128 * 128 * Math.sqrt(g.kh * g.kw)));
  return {
    ...g, inC, outC, depthMult, weights: rng.i8(g.kh * g.kw * outC), bias: randomBias(rng, outC),
    ...randomRequant(rng, outC, accBits), inOffset: inOffset(rng), outOffset: rng.int(-128, 127), ...randomClamp(rng),
  };
}

function randomPool(rng: Rand): PoolLayer {
  const g = randomGeometry(rng);
  return { ...g, inC: rng.int(1, 20), ...randomClamp(rng) };
}

const diff = (got: Int8Array, want: Int8Array) => {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) return `first difference at ${i}: ${got[i]} != ${want[i]}`;
  return 'identical';
};

/**
 * n random layers from `make` (seeded), each with a random input and a fresh Wasm arena, handed to
 * `check` with the case index t.
 */
function eachRandomLayer<L extends { inH: number; inW: number; inC: number }>(
  seed: number, n: number, make: (rng: Rand, t: number) => L, check: (t: number, l: L, input: Int8Array) => void,
): void {
  const rng = new Rand(seed);
  for (let t = 0; t < n; t++) {
    const l = make(rng, t);
    const input = rng.i8(l.inH * l.inW * l.inC);
    wasm.reset();
    check(t, l, input);
  }
}

const MODES = [
  { name: 'SIMD', simd: true },
  { name: 'scalar', simd: false },
] as const;

describe.each(MODES)('Wasm kernels ($name) equal the TS reference', ({ simd }) => {
  beforeAll(() => wasm.setSimd(simd));

  it('conv2d on 150 random layers', () => {
    eachRandomLayer(101, 150, randomConv, (t, l, input) => {
      expect([t, diff(wasm.conv2d(l, input), ref.conv2d(l, input))]).toEqual([t, 'identical']);
    });
  });

  it('conv2d 1x1 and 3x3 with wide channels (SIMD main loops)', () => {
    const wide = (rng: Rand, t: number): ConvLayer => {
      const k = t % 2 ? 3 : 1;
      const inC = rng.pick([16, 32, 48, 64, 67, 96]);
      const outC = rng.pick([4, 8, 16, 20, 33]);
      const inH = rng.int(3, 8);
      const inW = rng.int(3, 8);
      const pad = k === 3 ? 1 : 0;
      return {
        inH, inW, inC, outH: inH, outW: inW, outC, kh: k, kw: k, sh: 1, sw: 1, padT: pad, padL: pad,
        weights: rng.i8(outC * k * k * inC), bias: randomBias(rng, outC), ...randomRequant(rng, outC, 20),
        inOffset: inOffset(rng), outOffset: rng.int(-128, 127), ...randomClamp(rng),
      };
    };
    eachRandomLayer(102, 30, wide, (t, l, input) => {
      expect([t, diff(wasm.conv2d(l, input), ref.conv2d(l, input))]).toEqual([t, 'identical']);
    });
  });

  it('depthwise_conv2d on 150 random layers (depth multiplier 1..3)', () => {
    eachRandomLayer(201, 150, randomDepthwise, (t, l, input) => {
      expect([t, diff(wasm.depthwiseConv2d(l, input), ref.depthwiseConv2d(l, input))]).toEqual([t, 'identical']);
    });
  });

  it('avg_pool and max_pool on 100 random layers each', () => {
    eachRandomLayer(301, 100, randomPool, (t, l, input) => {
      expect([t, 'avg', diff(wasm.avgPool(l, input), ref.avgPool(l, input))]).toEqual([t, 'avg', 'identical']);
      expect([t, 'max', diff(wasm.maxPool(l, input), ref.maxPool(l, input))]).toEqual([t, 'max', 'identical']);
    });
  });

  it('fully_connected on 100 random layers', () => {
    const rng = new Rand(401);
    for (let t = 0; t < 100; t++) {
      const inC = rng.pick([1, 3, 7, 8, 15, 16, 17, 31, 64, 100, rng.int(1, 300)]);
      const outC = rng.pick([1, 2, 3, 4, 5, 10, 12, rng.int(1, 40)]);
      const l: FcLayer = {
        inC, outC, weights: rng.i8(inC * outC), bias: randomBias(rng, outC),
        ...randomRequant(rng, outC, Math.ceil(Math.log2(16384 * Math.sqrt(inC)))),
        inOffset: inOffset(rng), outOffset: rng.int(-128, 127), ...randomClamp(rng),
      };
      const input = rng.i8(inC);
      wasm.reset();
      expect([t, diff(wasm.fullyConnected(l, input), ref.fullyConnected(l, input))]).toEqual([t, 'identical']);
    }
  });

  it('add on 100 random tensors (random scales through addParams, zero points at the limits)', () => {
    const rng = new Rand(501);
    for (let t = 0; t < 100; t++) {
      const scale = () => Math.fround(2 ** (rng.int(-1200, 0) / 100));
      const zp = () => rng.pick([-128, 127, 0, rng.int(-128, 127)]);
      const out = { scale: scale(), zeroPoint: zp() };
      const p = addParams({ scale: scale(), zeroPoint: zp() }, { scale: scale(), zeroPoint: zp() }, out,
        rng.pick(['none', 'relu', 'relu6', 'relu_n1_to_1'] as const));
      const n = rng.int(1, 300);
      const a = rng.i8(n);
      const b = rng.i8(n);
      wasm.reset();
      expect([t, diff(wasm.add(p, a, b), ref.add(p, a, b))]).toEqual([t, 'identical']);
    }
  });

  it('mean over H, W (shared and other quantisations), fed in one go and pixel chunks', () => {
    const rng = new Rand(601);
    for (let t = 0; t < 100; t++) {
      const inH = rng.int(1, 12);
      const inW = rng.int(1, 12);
      const inC = rng.int(1, 40);
      const same = rng.chance(0.3);
      const inQ = { scale: Math.fround(2 ** (rng.int(-1000, 0) / 100)), zeroPoint: rng.pick([-128, 127, rng.int(-128, 127)]) };
      const outQ = same ? inQ : { scale: Math.fround(inQ.scale * 2 ** (rng.int(-300, 300) / 100)), zeroPoint: rng.int(-128, 127) };
      const l: MeanLayer = { inH, inW, inC, ...meanParams(inQ, outQ) };
      const input = rng.i8(inH * inW * inC);
      const want = ref.mean(l, input);
      wasm.reset();
      expect([t, diff(wasm.mean(l, input), want)]).toEqual([t, 'identical']);
      const chunks: number[] = [];
      for (let left = inH * inW; left > 0;) {
        const n = Math.min(left, rng.int(1, 7));
        chunks.push(n);
        left -= n;
      }
      expect([t, diff(wasm.mean(l, input, chunks), want)]).toEqual([t, 'identical']);
    }
  });
});

describe('SIMD and scalar Wasm agree on larger layers', () => {
  it('conv2d and depthwise', () => {
    const rng = new Rand(901);
    for (let t = 0; t < 10; t++) {
      const inC = rng.int(8, 64);
      const l: ConvLayer = {
        inH: 10, inW: 10, inC, outH: 10, outW: 10, outC: rng.int(1, 40), kh: 3, kw: 3, sh: 1, sw: 1, padT: 1, padL: 1,
        weights: new Int8Array(0), bias: null, ...randomRequant(rng, 64, 20), inOffset: inOffset(rng), outOffset: 0, actMin: -128, actMax: 127,
      };
      l.weights = rng.i8(l.outC * 9 * inC);
      const input = rng.i8(100 * inC);
      wasm.reset();
      wasm.setSimd(true);
      const a = wasm.conv2d(l, input);
      wasm.setSimd(false);
      const b = wasm.conv2d(l, input);
      expect(diff(a, b)).toBe('identical');
      const dw: ConvLayer = { ...l, outC: inC, depthMult: 1, weights: rng.i8(9 * inC) };
      wasm.setSimd(true);
      const c = wasm.depthwiseConv2d(dw, input);
      wasm.setSimd(false);
      expect(diff(c, wasm.depthwiseConv2d(dw, input))).toBe('identical');
    }
    wasm.setSimd(true);
  });
});

// ---- window execution ----

/** Along one axis: [first, last] input coordinates read by outputs [o0, o1), or null. */
function neededRange(o0: number, o1: number, stride: number, pad: number, k: number, size: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let o = o0; o < o1; o++) {
    for (let t = 0; t < k; t++) {
      const i = o * stride - pad + t;
      if (i >= 0 && i < size) {
        lo = Math.min(lo, i);
        hi = Math.max(hi, i);
      }
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

type Kind = 'conv2d' | 'depthwise' | 'avgPool' | 'maxPool';

interface WindowCase {
  kind: Kind;
  g: Geometry & { inC: number; outC: number };
  desc: number;
  input: Int8Array;
  whole: Int8Array;
}

function windowCase(rng: Rand, kind: Kind): WindowCase {
  wasm.reset();
  if (kind === 'conv2d' || kind === 'depthwise') {
    const l = kind === 'conv2d' ? randomConv(rng) : randomDepthwise(rng);
    const input = rng.i8(l.inH * l.inW * l.inC);
    const whole = kind === 'conv2d' ? ref.conv2d(l, input) : ref.depthwiseConv2d(l, input);
    const desc = wasm.convDesc(l, kind === 'conv2d' ? descTs.OP_CONV2D : descTs.OP_DEPTHWISE);
    return { kind, g: l, desc, input, whole };
  }
  const l = randomPool(rng);
  const input = rng.i8(l.inH * l.inW * l.inC);
  const whole = kind === 'avgPool' ? ref.avgPool(l, input) : ref.maxPool(l, input);
  const desc = wasm.poolDesc(l, kind === 'avgPool' ? descTs.OP_AVG_POOL : descTs.OP_MAX_POOL);
  return { kind, g: { ...l, outC: l.inC }, desc, input, whole };
}

/** The minimal window for an output region, optionally widened by random margins. */
function windowFor(rng: Rand, g: WindowCase['g'], oy0: number, oy1: number, ox0: number, ox1: number, widen: boolean): Window {
  const rows = neededRange(oy0, oy1, g.sh, g.padT, g.kh, g.inH);
  const cols = neededRange(ox0, ox1, g.sw, g.padL, g.kw, g.inW);
  let [r0, r1] = rows && cols ? rows : [0, -1];
  let [c0, c1] = rows && cols ? cols : [0, -1];
  if (widen && rows && cols) {
    r0 = rng.int(0, r0);
    r1 = rng.int(r1, g.inH - 1);
    c0 = rng.int(0, c0);
    c1 = rng.int(c1, g.inW - 1);
  }
  const outRow0 = widen ? rng.int(0, oy0) : oy0;
  const outCol0 = widen ? rng.int(0, ox0) : ox0;
  const outRows = oy1 - outRow0 + (widen ? rng.int(0, 2) : 0);
  const outCols = ox1 - outCol0 + (widen ? rng.int(0, 2) : 0);
  return { inRow0: r0, inCol0: c0, inRows: r1 - r0 + 1, inCols: c1 - c0 + 1, outRow0, outCol0, outRows, outCols, oy0, oy1, ox0, ox1 };
}

describe.each(MODES)('window execution ($name)', ({ simd }) => {
  beforeAll(() => wasm.setSimd(simd));

  it.each(['conv2d', 'depthwise', 'avgPool', 'maxPool'] as const)('%s: random sub-regions from random sub-windows equal the whole-tensor output', (kind) => {
    const rng = new Rand(1000 + kind.length);
    for (let t = 0; t < 60; t++) {
      const c = windowCase(rng, kind);
      const { g } = c;
      for (let r = 0; r < 4; r++) {
        const oy0 = rng.int(0, g.outH - 1);
        const oy1 = rng.int(oy0 + 1, g.outH);
        const ox0 = rng.int(0, g.outW - 1);
        const ox1 = rng.int(ox0 + 1, g.outW);
        const w = windowFor(rng, g, oy0, oy1, ox0, ox1, r % 2 === 1);
        const out = wasm.runWindow(c.desc, c.input, g.inW, g.inC, g.outC, w, 0x5a);
        // Inside the region: the whole-tensor bytes; elsewhere in the buffer: untouched.
        let bad = '';
        for (let y = 0; y < w.outRows && !bad; y++) {
          for (let x = 0; x < w.outCols && !bad; x++) {
            const oy = w.outRow0 + y;
            const ox = w.outCol0 + x;
            const inside = oy >= oy0 && oy < oy1 && ox >= ox0 && ox < ox1;
            for (let ch = 0; ch < g.outC; ch++) {
              const got = out[(y * w.outCols + x) * g.outC + ch]!;
              const want = inside ? c.whole[(oy * g.outW + ox) * g.outC + ch]! : 0x5a;
              if (got !== want) {
                bad = `t=${t} r=${r} pixel (${oy},${ox}) ch ${ch}: ${got} != ${want}`;
                break;
              }
            }
          }
        }
        expect(bad).toBe('');
      }
    }
  });

  it.each(['conv2d', 'depthwise', 'avgPool', 'maxPool'] as const)('%s: a layer computed tile by tile equals the whole-tensor call', (kind) => {
    const rng = new Rand(2000 + kind.length);
    for (let t = 0; t < 30; t++) {
      const c = windowCase(rng, kind);
      const { g } = c;
      const cuts = (n: number) => {
        const s = new Set([0, n]);
        const k = rng.int(0, Math.min(4, n - 1));
        for (let i = 0; i < k; i++) s.add(rng.int(1, n - 1));
        return [...s].sort((a, b) => a - b);
      };
      const ys = cuts(g.outH);
      const xs = cuts(g.outW);
      const assembled = new Int8Array(g.outH * g.outW * g.outC);
      for (let i = 0; i + 1 < ys.length; i++) {
        for (let j = 0; j + 1 < xs.length; j++) {
          const w = windowFor(rng, g, ys[i]!, ys[i + 1]!, xs[j]!, xs[j + 1]!, false);
          const tile = wasm.runWindow(c.desc, c.input, g.inW, g.inC, g.outC, w);
          for (let y = 0; y < w.outRows; y++) {
            const dst = ((w.outRow0 + y) * g.outW + w.outCol0) * g.outC;
            assembled.set(tile.subarray(y * w.outCols * g.outC, (y + 1) * w.outCols * g.outC), dst);
          }
        }
      }
      expect([t, diff(assembled, c.whole)]).toEqual([t, 'identical']);
    }
  });
});

describe('window checks', () => {
  const l: ConvLayer = {
    inH: 8, inW: 8, inC: 2, outH: 8, outW: 8, outC: 3, kh: 3, kw: 3, sh: 1, sw: 1, padT: 1, padL: 1,
    weights: new Int8Array(3 * 9 * 2).fill(1), bias: null, mult: new Int32Array(3).fill(2 ** 30), shift: new Int32Array(3),
    inOffset: 0, outOffset: 0, actMin: -128, actMax: 127,
  };
  const input = new Int8Array(8 * 8 * 2).fill(1);
  const call = (w: Partial<Window>) => {
    wasm.reset();
    const d = wasm.convDesc(l, descTs.OP_CONV2D);
    const full: Window = { inRow0: 0, inCol0: 0, inRows: 8, inCols: 8, outRow0: 0, outCol0: 0, outRows: 8, outCols: 8, oy0: 0, oy1: 8, ox0: 0, ox1: 8, ...w };
    return wasm.runWindow(d, input, 8, 2, 3, full);
  };
  it('accepts the minimal window, rejects one row or column less', () => {
    // Output rows 2..3 read input rows 1..4; columns 0..1 read columns 0..2.
    expect(() => call({ inRow0: 1, inRows: 4, inCols: 3, oy0: 2, oy1: 4, ox0: 0, ox1: 2, outRow0: 2, outRows: 2, outCols: 2 })).not.toThrow();
    expect(() => call({ inRow0: 2, inRows: 3, inCols: 3, oy0: 2, oy1: 4, ox0: 0, ox1: 2, outRow0: 2, outRows: 2, outCols: 2 })).toThrow(/input rows/);
    expect(() => call({ inRow0: 1, inRows: 3, inCols: 3, oy0: 2, oy1: 4, ox0: 0, ox1: 2, outRow0: 2, outRows: 2, outCols: 2 })).toThrow(/input rows/);
    expect(() => call({ inRow0: 1, inRows: 4, inCols: 2, oy0: 2, oy1: 4, ox0: 0, ox1: 2, outRow0: 2, outRows: 2, outCols: 2 })).toThrow(/input columns/);
  });
  it('rejects output regions outside the tensor or the buffer; empty regions are no-ops', () => {
    expect(() => call({ oy1: 9 })).toThrow(/output tensor/);
    expect(() => call({ ox0: -1 })).toThrow(/output tensor/);
    expect(() => call({ outCol0: 1, outCols: 7 })).toThrow(/output buffer/);
    expect(() => call({ outRow0: 1, outRows: 7 })).toThrow(/output buffer/);
    expect([...call({ oy0: 3, oy1: 3, inRows: 0 })].every((v) => v === 0x55)).toBe(true);
  });
});

// ---- TensorFlow Lite Micro conformance: every supported op of the shared real models ----


const SHARED = new URL('../../shared/', import.meta.url);
const CONFORMANCE_MODELS = [
  'mlperf_vww_96_int8', 'mlperf_ic_resnet8_int8', 'mlperf_kws_dscnn_int8', 'mlperf_sww_int8', 'mlperf_ad01_int8',
  'tflm_person_detect_int8', 'tflm_micro_speech_int8', 'armzoo_micronet_vww2_50_int8',
];
const haveShared = existsSync(new URL('conformance/README.md', SHARED));

/** TFLite's SAME / VALID padding (dilation 1): out size and the leading pad. */
function tflitePad(padding: string, inSize: number, k: number, stride: number): { out: number; pad: number } {
  const out = padding === 'SAME' ? Math.ceil(inSize / stride) : Math.floor((inSize - k) / stride) + 1;
  const total = Math.max((out - 1) * stride + k - inSize, 0);
  return { out, pad: Math.floor(total / 2) };
}

const fused = (o: TfliteOperator): FusedActivation => {
  const a = String(o.options.fusedActivation ?? 'NONE');
  const map: Record<string, FusedActivation> = { NONE: 'none', RELU: 'relu', RELU6: 'relu6', RELU_N1_TO_1: 'relu_n1_to_1' };
  const f = map[a];
  if (!f) throw new Error(`unsupported fused activation ${a}`);
  return f;
};

/** Runs one TFLite op through the Wasm kernels with parameters from src/runtime/quantize.ts. */
function runTfliteOp(m: TfliteModel, op: TfliteOperator, inputs: Int8Array[]): Int8Array | null {
  const t = (i: number) => m.tensors[i]!;
  const x = t(op.inputs[0]!);
  const y = t(op.outputs[0]!);
  const xq = x.quant!;
  const yq = y.quant!;
  const i8 = (d: Uint8Array) => new Int8Array(d.buffer, d.byteOffset, d.byteLength);
  const i32 = (d: Uint8Array | null) => (d ? new Int32Array(d.slice().buffer) : null);
  const act = activationRange(fused(op), yq.scale[0]!, yq.zeroPoint[0]!);
  switch (op.opcode) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      const w = t(op.inputs[1]!);
      const b = op.inputs[2]! >= 0 ? t(op.inputs[2]!) : null;
      const [, inH, inW, inC] = x.shape as [number, number, number, number];
      const [, , , outC] = y.shape as [number, number, number, number];
      const kh = w.shape[1]!;
      const kw = w.shape[2]!;
      const sh = Number(op.options.strideH);
      const sw = Number(op.options.strideW);
      const ph = tflitePad(String(op.options.padding), inH, kh, sh);
      const pw = tflitePad(String(op.options.padding), inW, kw, sw);
      const q = convPerChannelMultipliers(xq.scale[0]!, w.quant!.scale, yq.scale[0]!, outC);
      const l: ConvLayer = {
        inH, inW, inC, outH: ph.out, outW: pw.out, outC, kh, kw, sh, sw, padT: ph.pad, padL: pw.pad, depthMult: op.opcode === 'CONV_2D' ? 1 : outC / inC,
        weights: i8(w.data!), bias: i32(b?.data ?? null), ...q, inOffset: -xq.zeroPoint[0]!, outOffset: yq.zeroPoint[0]!, ...act,
      };
      return op.opcode === 'CONV_2D' ? wasm.conv2d(l, inputs[0]!) : wasm.depthwiseConv2d(l, inputs[0]!);
    }
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D': {
      const [, inH, inW, inC] = x.shape as [number, number, number, number];
      const kh = Number(op.options.filterHeight);
      const kw = Number(op.options.filterWidth);
      const sh = Number(op.options.strideH);
      const sw = Number(op.options.strideW);
      const ph = tflitePad(String(op.options.padding), inH, kh, sh);
      const pw = tflitePad(String(op.options.padding), inW, kw, sw);
      const l: PoolLayer = { inH, inW, inC, outH: ph.out, outW: pw.out, kh, kw, sh, sw, padT: ph.pad, padL: pw.pad, ...act };
      return op.opcode === 'AVERAGE_POOL_2D' ? wasm.avgPool(l, inputs[0]!) : wasm.maxPool(l, inputs[0]!);
    }
    case 'ADD': {
      const x2 = t(op.inputs[1]!);
      if (x2.shape.join() !== x.shape.join()) return null; // broadcasting ADD is not a kernel here
      const p = addParams(
        { scale: xq.scale[0]!, zeroPoint: xq.zeroPoint[0]! }, { scale: x2.quant!.scale[0]!, zeroPoint: x2.quant!.zeroPoint[0]! },
        { scale: yq.scale[0]!, zeroPoint: yq.zeroPoint[0]! }, fused(op));
      return wasm.add(p, inputs[0]!, inputs[1]!);
    }
    case 'FULLY_CONNECTED': {
      const w = t(op.inputs[1]!);
      const b = op.inputs[2]! >= 0 ? t(op.inputs[2]!) : null;
      const [outC, inC] = w.shape as [number, number];
      const q = fullyConnectedMultipliers(xq.scale[0]!, w.quant!.scale, yq.scale[0]!, outC);
      const l: FcLayer = {
        inC, outC, weights: i8(w.data!), bias: i32(b?.data ?? null), ...q, inOffset: -xq.zeroPoint[0]!, outOffset: yq.zeroPoint[0]!, ...act,
      };
      const batches = inputs[0]!.length / inC;
      const out = new Int8Array(batches * outC);
      for (let r = 0; r < batches; r++) out.set(wasm.fullyConnected(l, inputs[0]!.subarray(r * inC, (r + 1) * inC)), r * outC);
      return out;
    }
    default:
      return null;
  }
}

describe.skipIf(!haveShared)('TensorFlow Lite Micro conformance (shared models, every intermediate tensor)', () => {
  it.each(CONFORMANCE_MODELS)('%s: each CONV/DEPTHWISE/POOL/ADD/FC op reproduces TFLM bit for bit', (name) => {
    const m = readTflite(readFileSync(new URL(`models/${name}.tflite`, SHARED)));
    const dir = new URL(`conformance/${name}/`, SHARED);
    const counts: Record<string, number> = {};
    for (const simd of [true, false]) {
      wasm.setSimd(simd);
      for (const k of [0, 1, 2, 3, 4]) {
        const tensor = (i: number): Int8Array | null => {
          const f = m.inputs.includes(i) ? new URL(`in_${k}.bin`, dir) : new URL(`tensors/${k}/t${i}.bin`, dir);
          if (!existsSync(f)) return null;
          const b = readFileSync(f);
          return new Int8Array(b.buffer, b.byteOffset, b.byteLength);
        };
        for (const op of m.operators) {
          const ins = op.inputs.filter((i) => i >= 0 && !m.tensors[i]!.data).map(tensor);
          const want = tensor(op.outputs[0]!);
          if (!want || ins.some((x) => !x) || m.tensors[op.inputs[0]!]!.dtype !== 'int8') continue;
          wasm.reset();
          const got = runTfliteOp(m, op, ins as Int8Array[]);
          if (!got) continue;
          expect([name, k, op.index, op.opcode, diff(got, want)]).toEqual([name, k, op.index, op.opcode, 'identical']);
          counts[op.opcode] = (counts[op.opcode] ?? 0) + 1;
        }
      }
    }
    wasm.setSimd(true);
    // Every op of a supported type was checked, for 5 inputs x SIMD on/off.
    const supported = m.operators.filter((o) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'FULLY_CONNECTED'].includes(o.opcode));
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(supported.length * 10);
  });
});
