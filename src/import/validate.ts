/**
 * Semantic validation of a read TFLite model (src/import/tflite.ts), before anything is lowered,
 * planned or run. The reader guarantees well-formed bytes; this module guarantees a well-formed
 * model: every failure is a ModelError naming the op, the tensor and what is wrong.
 *
 * - Graph: at least one input and one output; every tensor has at most one producer and is never
 *   written when it is a constant or a model input; every tensor an op reads is a constant, a model
 *   input or the output of an EARLIER op (TensorFlow Lite Micro runs the ops in file order, so a
 *   file whose order is not topological is refused; a cycle is named as such); every model output
 *   is computed by an op.
 * - Size: at most LIMITS.layers operators; every dimension >= 1; at most TFLITE_LIMITS.tensorBytes
 *   per tensor, LIMITS.activationBytes per activation tensor and LIMITS.totalActivationBytes for
 *   all activations together.
 * - Quantisation: scales finite and > 0, zero points inside the dtype, per-channel arrays as long as
 *   the axis TFLM reads them along (conv and fully-connected weights: dimension 0; depthwise weights:
 *   dimension 3; biases: the output channels, whatever quantized_dimension a 1-D bias carries).
 * - Ops TFLM and msf-cnn both know: input counts and optional inputs (-1) only where the op has them;
 *   options in range; the declared output shape equal to the shape the op computes from its inputs
 *   and options; the prepare-time requantisation TFLM performs (multipliers, shifts, activation
 *   clamps) representable, computed with the same code the executor's descriptors use.
 */
import { ModelError } from '../errors.js';
import { LIMITS, checkLayerCount } from '../limits.js';
import { activationRange, addParams, convPerChannelMultipliers, type FusedActivation, meanParams } from '../runtime/quantize.js';
import { softmaxParams } from '../runtime/softmax-desc.js';
import { TENSOR_TYPE_BYTES, type TfliteDType } from './tflite-schema.js';
import type { TfliteModel, TfliteOperator, TfliteTensor } from './tflite.js';

/** TFLite-specific limits (README "Limits and bad input"); the general ones are src/limits.ts. */
export const TFLITE_LIMITS = {
  /** Bytes of one tensor (constant or not). */
  tensorBytes: 2 ** 31 - 1,
  /** Largest stride, dilation and pooling filter size. */
  window: 2 ** 16,
  /** Largest requantisation shift (TFLM's left shift of an int32 by more overflows). */
  maxShift: 30,
} as const;

/** Representable zero points per quantised dtype. */
const ZERO_POINT_RANGE: Partial<Record<TfliteDType, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int4: [-8, 7],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

/** Input count [min, max] and the slots that may be -1 (absent), for the ops checked here. */
type Arity = { min: number; max: number; optional?: readonly number[] };
/** n inputs, all required. */
const exactly = (n: number): Arity => ({ min: n, max: n });
/** n required inputs and one optional last input (a bias, a constant, a shape). */
const optionalLast = (n: number): Arity => ({ min: n, max: n + 1, optional: [n] });
const ARITY: Record<string, Arity> = {
  CONV_2D: optionalLast(2), DEPTHWISE_CONV_2D: optionalLast(2), FULLY_CONNECTED: optionalLast(2), TRANSPOSE_CONV: optionalLast(3),
  PADV2: optionalLast(2), RESHAPE: optionalLast(1),
  AVERAGE_POOL_2D: exactly(1), MAX_POOL_2D: exactly(1), SQUEEZE: exactly(1), SOFTMAX: exactly(1), QUANTIZE: exactly(1), DEQUANTIZE: exactly(1),
  ADD: exactly(2), MEAN: exactly(2), REDUCE_MAX: exactly(2), PAD: exactly(2), RESIZE_BILINEAR: exactly(2), RESIZE_NEAREST_NEIGHBOR: exactly(2), ARG_MAX: exactly(2), ARG_MIN: exactly(2),
};
/** Recurrent ops whose many optional inputs (peepholes, projections, ...) may be -1 anywhere. */
const MANY_OPTIONAL = new Set(['LSTM', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'BIDIRECTIONAL_SEQUENCE_LSTM', 'BIDIRECTIONAL_SEQUENCE_RNN', 'UNIDIRECTIONAL_SEQUENCE_RNN', 'SVDF']);

