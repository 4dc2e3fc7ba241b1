// Calls the window kernel of a layer by its op code (assembly/kernels/desc.ts).
import { D_OP, OP_AVG_POOL, OP_CONV2D, OP_DEPTHWISE, OP_MAX_POOL, dget } from '../kernels/desc';
import { conv2d } from '../kernels/conv2d';
import { depthwiseConv2d } from '../kernels/depthwise_conv2d';
import { avgPool, maxPool } from '../kernels/pool';

export function runWindow(
  desc: usize,
  inPtr: usize, inRow0: i32, inCol0: i32, inRows: i32, inCols: i32,
  outPtr: usize, outRow0: i32, outCol0: i32, outCols: i32,
  oy0: i32, oy1: i32, ox0: i32, ox1: i32,
): void {
  const op = dget(desc, D_OP);
  if (op == OP_CONV2D) conv2d(desc, inPtr, inRow0, inCol0, inRows, inCols, outPtr, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1);
  else if (op == OP_DEPTHWISE) depthwiseConv2d(desc, inPtr, inRow0, inCol0, inRows, inCols, outPtr, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1);
  else if (op == OP_AVG_POOL) avgPool(desc, inPtr, inRow0, inCol0, inRows, inCols, outPtr, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1);
  else if (op == OP_MAX_POOL) maxPool(desc, inPtr, inRow0, inCol0, inRows, inCols, outPtr, outRow0, outCol0, outCols, oy0, oy1, ox0, ox1);
  else abort('runWindow: op ' + op.toString() + ' is not a window op');
}
