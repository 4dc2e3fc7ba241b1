/**
 * TensorFlow Lite Micro's prepare-time quantisation arithmetic, in TypeScript: the integer
 * multipliers, shifts, offsets and clamps the int8 kernels (assembly/kernels) are given in their
 * descriptor. Each function follows the TFLM code path step by step, including where TFLM works in
 * float32 and where in double:
 * - QuantizeMultiplier                 tensorflow/lite/kernels/internal/quantization_util.cc
 * - per-channel conv / FC multipliers  kernel_util.cc PopulateConvolutionQuantizationParams,
 *                                      fully_connected_common.cc
 * - activation range                   kernel_util.cc CalculateActivationRangeQuantized
 * - ADD                                micro/kernels/add_common.cc CalculateOpDataAdd
 * - MEAN                               micro/kernels/reduce_common.cc PrepareMeanOrSumHelper
 * Scales are float32 in a .tflite file; every scale given here is first rounded to float32
 * (Math.fround), so passing a double such as 0.1 yields what TFLM computes for 0.1f.
 */

/** A fixed-point multiplier: real ≈ multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) or 0. */
export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

/** The fused activations TFLM's CalculateActivationRangeQuantized distinguishes. */
export type FusedActivation = 'none' | 'relu' | 'relu6' | 'relu_n1_to_1';

const INT32_MAX = 0x7fffffff;
const TWO_31 = 2 ** 31;

/** C's round() / std::round: to nearest, ties away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

const frexpView = new DataView(new ArrayBuffer(8));

/**
 * std::frexp: x = fraction * 2^exponent with |fraction| in [0.5, 1); (0, 0) for 0. Exact, via the
 * IEEE-754 bits (subnormals included).
 */
export function frexp(x: number): { fraction: number; exponent: number } {
  if (x === 0 || !Number.isFinite(x)) return { fraction: x, exponent: 0 };
  let extra = 0;
  if (Math.abs(x) < 2 ** -1022) {
    // Subnormal: scale into the normal range first (exact).
    x *= 2 ** 64;
    extra = -64;
  }
  frexpView.setFloat64(0, x);
  const hi = frexpView.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  // Replace the exponent by 1022 (-> |fraction| in [0.5, 1)).
  frexpView.setUint32(0, (hi & 0x800fffff) | (1022 << 20));
  return { fraction: frexpView.getFloat64(0), exponent: biased - 1022 + extra };
}

/**
 * TFLM's QuantizeMultiplier(double) in the default build (TFLITE_SINGLE_ROUNDING off):
 * q = frexp(x), q_fixed = round(q * 2^31); q_fixed == 2^31 becomes 2^30 with shift + 1; shifts
 * below -31 flush to (0, 0).
 */
export function quantizeMultiplier(realMultiplier: number): QuantizedMultiplier {
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  if (!Number.isFinite(realMultiplier)) throw new Error(`quantizeMultiplier: ${realMultiplier} is not finite`);
  const { fraction, exponent } = frexp(realMultiplier);
  let shift = exponent;
  let qFixed = roundHalfAway(fraction * TWO_31); // exact: fraction has 53 bits
  if (qFixed > TWO_31) throw new Error(`quantizeMultiplier: q_fixed ${qFixed} > 2^31`);
  if (qFixed === TWO_31) {
    qFixed /= 2;
    shift += 1;
  }
  if (qFixed > INT32_MAX) throw new Error(`quantizeMultiplier: q_fixed ${qFixed} > INT32_MAX`);
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  return { multiplier: qFixed, shift };
}

/** TFLM's QuantizeMultiplierSmallerThanOneExp: 0 < x < 1, shift <= 0. */
export function quantizeMultiplierSmallerThanOneExp(realMultiplier: number): QuantizedMultiplier {
  if (!(realMultiplier < 1 && realMultiplier > 0)) {
    throw new Error(`quantizeMultiplierSmallerThanOneExp: ${realMultiplier} is not in (0, 1)`);
  }
  const q = quantizeMultiplier(realMultiplier);
  if (q.shift > 0) throw new Error(`quantizeMultiplierSmallerThanOneExp: shift ${q.shift} > 0`);
  return q;
}