const ACTIVATION: Record<string, FusedActivation> = { NONE: 'none', RELU: 'relu', RELU6: 'relu6', RELU_N1_TO_1: 'relu_n1_to_1' };

const elementsOf = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);
const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

class Checker {
  readonly producer: Int32Array;
  readonly isInput: Uint8Array;

  constructor(
    readonly tf: TfliteModel,
    readonly source: string,
  ) {
    this.producer = new Int32Array(tf.tensors.length).fill(-1);
    this.isInput = new Uint8Array(tf.tensors.length);
  }

  fail(where: string, what: string): never {
    throw new ModelError(`${this.source}: ${where}: ${what}`);
  }

  tensor(i: number): string {
    const t = this.tf.tensors[i]!;
    return `tensor ${i}${t.name ? ` '${t.name}'` : ''}`;
  }

  isConstant(t: TfliteTensor): boolean {
    return t.data !== null;
  }
}

const opName = (op: TfliteOperator): string => `op ${op.index} (${op.opcode})`;

/** Throws ModelError at the first problem; returns nothing for a model that may be lowered. */
export function validateTflite(tf: TfliteModel, source = 'model.tflite'): void {
  const c = new Checker(tf, source);
  checkLayerCount(tf.operators.length, source);
  checkGraph(c);
  checkTensors(c);
  for (const op of tf.operators) checkOperator(c, op);
}

function checkGraph(c: Checker): void {
  const { tf } = c;
  if (tf.inputs.length === 0) c.fail('subgraph 0', 'the model has no inputs (its inputs list is empty)');
  if (tf.outputs.length === 0) c.fail('subgraph 0', 'the model has no outputs (its outputs list is empty)');
  for (const [list, what] of [[tf.inputs, 'input'], [tf.outputs, 'output']] as const) {
    const seen = new Set<number>();
    for (const i of list) {
      if (seen.has(i)) c.fail('subgraph 0', `${c.tensor(i)} is listed twice as a model ${what}`);
      seen.add(i);
    }
  }
  for (const i of tf.inputs) {
    if (c.isConstant(tf.tensors[i]!)) c.fail('subgraph 0', `model input ${c.tensor(i)} is a constant (it has a data buffer)`);
    c.isInput[i] = 1;
  }
  for (const op of tf.operators) {
    if (op.outputs.length === 0) c.fail(opName(op), 'has no output tensors');
    for (const o of op.outputs) {
      const prev = c.producer[o]!;
      if (prev >= 0) c.fail(opName(op), `writes ${c.tensor(o)}, which op ${prev} (${tf.operators[prev]!.opcode}) already writes: every tensor must have exactly one producer`);
      if (c.isInput[o]) c.fail(opName(op), `writes the model input ${c.tensor(o)}`);
      if (c.isConstant(tf.tensors[o]!)) c.fail(opName(op), `writes ${c.tensor(o)}, a constant (it has a data buffer)`);
      c.producer[o] = op.index;
    }
  }
  for (const op of tf.operators) {
    for (const i of op.inputs) {
      if (i < 0) continue;
      const t = tf.tensors[i]!;
      if (c.isConstant(t) || c.isInput[i] || t.isVariable) continue;
      const p = c.producer[i]!;
      if (p < 0) c.fail(opName(op), `reads ${c.tensor(i)}, which no op produces and which is neither a constant nor a model input`);
      if (p === op.index) c.fail(opName(op), `reads its own output ${c.tensor(i)}: the graph has a cycle`);
      if (p > op.index) {
        c.fail(
          opName(op),
          dependsOn(c, p, op.index)
            ? `reads ${c.tensor(i)}, produced by op ${p} (${tf.operators[p]!.opcode}), which itself depends on op ${op.index}: the graph has a cycle`
            : `reads ${c.tensor(i)} before op ${p} (${tf.operators[p]!.opcode}) produces it: TensorFlow Lite Micro runs ops in file order, ` +
                'so the operators must be stored in a topological order (re-export the model with the TFLite converter)',
        );
      }
    }
  }
  for (const o of c.tf.outputs) {
    const t = tf.tensors[o]!;
    if (c.isInput[o]) c.fail('subgraph 0', `model output ${c.tensor(o)} is the model input itself: no op computes it`);
    if (c.isConstant(t)) c.fail('subgraph 0', `model output ${c.tensor(o)} is a constant: no op computes it`);
    if (c.producer[o]! < 0) c.fail('subgraph 0', `model output ${c.tensor(o)} is produced by no op`);
  }
}

