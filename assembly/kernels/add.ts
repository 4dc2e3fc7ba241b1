// int8 ADD (same shapes, no broadcast) as TFLM's reference_integer_ops::AddFunc computes it. Both
// inputs are brought to a common scale with 20 bits of headroom (left_shift = 20), summed, then
// scaled to the output:
//   v1  = (in1 + input1_offset) * 2^left_shift
//   v2  = (in2 + input2_offset) * 2^left_shift
//   s1  = MultiplyByQuantizedMultiplierSmallerThanOneExp(v1, input1_multiplier, input1_shift)
//   s2  = MultiplyByQuantizedMultiplierSmallerThanOneExp(v2, input2_multiplier, input2_shift)
//   out = clamp(MultiplyByQuantizedMultiplierSmallerThanOneExp(s1 + s2, output_multiplier,
//               output_shift) + output_offset, act_min, act_max)
// With shifts <= 0 (as TFLM's prepare guarantees), ...SmallerThanOneExp is the same arithmetic as
// MultiplyByQuantizedMultiplier.

import {
  dget, D_IN_OFFSET, D_IN2_OFFSET, D_IN1_MULT, D_IN1_SHIFT, D_IN2_MULT, D_IN2_SHIFT, D_LEFT_SHIFT,
  D_OUT_MULT, D_OUT_SHIFT, D_OUT_OFFSET, D_ACT_MIN, D_ACT_MAX,
} from './desc';
import { multiplyByQuantizedMultiplier } from './requantize';

/** out[i] = in1[i] + in2[i] in the quantised domain, for i < count. */
export function add(desc: usize, in1: usize, in2: usize, out: usize, count: i32): void {
  const input1Offset = dget(desc, D_IN_OFFSET);
  const input2Offset = dget(desc, D_IN2_OFFSET);
  const input1Multiplier = dget(desc, D_IN1_MULT);
  const input1Shift = dget(desc, D_IN1_SHIFT);
  const input2Multiplier = dget(desc, D_IN2_MULT);
  const input2Shift = dget(desc, D_IN2_SHIFT);
  const leftShift = dget(desc, D_LEFT_SHIFT);
  const outputMultiplier = dget(desc, D_OUT_MULT);
  const outputShift = dget(desc, D_OUT_SHIFT);
  const outputOffset = dget(desc, D_OUT_OFFSET);
  const actMin = dget(desc, D_ACT_MIN);
  const actMax = dget(desc, D_ACT_MAX);
  for (let i = 0; i < count; i++) {
    const input1Val: i32 = input1Offset + <i32>load<i8>(in1 + <usize>i);
    const input2Val: i32 = input2Offset + <i32>load<i8>(in2 + <usize>i);
    const shiftedInput1Val: i32 = input1Val * (1 << leftShift);
    const shiftedInput2Val: i32 = input2Val * (1 << leftShift);
    const scaledInput1Val = multiplyByQuantizedMultiplier(shiftedInput1Val, input1Multiplier, input1Shift);
    const scaledInput2Val = multiplyByQuantizedMultiplier(shiftedInput2Val, input2Multiplier, input2Shift);
    const rawSum: i32 = scaledInput1Val + scaledInput2Val;
    const rawOutput: i32 = multiplyByQuantizedMultiplier(rawSum, outputMultiplier, outputShift) + outputOffset;
    const clamped = min(actMax, max(actMin, rawOutput));
    store<i8>(out + <usize>i, <i8>clamped);
  }
}
