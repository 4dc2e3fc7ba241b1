/**
 * TFLite MEAN and REDUCE_MAX -> IR layers. MEAN over height and width of a batch-1 rank-4 tensor is
 * global average pooling ('global_avg_pool2d', which the cost models know); any other axes give a
 * 'reduce' layer. Checks follow TensorFlow Lite Micro (tflite-micro @ 90b983c2, reduce_common.cc):
 * constant int32 axes, negative axes resolved, duplicates dropped; int8 REDUCE_MAX requires the
 * input's scale and zero point on the output (it compares raw values). (TFLM's MEAN eval resolves
 * its axes into a stack array of kMaxNumberOfReducedAxis = 2 entries; with 3 or 4 distinct axes it
 * writes past it, and on the 64-bit host its answer is still the mean, which is what we compute.)
 */
import { ModelError } from '../errors.js';
import type { LayerParams, OpKind } from '../model/ir.js';
import type { TfliteOperator, TfliteTensor } from './tflite.js';
import { constInts, dimsText, perTensor, sameQuant } from './tflite-elementwise.js';

export function reduceLayer(op: TfliteOperator, T: TfliteTensor[], params: LayerParams, w: string): OpKind {
  const x = T[op.inputs[0]!]!;
  const y = T[op.outputs[0]!]!;
  const given = constInts(T[op.inputs[1]!]);
  if (!given) throw new ModelError(`${w}: the axes must be a constant int32 tensor`);
  const rank = x.shape.length;
  const axes: number[] = [];
  for (const a of given) {
    if (a < -rank || a >= rank) throw new ModelError(`${w}: axis ${a} is out of range for the rank-${rank} input ${dimsText(x.shape)}`);
    const r = a < 0 ? a + rank : a;
    if (!axes.includes(r)) axes.push(r);
  }
  const keep = Boolean(op.options.keepDims);
  const expect = keep ? x.shape.map((d, k) => (axes.includes(k) ? 1 : d)) : x.shape.filter((_, k) => !axes.includes(k));
  if (expect.join() !== y.shape.join())
    throw new ModelError(`${w}: output ${dimsText(y.shape)} does not match ${dimsText(expect)} (input ${dimsText(x.shape)} over axes [${axes.join(', ')}]${keep ? ', keep_dims' : ''})`);
  const [qx, qy] = [perTensor(x, w), perTensor(y, w)];
  const mean = op.opcode === 'MEAN';
  if (!mean && !sameQuant(qx, qy))
    throw new ModelError(`${w}: input and output quantisation differ; TensorFlow Lite Micro's int8 REDUCE_MAX compares raw values and requires them equal`);
  if (mean && rank === 4 && x.shape[0] === 1 && [...axes].sort().join() === '1,2') return 'global_avg_pool2d';
  params.reduce = { fn: mean ? 'mean' : 'max', axes: [...axes].sort((a, b) => a - b) };
  return 'reduce';
}
