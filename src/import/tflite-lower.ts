/**
 * TFLite (the reader's plain description, src/import/tflite.ts) -> the IR. RESHAPE / SQUEEZE become
 * aliases (same bytes, new shape), a spatial PAD feeding a VALID convolution is folded into its
 * padding, activation tensors become [H, W, C] (batch 1), constant tensors become layer parameters.
 * A leading QUANTIZE (float32 / uint8 -> int8) on the model input and a trailing DEQUANTIZE
 * (int8 -> float32) or QUANTIZE (int8 -> uint8) on the model output become the model's input /
 * output encoding (IR `Model.inputEncoding` / `outputEncoding`), not layers. Anything else is
 * refused, naming every unsupported op and its index: QUANTIZE / DEQUANTIZE anywhere else, uint8
 * weights (legacy asymmetric uint8 models), uint8 or float tensors inside the network.
 */
import { ModelError } from '../errors.js';
import { type Activation, type Layer, type LayerParams, type Model, type OpKind, type Padding, type Shape, type Tensor, type TensorView, windowOut } from '../model/ir.js';
import type { TfliteModel, TfliteOperator, TfliteTensor } from './tflite.js';
import { edgeConversions, refuseUint8Weights } from './tflite-edges.js';
import { BINARY_FNS, UNARY_FNS, binaryLayer, concatLayer, sliceSpecs, slicedInput, stridedSliceLayer, transposeLayer, unaryLayer } from './tflite-elementwise.js';
import { foldShapeOps } from './tflite-fold.js';
import { ARG_OPS, argLayer } from './tflite-arg.js';
import { reduceLayer } from './tflite-reduce.js';
import { resizeLayer } from './tflite-resize.js';

/** Ops whose layer one function builds from the op alone (it fills the params and returns the kind). */
type LayerBuilder = (op: TfliteOperator, T: TfliteTensor[], params: LayerParams, where: string) => OpKind;
const BUILDERS: Readonly<Record<string, LayerBuilder>> = {
  TRANSPOSE: transposeLayer, CONCATENATION: concatLayer, PACK: concatLayer, STRIDED_SLICE: stridedSliceLayer,
  MEAN: reduceLayer, REDUCE_MAX: reduceLayer, RESIZE_NEAREST_NEIGHBOR: resizeLayer, RESIZE_BILINEAR: resizeLayer,
  ...Object.fromEntries(Object.keys(ARG_OPS).map((k) => [k, argLayer])),
  ...Object.fromEntries(Object.keys(UNARY_FNS).map((k) => [k, unaryLayer])),
};

const SUPPORTED = new Set([
  'CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'FULLY_CONNECTED', 'PAD', 'PADV2', 'RESHAPE', 'SQUEEZE', 'SOFTMAX',
  ...Object.keys(BUILDERS), ...Object.keys(BINARY_FNS), 'SPLIT', 'SPLIT_V', 'UNPACK',
]);
const ALIASES = new Set(['RESHAPE', 'SQUEEZE']);
const CONVERSIONS = new Set(['QUANTIZE', 'DEQUANTIZE']);
/** Ops whose tensors need batch 1 (they read rows, columns and channels). */
const SPATIAL = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'FULLY_CONNECTED', 'PAD', 'PADV2']);

const ACTIVATIONS: Record<string, Activation> = { NONE: 'none', RELU: 'relu', RELU6: 'relu6', RELU_N1_TO_1: 'relu_n1_to_1' };

/**
 * TFLite shape (rank 0 to 4) -> [H, W, C], the same bytes in the same order: the shape padded to
 * rank 4 with leading 1s, [N, H, W, C] -> [N * H, W, C] (N is 1 wherever rows and columns matter:
 * SPATIAL ops check it). So [1, H, W, C] -> [H, W, C], [1, W, C] -> [1, W, C], [1, C] -> [1, 1, C].
 */
