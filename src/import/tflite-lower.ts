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
import { type Activation, type EdgeEncoding, type Layer, type LayerParams, type Model, type OpKind, type Padding, type QuantParams, type Shape, type Tensor, windowOut } from '../model/ir.js';
import type { TfliteModel, TfliteOperator, TfliteTensor } from './tflite.js';

const SUPPORTED = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'FULLY_CONNECTED', 'MEAN', 'PAD', 'PADV2', 'RESHAPE', 'SQUEEZE', 'SOFTMAX']);
const ALIASES = new Set(['RESHAPE', 'SQUEEZE']);
const CONVERSIONS = new Set(['QUANTIZE', 'DEQUANTIZE']);

const ACTIVATIONS: Record<string, Activation> = { NONE: 'none', RELU: 'relu', RELU6: 'relu6', RELU_N1_TO_1: 'relu_n1_to_1' };

/** Batch-1 TFLite shape -> [H, W, C]. */
function toHwc(t: TfliteTensor, where: string): Shape {
  const s = t.shape;
  if (s.length >= 1 && s.length <= 4 && s.length !== 1 && s[0] !== 1) throw new ModelError(`${where}: tensor ${t.index} (${t.name}) has batch ${s[0]}; only batch 1 is supported`);
  switch (s.length) {
    case 4:
      return [s[1]!, s[2]!, s[3]!];
    case 3:
      return [1, s[1]!, s[2]!];
    case 2:
      return [1, 1, s[1]!];
    case 1:
      return [1, 1, s[0]!];
    default:
      throw new ModelError(`${where}: tensor ${t.index} (${t.name}) has rank ${s.length}; expected 1 to 4`);
  }
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
    if (ALIASES.has(op.opcode)) canonical.set(op.outputs[0]!, canonical.get(op.inputs[0]!) ?? op.inputs[0]!);
  return canonical;
}

/** Ops whose input 1 is a weight tensor. */
const WEIGHTED = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']);

/**
 * Legacy fully-uint8 models (TFLite's old asymmetric scheme: uint8 weights with a non-zero weight
 * zero point, uint8 activations): refused at the first layer with uint8 weights.
 */
function refuseUint8Weights(tf: TfliteModel, name: string): void {
  for (const op of tf.operators) {
    if (!WEIGHTED.has(op.opcode)) continue;
    const w = tf.tensors[op.inputs[1] ?? -1];
    if (!w || w.dtype !== 'uint8') continue;
    const zp = w.quant?.zeroPoint ?? [];
    throw new ModelError(
      `${name}: op ${op.index} (${op.opcode}) has uint8 weights (tensor ${w.index} '${w.name}'${zp.length ? `, zero point ${zp.length === 1 ? zp[0] : `[${zp.slice(0, 4).join(', ')}${zp.length > 4 ? ', ...' : ''}]`}` : ''}): ` +
        'a legacy uint8-quantised model (asymmetric uint8 weights and activations). msf-cnn runs TensorFlow Lite Micro\'s int8 arithmetic ' +
        '(int8 weights with zero point 0, int8 activations); re-convert the model with full-integer int8 quantisation ' +
        '(TFLiteConverter with a representative dataset and TFLITE_BUILTINS_INT8; a uint8 or float32 model input/output is fine, it becomes a QUANTIZE/DEQUANTIZE at the edge)',
    );
  }
}

interface EdgeConversions {
  /** The leading QUANTIZE, its int8 output and the encoding of the caller's input. */
  input?: { op: TfliteOperator; int8: number; encoding: EdgeEncoding };
  output?: { op: TfliteOperator; int8: number; encoding: EdgeEncoding };
  /** QUANTIZE / DEQUANTIZE ops that are not edge conversions, with the reason. */
  refused: string[];
}

/**
 * Finds the edge conversions: a QUANTIZE float32/uint8 -> int8 reading the model input, a
 * DEQUANTIZE int8 -> float32 or QUANTIZE int8 -> uint8 producing the model output (RESHAPE /
 * SQUEEZE aliases in between allowed). Every other QUANTIZE / DEQUANTIZE is refused with why.
 */
