/**
 * The TFLite reader against the shared real models (checked against INDEX.md and the TensorFlow
 * Lite Micro conformance metadata) and against small hand-built flatbuffers that are malformed in
 * one precise way each.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Builder } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { ModelError, ModelFormatError } from '../src/errors.js';
import { builtinOperatorName, readTflite, type TfliteModel, type TfliteTensor } from '../src/import/tflite.js';

const MODELS = new URL('../../shared/models/', import.meta.url);
const CONFORMANCE = new URL('../../shared/conformance/', import.meta.url);

const FILES = readdirSync(MODELS)
  .filter((f) => f.endsWith('.tflite'))
  .sort();

const cache = new Map<string, { bytes: Uint8Array; model: TfliteModel }>();
function load(file: string): { bytes: Uint8Array; model: TfliteModel } {
  let hit = cache.get(file);
  if (hit === undefined) {
    const bytes = new Uint8Array(readFileSync(new URL(file, MODELS)));
    hit = { bytes, model: readTflite(bytes, file) };
    cache.set(file, hit);
  }
  return hit;
}

interface MetaTensor {
  index: number;
  name?: string;
  shape: number[];
  dtype: string;
  scale: number | number[];
  zero_point: number | number[];
  op_index?: number;
  op?: string;
}
interface Meta {
  inputs: MetaTensor[];
  outputs: MetaTensor[];
  exposed_tensors: MetaTensor[];
}
function meta(file: string): Meta {
  const dir = file.replace(/\.tflite$/, '');
  return JSON.parse(readFileSync(new URL(`${dir}/meta.json`, CONFORMANCE), 'utf8')) as Meta;
}

/** INDEX.md "ops" column: conv/dw/pool/add/fc counts and the other ops with their counts. */
function indexOps(): Map<string, { counts: number[]; others: Map<string, number> }> {
  const text = readFileSync(new URL('INDEX.md', MODELS), 'utf8');
  const out = new Map<string, { counts: number[]; others: Map<string, number> }>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const file = cells[1];
    const ops = cells[5];
    if (file === undefined || ops === undefined || !file.endsWith('.tflite')) continue;
    const [nums, ...rest] = ops.split(',').map((s) => s.trim());
    const counts = nums!.split('/').map(Number);
    const others = new Map<string, number>();
    for (const r of rest) {
      const m = /^([A-Z0-9_]+)(?:×(\d+))?$/.exec(r);
      if (m === null) throw new Error(`cannot parse INDEX.md ops entry ${JSON.stringify(r)}`);
      others.set(m[1]!, Number(m[2] ?? 1));
    }
    out.set(file, { counts, others });
  }
  return out;
}

const BYTES: Record<string, number> = { int8: 1, uint8: 1, int16: 2, int32: 4, float32: 4, int64: 8 };
const elements = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function expectQuantLike(t: TfliteTensor, m: MetaTensor): void {
  expect(t.shape).toEqual(m.shape);
  expect(t.dtype).toBe(m.dtype);
  const scales = Array.isArray(m.scale) ? m.scale : [m.scale];
  const zps = Array.isArray(m.zero_point) ? m.zero_point : [m.zero_point];
  expect(t.quant).not.toBeNull();
  expect([...t.quant!.scale]).toEqual(scales.map(Math.fround));
  expect(t.quant!.zeroPoint).toEqual(zps);
}

function convOut(n: number, k: number, stride: number, dilation: number, padding: string): number {
  const eff = (k - 1) * dilation + 1;
  return padding === 'SAME' ? Math.ceil(n / stride) : Math.floor((n - eff) / stride) + 1;
}

