/**
 * TFLite element-wise and data-movement operators -> IR layers: unary int8 functions ('lut': the
 * runtime turns them into a 256-entry table with TensorFlow Lite Micro's arithmetic), broadcasting
 * binary ops ('elementwise', one operand may be a constant) and TRANSPOSE. Shapes are checked the
 * way TFLM's prepare checks them; quantisation constraints that TFLM enforces are enforced here.
 */
import { ModelError } from '../errors.js';
import type { ConstantOperand, ElementwiseFn, LayerParams, OpKind } from '../model/ir.js';
import type { TfliteOperator, TfliteTensor } from './tflite.js';

export const UNARY_FNS: Readonly<Record<string, ElementwiseFn>> = {
  LOGISTIC: 'logistic', TANH: 'tanh', HARD_SWISH: 'hard_swish', RELU: 'relu', RELU6: 'relu6',
  RELU_N1_TO_1: 'relu_n1_to_1', LEAKY_RELU: 'leaky_relu', QUANTIZE: 'quantize',
};
export const BINARY_FNS: Readonly<Record<string, ElementwiseFn>> = { ADD: 'add', SUB: 'sub', MUL: 'mul', MINIMUM: 'minimum', MAXIMUM: 'maximum' };

export const dimsText = (d: readonly number[]) => `[${d.join(', ')}]`;
/** Dimensions without their leading 1s: shapes that differ only in rank compare equal. */
function stripOnes(d: readonly number[]): string {
  const i = d.findIndex((v) => v !== 1);
  return i < 0 ? '' : d.slice(i).join();
}

/** numpy broadcasting of two shapes (right-aligned, a 1 stretches), or null when they do not broadcast. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

export function perTensor(t: TfliteTensor, w: string): { scale: number; zeroPoint: number } {
  if (!t.quant || t.quant.scale.length !== 1) throw new ModelError(`${w}: tensor ${t.index} (${t.name}) needs per-tensor quantisation`);
  return { scale: t.quant.scale[0]!, zeroPoint: t.quant.zeroPoint[0]! };
}

export function unaryLayer(op: TfliteOperator, T: TfliteTensor[], params: LayerParams, w: string): OpKind {
  const fn = UNARY_FNS[op.opcode]!;
  const x = T[op.inputs[0]!]!;
  const y = T[op.outputs[0]!]!;
  if (x.shape.join() !== y.shape.join()) throw new ModelError(`${w}: output ${dimsText(y.shape)} does not match the input ${dimsText(x.shape)}`);
  const qy = perTensor(y, w);
  // TFLM's int8 LOGISTIC and TANH prepare fix the output quantisation.
  if (fn === 'logistic' && qy.zeroPoint !== -128) throw new ModelError(`${w}: an int8 LOGISTIC output must have zero point -128 (got ${qy.zeroPoint}), as TensorFlow Lite Micro requires`);
  if (fn === 'tanh' && qy.zeroPoint !== 0) throw new ModelError(`${w}: an int8 TANH output must have zero point 0 (got ${qy.zeroPoint}), as TensorFlow Lite Micro requires`);
  if ((fn === 'relu6' || fn === 'relu_n1_to_1') && !sameQuant(perTensor(x, w), qy))
    throw new ModelError(`${w}: input and output quantisation differ; TensorFlow Lite Micro's int8 ${op.opcode} clamps the raw values and needs them equal`);
  params.fn = fn;
  if (fn === 'leaky_relu') params.alpha = Number(op.options.alpha ?? 0);
  return 'lut';
}

export const sameQuant = (a: { scale: number; zeroPoint: number }, b: { scale: number; zeroPoint: number }) =>
  a.zeroPoint === b.zeroPoint && Math.fround(a.scale) === Math.fround(b.scale);

/**
 * ADD / SUB / MUL / MINIMUM / MAXIMUM with broadcasting; a constant operand (per-tensor int8) becomes
 * `params.constant`. The IR layer's inputs are the non-constant operands, in the op's order.
 */
