// int8 CONV_2D, per-channel quantised, as TFLM's reference_integer_ops::ConvPerChannel computes it
// (dilation 1): for every output pixel and output channel
//   acc = Σ over the filter taps inside the input, Σ over input channels of
//         filter[oc][ky][kx][ic] * (input[iy][ix][ic] + input_offset)
//   acc += bias[oc]
//   out  = clamp(MultiplyByQuantizedMultiplier(acc, mult[oc], shift[oc]) + output_offset,
//                act_min, act_max)
// Taps in the padding are skipped (they add nothing), exactly as TFLM's is_point_inside_image test.
//
// Layout: for a fixed filter row ky, the valid taps kx in [kxStart, kxEnd) read
// (kxEnd - kxStart) * inC consecutive bytes of the input row and of the filter row, so the
// channel inner product of a row is one contiguous run; the SIMD path computes four output
// channels per run (dot4Simd), sharing the widened input.

import {
  dget, D_IN_H, D_IN_W, D_IN_C, D_OUT_C, D_KH, D_KW, D_SH, D_SW, D_PAD_T, D_PAD_L,
  D_WEIGHTS, D_BIAS, D_MULT, D_SHIFT, D_IN_OFFSET, D_OUT_OFFSET, D_ACT_MIN, D_ACT_MAX,
} from './desc';
import { requantize } from './requantize';
import { dotScalar, dotSimd, dot4Simd, simdEnabled } from './dot';
import { checkWindow } from './window';

/**
 * Computes the output pixels [oy0, oy1) x [ox0, ox1) of a CONV_2D layer (see window.ts for the
 * buffer contract).
 */
export function conv2d(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): void {
  if (!checkWindow(desc, inRow0, inCol0, inRows, inCols, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1)) return;

  const inH = dget(desc, D_IN_H);
  const inW = dget(desc, D_IN_W);
  const inC = dget(desc, D_IN_C);
  const outC = dget(desc, D_OUT_C);
  const kh = dget(desc, D_KH);
  const kw = dget(desc, D_KW);
  const strideH = dget(desc, D_SH);
  const strideW = dget(desc, D_SW);
  const padT = dget(desc, D_PAD_T);
  const padL = dget(desc, D_PAD_L);
  const weights = <usize>dget(desc, D_WEIGHTS);
  const bias = <usize>dget(desc, D_BIAS);
  const mults = <usize>dget(desc, D_MULT);
  const shifts = <usize>dget(desc, D_SHIFT);
  const inOffset = dget(desc, D_IN_OFFSET);
  const outOffset = dget(desc, D_OUT_OFFSET);
  const actMin = dget(desc, D_ACT_MIN);
  const actMax = dget(desc, D_ACT_MAX);
  const simd = simdEnabled();

  const filterSize = kh * kw * inC; // bytes of one output channel's filter
  const inRowStride = <usize>(inCols * inC); // bytes between two rows of the input buffer
  const filterRowStride = <usize>(kw * inC); // bytes between two rows of one filter

  for (let oy = oy0; oy < oy1; oy++) {
    const inYOrigin = oy * strideH - padT;
    const kyStart = max(0, -inYOrigin);
    const kyEnd = min(kh, inH - inYOrigin);
    for (let ox = ox0; ox < ox1; ox++) {
      const inXOrigin = ox * strideW - padL;
      const kxStart = max(0, -inXOrigin);
      const kxEnd = min(kw, inW - inXOrigin);
      // Valid filter rows and the length of the contiguous run each of them reads.
      const rows = kyEnd > kyStart && kxEnd > kxStart ? kyEnd - kyStart : 0;
      const run = (kxEnd - kxStart) * inC;
      // First input byte and first filter byte (of output channel 0) of the first valid row.
      const inFirst = inPtr + <usize>(((inYOrigin + kyStart - inRow0) * inCols + (inXOrigin + kxStart - inCol0)) * inC);
      const filterFirst = weights + <usize>((kyStart * kw + kxStart) * inC);
      const out = outPtr + <usize>(((oy - outRow0) * outCols + (ox - outCol0)) * outC);

      let oc = 0;
      if (simd) {
        // Four output channels at a time.
        for (; oc + 4 <= outC; oc += 4) {
          let acc4 = i32x4.splat(0);
          const filter = filterFirst + <usize>(oc * filterSize);
          for (let r = 0; r < rows; r++) {
            acc4 = i32x4.add(acc4, dot4Simd(
              inFirst + <usize>r * inRowStride, filter + <usize>r * filterRowStride, <usize>filterSize, run, inOffset));
          }
          if (bias != 0) acc4 = i32x4.add(acc4, v128.load(bias + (<usize>oc << 2)));
          const q = mults + (<usize>oc << 2);
          const s = shifts + (<usize>oc << 2);
          store<i8>(out + <usize>oc, <i8>requantize(i32x4.extract_lane(acc4, 0), load<i32>(q), load<i32>(s), outOffset, actMin, actMax));
          store<i8>(out + <usize>oc, <i8>requantize(i32x4.extract_lane(acc4, 1), load<i32>(q, 4), load<i32>(s, 4), outOffset, actMin, actMax), 1);
          store<i8>(out + <usize>oc, <i8>requantize(i32x4.extract_lane(acc4, 2), load<i32>(q, 8), load<i32>(s, 8), outOffset, actMin, actMax), 2);
          store<i8>(out + <usize>oc, <i8>requantize(i32x4.extract_lane(acc4, 3), load<i32>(q, 12), load<i32>(s, 12), outOffset, actMin, actMax), 3);
        }
      }
      // Remaining output channels (all of them without SIMD), one at a time.
      for (; oc < outC; oc++) {
        let acc: i32 = 0;
        const filter = filterFirst + <usize>(oc * filterSize);
        for (let r = 0; r < rows; r++) {
          const x = inFirst + <usize>r * inRowStride;
          const w = filter + <usize>r * filterRowStride;
          acc += simd ? dotSimd(x, w, run, inOffset) : dotScalar(x, w, run, inOffset);
        }
        if (bias != 0) acc += load<i32>(bias + (<usize>oc << 2));
        const v = requantize(acc, load<i32>(mults + (<usize>oc << 2)), load<i32>(shifts + (<usize>oc << 2)), outOffset, actMin, actMax);
        store<i8>(out + <usize>oc, <i8>v);
      }
    }
  }
}
