// int8 MEAN over axes [1, 2] (height and width, keep_dims) — global average pooling — as TFLM's
// EvalIntegerMean computes it, split so that a caller can feed the input a few pixels at a time:
//   meanInit      acc[c] = 0
//   meanAccumulate acc[c] += input[p][c] for every pixel p given (raw int8 values, int32 wrapping)
//   meanFinalize  with n = H * W, reference_ops::QuantizedMeanOrSum, which TFLM (tflite-micro @
//       90b983c2) runs for every int8 MEAN, also when input and output share scale and zero
//       point (then the multiplier is 1), with the prepare-time multiplier
//       (D_OUT_MULT, D_OUT_SHIFT) = QuantizeMultiplier(in_scale / out_scale), into which it folds
//       1 / n at eval time:
//         s     = min(floor(log2 n), 32, 31 + shift)
//         mult' = (mult << s) / n   (64-bit, truncating),  shift' = shift - s
//         out[c] = clamp(MultiplyByQuantizedMultiplier(acc[c] - input_zp * n, mult', shift')
//                        + output_zp, -128, 127)

import {
  dget, D_IN_H, D_IN_W, D_IN_C, D_IN_OFFSET, D_OUT_OFFSET, D_OUT_MULT, D_OUT_SHIFT,
} from './desc';
import { multiplyByQuantizedMultiplier } from './requantize';

/** Zeroes the int32[C] accumulator. */
export function meanInit(desc: usize, acc: usize): void {
  const depth = dget(desc, D_IN_C);
  memory.fill(acc, 0, <usize>depth << 2);
}

/** Adds `pixels` consecutive input pixels ([pixels][C] int8) into the int32[C] accumulator. */
export function meanAccumulate(desc: usize, acc: usize, input: usize, pixels: i32): void {
  const depth = dget(desc, D_IN_C);
  let x = input;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < depth; c++) {
      const a = acc + (<usize>c << 2);
      store<i32>(a, load<i32>(a) + <i32>load<i8>(x + <usize>c));
    }
    x += <usize>depth;
  }
}

/** Writes the C int8 means from the accumulator of all H * W pixels. */
export function meanFinalize(desc: usize, acc: usize, out: usize): void {
  const depth = dget(desc, D_IN_C);
  const numElementsInAxis = dget(desc, D_IN_H) * dget(desc, D_IN_W);
  if (numElementsInAxis <= 0) return;
  const inputZeroPoint = -dget(desc, D_IN_OFFSET);
  const outputZeroPoint = dget(desc, D_OUT_OFFSET);
  let outputMultiplier = dget(desc, D_OUT_MULT);
  let outputShift = dget(desc, D_OUT_SHIFT);
  // Fold 1 / n into the multiplier: shift = floor(log2 n), clamped so that the product cannot
  // overflow and the final right shift stays within 31.
  let shift: i32 = 31 - <i32>clz<u32>(<u32>numElementsInAxis);
  shift = min(shift, 32);
  shift = min(shift, 31 + outputShift);
  outputMultiplier = <i32>((<i64>outputMultiplier << <i64>shift) / <i64>numElementsInAxis);
  outputShift = outputShift - shift;
  for (let c = 0; c < depth; c++) {
    // acc - input_zp * n, computed in 64 bits by TFLM and narrowed to int32: the same as wrapping
    // int32 arithmetic.
    const shiftedSum: i32 = load<i32>(acc + (<usize>c << 2)) - inputZeroPoint * numElementsInAxis;
    let output = multiplyByQuantizedMultiplier(shiftedSum, outputMultiplier, outputShift) + outputZeroPoint;
    output = min(max(output, -128), 127);
    store<i8>(out + <usize>c, <i8>output);
  }
}