/** Does op `from` (transitively, through the tensors it reads) depend on op `target`'s outputs? */
function dependsOn(c: Checker, from: number, target: number): boolean {
  const seen = new Uint8Array(c.tf.operators.length);
  const stack = [from];
  while (stack.length) {
    const k = stack.pop()!;
    if (k === target) return true;
    if (seen[k]) continue;
    seen[k] = 1;
    for (const i of c.tf.operators[k]!.inputs) {
      const p = i >= 0 ? c.producer[i]! : -1;
      if (p >= 0 && !seen[p]) stack.push(p);
    }
  }
  return false;
}

function checkTensors(c: Checker): void {
  const { tf } = c;
  const used = new Uint8Array(tf.tensors.length);
  for (const i of [...tf.inputs, ...tf.outputs]) used[i] = 1;
  for (const op of tf.operators) for (const i of [...op.inputs, ...op.outputs]) if (i >= 0) used[i] = 1;
  let total = 0;
  for (const t of tf.tensors) {
    if (!used[t.index]) continue;
    const where = c.tensor(t.index);
    t.shape.forEach((d, k) => {
      if (d < 1) c.fail(where, `dimension ${k} of shape ${fmt(t.shape)} is ${d}; every dimension must be >= 1`);
    });
    const bytes = Math.ceil(elementsOf(t.shape) * (TENSOR_TYPE_BYTES[t.dtype] || 1));
    if (bytes > TFLITE_LIMITS.tensorBytes) c.fail(where, `shape ${fmt(t.shape)} of ${t.dtype} is ${bytes} bytes; the limit per tensor is ${TFLITE_LIMITS.tensorBytes}`);
    if (!c.isConstant(t)) {
      if (bytes > LIMITS.activationBytes)
        c.fail(where, `activation tensor of shape ${fmt(t.shape)} is ${bytes} bytes; the limit per activation tensor is ${LIMITS.activationBytes} (256 MiB)`);
      total += bytes;
      if (total > LIMITS.totalActivationBytes)
        c.fail(where, `the activation tensors up to this one take ${total} bytes; the limit for all of them is ${LIMITS.totalActivationBytes} (1 GiB)`);
    }
    const q = t.quant;
    if (!q) continue;
    for (let k = 0; k < q.scale.length; k++) {
      const s = q.scale[k]!;
      if (!(Number.isFinite(s) && s > 0)) c.fail(where, `quantisation scale${q.scale.length > 1 ? `[${k}]` : ''} is ${s}; scales must be finite and > 0`);
    }
    const range = ZERO_POINT_RANGE[t.dtype];
    if (range)
      q.zeroPoint.forEach((z, k) => {
        if (z < range[0] || z > range[1])
          c.fail(where, `zero point${q.zeroPoint.length > 1 ? `[${k}]` : ''} ${z} is outside ${t.dtype} (${range[0]}..${range[1]})`);
      });
  }
}

// ---------------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------------

interface Ctx {
  c: Checker;
  op: TfliteOperator;
  where: string;
  T: TfliteTensor[];
}