/** Per-output-channel multipliers and shifts, as Int32Arrays ready for D_MULT / D_SHIFT. */
export interface ChannelMultipliers {
  mult: Int32Array;
  shift: Int32Array;
}

/**
 * CONV_2D / DEPTHWISE_CONV_2D (and per-channel FULLY_CONNECTED): for each output channel,
 * effective_scale = (double)input_scale * (double)filter_scale[c] / (double)output_scale,
 * then QuantizeMultiplier. A single filter scale (per-tensor) is broadcast to all channels.
 */
export function convPerChannelMultipliers(
  inputScale: number,
  filterScales: ArrayLike<number>,
  outputScale: number,
  numChannels: number,
): ChannelMultipliers {
  if (filterScales.length !== 1 && filterScales.length !== numChannels) {
    throw new Error(`convPerChannelMultipliers: ${filterScales.length} filter scales for ${numChannels} channels`);
  }
  const inS = Math.fround(inputScale);
  const outS = Math.fround(outputScale);
  const mult = new Int32Array(numChannels);
  const shift = new Int32Array(numChannels);
  for (let c = 0; c < numChannels; c++) {
    const filterScale = Math.fround(filterScales.length === 1 ? filterScales[0]! : filterScales[c]!);
    const effectiveOutputScale = (inS * filterScale) / outS;
    const q = quantizeMultiplier(effectiveOutputScale);
    mult[c] = q.multiplier;
    shift[c] = q.shift;
  }
  return { mult, shift };
}

/**
 * Per-tensor FULLY_CONNECTED: TFLM's GetQuantizedConvolutionMultipler forms the product
 * input_scale * filter_scale in float32, widens it to double and divides by the output scale.
 */
export function fullyConnectedMultiplier(inputScale: number, filterScale: number, outputScale: number): QuantizedMultiplier {
  const inputProductScale = Math.fround(Math.fround(inputScale) * Math.fround(filterScale));
  if (!(inputProductScale >= 0)) throw new Error('fullyConnectedMultiplier: negative input product scale');
  return quantizeMultiplier(inputProductScale / Math.fround(outputScale));
}

/**
 * FULLY_CONNECTED multipliers in the kernel's convention (desc.ts: always per output channel):
 * one filter scale takes TFLM's per-tensor path and is repeated outC times; outC scales take the
 * per-channel path.
 */
export function fullyConnectedMultipliers(
  inputScale: number,
  filterScales: ArrayLike<number>,
  outputScale: number,
  numChannels: number,
): ChannelMultipliers {
  if (filterScales.length > 1) return convPerChannelMultipliers(inputScale, filterScales, outputScale, numChannels);
  const q = fullyConnectedMultiplier(inputScale, filterScales[0]!, outputScale);
  return { mult: new Int32Array(numChannels).fill(q.multiplier), shift: new Int32Array(numChannels).fill(q.shift) };
}

/**
 * TFLM's CalculateActivationRangeQuantized for an int8 output (qmin -128, qmax 127 by default).
 * A real bound f is quantised as zero_point + (int)round_f32(f / scale), the division and the
 * rounding in float32.
 */
export function activationRange(
  activation: FusedActivation,
  outputScale: number,
  outputZeroPoint: number,
  qmin = -128,
  qmax = 127,
): { actMin: number; actMax: number } {
  const scale = Math.fround(outputScale);
  const quantize = (f: number): number => {
    const tmp = roundHalfAway(Math.fround(Math.fround(f) / scale));
    if (!(tmp >= -TWO_31 && tmp < TWO_31)) throw new Error(`activationRange: ${f} / ${scale} overflows int32`);
    return outputZeroPoint + tmp;
  };
  switch (activation) {
    case 'relu':
      return { actMin: Math.max(qmin, quantize(0)), actMax: qmax };
    case 'relu6':
      return { actMin: Math.max(qmin, quantize(0)), actMax: Math.min(qmax, quantize(6)) };
    case 'relu_n1_to_1':
      return { actMin: Math.max(qmin, quantize(-1)), actMax: Math.min(qmax, quantize(1)) };
    case 'none':
      return { actMin: qmin, actMax: qmax };
  }
}

