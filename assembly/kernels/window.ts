// The window contract shared by the spatial kernels (conv2d, depthwise, avg/max pool).
//
// A kernel computes the output pixels [oy0, oy1) x [ox0, ox1) of its layer. Its input buffer holds
// the logical rows [inRow0, inRow0 + inRows) and columns [inCol0, inCol0 + inCols) of the input
// tensor; its output buffer holds logical rows from outRow0 and columns
// [outCol0, outCol0 + outCols) of the output tensor. Logical positions outside the tensor are
// padding and are never read. checkWindow verifies once per call that every input position the
// region reads lies inside the buffer; anything else is a caller bug and aborts.
//
// A window may also read a wrapped buffer (the streaming executor's rings and column caches,
// src/runtime/stream-exec.ts): with `ring` = R > 0 the buffer holds R pixels and logical pixel
// p = (row - inRow0) * inCols + (col - inCol0) lives at slot p mod R; with `colRing` = K > 0 each
// buffer row holds K columns and column col lives at (col - inCol0) mod K. Only the scalar kernels
// read wrapped buffers (tapAt, one pixel at a time); the SIMD paths keep their contiguous runs.
//
// Errors are raised with abort() and a static message: the module has no allocator (the TypeScript
// side owns all memory above __heap_base), so nothing here may allocate, not even an Error.

import { Layer, layer, tapEnd, tapStart } from './layer';

/**
 * One window call's buffers and output region, the arguments of runWindow (assembly/exec/dispatch.ts)
 * written once into a static record so that every window kernel takes (desc, Window).
 */
@unmanaged export class Window {
  inPtr: usize; inRow0: i32; inCol0: i32; inRows: i32; inCols: i32;
  outPtr: usize; outRow0: i32; outCol0: i32; outCols: i32;
  oy0: i32; oy1: i32; ox0: i32; ox1: i32;
  // The output pixel being computed (row() / col()): its window's input origin and the filter taps
  // [start, end) inside the input, per axis (taps in the padding are skipped).
  inY: i32; kyStart: i32; kyEnd: i32;
  inX: i32; kxStart: i32; kxEnd: i32;
  // Wrapped input (see above): 0 for an ordinary buffer.
  ring: i32; colRing: i32;

  // @ts-ignore: decorator
  @inline wrapped(): bool {
    return (this.ring | this.colRing) != 0;
  }

  /** Address of input pixel (row, col) of c channels in a wrapped or an ordinary buffer. */
  // @ts-ignore: decorator
  @inline tapAt(row: i32, col: i32, c: i32): usize {
    let x = col - this.inCol0;
    if (this.colRing != 0) x %= this.colRing;
    let p = (row - this.inRow0) * this.inCols + x;
    if (this.ring != 0) p %= this.ring;
    return this.inPtr + <usize>(p * c);
  }

  // @ts-ignore: decorator
  @inline row(d: Layer, oy: i32): void {
    const origin = oy * d.sh - d.padT;
    this.inY = origin; this.kyStart = tapStart(origin); this.kyEnd = tapEnd(origin, d.kh, d.inH);
  }

  // @ts-ignore: decorator
  @inline col(d: Layer, ox: i32): void {
    const origin = ox * d.sw - d.padL;
    this.inX = origin; this.kxStart = tapStart(origin); this.kxEnd = tapEnd(origin, d.kw, d.inW);
  }

  /** Address of input pixel (row, col) (logical tensor coordinates) of c channels. */
  // @ts-ignore: decorator
  @inline inAt(row: i32, col: i32, c: i32): usize {
    return this.inPtr + <usize>(((row - this.inRow0) * this.inCols + (col - this.inCol0)) * c);
  }

  /** Address of output pixel (row, col) of c channels. */
  // @ts-ignore: decorator
  @inline outAt(row: i32, col: i32, c: i32): usize {
    return this.outPtr + <usize>(((row - this.outRow0) * this.outCols + (col - this.outCol0)) * c);
  }
}