function checkOperator(c: Checker, op: TfliteOperator): void {
  const where = opName(op);
  const arity = ARITY[op.opcode];
  if (!MANY_OPTIONAL.has(op.opcode))
    op.inputs.forEach((i, k) => {
      if (i === -1 && !(arity?.optional ?? []).includes(k))
        c.fail(where, `input ${k} is absent (-1), but it is not an optional input of ${op.opcode}`);
    });
  if (!arity) return; // ops this module does not know: lowering accepts or refuses them by name
  if (op.inputs.length < arity.min || op.inputs.length > arity.max)
    c.fail(where, `has ${op.inputs.length} inputs; ${op.opcode} takes ${arity.min === arity.max ? arity.min : `${arity.min} to ${arity.max}`}`);
  if (op.outputs.length !== 1) c.fail(where, `has ${op.outputs.length} outputs; ${op.opcode} has one`);
  const ctx: Ctx = { c, op, where, T: c.tf.tensors };
  SHAPE_CHECKS[op.opcode]?.(ctx);
}

const input = (x: Ctx, k: number): TfliteTensor | undefined => {
  const i = x.op.inputs[k] ?? -1;
  return i >= 0 ? x.T[i] : undefined;
};
const output = (x: Ctx): TfliteTensor => x.T[x.op.outputs[0]!]!;

function rank(x: Ctx, t: TfliteTensor, r: number, role: string): void {
  if (t.shape.length !== r) x.c.fail(x.where, `${role} ${x.c.tensor(t.index)} has shape ${fmt(t.shape)}; expected rank ${r}`);
}

/** The declared output shape must be the one the op computes. */
function expectOutput(x: Ctx, computed: readonly number[], from: string): void {
  const y = output(x);
  if (y.shape.join() !== computed.join())
    x.c.fail(x.where, `output ${x.c.tensor(y.index)} is declared ${fmt(y.shape)} but the op computes ${fmt(computed)} from ${from}`);
}

function intOption(x: Ctx, name: string, lo: number, hi: number): number {
  const v = Number(x.op.options[name]);
  if (!(Number.isInteger(v) && v >= lo && v <= hi)) x.c.fail(x.where, `option ${name} is ${x.op.options[name]}; expected an integer in ${lo}..${hi}`);
  return v;
}

/** Output size along one axis under TFLite's SAME / VALID padding (0 when the window does not fit). */
function windowOutput(inSize: number, effK: number, stride: number, padding: unknown): number {
  if (padding === 'SAME') return Math.ceil(inSize / stride);
  return inSize < effK ? 0 : Math.floor((inSize - effK) / stride) + 1;
}

/** Spatial output [h, w] of a window op from its options; kernel [kh, kw] before dilation. */
function spatial(x: Ctx, inShape: readonly number[], kh: number, kw: number, dilated: boolean): [number, number] {
  const L = TFLITE_LIMITS.window;
  const sh = intOption(x, 'strideH', 1, L);
  const sw = intOption(x, 'strideW', 1, L);
  const dh = dilated ? intOption(x, 'dilationH', 1, L) : 1;
  const dw = dilated ? intOption(x, 'dilationW', 1, L) : 1;
  const ekh = (kh - 1) * dh + 1;
  const ekw = (kw - 1) * dw + 1;
  const oh = windowOutput(inShape[1]!, ekh, sh, x.op.options.padding);
  const ow = windowOutput(inShape[2]!, ekw, sw, x.op.options.padding);
  if (oh < 1 || ow < 1)
    x.c.fail(x.where, `the ${ekh}x${ekw} window does not fit the ${inShape[1]}x${inShape[2]} input with VALID padding (empty output)`);
  return [oh, ow];
}

function activation(x: Ctx): FusedActivation {
  const a = ACTIVATION[String(x.op.options.fusedActivation ?? 'NONE')];
  if (a === undefined) x.c.fail(x.where, `fused activation ${String(x.op.options.fusedActivation)} is not supported (NONE, RELU, RELU6, RELU_N1_TO_1)`);
  return a;
}

const scaleOf = (t: TfliteTensor | undefined): number | undefined => (t?.quant && t.quant.scale.length === 1 ? t.quant.scale[0] : undefined);

/** Runs a prepare-time computation of quantize.ts; its failure becomes a ModelError for this op. */
function prepare(x: Ctx, what: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) throw e;
    x.c.fail(x.where, `${what} cannot be represented as TensorFlow Lite Micro requires (${(e as Error).message}); check the quantisation scales of its tensors`);
  }
}

