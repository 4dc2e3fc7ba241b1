// The layer descriptor: a block of DESC_WORDS i32 words in Wasm memory, written once by the
// TypeScript side (src/runtime) per layer, read by every kernel. Pointers are byte offsets into the
// module's memory. This file is the contract between the kernels, the executor and the TS runtime:
// src/runtime/desc-layout.ts (indices, op codes, the LayerDesc fields in camelCase) is generated from
// it at every build (scripts/mirrors.mjs). A field whose doc comment starts "Written by the kernels"
// is kernel state, not a LayerDesc field.

export const D_OP: i32 = 0; // OP_* below
export const D_IN_H: i32 = 1;
export const D_IN_W: i32 = 2;
export const D_IN_C: i32 = 3;
export const D_OUT_H: i32 = 4;
export const D_OUT_W: i32 = 5;
export const D_OUT_C: i32 = 6;
export const D_KH: i32 = 7;
export const D_KW: i32 = 8;
export const D_SH: i32 = 9;
export const D_SW: i32 = 10;
export const D_PAD_T: i32 = 11;
export const D_PAD_L: i32 = 12;
export const D_DEPTH_MULT: i32 = 13;
/** int8 weights. conv2d: [outC][kh][kw][inC]; depthwise: [kh][kw][outC] (TFLite layout); FC: [outC][inC]. */
export const D_WEIGHTS: i32 = 14;
/** int32 bias [outC], or 0 for none. */
export const D_BIAS: i32 = 15;
/**
 * int32 per-output-channel multipliers [outC] (per-tensor quantisation: all equal). Used by conv2d,
 * depthwise and fully-connected alike: a per-tensor FULLY_CONNECTED is written as outC equal
 * entries of TFLM's single (output_multiplier, output_shift).
 */
export const D_MULT: i32 = 16;
/** int32 per-output-channel shifts [outC], TFLite convention (> 0: left shift). */
export const D_SHIFT: i32 = 17;
/** -(input zero point). ADD: -(input1 zero point). */
export const D_IN_OFFSET: i32 = 18;
/** Output zero point. */
export const D_OUT_OFFSET: i32 = 19;
/** Clamp of the int8 output (fused activation); conv, depthwise, FC, pools, ADD. MEAN ignores it. */
export const D_ACT_MIN: i32 = 20;
export const D_ACT_MAX: i32 = 21;
// Element-wise add (TFLite Micro's int8 ADD parameters).
export const D_IN2_OFFSET: i32 = 22;
export const D_IN1_MULT: i32 = 23;
export const D_IN1_SHIFT: i32 = 24;
export const D_IN2_MULT: i32 = 25;
export const D_IN2_SHIFT: i32 = 26;
export const D_LEFT_SHIFT: i32 = 27;
/**
 * Scalar output multiplier / shift. ADD: TFLM's output_multiplier / output_shift. MEAN:
 * QuantizeMultiplier(in_scale / out_scale) as TFLM's prepare computes it; the kernel itself folds
 * in 1 / (H*W) exactly as TFLM's QuantizedMeanOrSum does at eval time.
 */
export const D_OUT_MULT: i32 = 28;
export const D_OUT_SHIFT: i32 = 29;
/** PAD only: channels of padding before the input's channels. */
export const D_CH_PAD_BEFORE: i32 = 30;
/**
 * Written by the kernels, not by the caller (writeDesc zeroes it): which requantisation path the
 * descriptor's multipliers, shifts and clamps allow (REQ_*), checked on the first call instead of
 * on every column of a fusion block.
 */
export const D_REQ_MODE: i32 = 31;
/**
 * int32 words a kernel needs beyond the fixed fields (0: none): OP_ELEMENTWISE, OP_GATHER, OP_CONCAT,
 * OP_REDUCE_MEAN, OP_REDUCE_MAX, OP_RESIZE_NEAREST, OP_RESIZE_BILINEAR, OP_CONV2D_DILATED,
 * OP_DEPTHWISE_DILATED, OP_ARG_MAX, OP_ARG_MIN.
 */
export const D_AUX: i32 = 32;
/** OP_ELEMENTWISE: ELT_* | ELT_CONST_FIRST. */
export const D_SUBOP: i32 = 33;
export const DESC_WORDS: i32 = 34;

export const REQ_UNKNOWN: i32 = 0;
export const REQ_SCALAR: i32 = 1;
export const REQ_SIMD4: i32 = 2;
export const REQ_FAST4: i32 = 3;