const WINDOW = changetype<Window>(memory.data(offsetof<Window>()));

/** The window of the current call (runWindow is the one writer; calls never nest). */
// @ts-ignore: decorator
@inline export function setWindow(
  inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): Window {
  const w = WINDOW;
  w.inPtr = inPtr; w.inRow0 = inRow0; w.inCol0 = inCol0; w.inRows = inRows; w.inCols = inCols;
  w.outPtr = outPtr; w.outRow0 = outRow0; w.outCol0 = outCol0; w.outCols = outCols;
  w.oy0 = oy0; w.oy1 = oy1; w.ox0 = ox0; w.ox1 = ox1;
  w.ring = 0; w.colRing = 0;
  return w;
}

/**
 * Along one axis: the smallest input coordinate in [0, size) read by the outputs [o0, o1), or -1
 * when every tap of those outputs falls in the padding.
 */
// @ts-ignore: decorator
@inline function firstNeeded(o0: i32, o1: i32, stride: i32, pad: i32, k: i32, size: i32): i32 {
  for (let o = o0; o < o1; o++) {
    const origin = o * stride - pad;
    if (tapStart(origin) < tapEnd(origin, k, size)) return origin + tapStart(origin);
  }
  return -1;
}

/** Along one axis: the largest input coordinate in [0, size) read by the outputs [o0, o1), or -1. */
// @ts-ignore: decorator
@inline function lastNeeded(o0: i32, o1: i32, stride: i32, pad: i32, k: i32, size: i32): i32 {
  for (let o = o1 - 1; o >= o0; o--) {
    const origin = o * stride - pad;
    if (tapStart(origin) < tapEnd(origin, k, size)) return origin + tapEnd(origin, k, size) - 1;
  }
  return -1;
}

/**
 * Validates a window call. Returns false when the output region is empty (nothing to do), true
 * otherwise; aborts when the output region leaves the output tensor or buffer, or when a needed
 * input position lies outside the input buffer.
 */
// @ts-ignore: decorator
@inline export function checkWindow(desc: usize, w: Window): bool {
  const oy0 = w.oy0, oy1 = w.oy1, ox0 = w.ox0, ox1 = w.ox1;
  if (oy0 >= oy1 || ox0 >= ox1) return false;
  const d = layer(desc);
  if (oy0 < 0 || ox0 < 0 || oy1 > d.outH || ox1 > d.outW) {
    abort('kernel window: output region outside the output tensor');
    unreachable();
  }
  if (oy0 < w.outRow0 || ox0 < w.outCol0 || ox1 > w.outCol0 + w.outCols) {
    abort('kernel window: output region outside the output buffer');
    unreachable();
  }
  const rowFirst = firstNeeded(oy0, oy1, d.sh, d.padT, d.kh, d.inH);
  const colFirst = firstNeeded(ox0, ox1, d.sw, d.padL, d.kw, d.inW);
  if (rowFirst < 0 || colFirst < 0) return true; // the whole region reads only padding
  const rowLast = lastNeeded(oy0, oy1, d.sh, d.padT, d.kh, d.inH);
  const colLast = lastNeeded(ox0, ox1, d.sw, d.padL, d.kw, d.inW);
  if (rowFirst < w.inRow0 || rowLast >= w.inRow0 + w.inRows) {
    abort('kernel window: needed input rows are outside the input buffer');
    unreachable();
  }
  if (w.colRing != 0 ? colLast - colFirst >= w.colRing : colFirst < w.inCol0 || colLast >= w.inCol0 + w.inCols) {
    abort('kernel window: needed input columns are outside the input buffer');
    unreachable();
  }
  // A ring holds the pixels from the first needed to the last needed, in order.
  if (w.ring != 0 && (rowLast - rowFirst) * w.inCols + colLast - colFirst >= w.ring) {
    abort('kernel window: needed input pixels do not fit in the ring');
    unreachable();
  }
  return true;
}
