// int8 MEAN and REDUCE_MAX over any set of axes of a tensor of rank <= 4 (TFLM's reference_ops
// Mean / QuantizedMeanOrSum and ReduceGeneric, as reduce_common.cc calls them for int8). The input
// is walked in its own order; each element goes to the output element whose index it has on the
// kept axes (D_AUX: input dims, output strides with 0 on reduced axes, n elements per output).
//   MEAN (QuantizedMeanOrSum, which TFLM runs for every int8 MEAN):
//       out = clamp(MultiplyByQuantizedMultiplier(sum - input_zp * n, mult', shift') + output_zp)
//     where (mult', shift') is QuantizeMultiplier(in_scale / out_scale) with 1 / n folded in as
//     TFLM folds it (src/runtime/lower-ops.ts foldMeanCount), in D_OUT_MULT / D_OUT_SHIFT.
//   REDUCE_MAX (same quantisation, checked at load): out = max of the raw values, starting at -128.
import { D_AUX, D_IN_OFFSET, D_OUT_C, D_OUT_H, D_OUT_MULT, D_OUT_OFFSET, D_OUT_SHIFT, D_OUT_W, dget } from './desc';
import { multiplyByQuantizedMultiplier } from './requantize';

function outCount(desc: usize): i32 {
  return dget(desc, D_OUT_H) * dget(desc, D_OUT_W) * dget(desc, D_OUT_C);
}

/**
 * One pass over the input: max (into the int8 output) or sum (into the int32 accumulators `acc`).
 */
function walk(desc: usize, input: usize, acc: usize, out: usize, max: bool): void {
  const p = <usize>dget(desc, D_AUX);
  const d0 = load<i32>(p), d1 = load<i32>(p + 4), d2 = load<i32>(p + 8), d3 = load<i32>(p + 12);
  const s0 = load<i32>(p + 16), s1 = load<i32>(p + 20), s2 = load<i32>(p + 24), s3 = load<i32>(p + 28);
  let x = input;
  for (let i0 = 0; i0 < d0; i0++)
    for (let i1 = 0; i1 < d1; i1++)
      for (let i2 = 0; i2 < d2; i2++) {
        let o = i0 * s0 + i1 * s1 + i2 * s2;
        for (let i3 = 0; i3 < d3; i3++) {
          const v = <i32>load<i8>(x);
          if (max) {
            const q = out + <usize>o;
            if (v > <i32>load<i8>(q)) store<i8>(q, <i8>v);
          } else {
            const a = acc + (<usize>o << 2);
            store<i32>(a, load<i32>(a) + v);
          }
          x++;
          o += s3;
        }
      }
}

/** MEAN; `acc`: int32 scratch of one accumulator per output element (any alignment). */
export function reduceMean(desc: usize, input: usize, acc: usize, out: usize): void {
  const count = outCount(desc);
  const n = load<i32>(<usize>dget(desc, D_AUX) + 32);
  memory.fill(acc, 0, <usize>count << 2);
  walk(desc, input, acc, out, false);
  const inputZeroPoint = -dget(desc, D_IN_OFFSET);
  const outputZeroPoint = dget(desc, D_OUT_OFFSET);
  const mult = dget(desc, D_OUT_MULT);
  const shift = dget(desc, D_OUT_SHIFT);
  for (let o = 0; o < count; o++) {
    const sum = load<i32>(acc + (<usize>o << 2));
    const v = multiplyByQuantizedMultiplier(sum - inputZeroPoint * n, mult, shift) + outputZeroPoint;
    store<i8>(out + <usize>o, <i8>min(max(v, -128), 127));
  }
}

/** REDUCE_MAX. */
export function reduceMax(desc: usize, input: usize, out: usize): void {
  memory.fill(out, 0x80, <usize>outCount(desc));
  walk(desc, input, 0, out, true);
}
