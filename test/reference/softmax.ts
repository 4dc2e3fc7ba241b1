/**
 * An independent scalar TypeScript int8 SOFTMAX (int8 in, int8 out, zero point -128, scale 1/256),
 * the oracle of test/softmax.test.ts. It follows what TensorFlow Lite Micro's reference kernel
 * computes, written from the meaning of each gemmlowp fixed-point step rather than transcribed:
 * - fixed-point constants are derived here from their real values (round(v * 2^fractional_bits));
 * - a saturating power-of-two rescale is a clamp of x * 2^e to the int32 range;
 * - exp(a) for a <= 0 splits a into a part in [-1/4, 0) (a Taylor polynomial around -1/8) and a
 *   whole number k of quarters, whose binary digits pick factors exp(-2^i / 4);
 * - 1 / (1 + x) is three Newton-Raphson steps from the 48/17 - 32/17 d starting point.
 * The rounding helpers are the reference's own (test/reference/kernels.ts).
 */
import { roundingDivideByPOT, saturatingRoundingDoublingHighMul as mul } from './kernels.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const q31 = (v: number) => Math.round(v * 2 ** 31);
const q29 = (v: number) => Math.round(v * 2 ** 29);

/** Saturating x * 2^e, e >= 0. */
const scaleUp = (x: number, e: number) => Math.min(INT32_MAX, Math.max(INT32_MIN, x * 2 ** e));

/** exp(a) for a in [-1/4, 0) in Q0.31. */
function expQuarter(a: number): number {
  const c = q31(Math.exp(-1 / 8));
  const x = (a + 2 ** 28) | 0; // a + 1/8
  const x2 = mul(x, x);
  const x3 = mul(x2, x);
  const x4 = mul(x2, x2);
  // x^2/2 + x^3/6 + x^4/24 = ((x^4/4 + x^3) / 3 + x^2) / 2
  const poly = roundingDivideByPOT((mul((roundingDivideByPOT(x4, 2) + x3) | 0, q31(1 / 3)) + x2) | 0, 1);
  return (c + mul(c, (x + poly) | 0)) | 0;
}

/** exp(a) for a <= 0 given in Q5.26, result in Q0.31. */
export function expNegative(a: number): number {
  if (a === 0) return INT32_MAX;
  const quarter = 2 ** 24;
  // a = r - quarter - k * quarter with r = a mod quarter in [0, quarter)
  const r = a - Math.floor(a / quarter) * quarter;
  const k = -(Math.floor(a / quarter) + 1);
  let result = expQuarter(scaleUp(r - quarter, 5));
  for (let i = 0; i < 7; i++) if (Math.floor(k / 2 ** i) % 2 === 1) result = mul(result, q31(Math.exp(-(2 ** i) / 4)));
  return result;
}

/** 1 / (1 + x) for x in [0, 1), Q0.31 in and out. */
export function oneOverOnePlus(x: number): number {
  const s = x + INT32_MAX;
  const d = s >= 0 ? Math.trunc((s + 1) / 2) : Math.trunc((s - 1) / 2); // (1 + x) / 2, ties away from 0
  let y = (q29(48 / 17) + mul(d, -q29(32 / 17))) | 0; // Q2.29
  for (let i = 0; i < 3; i++) {
    const e = (2 ** 29 - mul(d, y)) | 0;
    y = (y + scaleUp(mul(y, e), 2)) | 0;
  }
  return scaleUp(y, 1); // y / 2 read as Q0.31
}

export interface SoftmaxLayer {
  inputMultiplier: number;
  inputLeftShift: number;
  diffMin: number;
}

/** Softmax over the last dimension of `rows` x `depth` int8 values. */
export function softmax(p: SoftmaxLayer, input: Int8Array, rows: number, depth: number): Int8Array {
  const out = new Int8Array(rows * depth);
  for (let i = 0; i < rows; i++) {
    const row = input.subarray(i * depth, (i + 1) * depth);
    const top = Math.max(-128, ...row);
    const exps = [...row].map((v) => {
      const diff = v - top;
      if (diff < p.diffMin) return null;
      return expNegative(mul(Math.imul(diff, 2 ** p.inputLeftShift), p.inputMultiplier));
    });
    let sum = 0; // Q12.19
    for (const e of exps) if (e !== null) sum = (sum + roundingDivideByPOT(e, 12)) | 0;
    const lz = Math.clz32(sum);
    // sum = 2^(12 - lz) * (1 + f)
    const f = (sum * 2 ** lz - 2 ** 31) | 0;
    const scale = oneOverOnePlus(f);
    const exponent = 12 - lz + 31 - 8;
    exps.forEach((e, c) => {
      out[i * depth + c] = e === null ? -128 : Math.min(127, Math.max(-128, roundingDivideByPOT(mul(scale, e), exponent) - 128));
    });
  }
  return out;
}
