// int8 AVERAGE_POOL_2D and MAX_POOL_2D as TFLM's reference_integer_ops::AveragePool / MaxPool
// compute them. Input and output share scale and zero point (TFLM does no rescaling here); only the
// fused-activation clamp [act_min, act_max] applies.
//
// The filter window of an output pixel is clipped to the input: padded positions are not read,
// and the average divides by filter_count, the number of positions actually inside the input.

import {
  dget, D_IN_H, D_IN_W, D_IN_C, D_KH, D_KW, D_SH, D_SW, D_PAD_T, D_PAD_L, D_ACT_MIN, D_ACT_MAX,
} from './desc';
import { checkWindow } from './window';

/**
 * Computes the output pixels [oy0, oy1) x [ox0, ox1) of an AVERAGE_POOL_2D layer (see window.ts
 * for the buffer contract).
 */
export function avgPool(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): void {
  if (!checkWindow(desc, inRow0, inCol0, inRows, inCols, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1)) return;
  const inH = dget(desc, D_IN_H);
  const inW = dget(desc, D_IN_W);
  const depth = dget(desc, D_IN_C);
  const filterH = dget(desc, D_KH);
  const filterW = dget(desc, D_KW);
  const strideH = dget(desc, D_SH);
  const strideW = dget(desc, D_SW);
  const padT = dget(desc, D_PAD_T);
  const padL = dget(desc, D_PAD_L);
  const actMin = dget(desc, D_ACT_MIN);
  const actMax = dget(desc, D_ACT_MAX);

  for (let oy = oy0; oy < oy1; oy++) {
    const inYOrigin = oy * strideH - padT;
    // The filter window clipped to the input.
    const fyStart = max(0, -inYOrigin);
    const fyEnd = min(filterH, inH - inYOrigin);
    for (let ox = ox0; ox < ox1; ox++) {
      const inXOrigin = ox * strideW - padL;
      const fxStart = max(0, -inXOrigin);
      const fxEnd = min(filterW, inW - inXOrigin);
      const filterCount = (fyEnd - fyStart) * (fxEnd - fxStart);
      if (fyEnd <= fyStart || fxEnd <= fxStart) {
        // TFLM's AveragePool fails the op when a window holds no input element.
        abort('avgPool: an output pixel has no input element in its window (padding >= filter size)');
        unreachable();
      }
      const out = outPtr + <usize>(((oy - outRow0) * outCols + (ox - outCol0)) * depth);
      for (let c = 0; c < depth; c++) {
        let acc: i32 = 0;
        for (let fy = fyStart; fy < fyEnd; fy++) {
          const inY = inYOrigin + fy;
          let x = inPtr + <usize>(((inY - inRow0) * inCols + (inXOrigin + fxStart - inCol0)) * depth + c);
          for (let fx = fxStart; fx < fxEnd; fx++) {
            acc += <i32>load<i8>(x);
            x += <usize>depth;
          }
        }
        // Round to the nearest integer, ties away from zero (C++ '/' truncates toward zero).
        acc = acc > 0 ? (acc + filterCount / 2) / filterCount : (acc - filterCount / 2) / filterCount;
        acc = max(acc, actMin);
        acc = min(acc, actMax);
        store<i8>(out + <usize>c, <i8>acc);
      }
    }
  }
}

/**
 * Computes the output pixels [oy0, oy1) x [ox0, ox1) of a MAX_POOL_2D layer (see window.ts for the
 * buffer contract).
 */
export function maxPool(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): void {
  if (!checkWindow(desc, inRow0, inCol0, inRows, inCols, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1)) return;
  const inH = dget(desc, D_IN_H);
  const inW = dget(desc, D_IN_W);
  const depth = dget(desc, D_IN_C);
  const filterH = dget(desc, D_KH);
  const filterW = dget(desc, D_KW);
  const strideH = dget(desc, D_SH);
  const strideW = dget(desc, D_SW);
  const padT = dget(desc, D_PAD_T);
  const padL = dget(desc, D_PAD_L);
  const actMin = dget(desc, D_ACT_MIN);
  const actMax = dget(desc, D_ACT_MAX);

  for (let oy = oy0; oy < oy1; oy++) {
    const inYOrigin = oy * strideH - padT;
    const fyStart = max(0, -inYOrigin);
    const fyEnd = min(filterH, inH - inYOrigin);
    for (let ox = ox0; ox < ox1; ox++) {
      const inXOrigin = ox * strideW - padL;
      const fxStart = max(0, -inXOrigin);
      const fxEnd = min(filterW, inW - inXOrigin);
      const out = outPtr + <usize>(((oy - outRow0) * outCols + (ox - outCol0)) * depth);
      for (let c = 0; c < depth; c++) {
        // An empty window leaves the lowest int8, as TFLM's loop does.
        let maxVal: i32 = -128;
        for (let fy = fyStart; fy < fyEnd; fy++) {
          const inY = inYOrigin + fy;
          let x = inPtr + <usize>(((inY - inRow0) * inCols + (inXOrigin + fxStart - inCol0)) * depth + c);
          for (let fx = fxStart; fx < fxEnd; fx++) {
            maxVal = max(maxVal, <i32>load<i8>(x));
            x += <usize>depth;
          }
        }
        maxVal = max(maxVal, actMin);
        maxVal = min(maxVal, actMax);
        store<i8>(out + <usize>c, <i8>maxVal);
      }
    }
  }
}
