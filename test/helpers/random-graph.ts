/**
 * Seeded random int8 TFLite graphs for the tests (test/order.test.ts, test/random-graphs-tflm.test.ts):
 * 1-2 inputs, 2-8 operators drawn from the families asked for, each reading recent or older tensors
 * (so graphs branch), joins through ADD / SUB / MUL / MINIMUM / MAXIMUM / CONCATENATION, every tensor
 * nobody reads a model output. Shapes, quantisation and options are random within what TensorFlow
 * Lite Micro accepts: the shapes are the ones its kernels compute, same-quantisation ops (pools,
 * moves, MINIMUM / MAXIMUM, CONCATENATION) share their input's parameters (a QUANTIZE is inserted
 * when a concatenated operand has others), LOGISTIC / TANH / SOFTMAX have TFLM's fixed output
 * quantisation.
 */
import type { Rng } from './rng.js';
import { allValues } from './rng.js';
import { OP, OPTS, type O, type T, TT, tflite } from './tflite-writer.js';

export type Family = 'conv' | 'depthwise' | 'pool' | 'binary' | 'concat' | 'unary' | 'pad' | 'transpose' | 'slice' | 'split' | 'mean' | 'fc';
export const FAMILIES: readonly Family[] = ['conv', 'depthwise', 'pool', 'binary', 'concat', 'unary', 'pad', 'transpose', 'slice', 'split', 'mean', 'fc'];

export interface RandomGraph {
  bytes: Uint8Array;
  tensors: T[];
  ops: O[];
  inputs: number[];
  outputs: number[];
  /** The input bytes (every int8 value, shuffled, repeated). */
  data: Uint8Array[];
  /** Each op's one-line description, for failure messages. */
  describe: string[];
}

interface Act { id: number; shape: number[]; q: { scale: number[]; zeroPoint: number[] } }

const SAME = 0;
const VALID = 1;
const outSize = (n: number, k: number, s: number, padding: number, d = 1) => (padding === SAME ? Math.ceil(n / s) : Math.ceil((n - ((k - 1) * d + 1) + 1) / s));
const PERMS: number[][] = [];
const permute = (p: number[]): void => void (p.length === 4 ? PERMS.push(p) : [0, 1, 2, 3].filter((k) => !p.includes(k)).forEach((k) => permute([...p, k])));
permute([]);
const i32 = (xs: number[]) => new Uint8Array(new Int32Array(xs).buffer);
const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export interface GraphOptions {
  ops: number;
  families?: readonly Family[];
  inputs?: number;
  /** Dilation factors other than 1 for CONV_2D / DEPTHWISE_CONV_2D. */
  dilation?: boolean;
  /**
   * Drop, each with probability 1/2, the quantisation rules TFLM checks (LOGISTIC / TANH / SOFTMAX
   * output parameters, CONCATENATION operands sharing the output's): graphs TFLM may refuse.
   */
  loose?: boolean;
}

/** Several graphs as one model (their inputs, then their outputs, in order): one TFLM run for all. */
export function unionOf(graphs: readonly RandomGraph[]): RandomGraph {
  const tensors: T[] = [];
  const ops: O[] = [];
  const inputs: number[] = [];
  const outputs: number[] = [];
  for (const g of graphs) {
    const at = tensors.length;
    tensors.push(...g.tensors.map((t) => ({ ...t, name: `${t.name}_${at}` })));
    ops.push(...g.ops.map((o) => ({ ...o, inputs: o.inputs.map((t) => t + at), outputs: o.outputs.map((t) => t + at) })));
    inputs.push(...g.inputs.map((t) => t + at));
    outputs.push(...g.outputs.map((t) => t + at));
  }
  return { bytes: tflite(tensors, ops, inputs, outputs), tensors, ops, inputs, outputs, data: graphs.flatMap((g) => g.data), describe: graphs.flatMap((g) => g.describe) };
}

