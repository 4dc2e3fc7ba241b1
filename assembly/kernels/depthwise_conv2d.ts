// int8 DEPTHWISE_CONV_2D, per-channel quantised, as TFLM's
// reference_integer_ops::DepthwiseConvPerChannel computes it (dilation 1). Output channel
// oc = ic * depth_multiplier + m reads input channel ic only:
//   acc = Σ over the filter taps inside the input of filter[ky][kx][oc] * (input[iy][ix][ic] + input_offset)
//   acc += bias[oc]
//   out  = clamp(MultiplyByQuantizedMultiplier(acc, mult[oc], shift[oc]) + output_offset,
//                act_min, act_max)
// Filter layout [kh][kw][outC] (TFLite's [1][kh][kw][outC]).
//
// This file is the reference (scalar, the C library's src/emit/c/msf_depthwise.c is its port);
// depthwise_conv2d_simd.ts is the Wasm SIMD path for depth multiplier 1, chosen when SIMD is on.
// Both give the same bytes.

import {
  dget, D_IN_H, D_IN_W, D_IN_C, D_OUT_C, D_KH, D_KW, D_SH, D_SW, D_PAD_T, D_PAD_L, D_DEPTH_MULT,
  D_WEIGHTS, D_BIAS, D_MULT, D_SHIFT, D_IN_OFFSET, D_OUT_OFFSET, D_ACT_MIN, D_ACT_MAX,
} from './desc';
import { requantize } from './requantize';
import { simdEnabled } from './dot';
import { checkWindow } from './window';
import { depthwiseConv2dSimd } from './depthwise_conv2d_simd';

/**
 * Computes the output pixels [oy0, oy1) x [ox0, ox1) of a DEPTHWISE_CONV_2D layer (see window.ts
 * for the buffer contract).
 */
export function depthwiseConv2d(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): void {
  if (!checkWindow(desc, inRow0, inCol0, inRows, inCols, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1)) return;
  const depthMult = dget(desc, D_DEPTH_MULT);
  if (dget(desc, D_OUT_C) != dget(desc, D_IN_C) * depthMult) {
    abort('depthwiseConv2d: output channels != input channels * depth multiplier');
    unreachable();
  }
  if (simdEnabled() && depthMult == 1)
    depthwiseConv2dSimd(desc, inPtr, inRow0, inCol0, inRows, inCols, outPtr, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1);
  else depthwiseConv2dScalar(desc, inPtr, inRow0, inCol0, inCols, outPtr, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1);
}

/** The reference: one output channel at a time, tap by tap. */
function depthwiseConv2dScalar(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inCols: i32,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): void {
  const inH = dget(desc, D_IN_H);
  const inW = dget(desc, D_IN_W);
  const inC = dget(desc, D_IN_C);
  const outC = dget(desc, D_OUT_C);
  const depthMult = dget(desc, D_DEPTH_MULT);
  const kh = dget(desc, D_KH);
  const kw = dget(desc, D_KW);
  const weights = <usize>dget(desc, D_WEIGHTS);
  const bias = <usize>dget(desc, D_BIAS);
  const mults = <usize>dget(desc, D_MULT);
  const shifts = <usize>dget(desc, D_SHIFT);
  const inOffset = dget(desc, D_IN_OFFSET);
  const outOffset = dget(desc, D_OUT_OFFSET);
  const actMin = dget(desc, D_ACT_MIN);
  const actMax = dget(desc, D_ACT_MAX);
  const inPixel = <usize>inC; // bytes between two horizontally adjacent input pixels
  const filterTap = <usize>outC; // bytes between two adjacent filter taps
  for (let oy = oy0; oy < oy1; oy++) {
    const inYOrigin = oy * dget(desc, D_SH) - dget(desc, D_PAD_T);
    const kyStart = max(0, -inYOrigin);
    const kyEnd = min(kh, inH - inYOrigin);
    for (let ox = ox0; ox < ox1; ox++) {
      const inXOrigin = ox * dget(desc, D_SW) - dget(desc, D_PAD_L);
      const kxStart = max(0, -inXOrigin);
      const kxEnd = min(kw, inW - inXOrigin);
      const out = outPtr + <usize>(((oy - outRow0) * outCols + (ox - outCol0)) * outC);
      for (let ic = 0; ic < inC; ic++) {
        for (let m = 0; m < depthMult; m++) {
          const oc = ic * depthMult + m;
          let acc: i32 = 0;
          for (let ky = kyStart; ky < kyEnd; ky++) {
            let x = inPtr + <usize>(((inYOrigin + ky - inRow0) * inCols + (inXOrigin + kxStart - inCol0)) * inC + ic);
            let w = weights + <usize>((ky * kw + kxStart) * outC + oc);
            for (let kx = kxStart; kx < kxEnd; kx++) {
              acc += <i32>load<i8>(w) * (<i32>load<i8>(x) + inOffset);
              x += inPixel;
              w += filterTap;
            }
          }
          if (bias != 0) acc += load<i32>(bias + (<usize>oc << 2));
          const v = requantize(acc, load<i32>(mults + (<usize>oc << 2)), load<i32>(shifts + (<usize>oc << 2)), outOffset, actMin, actMax);
          store<i8>(out + <usize>oc, <i8>v);
        }
      }
    }
  }
}
