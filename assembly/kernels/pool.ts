// int8 AVERAGE_POOL_2D and MAX_POOL_2D as TFLM's reference_integer_ops::AveragePool / MaxPool
// compute them. Input and output share scale and zero point (TFLM does no rescaling here); only the
// fused-activation clamp [act_min, act_max] applies.
//
// The filter window of an output pixel is clipped to the input: padded positions are not read,
// and the average divides by filter_count, the number of positions actually inside the input.

import { layer } from './layer';
import { Window } from './window';

/**
 * Computes the output pixels [oy0, oy1) x [ox0, ox1) of an AVERAGE_POOL_2D layer (see window.ts
 * for the buffer contract).
 */
export function avgPool(desc: usize, win: Window): void {
  pool(desc, win, false);
}

/**
 * Computes the output pixels [oy0, oy1) x [ox0, ox1) of a MAX_POOL_2D layer (see window.ts for the
 * buffer contract).
 */
export function maxPool(desc: usize, win: Window): void {
  pool(desc, win, true);
}

/**
 * A pool's int8 result from its window's sum (or maximum) of filterCount values: the average rounds
 * to the nearest integer, ties away from zero (C++ '/' truncates toward zero), then the clamp.
 */
// @ts-ignore: decorator
@inline function poolResult(acc: i32, filterCount: i32, isMax: bool, actMin: i32, actMax: i32): i32 {
  if (!isMax) acc = acc > 0 ? (acc + filterCount / 2) / filterCount : (acc - filterCount / 2) / filterCount;
  return min(max(acc, actMin), actMax);
}

/**
 * AVERAGE_POOL_2D over the whole unpadded map from int32[C] sums of its H * W pixels (accumulated
 * pixel by pixel by meanAccumulate, as the streaming executor does): the same bytes as avgPool.
 */
export function avgPoolFromSums(desc: usize, sums: usize, out: usize): void {
  const d = layer(desc);
  for (let c = 0; c < d.inC; c++) store<i8>(out + <usize>c, <i8>poolResult(load<i32>(sums + (<usize>c << 2)), d.inH * d.inW, false, d.actMin, d.actMax));
}

/** Both pools: the same clipped window, reduced by its average or its maximum (isMax is a constant after inlining). */
// @ts-ignore: decorator
@inline function pool(desc: usize, win: Window, isMax: bool): void {
  const d = layer(desc);
  const depth = d.inC, filterH = d.kh, filterW = d.kw, actMin = d.actMin, actMax = d.actMax;
  for (let oy = win.oy0; oy < win.oy1; oy++) {
    // The filter window clipped to the input.
    win.row(d, oy);
    for (let ox = win.ox0; ox < win.ox1; ox++) {
      win.col(d, ox);
      const filterCount = (win.kyEnd - win.kyStart) * (win.kxEnd - win.kxStart);
      if (!isMax && (win.kyEnd <= win.kyStart || win.kxEnd <= win.kxStart)) {
        // TFLM's AveragePool fails the op when a window holds no input element.
        abort('avgPool: an output pixel has no input element in its window (padding >= filter size)');
        unreachable();
      }
      const out = win.outAt(oy, ox, depth);
      const first = win.inAt(win.inY, win.inX + win.kxStart, depth);
      for (let c = 0; c < depth; c++) {
        // An empty max window leaves the lowest int8, as TFLM's loop does.
        let acc: i32 = isMax ? -128 : 0;
        for (let fy = win.kyStart; fy < win.kyEnd; fy++) {
          let x = first + <usize>(fy * win.inCols * depth + c);
          for (let fx = win.kxStart; fx < win.kxEnd; fx++) {
            // A wrapped buffer (streaming): each tap's pixel is addressed on its own.
            if (win.wrapped()) x = win.tapAt(win.inY + fy, win.inX + fx, depth) + <usize>c;
            acc = isMax ? max(acc, <i32>load<i8>(x)) : acc + <i32>load<i8>(x);
            x += <usize>depth;
          }
        }
        store<i8>(out + <usize>c, <i8>poolResult(acc, filterCount, isMax, actMin, actMax));
      }
    }
  }
}