export function randomGraph(r: Rng, options: GraphOptions): RandomGraph {
  const families = options.families ?? FAMILIES;
  const tensors: T[] = [];
  const ops: O[] = [];
  const describe: string[] = [];
  const q = () => ({ scale: [0.002 + r.next() * 0.2], zeroPoint: [r.int(-60, 60)] });
  const act = (shape: number[], quant = q(), name = `t${tensors.length}`): Act => {
    tensors.push({ shape, type: TT.int8, name, ...quant });
    return { id: tensors.length - 1, shape, q: quant };
  };
  const constant = (shape: number[], type: number, data: Uint8Array, quant?: { scale: number[]; zeroPoint: number[]; qdim?: number }): number => {
    tensors.push({ shape, type, name: `c${tensors.length}`, data, ...(quant ?? {}) });
    return tensors.length - 1;
  };
  const int8s = (n: number) => Uint8Array.from({ length: n }, () => r.int(0, 255));
  const nInputs = options.inputs ?? r.int(1, 2);
  const inputs: Act[] = Array.from({ length: nInputs }, (_, k) => act([1, r.int(3, 7), r.int(3, 7), r.int(1, 4)], q(), `in${k}`));
  const avail: Act[] = [...inputs];
  const read = new Set<number>();
  const emit = (o: O, what: string) => {
    ops.push(o);
    describe.push(what);
    o.inputs.forEach((t) => read.add(t));
  };
  // Operands: the newest tensor most of the time, an older one otherwise (a branch); unread inputs first.
  const pick = (): Act => {
    const unread = inputs.find((a) => !read.has(a.id));
    if (unread) return unread;
    return r.next() < 0.55 ? avail[avail.length - 1]! : r.pick(avail);
  };
  const loose = () => options.loose === true && r.next() < 0.5;
  const requantised = (a: Act, quant: Act['q']): Act => {
    if ((a.q.scale[0] === quant.scale[0] && a.q.zeroPoint[0] === quant.zeroPoint[0]) || loose()) return a;
    const y = act(a.shape, quant);
    emit({ code: OP.QUANTIZE, inputs: [a.id], outputs: [y.id] }, `QUANTIZE ${a.id} -> ${y.id}`);
    return y;
  };
  const window = (a: Act, k: number[], stride: number[], padding: number, d = 1) => [outSize(a.shape[1]!, k[0]!, stride[0]!, padding, d), outSize(a.shape[2]!, k[1]!, stride[1]!, padding, d)];
  /** A convolution's random kernel, strides, padding and dilation, and its output size (null: no output). */
  const convWindow = (a: Act) => {
    const k = [r.int(1, 3), r.int(1, 3)];
    const stride = [r.int(1, 2), r.int(1, 2)];
    const padding = r.pick([SAME, VALID]);
    const d = options.dilation ? r.int(1, 2) : 1;
    const [h, w] = window(a, k, stride, padding, d);
    return h! < 1 || w! < 1 ? null : { k, stride, padding, d, h: h!, w: w! };
  };
  /** Symmetric int8 filter of `shape` (per channel along `qdim`, or per tensor) and its int32 bias. */
  const filter = (a: Act, shape: number[], qdim: number): [number, number] => {
    const cout = shape[qdim]!;
    const perChannel = r.next() < 0.7;
    const ws = Array.from({ length: perChannel ? cout : 1 }, () => 0.002 + r.next() * 0.02);
    const wt = constant(shape, TT.int8, int8s(count(shape)), { scale: ws, zeroPoint: ws.map(() => 0), qdim });
    const bias = constant([cout], TT.int32, i32(Array.from({ length: cout }, () => r.int(-2000, 2000))), { scale: Array.from({ length: cout }, (_, c) => a.q.scale[0]! * ws[perChannel ? c : 0]!), zeroPoint: Array(cout).fill(0) });
    return [wt, bias];
  };

  const build: Record<Family, () => Act[] | null> = {
    conv: () => {
      const a = pick();
      const g = convWindow(a);
      if (!g) return null;
      const cin = a.shape[3]!;
      const cout = r.int(1, 8);
      const [wt, bias] = filter(a, [cout, g.k[0]!, g.k[1]!, cin], 0);
      const y = act([1, g.h, g.w, cout]);
      emit({ code: OP.CONV_2D, inputs: [a.id, wt, bias], outputs: [y.id], options: { type: OPTS.Conv2DOptions, fields: [[0, 'i8', g.padding], [1, 'i32', g.stride[1]!], [2, 'i32', g.stride[0]!], [3, 'i8', r.pick([0, 1, 3])], [4, 'i32', g.d], [5, 'i32', g.d]] } },
        `CONV_2D ${g.k.join('x')} s${g.stride.join('x')} d${g.d} ${g.padding ? 'VALID' : 'SAME'} ${cin}->${cout}`);
      return [y];
    },
    depthwise: () => {
      const a = pick();
      const g = convWindow(a);
      if (!g) return null;
      const mult = r.int(1, 3);
      const cout = a.shape[3]! * mult;
      const [wt, bias] = filter(a, [1, g.k[0]!, g.k[1]!, cout], 3);
      const y = act([1, g.h, g.w, cout]);
      emit({ code: OP.DEPTHWISE_CONV_2D, inputs: [a.id, wt, bias], outputs: [y.id], options: { type: OPTS.DepthwiseConv2DOptions, fields: [[0, 'i8', g.padding], [1, 'i32', g.stride[1]!], [2, 'i32', g.stride[0]!], [3, 'i32', mult], [4, 'i8', r.pick([0, 1, 3])], [5, 'i32', g.d], [6, 'i32', g.d]] } },
        `DEPTHWISE_CONV_2D ${g.k.join('x')} s${g.stride.join('x')} d${g.d} ${g.padding ? 'VALID' : 'SAME'} x${mult}`);
      return [y];
    },
    pool: () => {
      const a = pick();
      const k = [r.int(1, 3), r.int(1, 3)];
      const stride = [r.int(1, 2), r.int(1, 2)];
      const padding = r.pick([SAME, VALID]);
      const [h, w] = window(a, k, stride, padding);
      if (h! < 1 || w! < 1) return null;
      const y = act([1, h!, w!, a.shape[3]!], a.q);
      const code = r.pick([OP.AVERAGE_POOL_2D, OP.MAX_POOL_2D]);
      emit({ code, inputs: [a.id], outputs: [y.id], options: { type: OPTS.Pool2DOptions, fields: [[0, 'i8', padding], [1, 'i32', stride[1]!], [2, 'i32', stride[0]!], [3, 'i32', k[1]!], [4, 'i32', k[0]!], [5, 'i8', r.pick([0, 1, 3])]] } },
        `${code === OP.MAX_POOL_2D ? 'MAX' : 'AVERAGE'}_POOL_2D ${k.join('x')} s${stride.join('x')} ${padding ? 'VALID' : 'SAME'}`);
      return [y];
    },
    binary: () => {
      const a = pick();
      const [name, code, opts] = r.pick([['ADD', OP.ADD, OPTS.AddOptions], ['SUB', OP.SUB, OPTS.SubOptions], ['MUL', OP.MUL, OPTS.MulOptions], ['MINIMUM', OP.MINIMUM, 0], ['MAXIMUM', OP.MAXIMUM, 0]] as const);
      const shared = code === OP.MINIMUM || code === OP.MAXIMUM;
      // A join with another tensor of the same shape when there is one, else a broadcast constant.
      // (or one that broadcasts into it: a squeeze-and-excitation [1, 1, 1, C] scale)
      const partners = avail.filter((b) => b.id !== a.id && b.shape.every((v, k) => v === a.shape[k] || v === 1) && (!shared || b.q === a.q));
      let other: number;
      let what: string;
      if (partners.length && r.next() < 0.8) {
        other = r.pick(partners).id;
        what = `join ${a.id} ${other}`;
      } else {
        const cs = r.pick([[], [a.shape[3]!], [1, 1, 1, a.shape[3]!], [1, a.shape[1]!, 1, 1], [1, 1, a.shape[2]!, 1], a.shape]);
        other = constant(cs, TT.int8, int8s(count(cs)), shared ? a.q : q());
        what = `by constant [${cs.join(',')}]`;
      }
      const y = act(a.shape, shared ? a.q : q());
      const inputs = r.next() < 0.5 ? [a.id, other] : [other, a.id];
      emit({ code, inputs, outputs: [y.id], ...(opts ? { options: { type: opts, fields: [[0, 'i8', r.pick([0, 1, 3])]] } } : {}) }, `${name} ${what}`);
      return [y];
    },
    concat: () => {
      const a = pick();
      const axis = r.pick([0, 1, 2, 3]);
      const fits = avail.filter((b) => b.id !== a.id && b.shape.every((v, k) => k === axis || v === a.shape[k]));
      const parts = [a, ...(fits.length ? [r.pick(fits)] : []), ...(r.next() < 0.3 || !fits.length ? [a] : [])].map((p) => requantised(p, a.q));
      const shape = a.shape.map((v, k) => (k === axis ? parts.reduce((s, p) => s + p.shape[k]!, 0) : v));
      const y = act(shape, a.q);
      emit({ code: OP.CONCATENATION, inputs: parts.map((p) => p.id), outputs: [y.id], options: { type: OPTS.ConcatenationOptions, fields: [[0, 'i32', axis]] } }, `CONCATENATION of ${parts.length} on axis ${axis}`);
      return [y];
    },
    unary: () => {
      const a = pick();
      const [name, code] = r.pick([['LOGISTIC', OP.LOGISTIC], ['TANH', OP.TANH], ['RELU', OP.RELU], ['RELU6', OP.RELU6], ['LEAKY_RELU', OP.LEAKY_RELU], ['HARD_SWISH', OP.HARD_SWISH], ['QUANTIZE', OP.QUANTIZE]] as const);
      const fixed = code === OP.LOGISTIC ? { scale: [1 / 256], zeroPoint: [-128] } : code === OP.TANH ? { scale: [1 / 128], zeroPoint: [0] } : code === OP.RELU6 ? a.q : null;
      const quant = fixed && !loose() ? fixed : q();
      const y = act(a.shape, quant);
      const alpha = 0.05 + r.next() * 1.5;
      emit({ code, inputs: [a.id], outputs: [y.id], ...(code === OP.LEAKY_RELU ? { options: { type: OPTS.LeakyReluOptions, fields: [[0, 'f32', alpha]] } } : {}) }, name);
      return [y];
    },
    pad: () => {
      const a = pick();
      const pads = [0, 0, r.int(0, 2), r.int(0, 2), r.int(0, 2), r.int(0, 2), r.int(0, 1), r.int(0, 1)];
      const y = act(a.shape.map((v, k) => v + pads[2 * k]! + pads[2 * k + 1]!), a.q);
      const v2 = r.next() < 0.5;
      const ins = [a.id, constant([4, 2], TT.int32, i32(pads)), ...(v2 ? [constant([], TT.int8, Uint8Array.of(r.int(0, 255)), a.q)] : [])];
      emit({ code: v2 ? OP.PADV2 : OP.PAD, inputs: ins, outputs: [y.id] }, `${v2 ? 'PADV2' : 'PAD'} [${pads.join(',')}]`);
      return [y];
    },
    transpose: () => {
      const a = pick();
      const perm = r.pick(PERMS);
      const y = act(perm.map((k) => a.shape[k]!), a.q);
      emit({ code: OP.TRANSPOSE, inputs: [a.id, constant([4], TT.int32, i32(perm))], outputs: [y.id] }, `TRANSPOSE [${perm.join(',')}]`);
      return [y];
    },
    slice: () => {
      const a = pick();
      const begin = [0];
      const end = [1];
      const strides = [1];
      const shape = [1];
      let [beginMask, endMask, shrink] = [0, 0, 0];
      for (let k = 1; k < 4; k++) {
        const n = a.shape[k]!;
        const s = r.pick([1, 1, 2, 3, -1, -2]);
        // Indices as TFLM reads them: negative ones count from the end; masks take the whole range.
        let b = r.int(0, n - 1);
        let e = s > 0 ? r.int(b + 1, n) : r.int(-1, b - 1);
        if (r.next() < 0.2) [beginMask, b] = [beginMask | (1 << k), s > 0 ? 0 : n - 1];
        if (r.next() < 0.2) [endMask, e] = [endMask | (1 << k), s > 0 ? n : -1];
        const len = Math.ceil(Math.abs(e - b) / Math.abs(s));
        begin.push(r.next() < 0.3 ? b - n : b);
        end.push(e < 0 ? -n - 1 : r.next() < 0.3 && e < n ? e - n : e);
        strides.push(s);
        if (len === 1 && s > 0 && r.next() < 0.3) shrink |= 1 << k; // (TFLM shrinks to begin + 1: forward only)
        else shape.push(len);
      }
      const y = act(shape, a.q);
      const ellipsis = r.next() < 0.15 ? r.pick([1, 2, 4]) : 0; // TFLM reads begin / end / strides as given
      const ins = [a.id, constant([4], TT.int32, i32(begin)), constant([4], TT.int32, i32(end)), constant([4], TT.int32, i32(strides))];
      emit({ code: OP.STRIDED_SLICE, inputs: ins, outputs: [y.id], options: { type: OPTS.StridedSliceOptions, fields: [[0, 'i32', beginMask], [1, 'i32', endMask], [2, 'i32', ellipsis], [4, 'i32', shrink]] } },
        `STRIDED_SLICE ${begin}:${end}:${strides} masks ${beginMask}/${endMask}/${ellipsis}/${shrink}`);
      return [y];
    },
    split: () => {
      const a = pick();
      const axes = [1, 2, 3].filter((k) => a.shape[k]! >= 2);
      if (!axes.length) return null;
      const axis = r.pick(axes);
      const n = a.shape[axis]!;
      const first = n % 2 === 0 && r.next() < 0.5 ? n / 2 : r.int(1, n - 1);
      const ys = [first, n - first].map((m) => act(a.shape.map((v, k) => (k === axis ? m : v)), a.q));
      if (first * 2 === n)
        emit({ code: OP.SPLIT, inputs: [constant([], TT.int32, i32([axis])), a.id], outputs: ys.map((y) => y.id), options: { type: OPTS.SplitOptions, fields: [[0, 'i32', 2]] } }, `SPLIT axis ${axis}`);
      else
        emit({ code: OP.SPLIT_V, inputs: [a.id, constant([2], TT.int32, i32([first, -1])), constant([], TT.int32, i32([axis]))], outputs: ys.map((y) => y.id), options: { type: OPTS.SplitVOptions, fields: [[0, 'i32', 2]] } }, `SPLIT_V axis ${axis} ${first}+rest`);
      return ys;
    },
    mean: () => {
      const a = pick();
      const keep = r.next() < 0.7;
      const y = act(keep ? [1, 1, 1, a.shape[3]!] : [1, a.shape[3]!]);
      emit({ code: OP.MEAN, inputs: [a.id, constant([2], TT.int32, i32(r.pick([[1, 2], [2, 1]])))], outputs: [y.id], options: { type: OPTS.ReducerOptions, fields: [[0, 'i8', keep ? 1 : 0]] } }, `MEAN over H, W${keep ? ', keepdims' : ''}`);
      return [y];
    },
    fc: () => {
      // RESHAPE (a view) to [1, N], FULLY_CONNECTED, maybe a SOFTMAX: a rank-2 result, a model output.
      const a = pick();
      const n = count(a.shape);
      const flat = act([1, n], a.q);
      emit({ code: OP.RESHAPE, inputs: [a.id, constant([2], TT.int32, i32([1, n]))], outputs: [flat.id] }, `RESHAPE to [1, ${n}]`);
      const units = r.int(1, 8);
      const ws = 0.002 + r.next() * 0.02;
      const wt = constant([units, n], TT.int8, int8s(units * n), { scale: [ws], zeroPoint: [0] });
      const bias = constant([units], TT.int32, i32(Array.from({ length: units }, () => r.int(-2000, 2000))), { scale: [a.q.scale[0]! * ws], zeroPoint: [0] });
      const y = act([1, units]);
      emit({ code: OP.FULLY_CONNECTED, inputs: [flat.id, wt, bias], outputs: [y.id], options: { type: OPTS.FullyConnectedOptions, fields: [[0, 'i8', r.pick([0, 1, 3])]] } }, `FULLY_CONNECTED ${n}->${units}`);
      if (r.next() < 0.5) return [y];
      const z = act([1, units], loose() ? q() : { scale: [1 / 256], zeroPoint: [-128] });
      emit({ code: OP.SOFTMAX, inputs: [y.id], outputs: [z.id], options: { type: OPTS.SoftmaxOptions, fields: [[0, 'f32', 0.5 + r.next()]] } }, 'SOFTMAX');
      return [z];
    },
  };
  for (let tries = 0; ops.length < options.ops && tries < 100; tries++) {
    const ys = build[r.pick(families)]();
    // Results of another rank (FULLY_CONNECTED, shrinking slices) or batch (TRANSPOSE, CONCATENATION
    // on axis 0) are model outputs: later ops read batch-1 rank-4 tensors only.
    if (ys) avail.push(...ys.filter((y) => y.shape.length === 4 && y.shape[0] === 1));
  }
  const outputs = tensors.map((t, id) => ({ t, id })).filter(({ t, id }) => !t.data && !read.has(id) && !inputs.some((a) => a.id === id) && ops.some((o) => o.outputs.includes(id))).map(({ id }) => id);
  const ins = inputs.map((a) => a.id);
  return { bytes: tflite(tensors, ops, ins, outputs), tensors, ops, inputs: ins, outputs, data: inputs.map((a) => allValues(count(a.shape), r)), describe };
}
