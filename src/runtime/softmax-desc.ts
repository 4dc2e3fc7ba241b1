/**
 * Descriptor fields of an int8 SOFTMAX (assembly/kernels/softmax.ts), as TFLM's prepare
 * (micro/kernels/softmax_common.cc CalculateSoftmaxParams, int8 input) computes them with
 * kScaledDiffIntegerBits = 5, in the default build (TFLITE_SINGLE_ROUNDING off):
 * - PreprocessSoftmaxScaling: real = min(beta * input_scale * 2^(31 - 5), 2^31 - 1) in double
 *   (beta and the scale are float32 widened to double), then QuantizeMultiplierGreaterThanOne
 *   (real > 1, shift >= 0) -> input_multiplier, input_left_shift
 * - CalculateInputRadius: floor((2^5 - 1) * 2^(31 - 5) / 2^input_left_shift); diff_min = -radius
 * The kernel reads them from the ADD words: D_IN1_MULT = input_multiplier,
 * D_IN1_SHIFT = input_left_shift, D_IN2_MULT = diff_min.
 */
import type { LayerDesc } from './desc.js';
import { quantizeMultiplier } from './quantize.js';

const SCALED_DIFF_INTEGER_BITS = 5;

export interface SoftmaxParams {
  inputMultiplier: number;
  inputLeftShift: number;
  diffMin: number;
}

export function softmaxParams(beta: number, inputScale: number): SoftmaxParams {
  const b = Math.fround(beta);
  const s = Math.fround(inputScale);
  const real = Math.min(b * s * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  if (!(real > 1)) throw new RangeError(`softmax: beta * input_scale * 2^26 = ${real} must exceed 1 (TFLM's QuantizeMultiplierGreaterThanOne)`);
  const q = quantizeMultiplier(real);
  if (q.shift < 0) throw new RangeError(`softmax: input left shift ${q.shift} < 0`);
  const maxInputRescaled = ((2 ** SCALED_DIFF_INTEGER_BITS - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** q.shift;
  const radius = Math.floor(maxInputRescaled);
  return { inputMultiplier: q.multiplier, inputLeftShift: q.shift, diffMin: -radius | 0 };
}

export function softmaxDesc(beta: number, inputScale: number): Partial<LayerDesc> {
  const p = softmaxParams(beta, inputScale);
  return { in1Mult: p.inputMultiplier, in1Shift: p.inputLeftShift, in2Mult: p.diffMin };
}
