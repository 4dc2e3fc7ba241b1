/**
 * The model IR: a graph of int8 operators over tensors. Layers are kept in execution order; an op
 * consumes tensors (by id) and produces one; a tensor may have several consumers (skip connections).
 * Shapes are NHWC without the batch: [H, W, C].
 */
export type Shape = readonly [h: number, w: number, c: number];

export type OpKind =
  | 'conv2d'
  | 'depthwise_conv2d'
  | 'avg_pool2d'
  | 'max_pool2d'
  | 'add'
  | 'global_avg_pool2d'
  | 'fully_connected'
  | 'pad'
  | 'softmax'
  // Element-wise unary int8 -> int8 through a 256-entry table (src/runtime/lut.ts): LOGISTIC, TANH,
  // HARD_SWISH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, QUANTIZE int8 -> int8, and a binary op with
  // a scalar constant operand.
  | 'lut'
  // Element-wise binary with broadcasting (ADD, SUB, MUL, MINIMUM, MAXIMUM); one operand may be a constant.
  | 'elementwise'
  // Moves bytes: TRANSPOSE of up to rank 4.
  | 'transpose'
  // Moves bytes: STRIDED_SLICE, one output of SPLIT / SPLIT_V / UNPACK.
  | 'slice'
  // Moves bytes: CONCATENATION / PACK of its inputs along one axis.
  | 'concat'
  // MEAN / REDUCE_MAX over any axes (MEAN over height and width alone is 'global_avg_pool2d').
  | 'reduce'
  // RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR of the rows and columns (any scale, both flags).
  | 'resize'
  // ARG_MAX / ARG_MIN along one axis: an int32 output (Tensor.dtype), only as a model output.
  | 'arg';

/** Ops with a sliding window: the ones a fusion block can contain in the paper's model. */
export const WINDOW_OPS: ReadonlySet<OpKind> = new Set(['conv2d', 'depthwise_conv2d', 'avg_pool2d', 'max_pool2d']);

/** Affine int8 quantisation: real = scale * (q - zeroPoint). */
export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

export interface Tensor {
  id: number;
  name: string;
  shape: Shape;
  /**
   * The tensor's own dimensions (TFLite's shape, rank 0 to 4) when they say more than `shape`: a
   * rank-4 [N, H, W, C] is `shape` [N * H, W, C], the same bytes in the same order.
   */
  dims?: readonly number[];
  /** Present on executable models (zoo with seeded weights, imported .tflite). */
  quant?: QuantParams;
  /** Index of the tensor in the source file (TFLite models), for conformance checks. */
  sourceIndex?: number;
  /**
   * 'int32': each element is a little-endian int32 (ARG_MAX / ARG_MIN indices), so `shape` counts
   * bytes ([H, W, 4 * C]) and `dims` the elements; `quant` is then { scale: 1, zeroPoint: 0 } (raw
   * integers). Absent: int8. Only a model output may be int32 (no layer reads one).
   */
  dtype?: 'int32';
}

export type Activation = 'none' | 'relu' | 'relu6' | 'relu_n1_to_1';

/** Constant parameters of an executable layer (weights are symmetric int8, zero point 0). */
export interface LayerParams {
  /** conv2d: [outC][kh][kw][inC]; depthwise: [kh][kw][outC]; fully connected: [outC][inC]. */
  weights?: Int8Array;
  bias?: Int32Array;
  /** Per output channel (length outC) or per tensor (length 1). */
  weightScales?: Float64Array;
  activation: Activation;
  /** softmax: the beta of TFLite's SOFTMAX. */
  beta?: number;
  /** pad: [before, after] zero-point elements added to the channel dimension. */
  channelPad?: readonly [number, number];
  /** pad (PADV2): the int8 value padded elements take (absent: the output zero point). */
  padValue?: number;
  /** lut / elementwise: the function (the TFLite operator, lower case: 'logistic', 'sub', ...). */
  fn?: ElementwiseFn;
  /** leaky_relu: alpha. */
  alpha?: number;
  /** elementwise / lut with a constant operand: its int8 values, dimensions and quantisation. */
  constant?: ConstantOperand;
  /** transpose: the permutation of the input's dimensions (TFLite's perm). */
  perm?: readonly number[];
  /** concat: the output's axis the inputs are joined along. */
  axis?: number;
  /**
   * slice: per input dimension, the first index, the step (negative: backwards) and the count taken
   * (STRIDED_SLICE; SPLIT / SPLIT_V / UNPACK: one range of one axis). Shrunk axes have count 1.
   */
  slice?: { begin: readonly number[]; step: readonly number[]; count: readonly number[] };
  /** reduce: the function and the input dimensions it reduces (resolved: >= 0, no duplicates). */
  reduce?: { fn: 'mean' | 'max'; axes: readonly number[] };
  /** resize: the interpolation and TFLite's two coordinate flags. */
  resize?: { mode: 'nearest' | 'bilinear'; alignCorners: boolean; halfPixelCenters: boolean };
  /** arg: ARG_MAX ('max') or ARG_MIN ('min') along the input dimension `axis` (resolved, >= 0). */
  arg?: { fn: 'max' | 'min'; axis: number };
}