describe('readTflite on the shared models', () => {
  const index = indexOps();

  it('finds all eight models listed in INDEX.md', () => {
    expect(FILES.length).toBe(8);
    expect([...index.keys()].sort()).toEqual(FILES);
  });

  for (const file of FILES) {
    describe(file, () => {
      it('parses: version 3, one subgraph, a view on the file for constant data', () => {
        const { bytes, model } = load(file);
        expect(model.version).toBe(3);
        expect(model.operators.length).toBeGreaterThan(0);
        for (const t of model.tensors) {
          if (t.data === null) continue;
          expect(t.data.buffer).toBe(bytes.buffer);
          expect(t.data.byteOffset + t.data.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length);
        }
      });

      it('has the op counts of INDEX.md (conv/dw/pool/add/fc + others)', () => {
        const { model } = load(file);
        const want = index.get(file)!;
        const count = (...names: string[]): number =>
          model.operators.filter((o) => names.includes(o.opcode)).length;
        expect([
          count('CONV_2D'),
          count('DEPTHWISE_CONV_2D'),
          count('AVERAGE_POOL_2D', 'MAX_POOL_2D'),
          count('ADD'),
          count('FULLY_CONNECTED'),
        ]).toEqual(want.counts);
        const others = new Map<string, number>();
        for (const o of model.operators) {
          if (['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'FULLY_CONNECTED'].includes(o.opcode)) continue;
          others.set(o.opcode, (others.get(o.opcode) ?? 0) + 1);
        }
        expect(others).toEqual(want.others);
      });

      it('inputs and outputs match the conformance meta.json', () => {
        const { model } = load(file);
        const m = meta(file);
        expect(model.inputs).toEqual(m.inputs.map((t) => t.index));
        expect(model.outputs).toEqual(m.outputs.map((t) => t.index));
        for (const t of [...m.inputs, ...m.outputs]) expectQuantLike(model.tensors[t.index]!, t);
      });

      it('every exposed tensor exists with its shape, dtype, scale, zero point and producer', () => {
        const { model } = load(file);
        const m = meta(file);
        expect(m.exposed_tensors.length).toBeGreaterThan(0);
        for (const e of m.exposed_tensors) {
          const t = model.tensors[e.index]!;
          expect(t.name).toBe(e.name);
          expectQuantLike(t, e);
          const op = model.operators[e.op_index!]!;
          expect(op.opcode).toBe(e.op);
          expect(op.outputs).toContain(e.index);
        }
      });

      it('weights and biases carry the byte length their shape and dtype imply', () => {
        const { model } = load(file);
        let checked = 0;
        for (const op of model.operators) {
          if (!['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(op.opcode)) continue;
          expect(op.inputs.length).toBe(3);
          const [w, b] = [model.tensors[op.inputs[1]!]!, model.tensors[op.inputs[2]!]!];
          expect(w.dtype).toBe('int8');
          expect(b.dtype).toBe('int32');
          for (const t of [w, b]) {
            expect(t.data).not.toBeNull();
            expect(t.data!.length).toBe(elements(t.shape) * BYTES[t.dtype]!);
            checked++;
          }
          // Per-axis quantisation is always consistent with the shape (after the 1-D bias fix-up).
          for (const t of [w, b]) {
            const q = t.quant!;
            if (q.scale.length > 1) expect(t.shape[q.quantizedDimension]).toBe(q.scale.length);
          }
        }
        if (!file.includes('ad01')) expect(checked).toBeGreaterThan(0);
      });

      it('conv/depthwise/pool options reproduce the output shapes (padding, strides, kernels)', () => {
        const { model } = load(file);
        for (const op of model.operators) {
          const o = op.options;
          const x = model.tensors[op.inputs[0]!]!.shape;
          const y = model.tensors[op.outputs[0]!]!.shape;
          let kh: number, kw: number;
          if (op.opcode === 'CONV_2D' || op.opcode === 'DEPTHWISE_CONV_2D') {
            const w = model.tensors[op.inputs[1]!]!.shape;
            [kh, kw] = [w[1]!, w[2]!];
            if (op.opcode === 'CONV_2D') expect(w[0]).toBe(y[3]);
            else expect(y[3]).toBe(x[3]! * (o.depthMultiplier as number));
          } else if (op.opcode === 'AVERAGE_POOL_2D' || op.opcode === 'MAX_POOL_2D') {
            [kh, kw] = [o.filterHeight as number, o.filterWidth as number];
          } else continue;
          expect(y[1]).toBe(convOut(x[1]!, kh, o.strideH as number, (o.dilationH ?? 1) as number, o.padding as string));
          expect(y[2]).toBe(convOut(x[2]!, kw, o.strideW as number, (o.dilationW ?? 1) as number, o.padding as string));
        }
      });
    });
  }

  it('kws DS-CNN: first conv is 10x4 stride 2 SAME with fused RELU; 25x5 average pool', () => {
    const { model } = load('mlperf_kws_dscnn_int8.tflite');
    expect(model.operators.map((o) => o.opcode)).toEqual([
      'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D',
      'DEPTHWISE_CONV_2D', 'CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX',
    ]);
    const conv = model.operators[0]!;
    expect(model.tensors[conv.inputs[1]!]!.shape).toEqual([64, 10, 4, 1]);
    expect(conv.options).toEqual({
      padding: 'SAME', strideW: 2, strideH: 2, dilationW: 1, dilationH: 1, fusedActivation: 'RELU',
    });
    // Conformance shapes: [1,49,10,1] -> [1,25,5,64] (SAME, stride 2).
    expect(model.tensors[conv.inputs[0]!]!.shape).toEqual([1, 49, 10, 1]);
    expect(model.tensors[conv.outputs[0]!]!.shape).toEqual(meta('mlperf_kws_dscnn_int8.tflite').exposed_tensors[0]!.shape);
    expect(model.operators[9]!.options).toEqual({
      padding: 'VALID', strideW: 5, strideH: 25, filterWidth: 5, filterHeight: 25, fusedActivation: 'NONE',
    });
    expect(model.operators[11]!.options).toEqual({
      fusedActivation: 'NONE', weightsFormat: 'DEFAULT', keepNumDims: false, asymmetricQuantizeInputs: false,
    });
    expect(model.operators[12]!.options).toEqual({ beta: 1 });
  });

  it('person_detect: first layer depthwise with multiplier 8; 1-D biases with quantized_dimension 3', () => {
    const { model } = load('tflm_person_detect_int8.tflite');
    const dw = model.operators[0]!;
    expect(dw.opcode).toBe('DEPTHWISE_CONV_2D');
    expect(dw.options.depthMultiplier).toBe(8);
    expect(dw.options.fusedActivation).toBe('RELU6');
    expect(model.tensors[dw.inputs[0]!]!.shape).toEqual([1, 96, 96, 1]);
    expect(model.tensors[dw.inputs[1]!]!.shape).toEqual([1, 3, 3, 8]);
    expect(model.tensors[dw.outputs[0]!]!.shape).toEqual([1, 48, 48, 8]);
    // The file says quantized_dimension 3 on these 1-D [8] biases; the reader reports axis 0.
    const bias = model.tensors[dw.inputs[2]!]!;
    expect(bias.shape).toEqual([8]);
    expect(bias.quant!.scale.length).toBe(8);
    expect(bias.quant!.quantizedDimension).toBe(0);
    expect(model.operators.at(-2)!.options).toEqual({ newShape: [1, 2] });
    const classifier = model.operators[28]!;
    expect(classifier.opcode).toBe('CONV_2D');
    expect(model.tensors[classifier.inputs[1]!]!.shape).toEqual([2, 1, 1, 256]);
  });

  it('micro_speech: RESHAPE to [-1,49,40,1], then one 10x8 depthwise stride 2', () => {
    const { model } = load('tflm_micro_speech_int8.tflite');
    expect(model.operators.map((o) => o.opcode)).toEqual(['RESHAPE', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'SOFTMAX']);
    expect(model.operators[0]!.options).toEqual({ newShape: [-1, 49, 40, 1] });
    const dw = model.operators[1]!;
    expect(model.tensors[dw.inputs[1]!]!.shape).toEqual([1, 10, 8, 8]);
    expect(dw.options).toMatchObject({ strideW: 2, strideH: 2, padding: 'SAME', depthMultiplier: 8 });
  });

  it('micronet: five channel PADs feeding residual ADDs; per-channel weights, per-tensor activations', () => {
    const { model } = load('armzoo_micronet_vww2_50_int8.tflite');
    const pads = model.operators.filter((o) => o.opcode === 'PAD');
    expect(pads.map((p) => p.index)).toEqual([10, 18, 34, 39, 47]);
    for (const p of pads) {
      expect(p.options).toEqual({});
      const paddings = model.tensors[p.inputs[1]!]!;
      expect(paddings.dtype).toBe('int32');
      expect(paddings.shape).toEqual([4, 2]);
      const v = new Int32Array(new Uint8Array(paddings.data!).buffer);
      expect([...v.slice(0, 7)]).toEqual([0, 0, 0, 0, 0, 0, 0]); // only the channel end is padded
      expect(model.operators[p.index + 1]!.opcode).toBe('ADD');
    }
    expect(model.operators.at(-1)!.opcode).toBe('RESHAPE');
  });

  it('resnet8: three ADDs with fused RELU', () => {
    const { model } = load('mlperf_ic_resnet8_int8.tflite');
    const adds = model.operators.filter((o) => o.opcode === 'ADD');
    expect(adds.map((a) => a.options)).toEqual(Array(3).fill({ fusedActivation: 'RELU', potScaleInt16: true }));
  });

  it('tensor data of a Node Buffer input is a plain Uint8Array view', () => {
    const buf = readFileSync(new URL('tflm_micro_speech_int8.tflite', MODELS));
    const model = readTflite(buf);
    const w = model.tensors.find((t) => t.data !== null)!;
    expect(Object.getPrototypeOf(w.data)).toBe(Uint8Array.prototype);
    expect(w.data!.buffer).toBe(buf.buffer);
  });
});

describe('BuiltinOperator names', () => {
  it('names codes 0..205 from the schema and flags unknown ones', () => {
    expect(builtinOperatorName(0)).toBe('ADD');
    expect(builtinOperatorName(3)).toBe('CONV_2D');
    expect(builtinOperatorName(4)).toBe('DEPTHWISE_CONV_2D');
    expect(builtinOperatorName(34)).toBe('PAD');
    expect(builtinOperatorName(40)).toBe('MEAN');
    expect(builtinOperatorName(60)).toBe('PADV2');
    expect(builtinOperatorName(114)).toBe('QUANTIZE');
    expect(builtinOperatorName(127)).toBe('PLACEHOLDER_FOR_GREATER_OP_CODES');
    expect(builtinOperatorName(150)).toBe('GELU');
    expect(builtinOperatorName(160)).toBe('BITWISE_XOR');
    expect(builtinOperatorName(161)).toBe('RIGHT_SHIFT');
    expect(builtinOperatorName(162)).toBe('STABLEHLO_LOGISTIC');
    expect(builtinOperatorName(202)).toBe('STABLEHLO_TRANSPOSE');
    expect(builtinOperatorName(203)).toBe('DILATE');
    expect(builtinOperatorName(205)).toBe('REDUCE_WINDOW');
    expect(builtinOperatorName(225)).toBe('TEMP_STREAMING_CONV_2D');
    expect(builtinOperatorName(206)).toBe('UNKNOWN(206)');
    expect(builtinOperatorName(-3)).toBe('UNKNOWN(-3)');
  });
});

// -------------------------------------------------------------------------------------------------
// Hand-built flatbuffers (test-only writer on the flatbuffers Builder)
// -------------------------------------------------------------------------------------------------

interface FxTensor {
  shape?: number[];
  type?: number;
  buffer?: number;
  name?: string;
  scale?: number[];
  zeroPoint?: number[];
  qdim?: number;
  sparse?: boolean;
}
interface FxOp {
  opcode?: number;
  inputs?: number[];
  outputs?: number[];
  optionsType?: number;
  options?: (b: Builder) => number;
}
interface Fx {
  ident?: string;
  version?: number;
  description?: string;
  codes?: { dep?: number; code?: number; custom?: string }[];
  tensors?: FxTensor[];
  ops?: FxOp[];
  inputs?: number[];
  outputs?: number[];
  buffers?: { data?: number[]; offset?: bigint; size?: bigint }[];
  subgraphs?: number;
}

const TT = { float32: 0, int32: 2, uint8: 3, int8: 9 };

/** Conv2DOptions { padding: VALID, stride 1x1, RELU6 }. */
function convOptions(b: Builder, padding = 1, activation = 3): number {
  b.startObject(7);
  b.addFieldInt8(0, padding, 0);
  b.addFieldInt32(1, 1, 0);
  b.addFieldInt32(2, 1, 0);
  b.addFieldInt8(3, activation, 0);
  return b.endObject();
}

/** A 1-op CONV_2D model: x[1,4,4,1] * w[2,3,3,1] + b[2] -> y[1,2,2,2]. */
function baseFx(): Required<Omit<Fx, 'ident' | 'description'>> {
  return {
    version: 3,
    codes: [{ dep: 3, code: 3 }],
    tensors: [
      { shape: [1, 4, 4, 1], type: TT.int8, name: 'x', scale: [0.5], zeroPoint: [-3] },
      { shape: [2, 3, 3, 1], type: TT.int8, buffer: 1, name: 'w', scale: [0.1, 0.2], zeroPoint: [0, 0] },
      { shape: [2], type: TT.int32, buffer: 2, name: 'b', scale: [0.05, 0.1], zeroPoint: [0, 0] },
      { shape: [1, 2, 2, 2], type: TT.int8, name: 'y', scale: [0.25], zeroPoint: [7] },
    ],
    ops: [{ opcode: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 1, options: (b) => convOptions(b) }],
    inputs: [0],
    outputs: [3],
    buffers: [{}, { data: Array.from({ length: 18 }, (_, i) => i) }, { data: Array(8).fill(1) }],
    subgraphs: 1,
  };
}

function build(partial: Fx = {}): { bytes: Uint8Array; at: Map<string, number> } {
  const fx = { ...baseFx(), ...partial };
  const b = new Builder(1024);
  const marks = new Map<string, number>(); // offsets from the end of the buffer
  const ints = (xs: number[]): number => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addInt32(xs[i]!);
    return b.endVector();
  };
  const offsets = (xs: number[]): number => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addOffset(xs[i]!);
    return b.endVector();
  };

  const buffers = fx.buffers.map((buf) => {
    const data = buf.data === undefined ? 0 : b.createByteVector(Uint8Array.from(buf.data));
    b.startObject(3);
    if (data) b.addFieldOffset(0, data, 0);
    if (buf.offset !== undefined) b.addFieldInt64(1, buf.offset, 0n);
    if (buf.size !== undefined) b.addFieldInt64(2, buf.size, 0n);
    return b.endObject();
  });
  const codes = fx.codes.map((c) => {
    const custom = c.custom === undefined ? 0 : b.createString(c.custom);
    b.startObject(4);
    if (c.dep !== undefined) b.addFieldInt8(0, c.dep, 0);
    if (custom) b.addFieldOffset(1, custom, 0);
    if (c.code !== undefined) b.addFieldInt32(3, c.code, 0);
    return b.endObject();
  });

  const subgraphs: number[] = [];
  for (let s = 0; s < fx.subgraphs; s++) {
    const tensors = fx.tensors.map((t, i) => {
      const shape = ints(t.shape ?? []);
      marks.set(`tensor${i}.shape`, b.offset());
      const name = t.name === undefined ? 0 : b.createString(t.name);
      marks.set(`tensor${i}.name`, b.offset());
      let quant = 0;
      if (t.scale !== undefined) {
        b.startVector(4, t.scale.length, 4);
        for (let k = t.scale.length - 1; k >= 0; k--) b.addFloat32(t.scale[k]!);
        const scale = b.endVector();
        const zps = t.zeroPoint ?? [];
        b.startVector(8, zps.length, 8);
        for (let k = zps.length - 1; k >= 0; k--) b.addInt64(BigInt(zps[k]!));
        const zp = b.endVector();
        b.startObject(7);
        b.addFieldOffset(2, scale, 0);
        if (t.zeroPoint !== undefined) b.addFieldOffset(3, zp, 0);
        b.addFieldInt32(6, t.qdim ?? 0, 0);
        quant = b.endObject();
      }
      let sparsity = 0;
      if (t.sparse) {
        b.startObject(3);
        sparsity = b.endObject();
      }
      b.startObject(10);
      b.addFieldOffset(0, shape, 0);
      b.addFieldInt8(1, t.type ?? TT.int8, 0);
      b.addFieldInt32(2, t.buffer ?? 0, 0);
      if (name) b.addFieldOffset(3, name, 0);
      if (quant) b.addFieldOffset(4, quant, 0);
      if (sparsity) b.addFieldOffset(6, sparsity, 0);
      const tensor = b.endObject();
      marks.set(`tensor${i}`, tensor);
      return tensor;
    });
    const ops = fx.ops.map((o) => {
      const ins = ints(o.inputs ?? []);
      const outs = ints(o.outputs ?? []);
      const options = o.options ? o.options(b) : 0;
      b.startObject(13);
      b.addFieldInt32(0, o.opcode ?? 0, 0);
      b.addFieldOffset(1, ins, 0);
      b.addFieldOffset(2, outs, 0);
      if (o.optionsType !== undefined) b.addFieldInt8(3, o.optionsType, 0);
      if (options) b.addFieldOffset(4, options, 0);
      return b.endObject();
    });
    const tensorVec = offsets(tensors);
    const inputs = ints(fx.inputs);
    const outputs = ints(fx.outputs);
    const opVec = offsets(ops);
    b.startObject(5);
    b.addFieldOffset(0, tensorVec, 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    b.addFieldOffset(3, opVec, 0);
    subgraphs.push(b.endObject());
  }
  const codeVec = offsets(codes);
  const sgVec = offsets(subgraphs);
  const bufVec = offsets(buffers);
  const description = partial.description === undefined ? 0 : b.createString(partial.description);
  b.startObject(8);
  b.addFieldInt32(0, fx.version, 0);
  b.addFieldOffset(1, codeVec, 0);
  b.addFieldOffset(2, sgVec, 0);
  if (description) b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, bufVec, 0);
  const root = b.endObject();
  b.finish(root, partial.ident ?? 'TFL3');
  const bytes = b.asUint8Array().slice();
  const at = new Map([...marks].map(([k, off]) => [k, bytes.length - off]));
  return { bytes, at };
}

function formatError(bytes: Uint8Array, source?: string): ModelFormatError {
  try {
    readTflite(bytes, source);
  } catch (e) {
    if (e instanceof ModelFormatError) return e;
    throw e;
  }
  throw new Error('expected a ModelFormatError, the file parsed');
}

describe('readTflite on hand-built flatbuffers', () => {
  it('reads the base fixture', () => {
    const { bytes } = build({ description: 'hello' });
    const m = readTflite(bytes);
    expect(m.description).toBe('hello');
    expect(m.inputs).toEqual([0]);
    expect(m.outputs).toEqual([3]);
    expect(m.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['x', 'int8', [1, 4, 4, 1]],
      ['w', 'int8', [2, 3, 3, 1]],
      ['b', 'int32', [2]],
      ['y', 'int8', [1, 2, 2, 2]],
    ]);
    expect([...m.tensors[1]!.data!]).toEqual(Array.from({ length: 18 }, (_, i) => i));
    expect(m.tensors[0]!.data).toBeNull();
    expect(m.tensors[0]!.quant).toEqual({ scale: new Float32Array([0.5]), zeroPoint: [-3], quantizedDimension: 0 });
    expect(m.operators).toEqual([
      {
        index: 0,
        opcode: 'CONV_2D',
        inputs: [0, 1, 2],
        outputs: [3],
        options: { padding: 'VALID', strideW: 1, strideH: 1, dilationW: 1, dilationH: 1, fusedActivation: 'RELU6' },
      },
    ]);
  });

  it('takes the larger of deprecated_builtin_code and builtin_code; names custom and unknown ops', () => {
    const { bytes } = build({
      codes: [{ dep: 3 }, { dep: 127, code: 150 }, { code: 4 }, { code: 300 }, { dep: 32, custom: 'MyOp' }, { dep: 9, code: 0 }],
      ops: [0, 1, 2, 3, 4, 5].map((k) => ({ opcode: k, inputs: [0], outputs: [3] })),
    });
    expect(readTflite(bytes, 'm.tflite', { validate: false }).operators.map((o) => o.opcode)).toEqual([
      'CONV_2D', 'GELU', 'DEPTHWISE_CONV_2D', 'UNKNOWN(300)', 'CUSTOM:MyOp', 'FULLY_CONNECTED',
    ]);
  });

  it('absent builtin options give the schema defaults', () => {
    const { bytes } = build({ ops: [{ opcode: 0, inputs: [0, 1, 2], outputs: [3] }] });
    expect(readTflite(bytes, 'm.tflite', { validate: false }).operators[0]!.options).toEqual({
      padding: 'SAME', strideW: 0, strideH: 0, dilationW: 1, dilationH: 1, fusedActivation: 'NONE',
    });
  });

  it('-1 marks an absent optional op input', () => {
    const { bytes } = build({ ops: [{ opcode: 0, inputs: [0, 1, -1], outputs: [3] }] });
    expect(readTflite(bytes, 'm.tflite', { validate: false }).operators[0]!.inputs).toEqual([0, 1, -1]);
  });

  it('a model with several subgraphs is a ModelError naming the count', () => {
    const { bytes } = build({ subgraphs: 3 });
    let err: unknown;
    try {
      readTflite(bytes, 'multi.tflite');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect(err).not.toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(/^multi\.tflite: the model has 3 subgraphs/);
  });

  it('input that is not a Uint8Array is a ModelError, not a TypeError', () => {
    expect(() => readTflite(new ArrayBuffer(64) as unknown as Uint8Array)).toThrow(ModelError);
  });

  it('a sparse tensor is a ModelError', () => {
    const t = baseFx().tensors;
    t[1] = { ...t[1]!, sparse: true };
    expect(() => readTflite(build({ tensors: t }).bytes)).toThrow(/Tensor\[1\].*sparse/);
  });

  const cases: [string, () => Uint8Array, RegExp][] = [
    ['an empty file', () => new Uint8Array(0), /^model\.tflite: byte 0: the file is 0 bytes/],
    ['a wrong file identifier', () => build({ ident: 'ABCD' }).bytes, /byte 4: not a TFLite model: file identifier "ABCD"/],
    ['schema version 2', () => build({ version: 2 }).bytes, /Model\.version is 2/],
    [
      'an unknown tensor type',
      () => build({ tensors: baseFx().tensors.map((t, i) => (i === 3 ? { ...t, type: 99 } : t)) }).bytes,
      /Tensor\[3\]\.type has unknown value 99/,
    ],
    [
      'a negative dimension',
      () => build({ tensors: baseFx().tensors.map((t, i) => (i === 0 ? { ...t, shape: [1, -4, 4, 1] } : t)) }).bytes,
      /Tensor\[0\]\.shape\[1\] is -4/,
    ],
    [
      'more than 2^31 elements',
      () => build({ tensors: baseFx().tensors.map((t, i) => (i === 0 ? { ...t, shape: [65536, 65536, 1] } : t)) }).bytes,
      /Tensor\[0\]\.shape \[65536, 65536, 1\] has more than 2\^31 elements/,
    ],
    [
      'rank 17',
      () => build({ tensors: baseFx().tensors.map((t, i) => (i === 0 ? { ...t, shape: Array(17).fill(1) } : t)) }).bytes,
      /Tensor\[0\]\.shape has 17 entries/,
    ],
    [
      'an op input out of range',
      () => build({ ops: [{ opcode: 0, inputs: [0, 7, 2], outputs: [3] }] }).bytes,
      /Operator\[0\]\.inputs\[1\] is tensor 7, out of range \(4 tensors; -1 = absent\)/,
    ],
    [
      'an op output of -1',
      () => build({ ops: [{ opcode: 0, inputs: [0, 1, 2], outputs: [-1] }] }).bytes,
      /Operator\[0\]\.outputs\[0\] is tensor -1, out of range/,
    ],
    ['a subgraph input out of range', () => build({ inputs: [4] }).bytes, /SubGraph\[0\]\.inputs\[0\] is tensor 4/],
    [
      'an opcode index out of range',
      () => build({ ops: [{ opcode: 1, inputs: [0], outputs: [3] }] }).bytes,
      /Operator\[0\]\.opcode_index is 1, out of range \(1 operator codes\)/,
    ],
    [
      'a buffer index out of range',
      () => build({ tensors: baseFx().tensors.map((t, i) => (i === 1 ? { ...t, buffer: 9 } : t)) }).bytes,
      /Tensor\[1\]\.buffer is 9, out of range \(3 buffers\)/,
    ],
    [
      'a buffer shorter than the shape needs',
      () => build({ buffers: [{}, { data: [1, 2, 3] }, { data: Array(8).fill(0) }] }).bytes,
      /Tensor\[1\] \("w"\) has a 3-byte buffer \(Buffer\[1\]\) but shape \[2, 3, 3, 1\] of int8 needs 18 bytes/,
    ],
    [
      'an external (>2 GB format) buffer beyond the end of the file',
      () => build({ buffers: [{}, { offset: 1000000n, size: 18n }, { data: Array(8).fill(0) }] }).bytes,
      /Buffer\[1\] refers to 18 bytes at file offset 1000000, beyond the end of the file/,
    ],
    [
      'options of the wrong union type',
      () => build({ ops: [{ opcode: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 5, options: (b) => convOptions(b) }] }).bytes,
      /Operator\[0\]\(CONV_2D\)\.builtin_options is a Pool2DOptions, expected Conv2DOptions/,
    ],
    [
      'an unknown padding',
      () => build({ ops: [{ opcode: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 1, options: (b) => convOptions(b, 7) }] }).bytes,
      /Operator\[0\]\(CONV_2D\)\.builtin_options\.padding has unknown value 7/,
    ],
    [
      'an unknown fused activation',
      () => build({ ops: [{ opcode: 0, inputs: [0, 1, 2], outputs: [3], optionsType: 1, options: (b) => convOptions(b, 0, 9) }] }).bytes,
      /fused_activation_function has unknown value 9/,
    ],
    [
      'zero points missing',
      () => build({ tensors: baseFx().tensors.map((t, i) => (i === 0 ? { ...t, zeroPoint: undefined } : t)) }).bytes,
      /Tensor\[0\]\.quantization\.zero_point has 0 entries but scale has 1/,
    ],
    [
      'per-axis scales that do not match the shape',
      () => build({ tensors: baseFx().tensors.map((t, i) => (i === 1 ? { ...t, qdim: 3 } : t)) }).bytes,
      /Tensor\[1\]\.quantization: 2 per-axis scales do not match dimension 3 of shape \[2, 3, 3, 1\]/,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(formatError(make()).message).toMatch(message);
    });
  }

  it('accepts per-axis quantisation of a 1-D tensor that names dimension 3, reporting axis 0', () => {
    const t = baseFx().tensors;
    t[2] = { ...t[2]!, qdim: 3 };
    const q = readTflite(build({ tensors: t }).bytes).tensors[2]!.quant!;
    expect(q.quantizedDimension).toBe(0);
    expect([...q.scale]).toEqual([0.05, 0.1].map(Math.fround));
  });

  it('reads external (>2 GB format) buffers inside the file as views on it', () => {
    const { bytes } = build({ buffers: [{}, { offset: 16n, size: 18n }, { data: Array(8).fill(0) }] });
    const w = readTflite(bytes).tensors[1]!;
    expect(w.data!.byteOffset).toBe(16);
    expect([...w.data!]).toEqual([...bytes.subarray(16, 34)]);
  });

  it('names the byte offset and field of a vector that runs past the end', () => {
    const { bytes, at } = build();
    const pos = at.get('tensor2.shape')!;
    const patched = bytes.slice();
    new DataView(patched.buffer).setUint32(pos, 4000, true);
    expect(formatError(patched, 'm.tflite').message).toBe(
      `m.tflite: byte ${pos}: Tensor[2].shape vector runs past the end of the file ` +
        `(length 4000, 16000 bytes at ${pos + 4}, file ${bytes.length} bytes)`,
    );
  });

  it('rejects a string without its NUL terminator', () => {
    const { bytes, at } = build();
    const pos = at.get('tensor0.name')!;
    const patched = bytes.slice();
    patched[pos + 4 + 1] = 0x41; // "x" is one byte long: its terminator follows it
    expect(formatError(patched).message).toMatch(new RegExp(`byte ${pos}: Tensor\\[0\\]\\.name string .*not NUL-terminated`));
  });

  it('rejects a vtable offset that points outside the file', () => {
    const { bytes, at } = build();
    const pos = at.get('tensor1')!;
    const patched = bytes.slice();
    new DataView(patched.buffer).setInt32(pos, -100000, true);
    expect(formatError(patched).message).toMatch(new RegExp(`byte ${pos}: Tensor\\[1\\] vtable offset -100000 points outside the file`));
  });

  it('rejects a root offset past the end', () => {
    const { bytes } = build();
    const patched = bytes.slice();
    new DataView(patched.buffer).setUint32(0, bytes.length + 10, true);
    expect(formatError(patched).message).toMatch(/^model\.tflite: byte 0: root table offset points past the end of the file/);
  });

  it('every truncation of a valid file is a ModelFormatError, or parses the same when only unused tail bytes go', () => {
    const { bytes } = build();
    const full = JSON.stringify(readTflite(bytes), (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
    let parsed = 0;
    for (let n = 0; n < bytes.length; n++) {
      let m: TfliteModel;
      try {
        m = readTflite(bytes.subarray(0, n));
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError);
        continue;
      }
      parsed++;
      expect(JSON.stringify(m, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v))).toBe(full);
    }
    expect(parsed).toBeLessThanOrEqual(16); // the unused sentinel Buffer[0] table and padding at the very end
  });

  it('does not blow up on a vector repeating one big table (bounded work)', () => {
    // 4000 entries all pointing at one tensor with a 20 kB name: 80 MB of names from a ~40 kB file.
    const fx = baseFx();
    const b = new Builder(1 << 16);
    const name = b.createString('n'.repeat(20000));
    b.startVector(4, 1, 4);
    b.addInt32(1);
    const shape = b.endVector();
    b.startObject(10);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, TT.int8, 0);
    b.addFieldOffset(3, name, 0);
    const tensor = b.endObject();
    b.startVector(4, 4000, 4);
    for (let i = 0; i < 4000; i++) b.addOffset(tensor);
    const tensors = b.endVector();
    b.startObject(5);
    b.addFieldOffset(0, tensors, 0);
    const sg = b.endObject();
    b.startVector(4, 1, 4);
    b.addOffset(sg);
    const sgs = b.endVector();
    b.startObject(8);
    b.addFieldInt32(0, fx.version, 0);
    b.addFieldOffset(2, sgs, 0);
    b.finish(b.endObject(), 'TFL3');
    const bytes = b.asUint8Array();
    const t0 = performance.now();
    expect(formatError(bytes).message).toMatch(/references far more data than it holds/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
