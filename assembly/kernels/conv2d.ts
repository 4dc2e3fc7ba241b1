// int8 CONV_2D, per-channel quantised, as TFLM's reference_integer_ops::ConvPerChannel computes it
// (dilation 1): for every output pixel and output channel
//   acc = Σ over the filter taps inside the input, Σ over input channels of
//         filter[oc][ky][kx][ic] * (input[iy][ix][ic] + input_offset)
//   acc += bias[oc]
//   out  = clamp(MultiplyByQuantizedMultiplier(acc, mult[oc], shift[oc]) + output_offset,
//                act_min, act_max)
// Taps in the padding are skipped (they add nothing), exactly as TFLM's is_point_inside_image test.
//
// This file is the reference (scalar, the C library's src/emit/c/msf_conv.c is its port);
// conv2d_simd.ts is the Wasm SIMD path, chosen when SIMD is on. Both give the same bytes.

import { layer, storeChannel } from './layer';
import { dotScalar, simdEnabled } from './dot';
import { Window } from './window';
import { conv2dSimd } from './conv2d_simd';

/**
 * Computes the output pixels [oy0, oy1) x [ox0, ox1) of a CONV_2D layer (see window.ts for the
 * buffer contract).
 */
export function conv2d(desc: usize, win: Window): void {
  if (simdEnabled() && !win.wrapped()) conv2dSimd(desc, win);
  else conv2dScalar(desc, win);
}

/**
 * The reference: for a filter row, the valid taps read one contiguous run of
 * (kxEnd - kxStart) * inC bytes of the input row and of the filter row.
 */
function conv2dScalar(desc: usize, win: Window): void {
  const d = layer(desc);
  const inC = d.inC, outC = d.outC, kh = d.kh, kw = d.kw, weights = d.weights, inOffset = d.inOffset;
  const filterSize = kh * kw * inC; // bytes of one output channel's filter
  for (let oy = win.oy0; oy < win.oy1; oy++) {
    win.row(d, oy);
    for (let ox = win.ox0; ox < win.ox1; ox++) {
      win.col(d, ox);
      const run = (win.kxEnd - win.kxStart) * inC;
      const out = win.outAt(oy, ox, outC);
      for (let oc = 0; oc < outC; oc++) {
        let acc: i32 = 0;
        if (run > 0) {
          for (let ky = win.kyStart; ky < win.kyEnd; ky++) {
            const w = weights + <usize>(oc * filterSize + (ky * kw + win.kxStart) * inC);
            if (!win.wrapped()) acc += dotScalar(win.inAt(win.inY + ky, win.inX + win.kxStart, inC), w, run, inOffset);
            else {
              // A wrapped buffer: the row's taps are contiguous pixel by pixel only.
              for (let kx = win.kxStart; kx < win.kxEnd; kx++)
                acc += dotScalar(win.tapAt(win.inY + ky, win.inX + kx, inC), w + <usize>((kx - win.kxStart) * inC), inC, inOffset);
            }
          }
        }
        storeChannel(out, oc, acc, d);
      }
    }
  }
}