/** Weights, bias and requantisation of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED. */
function weighted(x: Ctx, w: TfliteTensor, channels: number, axisName: string): void {
  const wq = w.quant;
  if (wq && wq.scale.length !== 1 && wq.scale.length !== channels)
    x.c.fail(x.where, `weights ${x.c.tensor(w.index)} have ${wq.scale.length} scales; expected 1 or ${channels} (one per output channel, ${axisName})`);
  const b = input(x, 2);
  if (b) {
    if (elementsOf(b.shape) !== channels) x.c.fail(x.where, `bias ${x.c.tensor(b.index)} has shape ${fmt(b.shape)}; expected ${channels} values (one per output channel)`);
    const bq = b.quant;
    if (bq && bq.scale.length !== 1 && bq.scale.length !== channels)
      x.c.fail(x.where, `bias ${x.c.tensor(b.index)} has ${bq.scale.length} scales; expected 1 or ${channels}`);
  }
  const act = activation(x);
  const xs = scaleOf(input(x, 0));
  const ys = scaleOf(output(x));
  if (xs === undefined || ys === undefined || !wq) return; // not quantised: lowering refuses it
  // TFLM's FULLY_CONNECTED prepare (GetQuantizedConvolutionMultipler) requires the bias scale to be
  // input scale x weight scale (first entries) within 2% of the output scale.
  if (x.op.opcode === 'FULLY_CONNECTED' && b?.quant) {
    const diff = Math.abs(xs * wq.scale[0]! - b.quant.scale[0]!);
    if (!(diff / ys <= 0.02))
      x.c.fail(x.where, `bias ${x.c.tensor(b.index)} has scale ${b.quant.scale[0]}, not input scale x weight scale (${xs * wq.scale[0]!}) as TensorFlow Lite Micro requires`);
  }
  prepare(x, 'the output multiplier', () => {
    const m = convPerChannelMultipliers(xs, wq.scale, ys, channels);
    for (let k = 0; k < channels; k++)
      if (m.shift[k]! > TFLITE_LIMITS.maxShift)
        throw new Error(`channel ${k}: input scale x weight scale / output scale needs a left shift of ${m.shift[k]} (> ${TFLITE_LIMITS.maxShift})`);
  });
  const y = output(x);
  prepare(x, `the ${act} clamp`, () => activationRange(act, ys, y.quant!.zeroPoint[0]!));
}

