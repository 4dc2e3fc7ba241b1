// Entry points of the streaming executor (src/runtime/stream-exec.ts): window kernels over wrapped
// buffers (a ring of R pixels, or a column cache whose columns wrap), and the end of a global
// average pool accumulated pixel by pixel. Everything else it calls is an ordinary kernel export.
import { windowKernel } from './dispatch';
import { setWindow } from '../kernels/window';

/**
 * runWindow (dispatch.ts) whose input buffer wraps: `ring` > 0 pixels (logical pixel
 * (row - inRow0) * inCols + (col - inCol0) at slot p mod ring), or `colRing` > 0 columns per
 * buffer row (see assembly/kernels/window.ts). Output regions are ordinary buffers.
 */
export function runWindowWrapped(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32, ring: i32, colRing: i32,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): void {
  const win = setWindow(inPtr, inRow0, inCol0, inRows, inCols, outPtr, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1);
  win.ring = ring;
  win.colRing = colRing;
  windowKernel(desc, win);
}

export { avgPoolFromSums } from '../kernels/pool';
export { lut } from '../kernels/lut';