export function binaryLayer(op: TfliteOperator, T: TfliteTensor[], params: LayerParams, w: string): OpKind {
  const fn = BINARY_FNS[op.opcode]!;
  const [a, b] = [T[op.inputs[0]!], T[op.inputs[1]!]];
  const y = T[op.outputs[0]!]!;
  if (!a || !b) throw new ModelError(`${w}: expected two input tensors`);
  if (a.data && b.data) throw new ModelError(`${w}: both operands are constants; a constant op should have been folded by the converter`);
  const out = broadcastDims(a.shape, b.shape);
  if (!out) throw new ModelError(`${w}: shapes ${dimsText(a.shape)} and ${dimsText(b.shape)} do not broadcast`);
  if (stripOnes(out) !== stripOnes(y.shape))
    throw new ModelError(`${w}: output ${dimsText(y.shape)} does not match the broadcast shape ${dimsText(out)}`);
  if ((fn === 'minimum' || fn === 'maximum') && (!sameQuant(perTensor(a, w), perTensor(y, w)) || !sameQuant(perTensor(b, w), perTensor(y, w))))
    throw new ModelError(`${w}: TensorFlow Lite Micro's int8 ${op.opcode} compares raw values; inputs and output must share one quantisation`);
  const c = a.data ? a : b.data ? b : undefined;
  if (c) {
    if (c.dtype !== 'int8') throw new ModelError(`${w}: the constant operand (tensor ${c.index}) is ${c.dtype}; int8 expected`);
    const constant: ConstantOperand = { data: new Int8Array(c.data!.buffer, c.data!.byteOffset, c.data!.byteLength), dims: c.shape, quant: perTensor(c, w), first: c === a };
    params.constant = constant;
  }
  params.fn = fn;
  return 'elementwise';
}

/** TRANSPOSE: perm must be a constant permutation of the input's rank (<= 4). */
export function transposeLayer(op: TfliteOperator, T: TfliteTensor[], params: LayerParams, w: string): OpKind {
  const x = T[op.inputs[0]!]!;
  const p = T[op.inputs[1]!];
  const y = T[op.outputs[0]!]!;
  if (!p?.data || p.dtype !== 'int32') throw new ModelError(`${w}: perm must be a constant int32 tensor`);
  const view = new DataView(p.data.buffer, p.data.byteOffset, p.data.byteLength);
  const perm = Array.from({ length: p.data.byteLength >> 2 }, (_, i) => view.getInt32(i * 4, true));
  const rank = x.shape.length;
  if (perm.length !== rank || [...perm].sort().join() !== Array.from({ length: rank }, (_, i) => i).join())
    throw new ModelError(`${w}: perm ${dimsText(perm)} is not a permutation of the input's ${rank} dimensions`);
  const outDims = perm.map((k) => x.shape[k]!);
  if (outDims.join() !== y.shape.join()) throw new ModelError(`${w}: output ${dimsText(y.shape)} does not match ${dimsText(outDims)} (input ${dimsText(x.shape)}, perm ${dimsText(perm)})`);
  if (!sameQuant(perTensor(x, w), perTensor(y, w))) throw new ModelError(`${w}: input and output quantisation differ (TRANSPOSE moves bytes)`);
  params.perm = perm;
  return 'transpose';
}

/** One output of a SPLIT / SPLIT_V / UNPACK: a range of the input along one axis. */
export interface SliceSpec {
  output: number;
  slice: NonNullable<LayerParams['slice']>;
}

export const constInts = (t: TfliteTensor | undefined): number[] | undefined => {
  if (!t?.data || t.dtype !== 'int32') return undefined;
  const v = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return Array.from({ length: t.data.byteLength >> 2 }, (_, i) => v.getInt32(i * 4, true));
};

/** The input tensor a SPLIT / SPLIT_V / UNPACK slices (SPLIT's first input is its axis). */
export const slicedInput = (op: TfliteOperator): number => (op.opcode === 'SPLIT' ? op.inputs[1]! : op.inputs[0]!);