function edgeConversions(tf: TfliteModel): EdgeConversions {
  const T = tf.tensors;
  const alias = tfliteAliases(tf);
  const canon = (i: number) => alias.get(i) ?? i;
  const modelIn = canon(tf.inputs[0]!);
  const modelOut = canon(tf.outputs[0]!);
  const producer = new Map<number, TfliteOperator>();
  const readers = new Map<number, TfliteOperator[]>();
  for (const op of tf.operators) {
    for (const o of op.outputs) producer.set(o, op);
    for (const i of op.inputs) if (i >= 0) readers.set(canon(i), [...(readers.get(canon(i)) ?? []), op]);
  }
  const perTensor = (t: TfliteTensor | undefined) => t?.quant && t.quant.scale.length === 1 ? { scale: t.quant.scale[0]!, zeroPoint: t.quant.zeroPoint[0]! } : undefined;
  const tname = (t: TfliteTensor) => `tensor ${t.index} '${t.name}'`;
  const out: EdgeConversions = { refused: [] };
  for (const op of tf.operators) {
    if (!CONVERSIONS.has(op.opcode)) continue;
    const head = `op ${op.index} (${op.opcode})`;
    const x = T[op.inputs[0] ?? -1];
    const y = T[op.outputs[0] ?? -1];
    if (!x || !y || op.inputs.length !== 1 || op.outputs.length !== 1) {
      out.refused.push(`${head}: expected one input and one output tensor`);
      continue;
    }
    const types = `${x.dtype} -> ${y.dtype}`;
    const atInput = canon(x.index) === modelIn;
    const atOutput = canon(y.index) === modelOut;
    if (atInput && !atOutput && op.opcode === 'QUANTIZE' && !out.input) {
      const q = perTensor(y);
      const qx = perTensor(x);
      if ((x.dtype !== 'float32' && x.dtype !== 'uint8') || y.dtype !== 'int8')
        out.refused.push(`${head} on the model input converts ${types}; only float32 -> int8 and uint8 -> int8 are supported there`);
      else if (!q) out.refused.push(`${head}: its int8 output ${tname(y)} needs per-tensor quantisation`);
      else if (x.dtype === 'uint8' && !qx) out.refused.push(`${head}: its uint8 input ${tname(x)} needs per-tensor quantisation`);
      else
        out.input = {
          op,
          int8: y.index,
          encoding: edgeEncoding(x, qx, op, tf.inputs[0]!),
        };
      continue;
    }
    if (atOutput && !atInput && !out.output) {
      const okTypes = (op.opcode === 'DEQUANTIZE' && x.dtype === 'int8' && y.dtype === 'float32') || (op.opcode === 'QUANTIZE' && x.dtype === 'int8' && y.dtype === 'uint8');
      const qy = perTensor(y);
      if (!okTypes)
        out.refused.push(`${head} on the model output converts ${types}; only DEQUANTIZE int8 -> float32 and QUANTIZE int8 -> uint8 are supported there`);
      else if (!perTensor(x)) out.refused.push(`${head}: its int8 input ${tname(x)} needs per-tensor quantisation`);
      else if (y.dtype === 'uint8' && !qy) out.refused.push(`${head}: its uint8 output ${tname(y)} needs per-tensor quantisation`);
      else if ((readers.get(canon(x.index)) ?? []).length !== 1)
        out.refused.push(`${head}: its int8 input ${tname(x)} is also read by other ops; the output conversion must be the only reader`);
      else
        out.output = {
          op,
          int8: x.index,
          encoding: edgeEncoding(y, qy, op, tf.outputs[0]!),
        };
      continue;
    }
    const from = producer.get(x.index);
    const to = readers.get(canon(y.index)) ?? [];
    const between = [
      from ? `reads ${tname(x)} from op ${from.index} (${from.opcode})` : atInput ? `reads the model input ${tname(x)}` : `reads ${tname(x)}`,
      to.length ? `feeds op ${to.map((o) => `${o.index} (${o.opcode})`).join(', op ')}` : atOutput ? 'produces the model output' : 'feeds nothing',
    ].join(' and ');
    out.refused.push(
      `${head} (${types}) is inside the network (it ${between}); QUANTIZE / DEQUANTIZE are supported only as the model's input conversion ` +
        '(QUANTIZE float32/uint8 -> int8 reading the model input) and output conversion (DEQUANTIZE int8 -> float32 or QUANTIZE int8 -> uint8 producing the model output): the network itself must be int8',
    );
  }
  return out;
}

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

