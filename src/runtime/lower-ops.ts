/**
 * Descriptor and constants of the element-wise and data-movement layers ('lut', 'elementwise',
 * 'transpose'), with TensorFlow Lite Micro's prepare-time arithmetic: the unary tables
 * (src/runtime/lut.ts), ADD / SUB (add_common.cc, sub_common.cc: the same parameters), MUL
 * (mul_common.cc: QuantizeMultiplier((double)s1 * (double)s2 / (double)s_out)), and the 4-D walks
 * the kernels follow (assembly/kernels/elementwise.ts, transpose.ts).
 */
import { ModelError } from '../errors.js';
import { type Layer, type Model, inputDims, tensorDims } from '../model/ir.js';
import { ELT_ADD, ELT_CONST_FIRST, ELT_MAX, ELT_MIN, ELT_MUL, ELT_SUB, type LayerDesc } from './desc.js';
import { unaryTable } from './lut.js';
import { bilinearTaps, nearestIndices } from './resize-tables.js';
import { activationRange, addParams, meanParams, quantizeMultiplier } from './quantize.js';

export interface LoweredOp {
  desc: Partial<LayerDesc>;
  weights: Int8Array | null;
  aux: Int32Array | null;
}

const ELT: Record<string, number> = { add: ELT_ADD, sub: ELT_SUB, mul: ELT_MUL, minimum: ELT_MIN, maximum: ELT_MAX };

/** dims right-aligned to rank 4 (leading 1s). */
function rank4(d: readonly number[], where: string): number[] {
  if (d.length > 4) throw new ModelError(`${where}: rank ${d.length} > 4 is not supported`);
  return [1, 1, 1, 1].slice(d.length).concat(d);
}

/** Row-major element strides of rank-4 dims. */
function strides(d: readonly number[]): number[] {
  return [d[1]! * d[2]! * d[3]!, d[2]! * d[3]!, d[3]!, 1];
}