export function toHwc(t: TfliteTensor, where: string): Shape {
  const s = t.shape;
  if (s.length > 4) throw new ModelError(`${where}: tensor ${t.index} (${t.name}) has rank ${s.length}; expected 0 to 4`);
  const d = [1, 1, 1, 1].slice(s.length).concat(s);
  // Rank 2 and 3 keep TFLite's batch-1 reading: [1, C] and [1, W, C] are one row.
  return [d[0]! * d[1]!, d[2]!, d[3]!];
}

/** Refuses a batch other than 1 on an op that reads rows, columns and channels. */
function batchOne(t: TfliteTensor, where: string): void {
  if (t.shape.length >= 2 && t.shape[0] !== 1) throw new ModelError(`${where}: tensor ${t.index} (${t.name}) has batch ${t.shape[0]}; only batch 1 is supported`);
}

/** TFLite's SAME padding: out = ceil(in / s), total = max((out - 1) * s + k - in, 0), the odd pixel after. */
function samePadding(inSize: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(inSize / s) - 1) * s + k - inSize, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function int32s(t: TfliteTensor): Int32Array {
  const d = t.data!;
  const out = new Int32Array(d.length >> 2);
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

/**
 * Tensors of the file that the IR represents by another tensor's bytes: every RESHAPE / SQUEEZE
 * output, mapped to the source index of the tensor that holds its bytes (IR `Tensor.sourceIndex`).
 */
export function tfliteAliases(tf: TfliteModel): Map<number, number> {
  const canonical = new Map<number, number>();
  for (const op of tf.operators)
    if (isAlias(op, tf.tensors)) canonical.set(op.outputs[0]!, canonical.get(op.inputs[0]!) ?? op.inputs[0]!);
  return canonical;
}

/** Ops that only give their input's bytes another shape: RESHAPE, SQUEEZE, a PACK of one tensor, an UNPACK into one. */
function isAlias(op: TfliteOperator, T: TfliteTensor[]): boolean {
  if (T[op.outputs[0]!]?.dtype === 'int32') return false; // a shape computation (tflite-fold.ts)
  return ALIASES.has(op.opcode) || (op.opcode === 'PACK' && op.inputs.length === 1) || (op.opcode === 'UNPACK' && op.inputs.length === 1 && op.outputs.length === 1 && Number(op.options.num) === 1);
}

/** Both tensors quantised per tensor with the same parameters (a PAD folded away is never checked as a layer). */
const sameTensorQuant = (a: TfliteTensor | undefined, b: TfliteTensor | undefined): boolean =>
  !!a?.quant && !!b?.quant && a.quant.scale.length === 1 && b.quant.scale.length === 1 && a.quant.scale[0] === b.quant.scale[0] && a.quant.zeroPoint[0] === b.quant.zeroPoint[0];

/**
 * A folded pad must be smaller than the kernel on each side (weights [_, kh, kw, _]), as convolution
 * padding always is (the chain JSON reader enforces the same): a window lying wholly in the padding
 * is outside what the patch executor's column walk is specified for. Larger pads stay PAD ops.
 */
function padsInsideKernel(pads: Padding, weightShape: readonly number[] | undefined): boolean {
  if (!weightShape || weightShape.length !== 4) return false;
  const [top, bottom, left, right] = pads;
  return Math.max(top, bottom) < weightShape[1]! && Math.max(left, right) < weightShape[2]!;
}

export function tfliteToModel(tf: TfliteModel, name: string): Model {
  const ops = tf.operators;
  refuseUint8Weights(tf, name);
  // Integer shape subgraphs (SHAPE -> STRIDED_SLICE -> PACK -> a RESHAPE's shape) are evaluated now.
  const shapeOps = foldShapeOps(tf, name);
  const unsupported = ops.filter((o) => !SUPPORTED.has(o.opcode) && !CONVERSIONS.has(o.opcode) && !shapeOps.has(o.index));
  const conv = edgeConversions(tf);
  if (unsupported.length)
    throw new ModelError(
      `${name}: unsupported operators: ${unsupported.map((o) => `${o.opcode} (op ${o.index})`).join(', ')}; supported: ${[...SUPPORTED].join(', ')}, and QUANTIZE / DEQUANTIZE at the model input / output` +
        (conv.refused.length ? `; also ${conv.refused.join('; ')}` : ''),
    );
  if (conv.refused.length) throw new ModelError(`${name}: ${conv.refused.join('; ')}`);

  const T = tf.tensors;
  const where = (op: TfliteOperator) => `${name}: op ${op.index} (${op.opcode})`;
  const consumersOf = new Map<number, TfliteOperator[]>();
  for (const op of ops) for (const i of op.inputs) if (i >= 0) consumersOf.set(i, [...(consumersOf.get(i) ?? []), op]);

  // 1. Aliases: a RESHAPE/SQUEEZE output is its input's bytes under a new shape.
  const canonical = new Map<number, number>();
  const canon = (i: number): number => canonical.get(i) ?? i;
  // 2. Folded pads: PAD (spatial, zero point) feeding a VALID conv/depthwise only.
  const foldedPad = new Map<number, { input: number; pads: Padding }>(); // conv op index -> pad
  const skipped = new Set<number>(shapeOps);
  if (conv.input) skipped.add(conv.input.op.index);
  if (conv.output) skipped.add(conv.output.op.index);
  for (const op of ops) {
    if (isAlias(op, T)) {
      canonical.set(op.outputs[0]!, canon(op.inputs[0]!));
      skipped.add(op.index);
    }
    if (op.opcode === 'PAD' || op.opcode === 'PADV2') {
      const p = padAmounts(op, T, where(op));
      const next = consumersOf.get(op.outputs[0]!) ?? [];
      const conv = next.length === 1 ? next[0]! : undefined;
      const foldable =
        p.batch[0] === 0 && p.batch[1] === 0 && p.channel[0] === 0 && p.channel[1] === 0 &&
        conv && (conv.opcode === 'CONV_2D' || conv.opcode === 'DEPTHWISE_CONV_2D') && conv.options.padding === 'VALID' && op.opcode === 'PAD' &&
        op.outputs[0] !== tf.outputs[0] && padsInsideKernel(p.spatial, T[conv.inputs[1]!]?.shape) && sameTensorQuant(T[op.inputs[0]!], T[op.outputs[0]!]);
      if (foldable) {
        foldedPad.set(conv!.index, { input: op.inputs[0]!, pads: p.spatial });
        skipped.add(op.index);
      }
    }
  }

  // 3. Activation tensors (int8; the int32 indices of an ARG_MAX / ARG_MIN).
  const argOutputs = new Map(ops.filter((o) => ARG_OPS[o.opcode]).map((o) => [o.outputs[0]!, o] as const));
  const tensors: Tensor[] = [];
  const idOf = new Map<number, number>();
  const tensorId = (index: number, op?: TfliteOperator): number => {
    const c = canon(index);
    const existing = idOf.get(c);
    if (existing !== undefined) return existing;
    const t = T[c]!;
    const w = op ? where(op) : `${name}: tensor ${c}`;
    const arg = argOutputs.get(c);
    if (arg && t.dtype !== 'int32') throw new ModelError(`${where(arg)}: the output tensor ${c} (${t.name}) is ${t.dtype}; TensorFlow Lite Micro's ${arg.opcode} writes int32 indices only`);
    if (arg) {
      const [h, wd, ch] = toHwc(t, w);
      const id = tensors.length;
      tensors.push({ id, name: t.name, shape: [h, wd, 4 * ch], dims: t.shape, quant: { scale: 1, zeroPoint: 0 }, dtype: 'int32', sourceIndex: c });
      idOf.set(c, id);
      return id;
    }
    if (t.dtype !== 'int8') {
      const edge = c === canon(tf.inputs[0]!) ? 'the model input' : c === canon(tf.outputs[0]!) ? 'the model output' : 'inside the network';
      throw new ModelError(
        `${w}: tensor ${c} (${t.name}) is ${t.dtype} (${edge}); the executor runs int8 activations only (TensorFlow Lite Micro's int8 arithmetic). ` +
          'A float32 or uint8 model input is supported through a leading QUANTIZE to int8, a float32 or uint8 output through a trailing DEQUANTIZE / QUANTIZE from int8; ' +
          `${t.dtype} tensors between layers are not supported`,
      );
    }
    if (!t.quant || t.quant.scale.length !== 1) throw new ModelError(`${w}: tensor ${c} (${t.name}) needs per-tensor quantisation`);
    const id = tensors.length;
    tensors.push({ id, name: t.name, shape: toHwc(t, w), dims: t.shape, quant: { scale: t.quant.scale[0]!, zeroPoint: t.quant.zeroPoint[0]! }, sourceIndex: c });
    idOf.set(c, id);
    return id;
  };
  /** How a layer reads file tensor `index`: through a view when it is a RESHAPE / SQUEEZE of another shape. */
  const viewOf = (index: number, w: string): TensorView | undefined => {
    const c = canon(index);
    return c === index || T[index]!.shape.join() === T[c]!.shape.join() ? undefined : { shape: toHwc(T[index]!, w), dims: T[index]!.shape };
  };
  // The model's inputs and outputs in the file's order (the first ones through their edge conversions).
  const modelIns = tf.inputs.map((i, k) => tensorId(k === 0 && conv.input ? conv.input.int8 : i));
  const modelOuts = tf.outputs.map((i, k) => tensorId(k === 0 && conv.output ? conv.output.int8 : i));
  const layerOf = (op: TfliteOperator, kind: OpKind, inputs: number[], output: number, params: LayerParams, views?: (TensorView | undefined)[]): Layer => ({
    index: layers.length, op: kind, name: `${op.index}:${op.opcode}`, inputs, output, kernel: [1, 1], stride: [1, 1], padding: [0, 0, 0, 0], multiplier: 1, params,
    ...(views?.some(Boolean) ? { views } : {}),
  });

  const layers: Layer[] = [];
  for (const op of ops) {
    if (skipped.has(op.index)) continue;
    const w = where(op);
    const o = op.options;
    if (op.opcode === 'SPLIT' || op.opcode === 'SPLIT_V' || op.opcode === 'UNPACK') {
      // One 'slice' layer per output.
      const x = slicedInput(op);
      for (const sl of sliceSpecs(op, T, w))
        layers.push(layerOf(op, 'slice', [tensorId(x, op)], tensorId(sl.output, op), { activation: 'none', slice: sl.slice }, [viewOf(x, w)]));
      continue;
    }
    const fold = foldedPad.get(op.index);
    const xIndex = fold ? fold.input : op.inputs[0]!;
    // Operands: the activation tensors the op reads (constants become parameters).
    const binary = BINARY_FNS[op.opcode] !== undefined;
    const joins = op.opcode === 'CONCATENATION' || op.opcode === 'PACK';
    const operandIndices = binary ? op.inputs.slice(0, 2).filter((i) => !T[i]?.data) : joins ? op.inputs : [xIndex];
    if (SPATIAL.has(op.opcode)) for (const i of [...operandIndices, op.outputs[0]!]) batchOne(T[i]!, w);
    const inputs = operandIndices.map((i) => tensorId(i, op));
    for (const i of inputs)
      if (tensors[i]!.dtype === 'int32')
        throw new ModelError(`${w}: reads the int32 indices ${tensors[i]!.name} of an ARG_MAX / ARG_MIN; only a model output may hold them (the executor's activations are int8)`);
    const views = operandIndices.map((i) => viewOf(i, w));
    const output = tensorId(op.outputs[0]!, op);
    const inS = views[0]?.shape ?? tensors[inputs[0]!]!.shape;
    const outS = tensors[output]!.shape;
    const activation = ACTIVATIONS[String(o.fusedActivation ?? 'NONE')];
    if (activation === undefined) throw new ModelError(`${w}: fused activation ${String(o.fusedActivation)} is not supported`);
    let op2: OpKind;
    let kernel: [number, number] = [1, 1];
    let stride: [number, number] = [1, 1];
    let padding: Padding = [0, 0, 0, 0];
    let multiplier = 1;
    let dilation: [number, number] | undefined;
    const params: LayerParams = { activation };
    const window = (kh: number, kw: number) => {
      const sh = Number(o.strideH);
      const sw = Number(o.strideW);
      if (!(sh >= 1 && sw >= 1)) throw new ModelError(`${w}: stride ${sh}x${sw} is invalid`);
      const dh = Number(o.dilationH ?? 1);
      const dw = Number(o.dilationW ?? 1);
      if (!(dh >= 1 && dw >= 1)) throw new ModelError(`${w}: dilation ${dh}x${dw} is invalid`);
      if (dh > 1 || dw > 1) dilation = [dh, dw];
      // The window a dilated filter spans (TFLM's effective filter size).
      const [eh, ew] = [dh * (kh - 1) + 1, dw * (kw - 1) + 1];
      kernel = [kh, kw];
      stride = [sh, sw];
      if (fold) padding = fold.pads;
      else if (o.padding === 'SAME') {
        // As TFLM: from the op's padding option and the input, never from the declared output.
        const [t, b] = samePadding(inS[0], eh, sh);
        const [l, r] = samePadding(inS[1], ew, sw);
        padding = [t, b, l, r];
      }
      const oh = windowOut(inS[0], eh, sh, padding[0], padding[1]);
      const ow = windowOut(inS[1], ew, sw, padding[2], padding[3]);
      if (oh !== outS[0] || ow !== outS[1])
        throw new ModelError(`${w}: output ${outS[0]}x${outS[1]} does not match ${oh}x${ow} computed from the input ${inS[0]}x${inS[1]}, kernel ${kh}x${kw}, stride ${sh}x${sw}, dilation ${dh}x${dw}`);
    };
    const filter = (k: number) => {
      const f = T[op.inputs[k]!];
      if (!f || !f.data || !f.quant) throw new ModelError(`${w}: input ${k} must be a constant quantised tensor`);
      if (f.dtype !== 'int8') throw new ModelError(`${w}: weights are ${f.dtype}; only int8 weights are supported`);
      if (f.quant.zeroPoint.some((z) => z !== 0)) throw new ModelError(`${w}: weights must be symmetric (zero point 0)`);
      params.weights = new Int8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength);
      params.weightScales = Float64Array.from(f.quant.scale);
      return f;
    };
    const bias = (k: number) => {
      const b = op.inputs[k] ?? -1;
      if (b < 0) return;
      const t = T[b]!;
      if (t.dtype !== 'int32' || !t.data) throw new ModelError(`${w}: bias must be a constant int32 tensor`);
      params.bias = int32s(t);
    };
    switch (op.opcode) {
      case 'CONV_2D': {
        op2 = 'conv2d';
        const f = filter(1);
        window(f.shape[1]!, f.shape[2]!);
        if (f.shape[3] !== inS[2] || f.shape[0] !== outS[2]) throw new ModelError(`${w}: filter shape [${f.shape}] does not match ${inS[2]} -> ${outS[2]} channels`);
        bias(2);
        break;
      }
      case 'DEPTHWISE_CONV_2D': {
        op2 = 'depthwise_conv2d';
        const f = filter(1);
        window(f.shape[1]!, f.shape[2]!);
        multiplier = outS[2] / inS[2];
        if (!Number.isInteger(multiplier) || f.shape[3] !== outS[2]) throw new ModelError(`${w}: filter shape [${f.shape}] does not match ${inS[2]} -> ${outS[2]} channels`);
        bias(2);
        break;
      }
      case 'AVERAGE_POOL_2D':
      case 'MAX_POOL_2D':
        op2 = op.opcode === 'AVERAGE_POOL_2D' ? 'avg_pool2d' : 'max_pool2d';
        window(Number(o.filterHeight), Number(o.filterWidth));
        break;
      case 'ADD':
      case 'SUB':
      case 'MUL':
      case 'MINIMUM':
      case 'MAXIMUM': {
        const same = inputs.length === 2 && views.every((v) => !v) && T[operandIndices[0]!]!.shape.join() === T[op.outputs[0]!]!.shape.join() && T[operandIndices[1]!]!.shape.join() === T[op.outputs[0]!]!.shape.join();
        // Same-shape ADD of two tensors: the fusable 'add'; anything else broadcasts.
        if (op.opcode === 'ADD' && same) op2 = 'add';
        else op2 = binaryLayer(op, T, params, w);
        break;
      }
      case 'FULLY_CONNECTED': {
        op2 = 'fully_connected';
        const f = filter(1);
        const inFeatures = inS[0] * inS[1] * inS[2];
        if (f.shape.length !== 2 || f.shape[1] !== inFeatures || f.shape[0] !== outS[2])
          throw new ModelError(`${w}: weights [${f.shape}] do not match ${inFeatures} inputs -> ${outS[2]} outputs`);
        bias(2);
        break;
      }
      case 'PAD':
      case 'PADV2': {
        op2 = 'pad';
        const p = padAmounts(op, T, w);
        if (p.batch[0] || p.batch[1]) throw new ModelError(`${w}: padding the batch dimension is not supported`);
        if (op.opcode === 'PADV2' && op.inputs.length > 2 && op.inputs[2]! >= 0) {
          // TFLM's int8 PADV2 fills with the constant's raw value, which must share the output's quantisation.
          const c = T[op.inputs[2]!]!;
          const qo = T[op.outputs[0]!]!.quant;
          if (!c.data || c.dtype !== 'int8' || c.data.length !== 1) throw new ModelError(`${w}: the pad value must be one constant int8`);
          if (!c.quant || !qo || c.quant.zeroPoint[0] !== qo.zeroPoint[0] || Math.fround(c.quant.scale[0]!) !== Math.fround(qo.scale[0]!))
            throw new ModelError(`${w}: the pad value's quantisation differs from the output's (TensorFlow Lite Micro requires them equal)`);
          params.padValue = (c.data[0]! << 24) >> 24;
        }
        padding = p.spatial;
        params.channelPad = p.channel;
        break;
      }
      case 'SOFTMAX':
        op2 = 'softmax';
        params.beta = Number(o.beta ?? 1);
        break;
      default: {
        const build = BUILDERS[op.opcode];
        if (!build) throw new ModelError(`${w}: unsupported`);
        op2 = build(op, T, params, w);
      }
    }
    layers.push({ ...layerOf(op, op2, inputs, output, params, views), kernel, stride, padding, multiplier, ...(dilation ? { dilation } : {}) });
  }
  if (!layers.length) throw new ModelError(`${name}: no layers between the model's input and output conversions`);
  return {
    name,
    tensors,
    layers,
    input: modelIns[0]!,
    output: modelOuts[0]!,
    ...(modelIns.length > 1 ? { inputs: modelIns } : {}),
    ...(modelOuts.length > 1 ? { outputs: modelOuts } : {}),
    outputDims: tf.outputs.map((i, k) => T[k === 0 && conv.output ? conv.output.int8 : i]!.shape),
    ...(conv.input ? { inputEncoding: conv.input.encoding } : {}),
    ...(conv.output ? { outputEncoding: conv.output.encoding } : {}),
  };
}

function padAmounts(op: TfliteOperator, T: TfliteTensor[], where: string) {
  const p = T[op.inputs[1]!];
  if (!p?.data || p.dtype !== 'int32' || p.shape.join() !== '4,2') throw new ModelError(`${where}: paddings must be a constant int32 [4, 2] tensor`);
  const v = int32s(p);
  return { batch: [v[0]!, v[1]!] as const, spatial: [v[2]!, v[3]!, v[4]!, v[5]!] as Padding, channel: [v[6]!, v[7]!] as const };
}