const SHAPE_CHECKS: Record<string, (x: Ctx) => void> = {
  CONV_2D(x) {
    const i = input(x, 0)!;
    const w = input(x, 1)!;
    rank(x, i, 4, 'input');
    rank(x, w, 4, 'weights');
    if (i.shape[3]! % w.shape[3]! !== 0)
      x.c.fail(x.where, `weights ${x.c.tensor(w.index)} ${fmt(w.shape)} have ${w.shape[3]} input channels; the input has ${i.shape[3]}`);
    const [oh, ow] = spatial(x, i.shape, w.shape[1]!, w.shape[2]!, true);
    expectOutput(x, [i.shape[0]!, oh, ow, w.shape[0]!], `input ${fmt(i.shape)}, weights ${fmt(w.shape)}, padding ${x.op.options.padding}`);
    weighted(x, w, w.shape[0]!, 'dimension 0');
  },
  DEPTHWISE_CONV_2D(x) {
    const i = input(x, 0)!;
    const w = input(x, 1)!;
    rank(x, i, 4, 'input');
    rank(x, w, 4, 'weights');
    const oc = w.shape[3]!;
    if (w.shape[0] !== 1 || oc % i.shape[3]! !== 0)
      x.c.fail(x.where, `weights ${x.c.tensor(w.index)} ${fmt(w.shape)} must be [1, kh, kw, ${i.shape[3]} x multiplier] for the ${i.shape[3]}-channel input`);
    const m = intOption(x, 'depthMultiplier', 1, oc);
    if (m * i.shape[3]! !== oc)
      x.c.fail(x.where, `option depth_multiplier ${m} does not match ${i.shape[3]} input channels -> ${oc} weight channels`);
    const [oh, ow] = spatial(x, i.shape, w.shape[1]!, w.shape[2]!, true);
    expectOutput(x, [i.shape[0]!, oh, ow, oc], `input ${fmt(i.shape)}, weights ${fmt(w.shape)}, padding ${x.op.options.padding}`);
    weighted(x, w, oc, 'dimension 3');
  },
  AVERAGE_POOL_2D: pool,
  MAX_POOL_2D: pool,
  FULLY_CONNECTED(x) {
    const i = input(x, 0)!;
    const w = input(x, 1)!;
    rank(x, w, 2, 'weights');
    const [units, features] = w.shape as [number, number];
    const n = elementsOf(i.shape);
    if (n % features !== 0) x.c.fail(x.where, `input ${fmt(i.shape)} (${n} values) is not a whole number of ${features}-feature rows of weights ${fmt(w.shape)}`);
    const computed = x.op.options.keepNumDims ? [...i.shape.slice(0, -1), units] : [n / features, units];
    if (x.op.options.keepNumDims && i.shape[i.shape.length - 1] !== features)
      x.c.fail(x.where, `keep_num_dims: the input's last dimension ${i.shape[i.shape.length - 1]} must be the weights' ${features} features`);
    expectOutput(x, computed, `input ${fmt(i.shape)} and weights ${fmt(w.shape)}`);
    weighted(x, w, units, 'dimension 0');
  },
  ADD(x) {
    const a = input(x, 0)!;
    const b = input(x, 1)!;
    const r = Math.max(a.shape.length, b.shape.length);
    const out: number[] = [];
    for (let k = 0; k < r; k++) {
      const da = a.shape[a.shape.length - r + k] ?? 1;
      const db = b.shape[b.shape.length - r + k] ?? 1;
      if (da !== db && da !== 1 && db !== 1) x.c.fail(x.where, `input shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not broadcast`);
      out.push(Math.max(da, db));
    }
    expectOutput(x, out, `inputs ${fmt(a.shape)} + ${fmt(b.shape)}`);
    const act = activation(x);
    const [qa, qb, qy] = [a, b, output(x)].map((t) => (t.quant && t.quant.scale.length === 1 ? { scale: t.quant.scale[0]!, zeroPoint: t.quant.zeroPoint[0]! } : undefined));
    if (qa && qb && qy && output(x).dtype === 'int8') prepare(x, 'the ADD rescaling', () => addParams(qa, qb, qy, act));
  },
  MEAN(x) {
    reduceShape(x);
    const i = input(x, 0)!;
    const qi = scaleOf(i);
    const qo = scaleOf(output(x));
    if (qi !== undefined && qo !== undefined)
      prepare(x, 'the MEAN rescaling', () => meanParams({ scale: qi, zeroPoint: i.quant!.zeroPoint[0]! }, { scale: qo, zeroPoint: output(x).quant!.zeroPoint[0]! }));
  },
  REDUCE_MAX: reduceShape,
  PAD: pad,
  PADV2: pad,
  RESHAPE: sameElements,
  SQUEEZE: sameElements,
  SOFTMAX(x) {
    const i = input(x, 0)!;
    expectOutput(x, i.shape, `input ${fmt(i.shape)}`);
    const beta = Number(x.op.options.beta);
    if (!(Number.isFinite(beta) && beta > 0)) x.c.fail(x.where, `option beta is ${beta}; it must be finite and > 0`);
    const s = scaleOf(i);
    if (s !== undefined && i.dtype === 'int8') prepare(x, 'the input scaling (beta x input scale)', () => softmaxParams(beta, s));
    // TFLM's int8 SOFTMAX prepare refuses any other output quantisation.
    const y = output(x);
    const ys = scaleOf(y);
    if (y.dtype === 'int8' && ys !== undefined && (y.quant!.zeroPoint[0] !== -128 || Math.abs(ys - 1 / 256) > 0.001 / 256))
      x.c.fail(x.where, `int8 output ${x.c.tensor(y.index)} has scale ${ys} and zero point ${y.quant!.zeroPoint[0]}; TensorFlow Lite Micro requires 1/256 and -128`);
  },
  QUANTIZE: sameShape,
  DEQUANTIZE: sameShape,
};

