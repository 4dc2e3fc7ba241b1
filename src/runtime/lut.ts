/**
 * Element-wise unary int8 operators as 256-entry tables: out = table[in & 0xff]. Each entry is what
 * TensorFlow Lite Micro's reference kernel computes for that input value, with its prepare-time
 * parameters and its integer arithmetic (gemmlowp fixed point for LOGISTIC / TANH), so a table
 * lookup is bit-exact by construction:
 * - QUANTIZE int8 -> int8   micro/kernels/quantize_common.cc, reference_ops::Requantize
 * - RELU                    micro/kernels/activations_common.cc CalculateReluOpData, ReluQuantized
 * - RELU6                   Relu6Prepare: clamp of the raw value to [zero point, quantised 6]
 * - LEAKY_RELU              micro/kernels/leaky_relu_common.cc, reference_ops::QuantizeLeakyRelu
 * - LOGISTIC / TANH         logistic_common.cc / tanh.cc prepare, reference_integer_ops::Logistic / Tanh
 * - HARD_SWISH              micro/kernels/hard_swish_common.cc, reference_ops::HardSwish (int16 fixed point)
 */
import type { ElementwiseFn, QuantParams } from '../model/ir.js';
import { int16Multiplier, mbqm, rdbpot, satShiftLeft, satShiftLeft16, sdhm16, srdhm, srdhm16 } from './fixed-point.js';
import { frexp, quantizeMultiplier, roundHalfAway } from './quantize.js';

const INT32_MAX = 0x7fffffff;
const clamp8 = (v: number) => (v < -128 ? -128 : v > 127 ? 127 : v);

/** exp(a) for a in [-1/4, 0), Q0.31 in and out (gemmlowp's Taylor expansion around -1/8). */
function expOnQuarterInterval(a: number): number {
  const c = 1895147668; // exp(-1/8)
  const x = (a + (1 << 28)) | 0;
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const poly = rdbpot((srdhm((rdbpot(x4, 2) + x3) | 0, 715827883) + x2) | 0, 1);
  return (c + srdhm(c, (x + poly) | 0)) | 0;
}

/** exp(a) for a <= 0, a with `intBits` integer bits (<= 5), result Q0.31 (gemmlowp exp_on_negative_values). */
function expOnNegative(a: number, intBits: number): number {
  if (a === 0) return INT32_MAX;
  const frac = 31 - intBits;
  const quarter = 1 << (frac - 2);
  const amq = ((a & (quarter - 1)) - quarter) | 0;
  let r = expOnQuarterInterval(satShiftLeft(amq, intBits));
  const remainder = (amq - a) | 0;
  const factors = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242]; // exp(-2^k), k = -2..4
  for (let k = -2; k <= 4 && k < intBits; k++) if (remainder & (1 << (frac + k))) r = srdhm(r, factors[k + 2]!);
  return r;
}

/** Newton-Raphson reciprocal of (1 + a) / 2 for a in [0, 1), Q2.29 (shared by 1/(1+x) and (1-x)/(1+x)). */
function halfReciprocal(a: number): number {
  const sum = a + INT32_MAX;
  const half = sum >= 0 ? Math.trunc((sum + 1) / 2) : Math.trunc((sum - 1) / 2);
  let x = (1515870810 + srdhm(half, -1010580540)) | 0;
  for (let i = 0; i < 3; i++) x = (x + satShiftLeft(srdhm(x, ((1 << 29) - srdhm(half, x)) | 0), 2)) | 0;
  return x;
}

/** logistic(a), a in Q4.27, result Q0.31. */
function logisticQ4(a: number): number {
  if (a === 0) return 1 << 30;
  const pos = a > 0;
  const r = satShiftLeft(halfReciprocal(expOnNegative(pos ? -a | 0 : a, 4)), 1);
  return pos ? r : (INT32_MAX - r) | 0;
}

/** tanh(a), a in Q4.27, result Q0.31. */
function tanhQ4(a: number): number {
  if (a === 0) return 0;
  const neg = a < 0;
  const n = neg ? a : -a | 0;
  // exp(2n): the same raw bits read with 5 integer bits
  const t = satShiftLeft((halfReciprocal(expOnNegative(n, 5)) - (1 << 29)) | 0, 2);
  return neg ? -t | 0 : t;
}

