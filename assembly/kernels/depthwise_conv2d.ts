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

import { layer, storeChannel } from './layer';
import { simdEnabled } from './dot';
import { Window } from './window';
import { depthwiseConv2dSimd } from './depthwise_conv2d_simd';

/**
 * Computes the output pixels [oy0, oy1) x [ox0, ox1) of a DEPTHWISE_CONV_2D layer (see window.ts
 * for the buffer contract).
 */
export function depthwiseConv2d(desc: usize, win: Window): void {
  const depthMult = layer(desc).depthMult;
  if (layer(desc).outC != layer(desc).inC * depthMult) {
    abort('depthwiseConv2d: output channels != input channels * depth multiplier');
    unreachable();
  }
  if (simdEnabled() && depthMult == 1 && !win.wrapped())
    depthwiseConv2dSimd(desc, win);
  else depthwiseConv2dScalar(desc, win);
}

/** The reference: one output channel at a time, tap by tap. */
function depthwiseConv2dScalar(desc: usize, win: Window): void {
  const d = layer(desc);
  const inC = d.inC, outC = d.outC, depthMult = d.depthMult, kw = d.kw, weights = d.weights, inOffset = d.inOffset;
  const inPixel = <usize>inC; // bytes between two horizontally adjacent input pixels
  const filterTap = <usize>outC; // bytes between two adjacent filter taps
  const inRowBytes = <usize>(win.inCols * inC), filterRowBytes = <usize>(kw * outC);
  for (let oy = win.oy0; oy < win.oy1; oy++) {
    win.row(d, oy);
    for (let ox = win.ox0; ox < win.ox1; ox++) {
      win.col(d, ox);
      const out = win.outAt(oy, ox, outC);
      const filterFirst = weights + <usize>((win.kyStart * kw + win.kxStart) * outC);
      if (win.wrapped()) {
        // A wrapped buffer: each tap's pixel is addressed on its own.
        for (let oc = 0; oc < outC; oc++) {
          const ic = oc / depthMult;
          let acc: i32 = 0;
          for (let ky = win.kyStart; ky < win.kyEnd; ky++)
            for (let kx = win.kxStart; kx < win.kxEnd; kx++)
              acc += <i32>load<i8>(weights + <usize>((ky * kw + kx) * outC + oc)) * (<i32>load<i8>(win.tapAt(win.inY + ky, win.inX + kx, inC) + <usize>ic) + inOffset);
          storeChannel(out, oc, acc, d);
        }
        continue;
      }
      const first = win.inAt(win.inY + win.kyStart, win.inX + win.kxStart, inC);
      for (let ic = 0; ic < inC; ic++) {
        for (let m = 0; m < depthMult; m++) {
          const oc = ic * depthMult + m;
          const acc = depthwiseTaps(first + <usize>ic, filterFirst + <usize>oc, win.kyEnd - win.kyStart, win.kxEnd - win.kxStart, inRowBytes, filterRowBytes, inPixel, filterTap, inOffset);
          storeChannel(out, oc, acc, d);
        }
      }
    }
  }
}

/**
 * One output channel's sum over a clipped window of `rows` x `cols` taps: x is the first tap's input
 * byte (of the channel), w its filter byte; rows advance by the row strides, taps by the pixel strides.
 */
// @ts-ignore: decorator
@inline export function depthwiseTaps(
  x: usize, w: usize, rows: i32, cols: i32,
  inRowBytes: usize, filterRowBytes: usize, inPixel: usize, filterTap: usize, inOffset: i32,
): i32 {
  let acc: i32 = 0;
  for (let r = 0; r < rows; r++) {
    let xp = x + <usize>r * inRowBytes;
    let wp = w + <usize>r * filterRowBytes;
    for (let c = 0; c < cols; c++) {
      acc += <i32>load<i8>(wp) * (<i32>load<i8>(xp) + inOffset);
      xp += inPixel;
      wp += filterTap;
    }
  }
  return acc;
}