// Fields each kernel reads (everything else is ignored):
// - conv2d, depthwiseConv2d: IN_H/W/C, OUT_H/W/C, KH, KW, SH, SW, PAD_T, PAD_L (bottom/right
//   padding follows from OUT_H/W), DEPTH_MULT (depthwise; OUT_C = IN_C * DEPTH_MULT), WEIGHTS,
//   BIAS (0: none), MULT, SHIFT, IN_OFFSET, OUT_OFFSET, ACT_MIN, ACT_MAX.
// - avgPool, maxPool: IN_H/W/C (channels), OUT_H/W, KH, KW, SH, SW, PAD_T, PAD_L, ACT_MIN, ACT_MAX.
// - add: IN_OFFSET, IN2_OFFSET, IN1_MULT, IN1_SHIFT, IN2_MULT, IN2_SHIFT, LEFT_SHIFT, OUT_MULT,
//   OUT_SHIFT, OUT_OFFSET, ACT_MIN, ACT_MAX (src/runtime/quantize.ts addParams fills them).
// - fullyConnected: IN_C (input features), OUT_C, WEIGHTS [outC][inC], BIAS, MULT, SHIFT
//   (per output channel, always), IN_OFFSET, OUT_OFFSET, ACT_MIN, ACT_MAX.
// - meanInit / meanAccumulate / meanFinalize: IN_H, IN_W, IN_C, IN_OFFSET, OUT_OFFSET, OUT_MULT,
//   OUT_SHIFT (quantize.ts meanParams fills them).
// - lut: OUT_H/W/C (element count), WEIGHTS: the int8[256] table indexed by the input byte.
// - elementwise: SUBOP, AUX (out dims, operand strides), WEIGHTS (the constant operand, if any),
//   ADD / SUB: the add fields above; MUL: IN_OFFSET, IN2_OFFSET, OUT_MULT, OUT_SHIFT, OUT_OFFSET,
//   ACT_MIN, ACT_MAX; MIN / MAX: none.
// - gather (TRANSPOSE, slices of SPLIT / SPLIT_V / UNPACK): AUX (out dims, input strides per output
//   axis, base offset).
// - concat: AUX (operand count n, outer, the n inner sizes); the operands' addresses come in a table.
// - reduceMean, reduceMax: OUT_H/W/C (output element count), AUX (input dims d0..d3, per input axis
//   the output element stride (0 along a reduced axis), n = elements per output); reduceMean also
//   IN_OFFSET, OUT_OFFSET and OUT_MULT / OUT_SHIFT with 1 / n already folded in.
// - resizeNearest, resizeBilinear: AUX (N, IN_H, IN_W, C, OUT_H, OUT_W, then per output row and per
//   output column the source index (nearest) or lower, upper, weight of upper (bilinear)).
// - convDilated, depthwiseDilated: the conv2d / depthwise fields, over whole tensors, and AUX
//   (dilation [dh, dw]).
// - argMinMax: AUX (outer, axis size, inner); writes little-endian int32 indices.


export const OP_CONV2D: i32 = 1;
export const OP_DEPTHWISE: i32 = 2;
export const OP_AVG_POOL: i32 = 3;
export const OP_MAX_POOL: i32 = 4;
export const OP_ADD: i32 = 5;
export const OP_MEAN: i32 = 6;
export const OP_FC: i32 = 7;
export const OP_PAD: i32 = 8;
export const OP_SOFTMAX: i32 = 9;
export const OP_LUT: i32 = 10;
export const OP_ELEMENTWISE: i32 = 11;
export const OP_GATHER: i32 = 12;
export const OP_CONCAT: i32 = 13;
export const OP_REDUCE_MEAN: i32 = 14;
export const OP_REDUCE_MAX: i32 = 15;
export const OP_RESIZE_NEAREST: i32 = 16;
export const OP_RESIZE_BILINEAR: i32 = 17;
export const OP_CONV2D_DILATED: i32 = 18;
export const OP_DEPTHWISE_DILATED: i32 = 19;
export const OP_ARG_MAX: i32 = 20;
export const OP_ARG_MIN: i32 = 21;

export const ELT_ADD: i32 = 1;
export const ELT_SUB: i32 = 2;
export const ELT_MUL: i32 = 3;
export const ELT_MIN: i32 = 4;
export const ELT_MAX: i32 = 5;
export const ELT_CONST_FIRST: i32 = 256;

// @ts-ignore: decorator
@inline export function dset(desc: usize, field: i32, value: i32): void {
  store<i32>(desc + (<usize>field << 2), value);
}

// @ts-ignore: decorator
@inline export function dget(desc: usize, field: i32): i32 {
  return load<i32>(desc + (<usize>field << 2));
}