export type ElementwiseFn =
  | 'logistic' | 'tanh' | 'hard_swish' | 'relu' | 'relu6' | 'relu_n1_to_1' | 'leaky_relu' | 'quantize'
  | 'add' | 'sub' | 'mul' | 'minimum' | 'maximum';

export interface ConstantOperand {
  data: Int8Array;
  dims: readonly number[];
  quant: QuantParams;
  /** True when the constant is the op's first operand (SUB 1 - x). */
  first: boolean;
}

/**
 * How a layer reads one of its operands when that is not the tensor's own shape: a RESHAPE /
 * SQUEEZE between the producer and this layer (same bytes, another shape).
 */
export interface TensorView {
  shape: Shape;
  dims: readonly number[];
}

/** [top, bottom, left, right] */
export type Padding = readonly [number, number, number, number];

export interface Layer {
  index: number;
  op: OpKind;
  name: string;
  /** Input tensor ids (two for `add`). */
  inputs: number[];
  output: number;
  kernel: readonly [kh: number, kw: number];
  stride: readonly [sh: number, sw: number];
  padding: Padding;
  /** Depth multiplier for depthwise convolutions (1 otherwise). */
  multiplier: number;
  /**
   * conv2d / depthwise_conv2d: dilation factors [dh, dw] when one is > 1 (absent: 1, 1). The window
   * then spans d * (k - 1) + 1 input pixels per axis; such a layer always runs alone (never in a
   * fusion block: src/cost/exact.ts), over whole tensors.
   */
  dilation?: readonly [dh: number, dw: number];
  /** Per operand: the view through which this layer reads it (absent: the tensor's own shape). */
  views?: (TensorView | undefined)[];
  /** Present on executable models. */
  params?: LayerParams;
}

/**
 * How the caller's buffer at a model edge is encoded when it is not the int8 tensor itself: a
 * TFLite model whose input is float32 or uint8 and goes through a leading QUANTIZE, or whose output
 * goes through a trailing DEQUANTIZE (float32) or QUANTIZE (uint8). The conversion is not a layer:
 * the planner and the arena never see it; it runs on the caller's buffers (src/runtime/encoding.ts,
 * TensorFlow Lite Micro's QUANTIZE / DEQUANTIZE arithmetic). The int8 side is the model's
 * `input` / `output` tensor.
 */
export interface EdgeEncoding {
  dtype: 'float32' | 'uint8';
  /** The caller-side tensor's quantisation (uint8 only; float32 has none). */
  quant?: QuantParams;
  /** The conversion op in the source file ('QUANTIZE' / 'DEQUANTIZE') and its index. */
  op?: { opcode: string; index: number };
  /** Index of the caller-side tensor in the source file. */
  sourceIndex?: number;
}

export interface Model {
  name: string;
  tensors: Tensor[];
  layers: Layer[];
  /** The first model input and output (the only ones unless `inputs` / `outputs` say more). */
  input: number;
  output: number;
  /** Every model input / output in the file's order (absent: [input] / [output]). */
  inputs?: readonly number[];
  outputs?: readonly number[];
  /** Each output's dimensions as the file declares them (a RESHAPE view's own, the same bytes). */
  outputDims?: readonly (readonly number[])[];
  /** Absent: the caller passes the int8 `input` tensor itself. */
  inputEncoding?: EdgeEncoding;
  /** Absent: the caller receives the int8 `output` tensor itself. */
  outputEncoding?: EdgeEncoding;
}

export const modelInputs = (model: Model): readonly number[] => model.inputs ?? [model.input];
export const modelOutputs = (model: Model): readonly number[] => model.outputs ?? [model.output];
/** A model input or output: the caller's buffer, outside the arena. */
export const isCallerTensor = (model: Model, t: number): boolean => modelInputs(model).includes(t) || modelOutputs(model).includes(t);

export const isExecutable = (model: Model): boolean =>
  model.tensors.every((t) => t.quant !== undefined) && model.layers.every((l) => l.params !== undefined);

export const tensorBytes = (shape: Shape): number => shape[0] * shape[1] * shape[2];

/** The shape through which `layer` reads operand `operand` (its view, or the tensor's own shape). */
export function inputShape(model: Model, layer: Layer, operand = 0): Shape {
  return layer.views?.[operand]?.shape ?? model.tensors[layer.inputs[operand]!]!.shape;
}