/**
 * SPLIT (axis, value), SPLIT_V (value, size_splits, axis) and UNPACK (axis option): each output is a
 * contiguous range of the input along the axis; UNPACK's outputs drop that axis (same bytes).
 */
export function sliceSpecs(op: TfliteOperator, T: TfliteTensor[], w: string): SliceSpec[] {
  const inputs = op.opcode === 'SPLIT' ? 2 : op.opcode === 'SPLIT_V' ? 3 : 1;
  if (op.inputs.length !== inputs) throw new ModelError(`${w}: has ${op.inputs.length} inputs; ${op.opcode} takes ${inputs}`);
  const x = T[slicedInput(op)];
  if (!x || x.data) throw new ModelError(`${w}: the tensor it slices must be an activation`);
  // TFLM's UNPACK writes `num` outputs (none when the option is 0), whatever the op lists.
  if (op.opcode === 'UNPACK' && Number(op.options.num) !== op.outputs.length) throw new ModelError(`${w}: option num is ${String(op.options.num)} but the op has ${op.outputs.length} outputs`);
  const rank = x.shape.length;
  const axisOf = (a: number | undefined) => {
    if (a === undefined || !Number.isInteger(a) || a < -rank || a >= rank) throw new ModelError(`${w}: axis ${a} is not an axis of the input ${dimsText(x.shape)}`);
    return a < 0 ? a + rank : a;
  };
  const axis =
    op.opcode === 'SPLIT' ? axisOf(constInts(T[op.inputs[0]!])?.[0]) : op.opcode === 'SPLIT_V' ? axisOf(constInts(T[op.inputs[2]!])?.[0]) : axisOf(Number(op.options.axis ?? 0));
  const specs: SliceSpec[] = [];
  let start = 0;
  for (const o of op.outputs) {
    const y = T[o]!;
    const length = op.opcode === 'UNPACK' ? 1 : y.shape[axis]!;
    const expect = op.opcode === 'UNPACK' ? x.shape.filter((_, k) => k !== axis) : x.shape.map((v, k) => (k === axis ? length : v));
    if (expect.join() !== y.shape.join()) throw new ModelError(`${w}: output ${dimsText(y.shape)} is not a slice of the input ${dimsText(x.shape)} along axis ${axis}`);
    if (!sameQuant(perTensor(x, w), perTensor(y, w))) throw new ModelError(`${w}: output ${o} has another quantisation than the input; ${op.opcode} moves bytes`);
    specs.push({ output: o, slice: { begin: x.shape.map((_, k) => (k === axis ? start : 0)), step: x.shape.map(() => 1), count: x.shape.map((v, k) => (k === axis ? length : v)) } });
    start += length;
  }
  if (start !== x.shape[axis]) throw new ModelError(`${w}: the outputs cover ${start} of the input's ${x.shape[axis]} along axis ${axis}`);
  return specs;
}

/** CONCATENATION (axis option) and PACK (axis option, a new axis): inputs and output share one quantisation. */
export function concatLayer(op: TfliteOperator, T: TfliteTensor[], params: LayerParams, w: string): OpKind {
  const y = T[op.outputs[0]!]!;
  const xs = op.inputs.map((i) => T[i]!);
  if (xs.some((x) => x.data)) throw new ModelError(`${w}: constant inputs are not supported`);
  if (String(op.options.fusedActivation ?? 'NONE') !== 'NONE') throw new ModelError(`${w}: a fused activation is not supported`);
  const rank = y.shape.length;
  let axis = Number(op.options.axis ?? 0);
  if (axis < 0) axis += rank;
  if (!(axis >= 0 && axis < rank)) throw new ModelError(`${w}: axis ${op.options.axis} is not an axis of the output ${dimsText(y.shape)}`);
  const pack = op.opcode === 'PACK';
  for (const x of xs) {
    const expect = pack ? [...x.shape.slice(0, axis), xs.length, ...x.shape.slice(axis)] : y.shape.map((v, k) => (k === axis ? x.shape[k]! : v));
    const ok = pack ? expect.join() === y.shape.join() : x.shape.length === rank && expect.join() === x.shape.join();
    if (!ok) throw new ModelError(`${w}: input ${dimsText(x.shape)} does not fit the output ${dimsText(y.shape)} along axis ${axis}`);
    if (!sameQuant(perTensor(x, w), perTensor(y, w))) throw new ModelError(`${w}: input ${x.index} has another quantisation than the output; TensorFlow Lite Micro's int8 ${op.opcode} copies bytes (requantise with a QUANTIZE first)`);
  }
  if (!pack && xs.reduce((s, x) => s + x.shape[axis]!, 0) !== y.shape[axis]) throw new ModelError(`${w}: the inputs do not add up to the output's ${y.shape[axis]} along axis ${axis}`);
  params.axis = axis;
  return 'concat';
}

