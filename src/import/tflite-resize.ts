/**
 * TFLite RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR -> 'resize' layers, checked as TensorFlow Lite
 * Micro's prepare checks them (resize_nearest_neighbor.cc, resize_bilinear.cc): a rank-4 input, a
 * constant int32 size of two elements (the output's height and width), not both align_corners and
 * half_pixel_centers on a bilinear resize. TFLM's int8 kernels interpolate the raw values without
 * requantising, so the output must share the input's quantisation (refused otherwise).
 */
import { ModelError } from '../errors.js';
import type { LayerParams, OpKind } from '../model/ir.js';
import type { TfliteOperator, TfliteTensor } from './tflite.js';
import { constInts, dimsText, perTensor, sameQuant } from './tflite-elementwise.js';

export function resizeLayer(op: TfliteOperator, T: TfliteTensor[], params: LayerParams, w: string): OpKind {
  const x = T[op.inputs[0]!]!;
  const y = T[op.outputs[0]!]!;
  const sizeT = T[op.inputs[1]!];
  const size = constInts(sizeT);
  if (x.shape.length !== 4) throw new ModelError(`${w}: the input ${dimsText(x.shape)} must have rank 4 (TensorFlow Lite Micro's requirement)`);
  if (!size || sizeT!.shape.length !== 1 || size.length !== 2) throw new ModelError(`${w}: the size must be a constant int32 tensor of two elements (height, width)`);
  const [n, , , c] = x.shape as [number, number, number, number];
  const expect = [n, size[0]!, size[1]!, c];
  if (!(size[0]! >= 1 && size[1]! >= 1) || expect.join() !== y.shape.join())
    throw new ModelError(`${w}: output ${dimsText(y.shape)} does not match ${dimsText(expect)} (input ${dimsText(x.shape)}, size [${size.join(', ')}])`);
  if (!sameQuant(perTensor(x, w), perTensor(y, w)))
    throw new ModelError(`${w}: input and output quantisation differ; TensorFlow Lite Micro's int8 ${op.opcode} interpolates raw values and does not requantise`);
  const alignCorners = Boolean(op.options.alignCorners);
  const halfPixelCenters = Boolean(op.options.halfPixelCenters);
  const mode = op.opcode === 'RESIZE_BILINEAR' ? 'bilinear' : 'nearest';
  if (mode === 'bilinear' && alignCorners && halfPixelCenters)
    throw new ModelError(`${w}: align_corners and half_pixel_centers are both set; TensorFlow Lite Micro refuses that`);
  params.resize = { mode, alignCorners, halfPixelCenters };
  return 'resize';
}