/** The input rescaling TFLM's int8 LOGISTIC / TANH prepare computes (4 integer bits). */
function q4Input(inScale: number): { mult: number; shift: number; radius: number } {
  const real = Math.fround(inScale) * 2 ** 27;
  const { fraction, exponent } = frexp(real);
  const mult = roundHalfAway(fraction * 2 ** 31) | 0; // TFLM casts without the 2^31 fix-up
  const radius = Math.floor((15 * 2 ** 27) / 2 ** exponent);
  return { mult, shift: exponent, radius };
}

export interface UnaryOp {
  fn: ElementwiseFn;
  alpha?: number;
}

/** The int8[256] table of `op` from input quantisation `inQ` to output `outQ`, indexed by the input byte. */
export function unaryTable(op: UnaryOp, inQ: QuantParams, outQ: QuantParams): Int8Array {
  const f = entryFunction(op, inQ, outQ);
  const table = new Int8Array(256);
  for (let q = -128; q < 128; q++) table[q & 0xff] = f(q);
  return table;
}

function entryFunction(op: UnaryOp, inQ: QuantParams, outQ: QuantParams): (q: number) => number {
  const sIn = Math.fround(inQ.scale);
  const sOut = Math.fround(outQ.scale);
  const zIn = inQ.zeroPoint;
  const zOut = outQ.zeroPoint;
  switch (op.fn) {
    case 'quantize':
    case 'relu': {
      const m = quantizeMultiplier(sIn / sOut);
      const lo = op.fn === 'relu' ? Math.max(-128, zOut) : -128;
      return (q) => Math.min(127, Math.max(lo, zOut + mbqm(q - zIn, m.multiplier, m.shift)));
    }
    case 'relu6':
    case 'relu_n1_to_1': {
      const [lo, hi] = op.fn === 'relu6' ? [0, 6] : [-1, 1];
      const quant = (v: number) => clamp8(roundHalfAway(Math.fround(v / sIn)) + zIn);
      const a = op.fn === 'relu6' ? zIn : quant(lo);
      const b = quant(hi);
      return (q) => (q > b ? b : q < a ? a : q);
    }
    case 'leaky_relu': {
      const alpha = quantizeMultiplier(Math.fround(Math.fround(sIn * Math.fround(op.alpha ?? 0)) / sOut));
      const identity = quantizeMultiplier(Math.fround(sIn / sOut));
      return (q) => {
        const v = q - zIn;
        const m = v >= 0 ? identity : alpha;
        return clamp8(zOut + mbqm(v, m.multiplier, m.shift));
      };
    }
    case 'hard_swish': {
      // micro/kernels/hard_swish_common.cc: float32 scales, 16-bit fixed-point multipliers.
      const hires = Math.fround(Math.fround(1 / 128) * sIn);
      const outM = int16Multiplier(quantizeMultiplier(Math.fround(hires / sOut)));
      const reluM = int16Multiplier(quantizeMultiplier(Math.fround(hires / Math.fround(3 / 32768))));
      if (outM.shift > 0) throw new Error(`hard_swish: output multiplier exponent ${outM.shift} > 0 (TFLM refuses it)`);
      return (q) => {
        const v = q - zIn;
        const hiresIn = v * 128; // fits int16: |v| <= 255
        const preshiftOut = srdhm16(hiresIn, outM.multiplier);
        let reluish = hiresIn;
        if (reluM.shift > 0) reluish = satShiftLeft16(reluish, reluM.shift - 1);
        reluish = srdhm16(reluish, reluM.multiplier);
        if (reluM.shift > 0) reluish = satShiftLeft16(reluish, 1);
        if (reluM.shift < 0) reluish = rdbpot(reluish, -reluM.shift);
        reluish = (reluish + (1 << 15)) >> 1;
        const preshift = sdhm16(reluish, preshiftOut);
        return clamp8(rdbpot(preshift, -outM.shift) + zOut);
      };
    }
    case 'logistic':
    case 'tanh': {
      const p = q4Input(inQ.scale);
      return (q) => {
        const v = q - zIn;
        if (v <= -p.radius) return -128;
        if (v >= p.radius) return 127;
        const x = mbqm(v, p.mult, p.shift);
        return op.fn === 'logistic' ? clamp8(rdbpot(logisticQ4(x), 23) - 128) : clamp8(rdbpot(tanhQ4(x), 24));
      };
    }
    default:
      throw new Error(`unaryTable: ${op.fn} is not a unary table op`);
  }
}
