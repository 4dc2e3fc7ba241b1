// int8 DEPTHWISE_CONV_2D with depth multiplier 1, the Wasm SIMD path (depthwise_conv2d.ts holds the
// scalar reference and picks the path).
//
// Eight channels side by side: each tap is one 8-byte load of input and of filter widened to i16;
// two taps are interleaved lane by lane so that i32x4.dot_i16x8_s adds both products of a channel
// into the two i32x4 accumulators, and the eight results are requantised four at a time
// (requantize4Fast / requantize4, bit-identical). Fewer than eight leftover channels go scalar.
import {
  dget, D_IN_H, D_IN_W, D_IN_C, D_OUT_C, D_KH, D_KW, D_SH, D_SW, D_PAD_T, D_PAD_L, D_DEPTH_MULT,
  D_WEIGHTS, D_BIAS, D_MULT, D_SHIFT, D_IN_OFFSET, D_OUT_OFFSET, D_ACT_MIN, D_ACT_MAX, REQ_FAST4, REQ_SCALAR, REQ_SIMD4,
} from './desc';
import { requantMode, requantize, requantize4, requantize4Fast, store8 } from './requantize';
import { loadOffset8 } from './dot';

/** depthwiseConv2d with Wasm SIMD, depth multiplier 1 (the window and the shape are checked by the caller). */
export function depthwiseConv2dSimd(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32,
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
  // Eight channels per step with SIMD requantisation; a channel count that is not a multiple of
  // eight ends with a group overlapping the previous one (the same values are stored twice).
  // fast8 (the usual case) implies the conditions of requantize4, so its check comes first.
  const mode = inC >= 8 ? requantMode(desc, mults, shifts, outC, outOffset, actMin, actMax) : REQ_SCALAR;
  const fast8 = mode == REQ_FAST4;
  const simd8 = mode >= REQ_SIMD4;
  const outOffset4 = i32x4.splat(outOffset);
  const actMin4 = i32x4.splat(actMin);
  const actMax4 = i32x4.splat(actMax);
  const offset16 = i16x8.splat(<i16>inOffset);
  const inPixel = <usize>inC; // bytes between two horizontally adjacent input pixels
  const filterTap = <usize>outC; // bytes between two adjacent filter taps

  for (let oy = oy0; oy < oy1; oy++) {
    const inYOrigin = oy * strideH - padT;
    const kyStart = max(0, -inYOrigin);
    const kyEnd = min(kh, inH - inYOrigin);
    for (let ox = ox0; ox < ox1; ox++) {
      const inXOrigin = ox * strideW - padL;
      const kxStart = max(0, -inXOrigin);
      const kxEnd = min(kw, inW - inXOrigin);
      const out = outPtr + <usize>(((oy - outRow0) * outCols + (ox - outCol0)) * outC);

      let ic = 0;
      if (simd8) {
        const x0 = inPtr + <usize>(((inYOrigin - inRow0) * inCols + (inXOrigin - inCol0)) * inC);
        while (ic < inC) {
          const g = min(ic, inC - 8);
          let accLo = i32x4.splat(0);
          let accHi = i32x4.splat(0);
          for (let ky = kyStart; ky < kyEnd; ky++) {
            let x = x0 + <usize>((ky * inCols + kxStart) * inC + g);
            let w = weights + <usize>((ky * kw + kxStart) * outC + g);
            // Two taps at a time: interleaving their i16 lanes channel by channel lets one
            // i32x4.dot_i16x8_s add both products of four channels (cheaper than widening
            // multiplies); an odd last tap pairs with zero.
            let kx = kxStart;
            for (; kx + 2 <= kxEnd; kx += 2) {
              const xa = loadOffset8(x, offset16); // (input + input_offset), 8 x i16
              const xb = loadOffset8(x + inPixel, offset16);
              const wa = v128.load8x8_s(w); // 8 x i16
              const wb = v128.load8x8_s(w + filterTap);
              accLo = i32x4.add(accLo, i32x4.dot_i16x8_s(
                v128.shuffle<i16>(xa, xb, 0, 8, 1, 9, 2, 10, 3, 11), v128.shuffle<i16>(wa, wb, 0, 8, 1, 9, 2, 10, 3, 11)));
              accHi = i32x4.add(accHi, i32x4.dot_i16x8_s(
                v128.shuffle<i16>(xa, xb, 4, 12, 5, 13, 6, 14, 7, 15), v128.shuffle<i16>(wa, wb, 4, 12, 5, 13, 6, 14, 7, 15)));
              x += 2 * inPixel;
              w += 2 * filterTap;
            }
            if (kx < kxEnd) {
              const xa = loadOffset8(x, offset16);
              const wa = v128.load8x8_s(w);
              const zero = i16x8.splat(0);
              accLo = i32x4.add(accLo, i32x4.dot_i16x8_s(
                v128.shuffle<i16>(xa, zero, 0, 8, 1, 9, 2, 10, 3, 11), v128.shuffle<i16>(wa, zero, 0, 8, 1, 9, 2, 10, 3, 11)));
              accHi = i32x4.add(accHi, i32x4.dot_i16x8_s(
                v128.shuffle<i16>(xa, zero, 4, 12, 5, 13, 6, 14, 7, 15), v128.shuffle<i16>(wa, zero, 4, 12, 5, 13, 6, 14, 7, 15)));
            }
          }
          const q = <usize>g << 2;
          if (bias != 0) {
            accLo = i32x4.add(accLo, v128.load(bias + q));
            accHi = i32x4.add(accHi, v128.load(bias + q, 16));
          }
          const mLo = v128.load(mults + q);
          const mHi = v128.load(mults + q, 16);
          const sLo = v128.load(shifts + q);
          const sHi = v128.load(shifts + q, 16);
          if (fast8) {
            store8(out + <usize>g,
              requantize4Fast(accLo, mLo, sLo, outOffset4, actMin4, actMax4),
              requantize4Fast(accHi, mHi, sHi, outOffset4, actMin4, actMax4));
          } else {
            store8(out + <usize>g,
              requantize4(accLo, mLo, sLo, outOffset4, actMin4, actMax4),
              requantize4(accHi, mHi, sHi, outOffset4, actMin4, actMax4));
          }
          ic = g + 8;
        }
      } else {
        // Eight channels at a time (oc == ic).
        for (; ic + 8 <= inC; ic += 8) {
          let accLo = i32x4.splat(0);
          let accHi = i32x4.splat(0);
          for (let ky = kyStart; ky < kyEnd; ky++) {
            let x = inPtr + <usize>(((inYOrigin + ky - inRow0) * inCols + (inXOrigin + kxStart - inCol0)) * inC + ic);
            let w = weights + <usize>((ky * kw + kxStart) * outC + ic);
            for (let kx = kxStart; kx < kxEnd; kx++) {
              const inputVals = loadOffset8(x, offset16); // (input + input_offset), 8 x i16
              const filterVals = v128.load8x8_s(w); // 8 x i16
              accLo = i32x4.add(accLo, i32x4.extmul_low_i16x8_s(inputVals, filterVals));
              accHi = i32x4.add(accHi, i32x4.extmul_high_i16x8_s(inputVals, filterVals));
              x += inPixel;
              w += filterTap;
            }
          }
          if (bias != 0) {
            accLo = i32x4.add(accLo, v128.load(bias + (<usize>ic << 2)));
            accHi = i32x4.add(accHi, v128.load(bias + (<usize>ic << 2), 16));
          }
          const q = mults + (<usize>ic << 2);
          const s = shifts + (<usize>ic << 2);
          const o = out + <usize>ic;
          store<i8>(o, <i8>requantize(i32x4.extract_lane(accLo, 0), load<i32>(q), load<i32>(s), outOffset, actMin, actMax));
          store<i8>(o, <i8>requantize(i32x4.extract_lane(accLo, 1), load<i32>(q, 4), load<i32>(s, 4), outOffset, actMin, actMax), 1);
          store<i8>(o, <i8>requantize(i32x4.extract_lane(accLo, 2), load<i32>(q, 8), load<i32>(s, 8), outOffset, actMin, actMax), 2);
          store<i8>(o, <i8>requantize(i32x4.extract_lane(accLo, 3), load<i32>(q, 12), load<i32>(s, 12), outOffset, actMin, actMax), 3);
          store<i8>(o, <i8>requantize(i32x4.extract_lane(accHi, 0), load<i32>(q, 16), load<i32>(s, 16), outOffset, actMin, actMax), 4);
          store<i8>(o, <i8>requantize(i32x4.extract_lane(accHi, 1), load<i32>(q, 20), load<i32>(s, 20), outOffset, actMin, actMax), 5);
          store<i8>(o, <i8>requantize(i32x4.extract_lane(accHi, 2), load<i32>(q, 24), load<i32>(s, 24), outOffset, actMin, actMax), 6);
          store<i8>(o, <i8>requantize(i32x4.extract_lane(accHi, 3), load<i32>(q, 28), load<i32>(s, 28), outOffset, actMin, actMax), 7);
        }
      }
      // Remaining channels, scalar.
      for (; ic < inC; ic++) {
        for (let m = 0; m < depthMult; m++) {
          const oc = ic * depthMult + m;
          let acc: i32 = 0;
          for (let ky = kyStart; ky < kyEnd; ky++) {
            let x = inPtr + <usize>(((inYOrigin + ky - inRow0) * inCols + (inXOrigin + kxStart - inCol0)) * inC + ic);
            let w = weights + <usize>((ky * kw + kxStart) * outC + oc);
            for (let kx = kxStart; kx < kxEnd; kx++) {
              const inputVal: i32 = <i32>load<i8>(x);
              const filterVal: i32 = <i32>load<i8>(w);
              acc += filterVal * (inputVal + inOffset);
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