export function lowerElementwiseOp(model: Model, layer: Layer): LoweredOp {
  const where = `${model.name} layer ${layer.index} (${layer.op})`;
  const p = layer.params!;
  const outT = model.tensors[layer.output]!;
  const inQ = model.tensors[layer.inputs[0]!]!.quant!;
  const outQ = outT.quant!;
  if (layer.op === 'lut') return { desc: {}, weights: unaryTable({ fn: p.fn!, ...(p.alpha !== undefined ? { alpha: p.alpha } : {}) }, inQ, outQ), aux: null };
  if (layer.op === 'transpose') {
    const inD = rank4(inputDims(model, layer), where);
    const lift = 4 - inputDims(model, layer).length;
    const perm = [...Array(lift).keys(), ...p.perm!.map((k) => k + lift)];
    const s = strides(inD);
    return { desc: {}, weights: null, aux: Int32Array.from([...perm.map((k) => inD[k]!), ...perm.map((k) => s[k]!), 0]) };
  }
  if (layer.op === 'slice') {
    // count[k] elements from begin[k], step[k] apart, along each input axis.
    const d = inputDims(model, layer);
    const lift = 4 - d.length;
    const s = strides(rank4(d, where));
    const { begin, step, count } = p.slice!;
    const pad = <V>(xs: readonly V[], v: V) => [...Array<V>(lift).fill(v), ...xs];
    const st = pad(step, 1).map((v, k) => v * s[k]!);
    const base = pad(begin, 0).reduce((a, b, k) => a + b * s[k]!, 0);
    return { desc: {}, weights: null, aux: Int32Array.from([...pad(count, 1), ...st, base]) };
  }
  if (layer.op === 'reduce') {
    // Output element strides of the input's axes (0 on a reduced axis), n inputs per output.
    const d = rank4(inputDims(model, layer), where);
    const lift = 4 - inputDims(model, layer).length;
    const { fn, axes } = p.reduce!;
    const reduced = (k: number) => axes.includes(k - lift);
    const os = strides(d.map((v, k) => (reduced(k) ? 1 : v))).map((v, k) => (reduced(k) ? 0 : v));
    const n = axes.reduce((a, k) => a * d[k + lift]!, 1);
    const aux = Int32Array.from([...d, ...os, n]);
    if (fn === 'max') return { desc: {}, weights: null, aux };
    const m = meanParams(inQ, outQ);
    return { desc: { ...m, ...foldMeanCount(m.outMult, m.outShift, n) }, weights: null, aux };
  }
  if (layer.op === 'arg') {
    // [outer, axis size, inner] of the input around the axis.
    const d = inputDims(model, layer);
    const axis = p.arg!.axis;
    const prod = (xs: readonly number[]) => xs.reduce((a, v) => a * v, 1);
    return { desc: {}, weights: null, aux: Int32Array.from([prod(d.slice(0, axis)), d[axis]!, prod(d.slice(axis + 1))]) };
  }
  if (layer.op === 'resize') {
    // [N, inH, inW, C, outH, outW], then the rows' and the columns' source coordinates.
    const [n, inH, inW, c] = rank4(inputDims(model, layer), where);
    const [, outH, outW] = rank4(tensorDims(outT), where);
    const { mode, alignCorners: a, halfPixelCenters: h } = p.resize!;
    const axis = (i: number, o: number) => (mode === 'nearest' ? nearestIndices(i, o, a, h) : bilinearTaps(i, o, a, h, where));
    return { desc: {}, weights: null, aux: Int32Array.from([n!, inH!, inW!, c!, outH!, outW!, ...axis(inH!, outH!), ...axis(inW!, outW!)]) };
  }
  if (layer.op === 'concat') {
    // outer: the output's dims before the axis; each input's run: its dims from the axis on.
    const out = tensorDims(outT);
    const outer = out.slice(0, p.axis!).reduce((a, v) => a * v, 1);
    const inner = layer.inputs.map((t) => model.tensors[t]!.shape.reduce((a, v) => a * v, 1) / outer);
    return { desc: {}, weights: null, aux: Int32Array.from([layer.inputs.length, outer, ...inner]) };
  }
  // Binary: operand 1 and 2 in the op's order; one may be the constant.
  const c = p.constant;
  const tensorOperands = layer.inputs.map((t, k) => ({ dims: inputDims(model, layer, k), quant: model.tensors[t]!.quant! }));
  const operands = c ? (c.first ? [{ dims: c.dims, quant: c.quant }, tensorOperands[0]!] : [tensorOperands[0]!, { dims: c.dims, quant: c.quant }]) : tensorOperands;
  if (operands.length !== 2) throw new ModelError(`${where}: expected two operands`);
  const out = rank4(tensorDims(outT), where);
  const walk = (d: readonly number[]) => {
    const d4 = rank4(d, where);
    const s = strides(d4);
    return d4.map((v, k) => (v === 1 && out[k] !== 1 ? 0 : s[k]!));
  };
  const aux = Int32Array.from([...out, ...walk(operands[0]!.dims), ...walk(operands[1]!.dims)]);
  const [q1, q2] = [operands[0]!.quant, operands[1]!.quant];
  const fn = p.fn!;
  let desc: Partial<LayerDesc> = { subop: ELT[fn]! | (c?.first ? ELT_CONST_FIRST : 0) };
  if (fn === 'add' || fn === 'sub') desc = { ...desc, ...addParams(q1, q2, outQ, p.activation) };
  else if (fn === 'mul') {
    const m = quantizeMultiplier((Math.fround(q1.scale) * Math.fround(q2.scale)) / Math.fround(outQ.scale));
    desc = { ...desc, inOffset: -q1.zeroPoint, in2Offset: -q2.zeroPoint, outOffset: outQ.zeroPoint, outMult: m.multiplier, outShift: m.shift, ...activationRange(p.activation, outQ.scale, outQ.zeroPoint) };
  }
  return { desc, weights: c ? c.data : null, aux };
}

/**
 * TFLM's QuantizedMeanOrSum folds 1 / n into the prepare-time multiplier at eval time:
 * s = min(floor(log2 n), 32, 31 + shift), mult' = (mult << s) / n (int64, truncating), shift' = shift - s.
 */
export function foldMeanCount(outMult: number, outShift: number, n: number): { outMult: number; outShift: number } {
  const s = Math.min(31 - Math.clz32(n), 32, 31 + outShift);
  return { outMult: Number(BigInt.asIntN(32, (BigInt(outMult) << BigInt(s)) / BigInt(n))), outShift: outShift - s };
}
