/**
 * An independent, plain scalar TypeScript implementation of the int8 kernels, over whole NHWC
 * tensors (batch 1), written from TensorFlow Lite Micro's reference kernels and rounding rules.
 * It is the oracle of test/kernels.test.ts and the "plain TS" baseline of bench/kernels.ts, so it
 * shares no code with assembly/kernels, and its rounding helpers are derived from what the
 * gemmlowp functions compute rather than transcribed from them:
 *   SaturatingRoundingDoublingHighMul(a, b) = floor(a * b / 2^31 + 1/2)   (ties toward +inf),
 *                                             INT32_MAX for a = b = INT32_MIN
 *   RoundingDivideByPOT(x, e)               = x / 2^e rounded to nearest, ties away from zero
 * (test/kernels.test.ts checks both against a literal BigInt transcription of gemmlowp.)
 * 64-bit products are formed exactly by splitting one factor into 16-bit halves.
 */
import type { LayerDesc } from '../../src/runtime/desc.js'; // the field names only

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const TWO_15 = 2 ** 15;
const TWO_16 = 2 ** 16;
const TWO_30 = 2 ** 30;
const TWO_31 = 2 ** 31;

/** floor(a * b / 2^31 + 1/2), exactly, for int32 a and b; saturates the one overflow. */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // a * b = (a * bHi) * 2^16 + a * bLo with bLo in [0, 2^16): both partial products are exact.
  const bLo = b & 0xffff;
  const bHi = b >> 16;
  const x = a * bHi; // |x| <= 2^46
  const y = a * bLo + TWO_30; // |y| < 2^48, includes the + 1/2 (2^30 / 2^31)
  // x * 2^16 = qx * 2^31 + rx * 2^16 with rx in [0, 2^15)
  const qx = Math.floor(x / TWO_15);
  const rx = x - qx * TWO_15;
  // a * b + 2^30 = qx * 2^31 + z, |z| < 2^49: floor division by 2^31 splits the same way.
  const z = rx * TWO_16 + y;
  return (qx + Math.floor(z / TWO_31)) | 0;
}

/** x / 2^exponent rounded to nearest, ties away from zero (0 <= exponent <= 31). */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const q = x / 2 ** exponent; // exact
  return (q < 0 ? -Math.floor(-q + 0.5) : Math.floor(q + 0.5)) | 0;
}

/** TFLM's MultiplyByQuantizedMultiplier (int32, double rounding). */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  const shifted = Math.imul(x, 2 ** leftShift); // int32 product, wrapping like the C code
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, multiplier), rightShift);
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** A convolution-like layer (conv2d, depthwise). Shapes are [H][W][C]. */
/** The per-output-channel quantisation shared by conv2d, depthwise and fully-connected. */
export interface ChannelQuant extends Pick<LayerDesc, 'inOffset' | 'outOffset' | 'actMin' | 'actMax'> {
  bias: Int32Array | null;
  mult: Int32Array;
  shift: Int32Array;
}

export interface ConvLayer extends ChannelQuant, Pick<LayerDesc, 'inH' | 'inW' | 'inC' | 'outH' | 'outW' | 'outC' | 'kh' | 'kw' | 'sh' | 'sw' | 'padT' | 'padL'> {
  /** Depthwise only (outC = inC * depthMult). */
  depthMult?: number;
  /** conv2d: [outC][kh][kw][inC]; depthwise: [kh][kw][outC]. */
  weights: Int8Array;
}

/** CONV_2D per channel (TFLM reference_integer_ops::ConvPerChannel, dilation 1). */
export function conv2d(l: ConvLayer, input: Int8Array): Int8Array {
  const out = new Int8Array(l.outH * l.outW * l.outC);
  const filterSize = l.kh * l.kw * l.inC;
  for (let outY = 0; outY < l.outH; outY++) {
    const inYOrigin = outY * l.sh - l.padT;
    for (let outX = 0; outX < l.outW; outX++) {
      const inXOrigin = outX * l.sw - l.padL;
      for (let oc = 0; oc < l.outC; oc++) {
        let acc = 0;
        for (let fy = 0; fy < l.kh; fy++) {
          const inY = inYOrigin + fy;
          if (inY < 0 || inY >= l.inH) continue;
          for (let fx = 0; fx < l.kw; fx++) {
            const inX = inXOrigin + fx;
            if (inX < 0 || inX >= l.inW) continue;
            const inBase = (inY * l.inW + inX) * l.inC;
            const wBase = oc * filterSize + (fy * l.kw + fx) * l.inC;
            for (let ic = 0; ic < l.inC; ic++) {
              acc = (acc + l.weights[wBase + ic]! * (input[inBase + ic]! + l.inOffset)) | 0;
            }
          }
        }
        if (l.bias) acc = (acc + l.bias[oc]!) | 0;
        let v = multiplyByQuantizedMultiplier(acc, l.mult[oc]!, l.shift[oc]!);
        v += l.outOffset;
        out[(outY * l.outW + outX) * l.outC + oc] = clamp(v, l.actMin, l.actMax);
      }
    }
  }
  return out;
}

