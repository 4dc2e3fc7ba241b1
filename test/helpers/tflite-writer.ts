/** A minimal .tflite writer for tests (schema field ids as in src/import/tflite-schema.ts). */
import { Builder } from 'flatbuffers';

export const TT = { float32: 0, int32: 2, uint8: 3, int8: 9 } as const;
export const OP = {
  ADD: 0, CONCATENATION: 2, CONV_2D: 3, DEQUANTIZE: 6, FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18, RELU: 19, RELU_N1_TO_1: 20, RELU6: 21,
  RESHAPE: 22, TANH: 28, PAD: 34, TRANSPOSE: 39, SUB: 41, MAXIMUM: 55, MINIMUM: 57, LEAKY_RELU: 98, QUANTIZE: 114, HARD_SWISH: 117,
  STRIDED_SLICE: 45, SPLIT: 49, PADV2: 60, PACK: 83, UNPACK: 88, SPLIT_V: 102, MEAN: 40, REDUCE_MAX: 82,
  RESIZE_BILINEAR: 23, RESIZE_NEAREST_NEIGHBOR: 97, ARG_MAX: 56, ARG_MIN: 79, DEPTHWISE_CONV_2D: 4,
  AVERAGE_POOL_2D: 1, SOFTMAX: 25,
} as const;
/** BuiltinOptions union members the tests write. */
export const OPTS = {
  ConcatenationOptions: 10, AddOptions: 11, MulOptions: 21, SubOptions: 28, StridedSliceOptions: 32, SplitOptions: 35, PackOptions: 59,
  UnpackOptions: 64, LeakyReluOptions: 75, SplitVOptions: 79, ReducerOptions: 27,
  ResizeBilinearOptions: 15, ResizeNearestNeighborOptions: 74, ArgMaxOptions: 40, ArgMinOptions: 57, Conv2DOptions: 1, DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5, FullyConnectedOptions: 8, SoftmaxOptions: 9, ReshapeOptions: 17,
} as const;

export interface T {
  shape: number[];
  type: number;
  name: string;
  scale?: number[];
  zeroPoint?: number[];
  qdim?: number;
  data?: Uint8Array;
}
export interface O {
  code: number;
  inputs: number[];
  outputs: number[];
  /** Conv2DOptions: padding (0 SAME, 1 VALID), stride, activation (0 NONE, 1 RELU, 3 RELU6). */
  conv?: { padding: number; stride: number; activation: number };
  /** Any other options table: its union member and its scalar fields (field id, kind, value). */
  options?: { type: number; fields: [id: number, kind: 'i8' | 'i32' | 'f32', value: number][] };
}

/** A [int] vector and a vector of table offsets, for both test writers. */
export function vectorWriters(b: Builder): { ints: (xs: readonly number[]) => number; offsets: (xs: readonly number[]) => number } {
  return {
    ints(xs) {
      b.startVector(4, xs.length, 4);
      for (let i = xs.length - 1; i >= 0; i--) b.addInt32(xs[i]!);
      return b.endVector();
    },
    offsets(xs) {
      b.startVector(4, xs.length, 4);
      for (let i = xs.length - 1; i >= 0; i--) b.addOffset(xs[i]!);
      return b.endVector();
    },
  };
}