/** The dimensions (rank 1 to 4) through which `layer` reads operand `operand`. */
export function inputDims(model: Model, layer: Layer, operand = 0): readonly number[] {
  const v = layer.views?.[operand];
  if (v) return v.dims;
  const t = model.tensors[layer.inputs[operand]!]!;
  return t.dims ?? t.shape;
}

/** True when `layer` reads an operand through a view of another shape (it then cannot fuse with the producer). */
export function readsThroughView(model: Model, layer: Layer): boolean {
  return layer.inputs.some((t, k) => inputShape(model, layer, k).join() !== model.tensors[t]!.shape.join());
}

export function tensorDims(t: Tensor): readonly number[] {
  return t.dims ?? t.shape;
}
export function outputShape(model: Model, layer: Layer): Shape {
  return model.tensors[layer.output]!.shape;
}

/** Multiply-accumulates per output element. */
export function macsPerElement(model: Model, layer: Layer): number {
  const [kh, kw] = layer.kernel;
  switch (layer.op) {
    case 'conv2d':
      return inputShape(model, layer)[2] * kh * kw;
    case 'depthwise_conv2d':
    case 'avg_pool2d':
    case 'max_pool2d':
      return kh * kw;
    case 'global_avg_pool2d': {
      const [h, w] = inputShape(model, layer);
      return h * w;
    }
    case 'fully_connected':
      return tensorBytes(inputShape(model, layer));
    case 'resize':
      return layer.params?.resize?.mode === 'bilinear' ? 4 : 1;
    case 'reduce': {
      const d = inputDims(model, layer);
      return (layer.params?.reduce?.axes ?? []).reduce((n, k) => n * d[k]!, 1);
    }
    case 'add':
    case 'pad':
    case 'lut':
    case 'elementwise':
    case 'transpose':
    case 'slice':
    case 'concat':
    case 'arg': // counted per output byte, as the other data-moving ops
      return 1;
    case 'softmax':
      return outputShape(model, layer)[2];
  }
}

export function layerMacs(model: Model, layer: Layer): number {
  return macsPerElement(model, layer) * tensorBytes(outputShape(model, layer));
}

export function baselineMacs(model: Model): number {
  let total = 0;
  for (const layer of model.layers) total += layerMacs(model, layer);
  return total;
}

/** H_out = floor((H_in + pad_before + pad_after - k) / s) + 1, or 0 when the window does not fit. */
export function windowOut(inSize: number, k: number, s: number, padBefore: number, padAfter: number): number {
  const span = inSize + padBefore + padAfter - k;
  return span < 0 ? 0 : Math.floor(span / s) + 1;
}

/** True when the model is a plain chain: each layer reads exactly the previous layer's output. */
export function isChain(model: Model): boolean {
  let prev = model.input;
  for (const layer of model.layers) {
    if (layer.inputs.length !== 1 || layer.inputs[0] !== prev) return false;
    prev = layer.output;
  }
  return prev === model.output;
}

/** The window ops' names: long ("conv 3x3 s2", in layer descriptions) and short ("c3/2", in block summaries). */
export const WINDOW_NAMES: Readonly<Record<string, { long: string; short: string }>> = {
  conv2d: { long: 'conv', short: 'c' },
  depthwise_conv2d: { long: 'dw', short: 'dw' },
  avg_pool2d: { long: 'avgpool', short: 'ap' },
  max_pool2d: { long: 'maxpool', short: 'mp' },
};

/** True for a convolution with a dilation factor > 1 (it runs alone, never in a fusion block). */
export const isDilated = (layer: Layer): boolean => layer.dilation !== undefined && (layer.dilation[0] > 1 || layer.dilation[1] > 1);

export function describeLayer(layer: Layer): string {
  const name = WINDOW_NAMES[layer.op];
  if (name) {
    const [kh, kw] = layer.kernel;
    const [sh, sw] = layer.stride;
    const d = isDilated(layer) ? ` d${layer.dilation![0] === layer.dilation![1] ? layer.dilation![0] : layer.dilation!.join('x')}` : '';
    return `${name.long} ${kh === kw ? `${kh}x${kh}` : `${kh}x${kw}`} ${sh === sw ? `s${sh}` : `s${sh}x${sw}`}${d}`;
  }
  if (layer.op === 'resize' && layer.params?.resize) {
    const r = layer.params.resize;
    return `resize_${r.mode}${r.alignCorners ? ' align_corners' : ''}${r.halfPixelCenters ? ' half_pixel_centers' : ''}`;
  }
  if (layer.op === 'arg' && layer.params?.arg) return `arg_${layer.params.arg.fn} axis ${layer.params.arg.axis} -> int32`;
  if (layer.op === 'reduce' && layer.params?.reduce) return `${layer.params.reduce.fn === 'mean' ? 'mean' : 'reduce_max'} [${layer.params.reduce.axes.join(', ')}]`;
  return layer.op === 'lut' || layer.op === 'elementwise' ? layer.params?.fn ?? layer.op : layer.op;
}