/** DEPTHWISE_CONV_2D per channel (TFLM DepthwiseConvPerChannel, dilation 1). */
export function depthwiseConv2d(l: ConvLayer, input: Int8Array): Int8Array {
  const m = l.depthMult ?? 1;
  if (l.outC !== l.inC * m) throw new Error('depthwiseConv2d: outC != inC * depthMult');
  const out = new Int8Array(l.outH * l.outW * l.outC);
  for (let outY = 0; outY < l.outH; outY++) {
    const inYOrigin = outY * l.sh - l.padT;
    for (let outX = 0; outX < l.outW; outX++) {
      const inXOrigin = outX * l.sw - l.padL;
      for (let ic = 0; ic < l.inC; ic++) {
        for (let dm = 0; dm < m; dm++) {
          const oc = ic * m + dm;
          let acc = 0;
          for (let fy = 0; fy < l.kh; fy++) {
            const inY = inYOrigin + fy;
            if (inY < 0 || inY >= l.inH) continue;
            for (let fx = 0; fx < l.kw; fx++) {
              const inX = inXOrigin + fx;
              if (inX < 0 || inX >= l.inW) continue;
              const x = input[(inY * l.inW + inX) * l.inC + ic]!;
              const w = l.weights[(fy * l.kw + fx) * l.outC + oc]!;
              acc = (acc + w * (x + l.inOffset)) | 0;
            }
          }
          if (l.bias) acc = (acc + l.bias[oc]!) | 0;
          let v = multiplyByQuantizedMultiplier(acc, l.mult[oc]!, l.shift[oc]!);
          v += l.outOffset;
          out[(outY * l.outW + outX) * l.outC + oc] = clamp(v, l.actMin, l.actMax);
        }
      }
    }
  }
  return out;
}

/** A pooling layer: input [inH][inW][C], output [outH][outW][C]. */
export type PoolLayer = Pick<LayerDesc, 'inH' | 'inW' | 'inC' | 'outH' | 'outW' | 'kh' | 'kw' | 'sh' | 'sw' | 'padT' | 'padL' | 'actMin' | 'actMax'>;

/** AVERAGE_POOL_2D int8 (TFLM AveragePool: divide by the number of inside elements, round half away). */
export function avgPool(l: PoolLayer, input: Int8Array): Int8Array {
  const out = new Int8Array(l.outH * l.outW * l.inC);
  for (let outY = 0; outY < l.outH; outY++) {
    for (let outX = 0; outX < l.outW; outX++) {
      for (let c = 0; c < l.inC; c++) {
        let sum = 0;
        let count = 0;
        for (let fy = 0; fy < l.kh; fy++) {
          const inY = outY * l.sh - l.padT + fy;
          if (inY < 0 || inY >= l.inH) continue;
          for (let fx = 0; fx < l.kw; fx++) {
            const inX = outX * l.sw - l.padL + fx;
            if (inX < 0 || inX >= l.inW) continue;
            sum += input[(inY * l.inW + inX) * l.inC + c]!;
            count++;
          }
        }
        if (count === 0) throw new Error('avgPool: empty window');
        // the mean rounded to nearest, ties away from zero
        const mean = sum / count;
        const rounded = mean < 0 ? -Math.floor(-mean + 0.5) : Math.floor(mean + 0.5);
        out[(outY * l.outW + outX) * l.inC + c] = clamp(rounded, l.actMin, l.actMax);
      }
    }
  }
  return out;
}

