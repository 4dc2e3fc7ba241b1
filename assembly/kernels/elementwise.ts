// Element-wise binary int8 ops with broadcasting, as TFLM's reference kernels compute each element:
// - ADD / SUB: reference_integer_ops AddFunc / SubFunc (the add.ts arithmetic, a difference for SUB)
// - MUL: reference_integer_ops MulElementwise:
//     out = clamp(MultiplyByQuantizedMultiplier((in1 + in1_offset) * (in2 + in2_offset),
//                 output_multiplier, output_shift) + output_offset, act_min, act_max)
// - MINIMUM / MAXIMUM: of the raw int8 values (inputs and output share one quantisation).
// The walk is TFLM's broadcast over 4-D: D_AUX holds 12 words, the output dims [d0..d3] then, per
// operand, its element stride along each output axis (0 where it broadcasts). An operand that is a
// constant lives at D_WEIGHTS (ELT_CONST_FIRST: it is operand 1).
import {
  D_ACT_MAX, D_ACT_MIN, D_AUX, D_IN1_MULT, D_IN1_SHIFT, D_IN2_MULT, D_IN2_OFFSET, D_IN2_SHIFT, D_IN_OFFSET, D_LEFT_SHIFT,
  D_OUT_MULT, D_OUT_OFFSET, D_OUT_SHIFT, D_SUBOP, D_WEIGHTS, ELT_ADD, ELT_CONST_FIRST, ELT_MAX, ELT_MIN, ELT_MUL, ELT_SUB, dget,
} from './desc';
import { multiplyByQuantizedMultiplier } from './requantize';

// @ts-ignore: decorator
@inline function aux(desc: usize, k: i32): i32 {
  return load<i32>(<usize>dget(desc, D_AUX) + (<usize>k << 2));
}

export function elementwise(desc: usize, in1: usize, in2: usize, out: usize): void {
  const sub = dget(desc, D_SUBOP);
  const kind = sub & 255;
  const weights = <usize>dget(desc, D_WEIGHTS);
  let a = in1;
  let b = in2;
  if ((sub & ELT_CONST_FIRST) != 0) {
    a = weights;
    b = in1;
  } else if (b == 0) b = weights;
  const off1 = dget(desc, D_IN_OFFSET);
  const off2 = dget(desc, D_IN2_OFFSET);
  const m1 = dget(desc, D_IN1_MULT);
  const s1 = dget(desc, D_IN1_SHIFT);
  const m2 = dget(desc, D_IN2_MULT);
  const s2 = dget(desc, D_IN2_SHIFT);
  const left = dget(desc, D_LEFT_SHIFT);
  const mOut = dget(desc, D_OUT_MULT);
  const sOut = dget(desc, D_OUT_SHIFT);
  const offOut = dget(desc, D_OUT_OFFSET);
  const lo = dget(desc, D_ACT_MIN);
  const hi = dget(desc, D_ACT_MAX);
  const d0 = aux(desc, 0), d1 = aux(desc, 1), d2 = aux(desc, 2), d3 = aux(desc, 3);
  const a0 = aux(desc, 4), a1 = aux(desc, 5), a2 = aux(desc, 6), a3 = aux(desc, 7);
  const b0 = aux(desc, 8), b1 = aux(desc, 9), b2 = aux(desc, 10), b3 = aux(desc, 11);
  let o = out;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        let pa = a + <usize>(i0 * a0 + i1 * a1 + i2 * a2);
        let pb = b + <usize>(i0 * b0 + i1 * b1 + i2 * b2);
        for (let i3 = 0; i3 < d3; i3++) {
          const x: i32 = <i32>load<i8>(pa);
          const y: i32 = <i32>load<i8>(pb);
          let v: i32 = 0;
          if (kind == ELT_MUL) {
            v = min(hi, max(lo, multiplyByQuantizedMultiplier((x + off1) * (y + off2), mOut, sOut) + offOut));
          } else if (kind == ELT_ADD || kind == ELT_SUB) {
            const sx = multiplyByQuantizedMultiplier((x + off1) * (1 << left), m1, s1);
            const sy = multiplyByQuantizedMultiplier((y + off2) * (1 << left), m2, s2);
            const raw = kind == ELT_ADD ? sx + sy : sx - sy;
            v = min(hi, max(lo, multiplyByQuantizedMultiplier(raw, mOut, sOut) + offOut));
          } else if (kind == ELT_MIN) v = min(x, y);
          else if (kind == ELT_MAX) v = max(x, y);
          else abort('elementwise: unknown function');
          store<i8>(o, <i8>v);
          o++;
          pa += <usize>a3;
          pb += <usize>b3;
        }
      }
    }
  }
}