export function tflite(tensors: T[], ops: O[], inputs: number[], outputs: number[]): Uint8Array {
  const b = new Builder(4096);
  const { ints, offsets } = vectorWriters(b);
  // Buffers: 0 is the empty sentinel, then one per constant tensor.
  const bufferOf: number[] = [];
  const bufferTables: number[] = [];
  b.startObject(1);
  bufferTables.push(b.endObject());
  for (const t of tensors) {
    if (!t.data) {
      bufferOf.push(0);
      continue;
    }
    const data = b.createByteVector(t.data);
    b.startObject(1);
    b.addFieldOffset(0, data, 0); // Buffer.data
    bufferOf.push(bufferTables.length);
    bufferTables.push(b.endObject());
  }
  const codes = [...new Set(ops.map((o) => o.code))];
  const codeTables = codes.map((c) => {
    b.startObject(4);
    b.addFieldInt8(0, Math.min(c, 127), 0); // deprecated_builtin_code
    b.addFieldInt32(3, c, 0); // builtin_code
    return b.endObject();
  });
  const tensorTables = tensors.map((t, i) => {
    const shape = ints(t.shape);
    const name = b.createString(t.name);
    let quant = 0;
    if (t.scale) {
      b.startVector(4, t.scale.length, 4);
      for (let k = t.scale.length - 1; k >= 0; k--) b.addFloat32(t.scale[k]!);
      const scale = b.endVector();
      const zps = t.zeroPoint ?? t.scale.map(() => 0);
      b.startVector(8, zps.length, 8);
      for (let k = zps.length - 1; k >= 0; k--) b.addInt64(BigInt(zps[k]!));
      const zp = b.endVector();
      b.startObject(7);
      b.addFieldOffset(2, scale, 0); // QuantizationParameters.scale
      b.addFieldOffset(3, zp, 0); // .zero_point
      b.addFieldInt32(6, t.qdim ?? 0, 0); // .quantized_dimension
      quant = b.endObject();
    }
    b.startObject(5);
    b.addFieldOffset(0, shape, 0); // Tensor.shape
    b.addFieldInt8(1, t.type, 0); // .type
    b.addFieldInt32(2, bufferOf[i]!, 0); // .buffer
    b.addFieldOffset(3, name, 0); // .name
    if (quant) b.addFieldOffset(4, quant, 0); // .quantization
    return b.endObject();
  });
  const opTables = ops.map((o) => {
    const ins = ints(o.inputs);
    const outs = ints(o.outputs);
    let options = 0;
    if (o.conv) {
      b.startObject(4);
      b.addFieldInt8(0, o.conv.padding, 0); // Conv2DOptions.padding
      b.addFieldInt32(1, o.conv.stride, 0); // .stride_w
      b.addFieldInt32(2, o.conv.stride, 0); // .stride_h
      b.addFieldInt8(3, o.conv.activation, 0); // .fused_activation_function
      options = b.endObject();
    } else if (o.options) {
      b.startObject(Math.max(1, ...o.options.fields.map(([id]) => id + 1)));
      for (const [id, kind, v] of o.options.fields) {
        if (kind === 'i8') b.addFieldInt8(id, v, 0);
        else if (kind === 'i32') b.addFieldInt32(id, v, 0);
        else b.addFieldFloat32(id, v, 0);
      }
      options = b.endObject();
    }
    b.startObject(5);
    b.addFieldInt32(0, codes.indexOf(o.code), 0); // Operator.opcode_index
    b.addFieldOffset(1, ins, 0);
    b.addFieldOffset(2, outs, 0);
    if (options) {
      b.addFieldInt8(3, o.options ? o.options.type : 1, 0); // builtin_options_type (1: Conv2DOptions)
      b.addFieldOffset(4, options, 0);
    }
    return b.endObject();
  });
  const tv = offsets(tensorTables);
  const iv = ints(inputs);
  const ov = ints(outputs);
  const opv = offsets(opTables);
  b.startObject(4);
  b.addFieldOffset(0, tv, 0); // SubGraph.tensors
  b.addFieldOffset(1, iv, 0); // .inputs
  b.addFieldOffset(2, ov, 0); // .outputs
  b.addFieldOffset(3, opv, 0); // .operators
  const sg = b.endObject();
  const cv = offsets(codeTables);
  const sv = offsets([sg]);
  const bv = offsets(bufferTables);
  b.startObject(5);
  b.addFieldInt32(0, 3, 0); // Model.version
  b.addFieldOffset(1, cv, 0); // .operator_codes
  b.addFieldOffset(2, sv, 0); // .subgraphs
  b.addFieldOffset(4, bv, 0); // .buffers
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}
