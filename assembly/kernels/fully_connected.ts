// int8 FULLY_CONNECTED as TFLM's reference_integer_ops::FullyConnected (per-tensor) and
// FullyConnectedPerChannel compute it, for one input vector:
//   acc = Σ_d filter[oc][d] * (input[d] + input_offset)     (filter zero point is 0: symmetric)
//   acc += bias[oc]
//   out  = clamp(MultiplyByQuantizedMultiplier(acc, mult[oc], shift[oc]) + output_offset,
//                act_min, act_max)
// Quantisation is always read per output channel from D_MULT / D_SHIFT; a per-tensor layer has all
// entries equal (see desc.ts). Several batches (rows) are several calls.

//
// This function is the reference (scalar, the C library's src/emit/c/msf_fully_connected.c is its
// port); fully_connected_simd.ts is the Wasm SIMD path, chosen when SIMD is on.

import {
  dget, D_IN_C, D_OUT_C, D_WEIGHTS, D_BIAS, D_MULT, D_SHIFT, D_IN_OFFSET, D_OUT_OFFSET, D_ACT_MIN, D_ACT_MAX,
} from './desc';
import { requantize } from './requantize';
import { dotScalar, simdEnabled } from './dot';
import { fullyConnectedSimd } from './fully_connected_simd';

/** out[oc] for oc < D_OUT_C from the D_IN_C int8 inputs at `input`. */
export function fullyConnected(desc: usize, input: usize, out: usize): void {
  if (simdEnabled()) {
    fullyConnectedSimd(desc, input, out);
    return;
  }
  const accumDepth = dget(desc, D_IN_C);
  const weights = <usize>dget(desc, D_WEIGHTS);
  const bias = <usize>dget(desc, D_BIAS);
  for (let oc = 0; oc < dget(desc, D_OUT_C); oc++) {
    let acc = dotScalar(input, weights + <usize>oc * <usize>accumDepth, accumDepth, dget(desc, D_IN_OFFSET));
    if (bias != 0) acc += load<i32>(bias + (<usize>oc << 2));
    const m = load<i32>(<usize>dget(desc, D_MULT) + (<usize>oc << 2));
    const s = load<i32>(<usize>dget(desc, D_SHIFT) + (<usize>oc << 2));
    store<i8>(out + <usize>oc, <i8>requantize(acc, m, s, dget(desc, D_OUT_OFFSET), dget(desc, D_ACT_MIN), dget(desc, D_ACT_MAX)));
  }
}