/** The caller-side encoding of a model edge: the float32 or uint8 tensor a conversion op reads or writes. */
function edgeEncoding(t: TfliteTensor, q: QuantParams | undefined, op: TfliteOperator, sourceIndex: number): EdgeEncoding {
  return { dtype: t.dtype as EdgeEncoding['dtype'], ...(t.dtype === 'uint8' ? { quant: q! } : {}), op: { opcode: op.opcode, index: op.index }, sourceIndex };
}

export function tfliteToModel(tf: TfliteModel, name: string): Model {
  const ops = tf.operators;
  if (tf.inputs.length !== 1 || tf.outputs.length !== 1)
    throw new ModelError(`${name}: ${tf.inputs.length} inputs and ${tf.outputs.length} outputs; only single-input, single-output models are supported`);
  refuseUint8Weights(tf, name);
  const unsupported = ops.filter((o) => !SUPPORTED.has(o.opcode) && !CONVERSIONS.has(o.opcode));
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
  const shapeOf = new Map<number, Shape>();
  // 2. Folded pads: PAD (spatial, zero point) feeding a VALID conv/depthwise only.
  const foldedPad = new Map<number, { input: number; pads: Padding }>(); // conv op index -> pad
  const skipped = new Set<number>();
  if (conv.input) skipped.add(conv.input.op.index);
  if (conv.output) skipped.add(conv.output.op.index);
  for (const op of ops) {
    if (ALIASES.has(op.opcode)) {
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
        op.outputs[0] !== tf.outputs[0] && padsInsideKernel(p.spatial, T[conv.inputs[1]!]?.shape);
      if (foldable) {
        foldedPad.set(conv!.index, { input: op.inputs[0]!, pads: p.spatial });
        skipped.add(op.index);
      }
    }
  }

  // 3. Activation tensors.
  const tensors: Tensor[] = [];
  const idOf = new Map<number, number>();
  const tensorId = (index: number, op?: TfliteOperator): number => {
    const c = canon(index);
    const existing = idOf.get(c);
    if (existing !== undefined) return existing;
    const t = T[c]!;
    const w = op ? where(op) : `${name}: tensor ${c}`;
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
    tensors.push({ id, name: t.name, shape: shapeOf.get(c) ?? toHwc(t, w), quant: { scale: t.quant.scale[0]!, zeroPoint: t.quant.zeroPoint[0]! }, sourceIndex: c });
    idOf.set(c, id);
    return id;
  };
  // An alias chain ending at the model input/output reshapes it: the IR uses the last shape seen.
  for (const op of ops) if (ALIASES.has(op.opcode)) shapeOf.set(canon(op.outputs[0]!), toHwc(T[op.outputs[0]!]!, where(op)));
  const input = tensorId(conv.input ? conv.input.int8 : tf.inputs[0]!);

  const layers: Layer[] = [];
  for (const op of ops) {
    if (skipped.has(op.index)) continue;
    const w = where(op);
    const o = op.options;
    const fold = foldedPad.get(op.index);
    const xIndex = fold ? fold.input : op.inputs[0]!;
    const inputs = op.opcode === 'ADD' ? [tensorId(op.inputs[0]!, op), tensorId(op.inputs[1]!, op)] : [tensorId(xIndex, op)];
    const output = tensorId(op.outputs[0]!, op);
    const inS = tensors[inputs[0]!]!.shape;
    const outS = tensors[output]!.shape;
    const activation = ACTIVATIONS[String(o.fusedActivation ?? 'NONE')];
    if (activation === undefined) throw new ModelError(`${w}: fused activation ${String(o.fusedActivation)} is not supported`);
    let op2: OpKind;
    let kernel: [number, number] = [1, 1];
    let stride: [number, number] = [1, 1];
    let padding: Padding = [0, 0, 0, 0];
    let multiplier = 1;
    const params: LayerParams = { activation };
    const window = (kh: number, kw: number) => {
      const sh = Number(o.strideH);
      const sw = Number(o.strideW);
      if (!(sh >= 1 && sw >= 1)) throw new ModelError(`${w}: stride ${sh}x${sw} is invalid`);
      if ((o.dilationH ?? 1) !== 1 || (o.dilationW ?? 1) !== 1) throw new ModelError(`${w}: dilation is not supported`);
      kernel = [kh, kw];
      stride = [sh, sw];
      if (fold) padding = fold.pads;
      else if (o.padding === 'SAME') {
        // As TFLM: from the op's padding option and the input, never from the declared output.
        const [t, b] = samePadding(inS[0], kh, sh);
        const [l, r] = samePadding(inS[1], kw, sw);
        padding = [t, b, l, r];
      }
      const oh = windowOut(inS[0], kh, sh, padding[0], padding[1]);
      const ow = windowOut(inS[1], kw, sw, padding[2], padding[3]);
      if (oh !== outS[0] || ow !== outS[1])
        throw new ModelError(`${w}: output ${outS[0]}x${outS[1]} does not match ${oh}x${ow} computed from the input ${inS[0]}x${inS[1]}, kernel ${kh}x${kw}, stride ${sh}x${sw}`);
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
        op2 = 'add';
        if (tensors[inputs[1]!]!.shape.join() !== inS.join() || outS.join() !== inS.join())
          throw new ModelError(`${w}: broadcasting ADD is not supported (shapes ${inS.join('x')} + ${tensors[inputs[1]!]!.shape.join('x')})`);
        break;
      case 'FULLY_CONNECTED': {
        op2 = 'fully_connected';
        const f = filter(1);
        const inFeatures = inS[0] * inS[1] * inS[2];
        if (f.shape.length !== 2 || f.shape[1] !== inFeatures || f.shape[0] !== outS[2])
          throw new ModelError(`${w}: weights [${f.shape}] do not match ${inFeatures} inputs -> ${outS[2]} outputs`);
        bias(2);
        break;
      }
      case 'MEAN': {
        op2 = 'global_avg_pool2d';
        const axes = T[op.inputs[1]!];
        const ax = axes?.data ? [...int32s(axes)].sort().join() : '';
        if (ax !== '1,2' || outS[0] !== 1 || outS[1] !== 1) throw new ModelError(`${w}: only MEAN over height and width (axes [1, 2]) is supported`);
        break;
      }
      case 'PAD':
      case 'PADV2': {
        op2 = 'pad';
        const p = padAmounts(op, T, w);
        if (p.batch[0] || p.batch[1]) throw new ModelError(`${w}: padding the batch dimension is not supported`);
        if (op.opcode === 'PADV2') throw new ModelError(`${w}: PADV2 with an explicit constant is not supported`);
        padding = p.spatial;
        params.channelPad = p.channel;
        break;
      }
      case 'SOFTMAX':
        op2 = 'softmax';
        params.beta = Number(o.beta ?? 1);
        break;
      default:
        throw new ModelError(`${w}: unsupported`);
    }
    layers.push({ index: layers.length, op: op2, name: `${op.index}:${op.opcode}`, inputs, output, kernel, stride, padding, multiplier, params });
  }
  if (!layers.length) throw new ModelError(`${name}: no layers between the model's input and output conversions`);
  const output = tensorId(conv.output ? conv.output.int8 : tf.outputs[0]!);
  // The executor and the C emitter write the model output into the caller's buffer at the last layer.
  const reader = layers.find((l) => l.inputs.includes(output));
  if (reader || layers[layers.length - 1]!.output !== output)
    throw new ModelError(
      `${name}: the model output (tensor ${tensors[output]!.sourceIndex} '${tensors[output]!.name}') ${reader ? `is also read by op ${reader.name}` : `is not the result of the last op (${layers[layers.length - 1]!.name})`}; ` +
        'msf-cnn runs models whose output is the final result, read by no other op',
    );
  return {
    name,
    tensors,
    layers,
    input,
    output,
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