function pool(x: Ctx): void {
  const i = input(x, 0)!;
  rank(x, i, 4, 'input');
  const fh = intOption(x, 'filterHeight', 1, TFLITE_LIMITS.window);
  const fw = intOption(x, 'filterWidth', 1, TFLITE_LIMITS.window);
  const [oh, ow] = spatial(x, i.shape, fh, fw, false);
  expectOutput(x, [i.shape[0]!, oh, ow, i.shape[3]!], `input ${fmt(i.shape)}, filter ${fh}x${fw}, padding ${x.op.options.padding}`);
  const act = activation(x);
  const y = output(x);
  const s = scaleOf(y);
  if (s !== undefined) prepare(x, `the ${act} clamp`, () => activationRange(act, s, y.quant!.zeroPoint[0]!));
  // TFLM's int8 pooling prepare: the output keeps the input's quantisation.
  const si = scaleOf(i);
  if (y.dtype === 'int8' && s !== undefined && si !== undefined && (Math.abs(si - s) > 1e-6 || i.quant!.zeroPoint[0] !== y.quant!.zeroPoint[0]))
    x.c.fail(x.where, `input and output quantisation differ (scale ${si} / ${s}, zero point ${i.quant!.zeroPoint[0]} / ${y.quant!.zeroPoint[0]}); TensorFlow Lite Micro's int8 pooling requires them equal`);
}

/** MEAN, REDUCE_MAX: constant axes within the input's rank; the output drops (or keeps as 1) the reduced axes. */
function reduceShape(x: Ctx): void {
  const i = input(x, 0)!;
  const axesT = input(x, 1)!;
  if (!axesT.data || axesT.dtype !== 'int32') return; // lowering refuses non-constant axes
  const view = new DataView(axesT.data.buffer, axesT.data.byteOffset, axesT.data.byteLength);
  const axes = new Set<number>();
  for (let k = 0; k < axesT.data.byteLength / 4; k++) {
    const a = view.getInt32(4 * k, true);
    if (a < -i.shape.length || a >= i.shape.length) x.c.fail(x.where, `axis ${a} is out of range for the rank-${i.shape.length} input`);
    axes.add(a < 0 ? a + i.shape.length : a);
  }
  const keep = Boolean(x.op.options.keepDims);
  const out = keep ? i.shape.map((d, k) => (axes.has(k) ? 1 : d)) : i.shape.filter((_, k) => !axes.has(k));
  expectOutput(x, out, `input ${fmt(i.shape)} over axes [${[...axes].join(', ')}]${keep ? ' (keep_dims)' : ''}`);
}

function pad(x: Ctx): void {
  const i = input(x, 0)!;
  const p = input(x, 1)!;
  if (!p.data || p.dtype !== 'int32') return; // lowering refuses non-constant paddings
  if (p.shape.join() !== `${i.shape.length},2`) x.c.fail(x.where, `paddings ${x.c.tensor(p.index)} has shape ${fmt(p.shape)}; expected [${i.shape.length}, 2]`);
  const view = new DataView(p.data.buffer, p.data.byteOffset, p.data.byteLength);
  const out = i.shape.map((d, k) => {
    const before = view.getInt32(8 * k, true);
    const after = view.getInt32(8 * k + 4, true);
    if (before < 0 || after < 0) x.c.fail(x.where, `paddings of dimension ${k} are [${before}, ${after}]; they must be >= 0`);
    return d + before + after;
  });
  expectOutput(x, out, `input ${fmt(i.shape)} and the paddings`);
}

function sameElements(x: Ctx): void {
  const i = input(x, 0)!;
  const y = output(x);
  if (elementsOf(i.shape) !== elementsOf(y.shape))
    x.c.fail(x.where, `output ${x.c.tensor(y.index)} ${fmt(y.shape)} has ${elementsOf(y.shape)} values but the input ${fmt(i.shape)} has ${elementsOf(i.shape)}`);
}

function sameShape(x: Ctx): void {
  const i = input(x, 0)!;
  expectOutput(x, i.shape, `input ${fmt(i.shape)}`);
}
