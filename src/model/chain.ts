/**
 * Chain models: a sequence of window layers on one input. Used by the zoo and by the chain-JSON
 * reader (format in README.md, "Chain model JSON"). Shape inference and validation happen here, and every error
 * names the layer and the field.
 */
import { ModelError } from '../errors.js';
import { LIMITS, checkLayerCount, show } from '../limits.js';
import { type Layer, type Model, type OpKind, type Padding, type Shape, type Tensor, windowOut } from './ir.js';

export interface ChainLayerSpec {
  op: 'conv2d' | 'depthwise_conv2d' | 'avg_pool2d' | 'max_pool2d';
  /** Output channels (conv2d only). */
  filters?: number;
  kernel: number | readonly [number, number];
  stride: number | readonly [number, number];
  padding: number | Padding | 'same' | 'valid';
  multiplier?: number;
}

export interface ChainSpec {
  name: string;
  input: Shape;
  layers: ChainLayerSpec[];
}

const CHAIN_OPS = ['conv2d', 'depthwise_conv2d', 'avg_pool2d', 'max_pool2d'] as const;

function fail(where: string, what: string): never {
  throw new ModelError(`${where}: ${what}`);
}

function positiveInt(v: unknown, where: string, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(where, `"${field}" must be a positive integer, got ${show(v)}`);
  if (v > LIMITS.chainDim) fail(where, `"${field}" is ${v}; the limit is ${LIMITS.chainDim}`);
  return v;
}

function pair(v: unknown, where: string, field: string): [number, number] {
  if (Array.isArray(v)) {
    if (v.length !== 2) fail(where, `"${field}" must be an integer or [h, w], got ${show(v)}`);
    return [positiveInt(v[0], where, field), positiveInt(v[1], where, field)];
  }
  const n = positiveInt(v, where, field);
  return [n, n];
}

/** TensorFlow's SAME padding: the extra pixel goes after (bottom/right). */
function samePadding(inSize: number, k: number, s: number): [number, number] {
  const out = Math.ceil(inSize / s);
  const total = Math.max((out - 1) * s + k - inSize, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function resolvePadding(v: unknown, where: string, inShape: Shape, k: [number, number], s: [number, number]): Padding {
  if (v === undefined || v === 'valid') return [0, 0, 0, 0];
  if (v === 'same') {
    const [t, b] = samePadding(inShape[0], k[0], s[0]);
    const [l, r] = samePadding(inShape[1], k[1], s[1]);
    return [t, b, l, r];
  }
  const nonNeg = (x: unknown): number => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > LIMITS.chainDim)
      fail(where, `"padding" values must be integers in 0..${LIMITS.chainDim}, got ${show(v)}`);
    return x;
  };
  if (Array.isArray(v)) {
    if (v.length !== 4) fail(where, `"padding" must be an integer, [top, bottom, left, right], "same" or "valid"`);
    return [nonNeg(v[0]), nonNeg(v[1]), nonNeg(v[2]), nonNeg(v[3])];
  }
  const p = nonNeg(v);
  return [p, p, p, p];
}