/** The int8 ADD parameters, named after the descriptor fields they fill. */
export interface AddParams {
  inOffset: number; // -(input1 zero point) -> D_IN_OFFSET
  in2Offset: number; // -(input2 zero point)
  outOffset: number;
  leftShift: number;
  in1Mult: number;
  in1Shift: number;
  in2Mult: number;
  in2Shift: number;
  outMult: number;
  outShift: number;
  actMin: number;
  actMax: number;
}

/**
 * TFLM's int8 ADD prepare (CalculateOpDataAdd): left_shift 20;
 * twice_max_input_scale = 2 * (double)max(s1, s2) (max taken in float32);
 * real_input{1,2}_multiplier = s{1,2} / twice_max_input_scale;
 * real_output_multiplier = twice_max_input_scale / (2^20 * s_out);
 * each through QuantizeMultiplierSmallerThanOneExp; the clamp from the fused activation.
 */
export function addParams(
  input1: { scale: number; zeroPoint: number },
  input2: { scale: number; zeroPoint: number },
  output: { scale: number; zeroPoint: number },
  activation: FusedActivation = 'none',
): AddParams {
  const s1 = Math.fround(input1.scale);
  const s2 = Math.fround(input2.scale);
  const sOut = Math.fround(output.scale);
  const leftShift = 20;
  const twiceMaxInputScale = 2 * Math.max(s1, s2);
  const realInput1Multiplier = s1 / twiceMaxInputScale;
  const realInput2Multiplier = s2 / twiceMaxInputScale;
  const realOutputMultiplier = twiceMaxInputScale / ((1 << leftShift) * sOut);
  const q1 = quantizeMultiplierSmallerThanOneExp(realInput1Multiplier);
  const q2 = quantizeMultiplierSmallerThanOneExp(realInput2Multiplier);
  const qOut = quantizeMultiplierSmallerThanOneExp(realOutputMultiplier);
  const { actMin, actMax } = activationRange(activation, output.scale, output.zeroPoint);
  return {
    inOffset: -input1.zeroPoint,
    in2Offset: -input2.zeroPoint,
    outOffset: output.zeroPoint,
    leftShift,
    in1Mult: q1.multiplier,
    in1Shift: q1.shift,
    in2Mult: q2.multiplier,
    in2Shift: q2.shift,
    outMult: qOut.multiplier,
    outShift: qOut.shift,
    actMin,
    actMax,
  };
}

/** The int8 MEAN (axes [1, 2]) parameters, named after the descriptor fields they fill. */
export interface MeanParams {
  inOffset: number; // -(input zero point)
  outOffset: number; // output zero point
  outMult: number; // QuantizeMultiplier(in_scale / out_scale); the kernel folds in 1 / (H*W)
  outShift: number;
}

/**
 * TFLM's int8 MEAN prepare: multiplier and shift of (double)in_scale / (double)out_scale. At eval
 * time TFLM (tflite-micro @ 90b983c2) runs QuantizedMeanOrSum for every int8 MEAN, also when input
 * and output share their quantisation: it rounds the mean, it never truncates a plain sum / count
 * (test/ops-tflm.test.ts checks both against TFLM).
 */
export function meanParams(input: { scale: number; zeroPoint: number }, output: { scale: number; zeroPoint: number }): MeanParams {
  const inS = Math.fround(input.scale);
  const outS = Math.fround(output.scale);
  const q = quantizeMultiplier(inS / outS);
  return {
    inOffset: -input.zeroPoint,
    outOffset: output.zeroPoint,
    outMult: q.multiplier,
    outShift: q.shift,
  };
}
