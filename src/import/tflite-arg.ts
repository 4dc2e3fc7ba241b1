/**
 * TFLite ARG_MAX / ARG_MIN -> 'arg' layers. TensorFlow Lite Micro (arg_min_max.cc) runs them on an
 * int8 (or float32) input with an int32 axis and an int32 output only; so do we, on int8. The
 * output is the index along the axis of the first largest (smallest) value (ties: the lowest
 * index); its int32 tensor can only be a model output (the executor's activations are int8).
 */
import { ModelError } from '../errors.js';
import type { LayerParams, OpKind } from '../model/ir.js';
import type { TfliteOperator, TfliteTensor } from './tflite.js';
import { constInts, dimsText } from './tflite-elementwise.js';

export const ARG_OPS: Readonly<Record<string, 'max' | 'min'>> = { ARG_MAX: 'max', ARG_MIN: 'min' };

export function argLayer(op: TfliteOperator, T: TfliteTensor[], params: LayerParams, w: string): OpKind {
  const x = T[op.inputs[0]!]!;
  const axisT = T[op.inputs[1]!];
  const y = T[op.outputs[0]!]!;
  if (axisT?.dtype !== 'int32') throw new ModelError(`${w}: the axis is ${axisT?.dtype ?? 'missing'}; TensorFlow Lite Micro supports an int32 axis only`);
  const given = constInts(axisT);
  if (!given || given.length !== 1) throw new ModelError(`${w}: the axis must be one constant int32`);
  if (y.dtype !== 'int32') throw new ModelError(`${w}: the output is ${y.dtype}; TensorFlow Lite Micro's ${op.opcode} writes int32 indices only`);
  const rank = x.shape.length;
  const a = given[0]!;
  if (a < -rank || a >= rank) throw new ModelError(`${w}: axis ${a} is out of range for the rank-${rank} input ${dimsText(x.shape)}`);
  const axis = a < 0 ? a + rank : a;
  const expect = x.shape.filter((_, k) => k !== axis);
  if (expect.join() !== y.shape.join()) throw new ModelError(`${w}: output ${dimsText(y.shape)} does not match ${dimsText(expect)} (input ${dimsText(x.shape)} without axis ${axis})`);
  params.arg = { fn: ARG_OPS[op.opcode]!, axis };
  return 'arg';
}