/** MAX_POOL_2D int8 (TFLM MaxPool: padding ignored, -128 for an empty window, then clamp). */
export function maxPool(l: PoolLayer, input: Int8Array): Int8Array {
  const out = new Int8Array(l.outH * l.outW * l.inC);
  for (let outY = 0; outY < l.outH; outY++) {
    for (let outX = 0; outX < l.outW; outX++) {
      for (let c = 0; c < l.inC; c++) {
        let best = -128;
        for (let fy = 0; fy < l.kh; fy++) {
          const inY = outY * l.sh - l.padT + fy;
          if (inY < 0 || inY >= l.inH) continue;
          for (let fx = 0; fx < l.kw; fx++) {
            const inX = outX * l.sw - l.padL + fx;
            if (inX < 0 || inX >= l.inW) continue;
            best = Math.max(best, input[(inY * l.inW + inX) * l.inC + c]!);
          }
        }
        out[(outY * l.outW + outX) * l.inC + c] = clamp(best, l.actMin, l.actMax);
      }
    }
  }
  return out;
}

/** int8 ADD parameters (TFLM ArithmeticParams). */
export type AddLayer = Pick<LayerDesc,
  'inOffset' | 'in2Offset' | 'outOffset' | 'leftShift' | 'in1Mult' | 'in1Shift' | 'in2Mult' | 'in2Shift' |
  'outMult' | 'outShift' | 'actMin' | 'actMax'>;

/** ADD int8, element-wise (TFLM AddFunc). */
export function add(p: AddLayer, in1: Int8Array, in2: Int8Array): Int8Array {
  if (in1.length !== in2.length) throw new Error('add: length mismatch');
  const out = new Int8Array(in1.length);
  const scale = 2 ** p.leftShift;
  for (let i = 0; i < in1.length; i++) {
    const a = Math.imul(in1[i]! + p.inOffset, scale);
    const b = Math.imul(in2[i]! + p.in2Offset, scale);
    const sa = multiplyByQuantizedMultiplier(a, p.in1Mult, p.in1Shift);
    const sb = multiplyByQuantizedMultiplier(b, p.in2Mult, p.in2Shift);
    const raw = multiplyByQuantizedMultiplier((sa + sb) | 0, p.outMult, p.outShift) + p.outOffset;
    out[i] = clamp(raw, p.actMin, p.actMax);
  }
  return out;
}

/** A fully-connected layer: weights [outC][inC], per-channel multipliers (per-tensor: all equal). */
export interface FcLayer extends ChannelQuant, Pick<LayerDesc, 'inC' | 'outC'> {
  weights: Int8Array;
}

/** FULLY_CONNECTED int8 for one input vector (TFLM FullyConnected / FullyConnectedPerChannel). */
export function fullyConnected(l: FcLayer, input: Int8Array): Int8Array {
  const out = new Int8Array(l.outC);
  for (let oc = 0; oc < l.outC; oc++) {
    let acc = 0;
    for (let d = 0; d < l.inC; d++) acc = (acc + l.weights[oc * l.inC + d]! * (input[d]! + l.inOffset)) | 0;
    if (l.bias) acc = (acc + l.bias[oc]!) | 0;
    const v = multiplyByQuantizedMultiplier(acc, l.mult[oc]!, l.shift[oc]!) + l.outOffset;
    out[oc] = clamp(v, l.actMin, l.actMax);
  }
  return out;
}

/** MEAN over H and W (keep_dims) parameters. */
export type MeanLayer = Pick<LayerDesc, 'inH' | 'inW' | 'inC' | 'inOffset' | 'outOffset' | 'outMult' | 'outShift'>;

/** MEAN int8 over axes [1, 2] (TFLM EvalIntegerMean: QuantizedMeanOrSum, for every int8 MEAN). */
export function mean(l: MeanLayer, input: Int8Array): Int8Array {
  const n = l.inH * l.inW;
  const sums = new Int32Array(l.inC);
  for (let p = 0; p < n; p++) for (let c = 0; c < l.inC; c++) sums[c] = sums[c]! + input[p * l.inC + c]!;
  const out = new Int8Array(l.inC);
  // Fold 1/n into the multiplier the way QuantizedMeanOrSum does.
  let s = 31 - Math.clz32(n); // floor(log2 n)
  s = Math.min(s, 32, 31 + l.outShift);
  const mult = Number((BigInt(l.outMult) * 2n ** BigInt(s)) / BigInt(n));
  const shift = l.outShift - s;
  const inZeroPoint = -l.inOffset;
  for (let c = 0; c < l.inC; c++) {
    const shiftedSum = (sums[c]! - inZeroPoint * n) | 0;
    const v = multiplyByQuantizedMultiplier(shiftedSum, mult, shift) + l.outOffset;
    out[c] = clamp(v, -128, 127);
  }
  return out;
}