/**
 * STRIDED_SLICE on int8 (rank <= 4), TFLM's strided_slice_logic: per axis the start (begin_mask,
 * negative indices, clamped), the stop (end_mask, shrink: start + 1, clamped by direction) and the
 * stride; shrunk axes leave the output. TFLM (tflite-micro @ 90b983c2) reads begin / end / strides
 * as given whatever the ellipsis mask says, and so do we; new-axis masks are refused.
 */
export function stridedSliceLayer(op: TfliteOperator, T: TfliteTensor[], params: LayerParams, w: string): OpKind {
  const x = T[op.inputs[0]!]!;
  const y = T[op.outputs[0]!]!;
  const [begin, end, strides] = [1, 2, 3].map((k) => constInts(T[op.inputs[k]!]));
  const rank = x.shape.length;
  if (!begin || !end || !strides || begin.length !== rank || end.length !== rank || strides.length !== rank)
    throw new ModelError(`${w}: begin, end and strides must be constant int32 vectors of the input's rank ${rank}`);
  const o = op.options;
  if (Number(o.newAxisMask ?? 0)) throw new ModelError(`${w}: a new-axis mask is not supported`);
  if (o.offset) throw new ModelError(`${w}: the offset option is not supported`);
  const n = rank;
  const bit = (m: unknown, k: number) => (Number(m ?? 0) >> k) & 1;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const b: number[] = [];
  const step: number[] = [];
  const count: number[] = [];
  const outDims: number[] = [];
  for (let k = 0; k < rank; k++) {
    const size = x.shape[k]!;
    const whole = k >= n;
    const s = whole ? 1 : strides[k]!;
    if (s === 0) throw new ModelError(`${w}: stride 0 on axis ${k}`);
    let start = whole || bit(o.beginMask, k) ? (s > 0 ? -(2 ** 31) : 2 ** 31 - 1) : begin[k]!;
    if (start < 0) start += size;
    start = clamp(start, 0, size - 1);
    const shrink = k < n && bit(o.shrinkAxisMask, k) === 1;
    let stop = shrink ? start + 1 : end[k]!;
    if (whole || bit(o.endMask, k)) stop = s > 0 ? 2 ** 31 - 1 : -(2 ** 31);
    if (stop < 0) stop += size;
    stop = s > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
    const c = s > 0 ? Math.max(0, Math.ceil((stop - start) / s)) : Math.max(0, Math.ceil((start - stop) / -s));
    b.push(start);
    step.push(s);
    count.push(c);
    if (!shrink) outDims.push(c);
  }
  if (count.some((c) => c === 0)) throw new ModelError(`${w}: the slice is empty`);
  if (stripOnes(outDims) !== stripOnes(y.shape)) throw new ModelError(`${w}: output ${dimsText(y.shape)} does not match the slice ${dimsText(outDims)}`);
  if (!sameQuant(perTensor(x, w), perTensor(y, w))) throw new ModelError(`${w}: input and output quantisation differ (STRIDED_SLICE moves bytes)`);
  params.slice = { begin: b, step, count };
  return 'slice';
}
