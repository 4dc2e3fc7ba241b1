// int8 DEPTHWISE_CONV_2D with depth multiplier 1, the Wasm SIMD path (depthwise_conv2d.ts holds the
// scalar reference and picks the path).
//
// Eight channels side by side: each tap is one 8-byte load of input and of filter widened to i16;
// two taps are interleaved lane by lane so that i32x4.dot_i16x8_s adds both products of a channel
// into the two i32x4 accumulators, and the eight results are requantised four at a time
// (requantize4Fast / requantize4, bit-identical). Fewer than eight leftover channels go scalar.
import { REQ_FAST4, REQ_SCALAR, REQ_SIMD4 } from './desc';
import { Window } from './window';
import { layer, storeChannel, storeChannels4 } from './layer';
import { requantMode, requantize4, requantize4Fast, store8 } from './requantize';
import { depthwiseTaps } from './depthwise_conv2d';
import { loadOffset8 } from './dot';

/** depthwiseConv2d with Wasm SIMD, depth multiplier 1 (the window and the shape are checked by the caller). */
export function depthwiseConv2dSimd(desc: usize, win: Window): void {
  const d = layer(desc);
  const inCols = win.inCols;
  // Eight channels per step with SIMD requantisation; a channel count that is not a multiple of
  // eight ends with a group overlapping the previous one (the same values are stored twice).
  // fast8 (the usual case) implies the conditions of requantize4, so its check comes first.
  const mode = d.inC >= 8 ? requantMode(desc) : REQ_SCALAR;
  const fast8 = mode == REQ_FAST4;
  const simd8 = mode >= REQ_SIMD4;
  const outOffset4 = i32x4.splat(d.outOffset);
  const actMin4 = i32x4.splat(d.actMin);
  const actMax4 = i32x4.splat(d.actMax);
  const offset16 = i16x8.splat(<i16>d.inOffset);
  const inPixel = <usize>d.inC; // bytes between two horizontally adjacent input pixels
  const filterTap = <usize>d.outC; // bytes between two adjacent filter taps
  const inRowBytes = <usize>(inCols * d.inC), filterRowBytes = <usize>(d.kw * d.outC);

  for (let oy = win.oy0; oy < win.oy1; oy++) {
    win.row(d, oy);
    for (let ox = win.ox0; ox < win.ox1; ox++) {
      win.col(d, ox);
      const out = win.outAt(oy, ox, d.outC);

      const x0 = win.inAt(win.inY, win.inX, d.inC); // the window's (unclipped) first pixel
      let ic = 0;
      if (simd8) {
        while (ic < d.inC) {
          const g = min(ic, d.inC - 8);
          let accLo = i32x4.splat(0);
          let accHi = i32x4.splat(0);
          for (let ky = win.kyStart; ky < win.kyEnd; ky++) {
            let x = x0 + <usize>((ky * inCols + win.kxStart) * d.inC + g);
            let w = d.weights + <usize>((ky * d.kw + win.kxStart) * d.outC + g);
            // Two taps at a time: interleaving their i16 lanes channel by channel lets one
            // i32x4.dot_i16x8_s add both products of four channels (cheaper than widening
            // multiplies); an odd last tap pairs with zero.
            let kx = win.kxStart;
            for (; kx + 2 <= win.kxEnd; kx += 2) {
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
            if (kx < win.kxEnd) {
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
          if (d.bias != 0) {
            accLo = i32x4.add(accLo, v128.load(d.bias + q));
            accHi = i32x4.add(accHi, v128.load(d.bias + q, 16));
          }
          const mLo = v128.load(d.mults + q);
          const mHi = v128.load(d.mults + q, 16);
          const sLo = v128.load(d.shifts + q);
          const sHi = v128.load(d.shifts + q, 16);
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
        for (; ic + 8 <= d.inC; ic += 8) {
          let accLo = i32x4.splat(0);
          let accHi = i32x4.splat(0);
          for (let ky = win.kyStart; ky < win.kyEnd; ky++) {
            let x = x0 + <usize>((ky * inCols + win.kxStart) * d.inC + ic);
            let w = d.weights + <usize>((ky * d.kw + win.kxStart) * d.outC + ic);
            for (let kx = win.kxStart; kx < win.kxEnd; kx++) {
              const inputVals = loadOffset8(x, offset16); // (input + input_offset), 8 x i16
              const filterVals = v128.load8x8_s(w); // 8 x i16
              accLo = i32x4.add(accLo, i32x4.extmul_low_i16x8_s(inputVals, filterVals));
              accHi = i32x4.add(accHi, i32x4.extmul_high_i16x8_s(inputVals, filterVals));
              x += inPixel;
              w += filterTap;
            }
          }
          if (d.bias != 0) {
            accLo = i32x4.add(accLo, v128.load(d.bias + (<usize>ic << 2)));
            accHi = i32x4.add(accHi, v128.load(d.bias + (<usize>ic << 2), 16));
          }
          storeChannels4(out, ic, accLo, d.mults, d.shifts, d.outOffset, d.actMin, d.actMax);
          storeChannels4(out, ic + 4, accHi, d.mults, d.shifts, d.outOffset, d.actMin, d.actMax);
        }
      }
      // Remaining channels, scalar (depth multiplier 1: oc == ic).
      const first = win.inAt(win.inY + win.kyStart, win.inX + win.kxStart, d.inC);
      const filterFirst = d.weights + <usize>((win.kyStart * d.kw + win.kxStart) * d.outC);
      for (; ic < d.inC; ic++) {
        const acc = depthwiseTaps(first + <usize>ic, filterFirst + <usize>ic, win.kyEnd - win.kyStart, win.kxEnd - win.kxStart, inRowBytes, filterRowBytes, inPixel, filterTap, d.inOffset);
        storeChannel(out, ic, acc, d);
      }
    }
  }
}
