/**
 * The builtin options of the operators msf-cnn reads, decoded from their flatbuffer tables into
 * plain values (absent fields take the schema's defaults). One decoder per options table; OPTIONS
 * maps each operator to the union member it must carry and its decoder (src/import/tflite.ts checks
 * the member before decoding).
 */
import { ACTIVATION, FC_WEIGHTS_FORMAT, FIELD, OPTIONS_TYPE, PADDING, TENSOR_TYPES } from './tflite-schema.js';
import { MAX_RANK } from '../limits.js';
import type { Table, TfliteOptionValue } from './tflite.js';

export type Options = Record<string, TfliteOptionValue>;
type Decoder = (o: Table) => Options;

const act = (o: Table, id: number): string => o.enumOf(id, 'fused_activation_function', ACTIVATION);
const pad = (o: Table, id: number): string => o.enumOf(id, 'padding', PADDING);

function biasType(o: Table, id: number, out: Options): Options {
  const p = o.enumOf(id, 'quantized_bias_type', TENSOR_TYPES);
  if (p !== 'float32') out.quantizedBiasType = p; // 0 (FLOAT32) means "not set"
  return out;
}

/** Padding, strides and the fused activation: what every window op's options start with. */
function windowOptions(o: Table, F: { padding: number; strideW: number; strideH: number; fusedActivation: number }) {
  return { padding: pad(o, F.padding), strideW: o.i32(F.strideW, 'stride_w'), strideH: o.i32(F.strideH, 'stride_h'), fusedActivation: act(o, F.fusedActivation) };
}

/** The dilation factors of the convolutions (1 when absent). */
function dilation(o: Table, F: { dilationW: number; dilationH: number }) {
  return { dilationW: o.i32(F.dilationW, 'dilation_w_factor', 1), dilationH: o.i32(F.dilationH, 'dilation_h_factor', 1) };
}

const conv2d: Decoder = (o) => {
  const F = FIELD.Conv2DOptions;
  return biasType(o, F.quantizedBiasType, { ...windowOptions(o, F), ...dilation(o, F) });
};

const depthwise: Decoder = (o) => {
  const F = FIELD.DepthwiseConv2DOptions;
  return { ...windowOptions(o, F), ...dilation(o, F), depthMultiplier: o.i32(F.depthMultiplier, 'depth_multiplier') };
};

const pool2d: Decoder = (o) => {
  const F = FIELD.Pool2DOptions;
  return { ...windowOptions(o, F), filterWidth: o.i32(F.filterWidth, 'filter_width'), filterHeight: o.i32(F.filterHeight, 'filter_height') };
};

const fullyConnected: Decoder = (o) => {
  const F = FIELD.FullyConnectedOptions;
  return biasType(o, F.quantizedBiasType, {
    fusedActivation: act(o, F.fusedActivation),
    weightsFormat: o.enumOf(F.weightsFormat, 'weights_format', FC_WEIGHTS_FORMAT),
    keepNumDims: o.bool(F.keepNumDims, 'keep_num_dims'),
    asymmetricQuantizeInputs: o.bool(F.asymmetricQuantizeInputs, 'asymmetric_quantize_inputs'),
  });
};

const addSub: Decoder = (o) => ({
  fusedActivation: act(o, FIELD.AddOptions.fusedActivation),
  potScaleInt16: o.bool(FIELD.AddOptions.potScaleInt16, 'pot_scale_int16', true),
});

const reducer: Decoder = (o) => ({ keepDims: o.bool(FIELD.ReducerOptions.keepDims, 'keep_dims') });

const none: Decoder = () => ({});

function resize(o: Table, F: { alignCorners: number; halfPixelCenters: number }): Options {
  return { alignCorners: o.bool(F.alignCorners, 'align_corners'), halfPixelCenters: o.bool(F.halfPixelCenters, 'half_pixel_centers') };
}

