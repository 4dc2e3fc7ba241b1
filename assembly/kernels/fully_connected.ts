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

import { layer, storeChannel } from './layer';
import { dotScalar, simdEnabled } from './dot';
import { fullyConnectedSimd } from './fully_connected_simd';

/** out[oc] for oc < D_OUT_C from the D_IN_C int8 inputs at `input`. */
export function fullyConnected(desc: usize, input: usize, out: usize): void {
  if (simdEnabled()) {
    fullyConnectedSimd(desc, input, out);
    return;
  }
  const d = layer(desc);
  const accumDepth = d.inC;
  for (let oc = 0; oc < d.outC; oc++) {
    const acc = dotScalar(input, d.weights + <usize>oc * <usize>accumDepth, accumDepth, d.inOffset);
    storeChannel(out, oc, acc, d);
  }
}
