// The window contract shared by the spatial kernels (conv2d, depthwise, avg/max pool).
//
// A kernel computes the output pixels [oy0, oy1) x [ox0, ox1) of its layer. Its input buffer holds
// the logical rows [inRow0, inRow0 + inRows) and columns [inCol0, inCol0 + inCols) of the input
// tensor; its output buffer holds logical rows from outRow0 and columns
// [outCol0, outCol0 + outCols) of the output tensor. Logical positions outside the tensor are
// padding and are never read. checkWindow verifies once per call that every input position the
// region reads lies inside the buffer; anything else is a caller bug and aborts.
//
// Errors are raised with abort() and a static message: the module has no allocator (the TypeScript
// side owns all memory above __heap_base), so nothing here may allocate, not even an Error.

import { dget, D_IN_H, D_IN_W, D_OUT_H, D_OUT_W, D_KH, D_KW, D_SH, D_SW, D_PAD_T, D_PAD_L } from './desc';

/**
 * Along one axis: the smallest input coordinate in [0, size) read by the outputs [o0, o1), or -1
 * when every tap of those outputs falls in the padding.
 */
// @ts-ignore: decorator
@inline function firstNeeded(o0: i32, o1: i32, stride: i32, pad: i32, k: i32, size: i32): i32 {
  for (let o = o0; o < o1; o++) {
    const origin = o * stride - pad;
    const tapStart = max(0, -origin);
    const tapEnd = min(k, size - origin);
    if (tapStart < tapEnd) return origin + tapStart;
  }
  return -1;
}

/** Along one axis: the largest input coordinate in [0, size) read by the outputs [o0, o1), or -1. */
// @ts-ignore: decorator
@inline function lastNeeded(o0: i32, o1: i32, stride: i32, pad: i32, k: i32, size: i32): i32 {
  for (let o = o1 - 1; o >= o0; o--) {
    const origin = o * stride - pad;
    const tapStart = max(0, -origin);
    const tapEnd = min(k, size - origin);
    if (tapStart < tapEnd) return origin + tapEnd - 1;
  }
  return -1;
}

/**
 * Validates a window call. Returns false when the output region is empty (nothing to do), true
 * otherwise; aborts when the output region leaves the output tensor or buffer, or when a needed
 * input position lies outside the input buffer.
 */
// @ts-ignore: decorator
@inline export function checkWindow(
  desc: usize,
  inRow0: i32, inCol0: i32, inRows: i32, inCols: i32,
  outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): bool {
  if (oy0 >= oy1 || ox0 >= ox1) return false;
  if (oy0 < 0 || ox0 < 0 || oy1 > dget(desc, D_OUT_H) || ox1 > dget(desc, D_OUT_W)) {
    abort('kernel window: output region outside the output tensor');
    unreachable();
  }
  if (oy0 < outRow0 || ox0 < outCol0 || ox1 > outCol0 + outCols) {
    abort('kernel window: output region outside the output buffer');
    unreachable();
  }
  const inH = dget(desc, D_IN_H);
  const inW = dget(desc, D_IN_W);
  const kh = dget(desc, D_KH);
  const kw = dget(desc, D_KW);
  const sh = dget(desc, D_SH);
  const sw = dget(desc, D_SW);
  const padT = dget(desc, D_PAD_T);
  const padL = dget(desc, D_PAD_L);
  const rowFirst = firstNeeded(oy0, oy1, sh, padT, kh, inH);
  const colFirst = firstNeeded(ox0, ox1, sw, padL, kw, inW);
  if (rowFirst < 0 || colFirst < 0) return true; // the whole region reads only padding
  const rowLast = lastNeeded(oy0, oy1, sh, padT, kh, inH);
  const colLast = lastNeeded(ox0, ox1, sw, padL, kw, inW);
  if (rowFirst < inRow0 || rowLast >= inRow0 + inRows) {
    abort('kernel window: needed input rows are outside the input buffer');
    unreachable();
  }
  if (colFirst < inCol0 || colLast >= inCol0 + inCols) {
    abort('kernel window: needed input columns are outside the input buffer');
    unreachable();
  }
  return true;
}