/** Builds and validates a chain model. Throws ModelError naming the first bad layer. */
export function buildChain(spec: ChainSpec): Model {
  const tensors: Tensor[] = [];
  const layers: Layer[] = [];
  const addTensor = (shape: Shape, name: string): number => {
    tensors.push({ id: tensors.length, name, shape });
    return tensors.length - 1;
  };
  const input = spec.input;
  if (!Array.isArray(input) || input.length !== 3)
    fail('input', `must be [H, W, C], got ${show(input)}`);
  const inShape: Shape = [positiveInt(input[0], 'input', 'H'), positiveInt(input[1], 'input', 'W'), positiveInt(input[2], 'input', 'C')];
  let total = 0;
  const checkBytes = (shape: Shape, where: string) => {
    const bytes = shape[0] * shape[1] * shape[2];
    if (bytes > LIMITS.activationBytes) fail(where, `a ${shape.join('x')} tensor is ${bytes} bytes; the limit per tensor is ${LIMITS.activationBytes} (256 MiB)`);
    total += bytes;
    if (total > LIMITS.totalActivationBytes) fail(where, `the tensors up to here take ${total} bytes; the limit for all of them is ${LIMITS.totalActivationBytes} (1 GiB)`);
  };
  checkBytes(inShape, 'input');
  let cur = addTensor(inShape, 'input');
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) fail('layers', 'must be a non-empty array of layers');
  checkLayerCount(spec.layers.length, 'layers');

  spec.layers.forEach((l, i) => {
    const where = `layer ${i}${l && typeof l === 'object' && typeof l.op === 'string' ? ` (${l.op})` : ''}`;
    if (!l || typeof l !== 'object') fail(where, 'must be an object');
    if (!CHAIN_OPS.includes(l.op))
      fail(where, `unknown op ${show(l.op)}; expected one of ${CHAIN_OPS.join(', ')}`);
    const allowed = new Set(['op', 'filters', 'kernel', 'stride', 'padding', 'multiplier', 'name']);
    for (const key of Object.keys(l)) if (!allowed.has(key)) fail(where, `unknown field "${key}"`);
    const prev = tensors[cur]!.shape;
    const kernel = pair(l.kernel, where, 'kernel');
    const stride = l.stride === undefined ? ([1, 1] as [number, number]) : pair(l.stride, where, 'stride');
    const padding = resolvePadding(l.padding, where, prev, kernel, stride);
    let multiplier = 1;
    let outC: number;
    if (l.op === 'conv2d') {
      outC = positiveInt(l.filters, where, 'filters');
    } else {
      if (l.filters !== undefined && l.op !== 'depthwise_conv2d') fail(where, `"filters" is only for conv2d`);
      if (l.op === 'depthwise_conv2d') {
        multiplier = l.multiplier === undefined ? 1 : positiveInt(l.multiplier, where, 'multiplier');
        if (l.filters !== undefined && l.filters !== prev[2] * multiplier)
          fail(where, `"filters" must equal input channels x multiplier (${prev[2] * multiplier}) for depthwise_conv2d`);
      } else if (l.multiplier !== undefined) fail(where, `"multiplier" is only for depthwise_conv2d`);
      outC = prev[2] * multiplier;
    }
    const [t, b, left, r] = padding;
    if (kernel[0] > prev[0] + t + b || kernel[1] > prev[1] + left + r)
      fail(where, `kernel ${kernel[0]}x${kernel[1]} is larger than the padded input ${prev[0] + t + b}x${prev[1] + left + r}`);
    if (Math.max(t, b) >= kernel[0] || Math.max(left, r) >= kernel[1])
      fail(where, `padding ${show(padding)} must be smaller than the kernel ${kernel[0]}x${kernel[1]}`);
    const outH = windowOut(prev[0], kernel[0], stride[0], t, b);
    const outW = windowOut(prev[1], kernel[1], stride[1], left, r);
    if (outH <= 0 || outW <= 0) fail(where, `produces an empty output (${outH}x${outW})`);
    const weightBytes = l.op === 'conv2d' ? outC * kernel[0] * kernel[1] * prev[2] : l.op === 'depthwise_conv2d' ? outC * kernel[0] * kernel[1] : 0;
    if (weightBytes > LIMITS.weightBytes) fail(where, `${weightBytes} bytes of weights; the limit per layer is ${LIMITS.weightBytes} (256 MiB)`);
    checkBytes([outH, outW, outC], where);
    const out = addTensor([outH, outW, outC], `t${i}`);
    layers.push({
      index: i,
      op: l.op as OpKind,
      name: `${i}:${l.op}`,
      inputs: [cur],
      output: out,
      kernel,
      stride,
      padding,
      multiplier,
    });
    cur = out;
  });
  return { name: spec.name, tensors, layers, input: 0, output: cur };
}

/** Parses chain-model JSON text (README.md, "Chain model JSON"). */
export function parseChainJson(text: string, source = 'model'): Model {
  if (text.length > LIMITS.chainJsonBytes)
    throw new ModelError(`${source}: ${text.length} characters; chain-model JSON is limited to ${LIMITS.chainJsonBytes} (16 MiB)`, 'MODEL_LIMIT');
  const depth = jsonDepth(text);
  if (depth > LIMITS.chainJsonDepth)
    throw new ModelError(`${source}: JSON nested ${depth} levels deep; a chain model needs 4 and at most ${LIMITS.chainJsonDepth} are read`, 'MODEL_LIMIT');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelError(`${source}: not valid JSON (${(e as Error).message}); expected a chain model, see "Chain model JSON" in the README`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ModelError(`${source}: expected a JSON object with "input" and "layers"`);
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!['name', 'input', 'layers'].includes(key)) throw new ModelError(`${source}: unknown top-level field "${key}" (expected name, input, layers)`);
  if (o.input === undefined) throw new ModelError(`${source}: missing "input" ([H, W, C])`);
  if (o.layers === undefined) throw new ModelError(`${source}: missing "layers"`);
  const name = typeof o.name === 'string' && o.name ? o.name : source;
  try {
    return buildChain({ name, input: o.input as Shape, layers: o.layers as ChainLayerSpec[] });
  } catch (e) {
    if (e instanceof ModelError) throw new ModelError(`${source}: ${e.message}`, e.code);
    throw e;
  }
}

/** Deepest nesting of [ and { in JSON text (outside strings), found without parsing or recursion. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}
