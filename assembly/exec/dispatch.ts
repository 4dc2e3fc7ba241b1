// Calls the kernel of a layer by its op code (assembly/kernels/desc.ts): window ops over a window of
// rows and columns (the patch executor's unit), every other op over whole tensors.
import {
  D_IN_C, D_IN_H, D_IN_W, D_OP, D_OUT_C, D_OUT_H, D_OUT_W, OP_ADD, OP_ARG_MAX, OP_ARG_MIN, OP_AVG_POOL, OP_CONV2D, OP_CONV2D_DILATED, OP_DEPTHWISE, OP_DEPTHWISE_DILATED, OP_ELEMENTWISE, OP_FC, OP_LUT, OP_MAX_POOL,
  OP_CONCAT, OP_GATHER, OP_MEAN, OP_PAD, OP_REDUCE_MAX, OP_REDUCE_MEAN, OP_RESIZE_BILINEAR, OP_RESIZE_NEAREST, OP_SOFTMAX, dget,
} from '../kernels/desc';
import { elementwise } from '../kernels/elementwise';
import { lut } from '../kernels/lut';
import { concat } from '../kernels/concat';
import { gather } from '../kernels/gather';
import { conv2d } from '../kernels/conv2d';
import { depthwiseConv2d } from '../kernels/depthwise_conv2d';
import { avgPool, maxPool } from '../kernels/pool';
import { add } from '../kernels/add';
import { fullyConnected } from '../kernels/fully_connected';
import { meanAccumulate, meanFinalize, meanInit } from '../kernels/mean';
import { pad } from '../kernels/pad';
import { reduceMax, reduceMean } from '../kernels/reduce';
import { resizeBilinear, resizeNearest } from '../kernels/resize';
import { convDilated } from '../kernels/dilated';
import { argMinMax } from '../kernels/arg';
import { Window, checkWindow, setWindow } from '../kernels/window';
import { softmax } from '../kernels/softmax';

export function isWindowOp(op: i32): bool {
  return op == OP_CONV2D || op == OP_DEPTHWISE || op == OP_AVG_POOL || op == OP_MAX_POOL;
}

/**
 * Runs a window op over the output pixels [oy0, oy1) x [ox0, ox1) (see assembly/kernels/window.ts
 * for the buffer contract): the one entry of every window kernel, which checks the window once.
 */
export function runWindow(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): void {
  windowKernel(desc, setWindow(inPtr, inRow0, inCol0, inRows, inCols, outPtr, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1));
}

/** Checks the window once and calls the layer's window kernel on it. */
export function windowKernel(desc: usize, win: Window): void {
  const op = dget(desc, D_OP);
  if (!isWindowOp(op)) abort('runWindow: op ' + op.toString() + ' is not a window op');
  if (!checkWindow(desc, win)) return;
  if (op == OP_CONV2D) conv2d(desc, win);
  else if (op == OP_DEPTHWISE) depthwiseConv2d(desc, win);
  else if (op == OP_AVG_POOL) avgPool(desc, win);
  else maxPool(desc, win);
}

/**
 * ADD inside a fusion block, as a 1x1 stride-1 window: output pixels [oy0, oy1) x [ox0, ox1) from
 * the in-block operand (a buffer of logical rows from inRow0 and columns [inCol0, inCol0 + inCols))
 * and the materialised operand `other` (the whole tensor) at the same pixels. `otherFirst`: `other`
 * is ADD's input1. One kernel call per row: the columns of a row are contiguous in every buffer.
 */
export function addWindow(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inCols: i32, other: usize, otherFirst: bool,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): void {
  assert(other != 0, 'add: no materialised operand');
  const c = dget(desc, D_IN_C);
  const w = dget(desc, D_IN_W);
  const count = (ox1 - ox0) * c;
  if (count <= 0) return;
  for (let y = oy0; y < oy1; y++) {
    const a = inPtr + <usize>(((y - inRow0) * inCols + (ox0 - inCol0)) * c);
    const b = other + <usize>((y * w + ox0) * c);
    const o = outPtr + <usize>(((y - outRow0) * outCols + (ox0 - outCol0)) * c);
    if (otherFirst) add(desc, b, a, o, count);
    else add(desc, a, b, o, count);
  }
}

/**
 * Runs a layer that is not a window op over whole tensors. `aux` is the second operand (ADD,
 * element-wise binary ops), CONCATENATION's table of operand addresses or MEAN's int32 scratch.
 */
export function runWhole(desc: usize, inPtr: usize, aux: usize, outPtr: usize): void {
  const op = dget(desc, D_OP);
  const h = dget(desc, D_IN_H);
  const w = dget(desc, D_IN_W);
  const c = dget(desc, D_IN_C);
  if (op == OP_ADD) {
    assert(aux != 0, 'add: no second operand');
    add(desc, inPtr, aux, outPtr, h * w * c);
  } else if (op == OP_FC) {
    fullyConnected(desc, inPtr, outPtr);
  } else if (op == OP_MEAN) {
    assert(aux != 0, 'mean: no scratch');
    meanInit(desc, aux);
    meanAccumulate(desc, aux, inPtr, h * w);
    meanFinalize(desc, aux, outPtr);
  } else if (op == OP_PAD) {
    pad(desc, inPtr, outPtr);
  } else if (op == OP_SOFTMAX) {
    softmax(desc, inPtr, outPtr, h * w, c);
  } else if (op == OP_LUT) {
    lut(desc, inPtr, outPtr, dget(desc, D_OUT_H) * dget(desc, D_OUT_W) * dget(desc, D_OUT_C));
  } else if (op == OP_ELEMENTWISE) {
    elementwise(desc, inPtr, aux, outPtr); // aux: the second tensor operand, or 0 for a constant one
  } else if (op == OP_GATHER) {
    gather(desc, inPtr, outPtr);
  } else if (op == OP_CONCAT) {
    concat(desc, aux, outPtr); // aux: the table of operand addresses
  } else if (op == OP_REDUCE_MEAN) {
    assert(aux != 0, 'reduce mean: no scratch');
    reduceMean(desc, inPtr, aux, outPtr);
  } else if (op == OP_REDUCE_MAX) {
    reduceMax(desc, inPtr, outPtr);
  } else if (op == OP_RESIZE_NEAREST) {
    resizeNearest(desc, inPtr, outPtr);
  } else if (op == OP_RESIZE_BILINEAR) {
    resizeBilinear(desc, inPtr, outPtr);
  } else if (op == OP_CONV2D_DILATED || op == OP_DEPTHWISE_DILATED) {
    convDilated(desc, inPtr, outPtr, op == OP_DEPTHWISE_DILATED);
  } else if (op == OP_ARG_MAX || op == OP_ARG_MIN) {
    argMinMax(desc, inPtr, outPtr, op == OP_ARG_MAX);
  } else abort('runWhole: unknown op ' + op.toString());
}