/** Opcode -> [expected BuiltinOptions union type, decoder]. */
export const OPTIONS: ReadonlyMap<string, readonly [number, Decoder]> = new Map<string, readonly [number, Decoder]>([
  ['CONV_2D', [OPTIONS_TYPE.Conv2DOptions, conv2d]],
  ['DEPTHWISE_CONV_2D', [OPTIONS_TYPE.DepthwiseConv2DOptions, depthwise]],
  ['AVERAGE_POOL_2D', [OPTIONS_TYPE.Pool2DOptions, pool2d]],
  ['MAX_POOL_2D', [OPTIONS_TYPE.Pool2DOptions, pool2d]],
  ['L2_POOL_2D', [OPTIONS_TYPE.Pool2DOptions, pool2d]],
  ['FULLY_CONNECTED', [OPTIONS_TYPE.FullyConnectedOptions, fullyConnected]],
  ['ADD', [OPTIONS_TYPE.AddOptions, addSub]],
  ['SUB', [OPTIONS_TYPE.SubOptions, addSub]],
  ['MUL', [OPTIONS_TYPE.MulOptions, (o) => ({ fusedActivation: act(o, FIELD.MulOptions.fusedActivation) })]],
  [
    'CONCATENATION',
    [
      OPTIONS_TYPE.ConcatenationOptions,
      (o) => ({
        axis: o.i32(FIELD.ConcatenationOptions.axis, 'axis'),
        fusedActivation: act(o, FIELD.ConcatenationOptions.fusedActivation),
      }),
    ],
  ],
  ...['MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN', 'REDUCE_PROD', 'REDUCE_ANY', 'REDUCE_ALL'].map((op) => [op, [OPTIONS_TYPE.ReducerOptions, reducer]] as const),
  [
    'RESHAPE',
    [
      OPTIONS_TYPE.ReshapeOptions,
      (o): Options => {
        const s = o.int32s(FIELD.ReshapeOptions.newShape, 'new_shape', MAX_RANK);
        return s === null ? {} : { newShape: s };
      },
    ],
  ],
  [
    'SQUEEZE',
    [
      OPTIONS_TYPE.SqueezeOptions,
      (o) => ({ squeezeDims: o.int32s(FIELD.SqueezeOptions.squeezeDims, 'squeeze_dims', MAX_RANK) ?? [] }),
    ],
  ],
  ['SOFTMAX', [OPTIONS_TYPE.SoftmaxOptions, (o) => ({ beta: o.f32(FIELD.SoftmaxOptions.beta, 'beta') })]],
  ['PAD', [OPTIONS_TYPE.PadOptions, none]],
  ['PADV2', [OPTIONS_TYPE.PadV2Options, none]],
  ['QUANTIZE', [OPTIONS_TYPE.QuantizeOptions, none]],
  ['DEQUANTIZE', [OPTIONS_TYPE.DequantizeOptions, none]],
  [
    'STRIDED_SLICE',
    [
      OPTIONS_TYPE.StridedSliceOptions,
      (o) => {
        const F = FIELD.StridedSliceOptions;
        return {
          beginMask: o.i32(F.beginMask, 'begin_mask'), endMask: o.i32(F.endMask, 'end_mask'), ellipsisMask: o.i32(F.ellipsisMask, 'ellipsis_mask'),
          newAxisMask: o.i32(F.newAxisMask, 'new_axis_mask'), shrinkAxisMask: o.i32(F.shrinkAxisMask, 'shrink_axis_mask'), offset: o.bool(F.offset, 'offset'),
        };
      },
    ],
  ],
  ['PACK', [OPTIONS_TYPE.PackOptions, (o) => ({ valuesCount: o.i32(FIELD.PackOptions.valuesCount, 'values_count'), axis: o.i32(FIELD.PackOptions.axis, 'axis') })]],
  ['UNPACK', [OPTIONS_TYPE.UnpackOptions, (o) => ({ num: o.i32(FIELD.UnpackOptions.num, 'num'), axis: o.i32(FIELD.UnpackOptions.axis, 'axis') })]],
  ['LEAKY_RELU', [OPTIONS_TYPE.LeakyReluOptions, (o) => ({ alpha: o.f32(FIELD.LeakyReluOptions.alpha, 'alpha') })]],
  ['RESIZE_BILINEAR', [OPTIONS_TYPE.ResizeBilinearOptions, (o) => resize(o, FIELD.ResizeBilinearOptions)]],
  ['RESIZE_NEAREST_NEIGHBOR', [OPTIONS_TYPE.ResizeNearestNeighborOptions, (o) => resize(o, FIELD.ResizeNearestNeighborOptions)]],
  ['ARG_MAX', [OPTIONS_TYPE.ArgMaxOptions, (o) => ({ outputType: o.enumOf(FIELD.ArgMaxOptions.outputType, 'output_type', TENSOR_TYPES) })]],
  ['ARG_MIN', [OPTIONS_TYPE.ArgMinOptions, (o) => ({ outputType: o.enumOf(FIELD.ArgMinOptions.outputType, 'output_type', TENSOR_TYPES) })]],
]);

