/**
 * TFLite models whose edges are not int8: a leading QUANTIZE (float32 / uint8 -> int8) and a trailing
 * DEQUANTIZE (int8 -> float32) or QUANTIZE (int8 -> uint8) become the model's input / output
 * encoding, not layers. The .tflite files are built here with the flatbuffers Builder (tables written
 * by field id from the public TFLite schema); `msf run` is checked byte for byte against a scalar
 * computation written below from TensorFlow Lite Micro's rules (AffineQuantize, Requantize,
 * Dequantize) around the reference int8 convolution of test/reference/kernels.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelError, MsfError } from '../src/errors.js';
import { readTflite } from '../src/import/tflite.js';
import { tfliteToModel } from '../src/import/tflite-lower.js';
import { LIBRARY_SOURCES, emitProgram } from '../src/emit/emit-c.js';
import { loadModel } from '../src/import/load.js';
import { planModel } from '../src/plan/planner.js';
import { activationRange, convPerChannelMultipliers } from '../src/runtime/quantize.js';
import { runModel } from '../src/runtime/run.js';
import '../src/runtime/wasm-node.js';
import { runCli } from './helpers/cli.js';
import { OP, type O, type T, TT, tflite } from './helpers/tflite-writer.js';
import { conv2d, multiplyByQuantizedMultiplier } from './reference/kernels.js';

const root = mkdtempSync(join(tmpdir(), 'msf-enc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// ---- the network: two int8 convolutions, optionally wrapped in edge conversions ------------------

/** Deterministic bytes (xorshift32). */
function bytes(n: number, seed: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
const int32Bytes = (v: number[]) => new Uint8Array(Int32Array.from(v).buffer);

const H = 8;
const W = 8;
const C0 = 2;
const C1 = 4;
const C2 = 3;
const XQ = { scale: 0.0625, zeroPoint: -3 }; // power of two: exact float ties in the tests
const YQ = { scale: 0.0371, zeroPoint: 5 };
const ZQ = { scale: 0.1013, zeroPoint: -7 };
const W1 = Int8Array.from(bytes(C1 * 3 * 3 * C0, 11), (b) => ((b << 24) >> 24) >> 1);
const W2 = Int8Array.from(bytes(C2 * 3 * 3 * C1, 12), (b) => ((b << 24) >> 24) >> 1);
const S1 = [0.011, 0.0093, 0.0102, 0.0087];
const S2 = [0.0131, 0.0122, 0.0094];
const B1 = [120, -300, 45, 7];
const B2 = [-90, 210, 33];

interface Edges {
  /** Caller input dtype and quantisation (uint8 only); undefined = int8 core input. */
  input?: { type: 'float32' } | { type: 'uint8'; scale: number; zeroPoint: number };
  output?: { type: 'float32' } | { type: 'uint8'; scale: number; zeroPoint: number };
}

/** x -> conv 3x3 s1 SAME RELU6 -> y -> conv 3x3 s2 SAME -> z, with the requested edge conversions. */
function network(edges: Edges): Uint8Array {
  const tensors: T[] = [
    { shape: [1, H, W, C0], type: TT.int8, name: 'xq', scale: [XQ.scale], zeroPoint: [XQ.zeroPoint] },
    { shape: [C1, 3, 3, C0], type: TT.int8, name: 'w1', scale: S1, zeroPoint: [0, 0, 0, 0], data: new Uint8Array(W1.buffer) },
    { shape: [C1], type: TT.int32, name: 'b1', scale: S1.map((s) => s * XQ.scale), data: int32Bytes(B1) },
    { shape: [1, H, W, C1], type: TT.int8, name: 'y', scale: [YQ.scale], zeroPoint: [YQ.zeroPoint] },
    { shape: [C2, 3, 3, C1], type: TT.int8, name: 'w2', scale: S2, zeroPoint: [0, 0, 0], data: new Uint8Array(W2.buffer) },
    { shape: [C2], type: TT.int32, name: 'b2', scale: S2.map((s) => s * YQ.scale), data: int32Bytes(B2) },
    { shape: [1, H / 2, W / 2, C2], type: TT.int8, name: 'zq', scale: [ZQ.scale], zeroPoint: [ZQ.zeroPoint] },
  ];
  const ops: O[] = [
    { code: OP.CONV_2D, inputs: [0, 1, 2], outputs: [3], conv: { padding: 0, stride: 1, activation: 3 } },
    { code: OP.CONV_2D, inputs: [3, 4, 5], outputs: [6], conv: { padding: 0, stride: 2, activation: 0 } },
  ];
  let input = 0;
  let output = 6;
  if (edges.input) {
    const e = edges.input;
    input = tensors.length;
    tensors.push(
      e.type === 'float32'
        ? { shape: [1, H, W, C0], type: TT.float32, name: 'x' }
        : { shape: [1, H, W, C0], type: TT.uint8, name: 'x', scale: [e.scale], zeroPoint: [e.zeroPoint] },
    );
    ops.unshift({ code: OP.QUANTIZE, inputs: [input], outputs: [0] });
  }
  if (edges.output) {
    const e = edges.output;
    output = tensors.length;
    tensors.push(
      e.type === 'float32'
        ? { shape: [1, H / 2, W / 2, C2], type: TT.float32, name: 'z' }
        : { shape: [1, H / 2, W / 2, C2], type: TT.uint8, name: 'z', scale: [e.scale], zeroPoint: [e.zeroPoint] },
    );
    ops.push({ code: e.type === 'float32' ? OP.DEQUANTIZE : OP.QUANTIZE, inputs: [6], outputs: [output] });
  }
  return tflite(tensors, ops, [input], [output]);
}

function write(name: string, data: Uint8Array): string {
  const p = join(root, name);
  writeFileSync(p, data);
  return p;
}

// ---- the independent scalar computation (TensorFlow Lite Micro's rules) --------------------------

/** std::round on a float32: to nearest, ties away from zero. */
const stdRound = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** AffineQuantize float32 -> int8: float32 division by the float32 scale, std::round, + zero point, clamp. */
function refQuantizeFloat(x: Float32Array, q: { scale: number; zeroPoint: number }): Int8Array {
  const s = Math.fround(q.scale);
  return Int8Array.from(x, (v) => clamp(stdRound(Math.fround(v / s)) + q.zeroPoint, -128, 127));
}

/** QuantizeMultiplier(double): frexp, round(f * 2^31) half away, 2^31 -> 2^30 with shift + 1. */
function refQuantizeMultiplier(m: number): { mult: number; shift: number } {
  let shift = Math.floor(Math.log2(m)) + 1;
  let f = m / 2 ** shift;
  if (f >= 1) (f /= 2), shift++;
  if (f < 0.5) (f *= 2), shift--;
  let mult = Math.floor(f * 2 ** 31 + 0.5);
  if (mult === 2 ** 31) (mult /= 2), shift++;
  return { mult, shift };
}

/** Requantize between 8-bit types, with TFLM's XOR fast path for equal scales and a 128 zero-point step. */
function refRequantize(
  input: ArrayLike<number>,
  from: { scale: number; zeroPoint: number },
  to: { scale: number; zeroPoint: number },
  lo: number,
  hi: number,
): number[] {
  const { mult, shift } = refQuantizeMultiplier(Math.fround(from.scale) / Math.fround(to.scale));
  const diff = from.zeroPoint - to.zeroPoint;
  const sameScale = mult === 2 ** 30 && shift === 1;
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    if (sameScale && ((lo === -128 && diff === 128) || (lo === 0 && diff === -128))) out.push(lo === -128 ? ((input[i]! ^ 0x80) << 24) >> 24 : (input[i]! & 0xff) ^ 0x80);
    else out.push(clamp(multiplyByQuantizedMultiplier(input[i]! - from.zeroPoint, mult, shift) + to.zeroPoint, lo, hi));
  }
  return out;
}

/** Dequantize int8 -> float32: double(scale) * (q - zero point), cast to float. */
const refDequantize = (q: Int8Array, p: { scale: number; zeroPoint: number }) => Float32Array.from(q, (v) => Math.fround(Math.fround(p.scale) * (v - p.zeroPoint)));

/** The int8 core: the two convolutions with TFLM's reference arithmetic. */
function refCore(xq: Int8Array): Int8Array {
  const m1 = convPerChannelMultipliers(XQ.scale, S1, YQ.scale, C1);
  const a1 = activationRange('relu6', YQ.scale, YQ.zeroPoint);
  const y = conv2d(
    { inH: H, inW: W, inC: C0, outH: H, outW: W, outC: C1, kh: 3, kw: 3, sh: 1, sw: 1, padT: 1, padL: 1, weights: W1, bias: Int32Array.from(B1), mult: m1.mult, shift: m1.shift, inOffset: -XQ.zeroPoint, outOffset: YQ.zeroPoint, ...a1 },
    xq,
  );
  const m2 = convPerChannelMultipliers(YQ.scale, S2, ZQ.scale, C2);
  // SAME, stride 2, 8 -> 4: total padding max((4 - 1) * 2 + 3 - 8, 0) = 1, the odd pixel after.
  return conv2d(
    { inH: H, inW: W, inC: C1, outH: H / 2, outW: W / 2, outC: C2, kh: 3, kw: 3, sh: 2, sw: 2, padT: 0, padL: 0, weights: W2, bias: Int32Array.from(B2), mult: m2.mult, shift: m2.shift, inOffset: -YQ.zeroPoint, outOffset: ZQ.zeroPoint, actMin: -128, actMax: 127 },
    y,
  );
}

const N_IN = H * W * C0;
const N_OUT = (H / 2) * (W / 2) * C2;

/** Float inputs: exact ties (k + 1/2) * scale of both signs, values beyond the int8 range, and random reals. */
function floatInput(): Float32Array {
  const x = new Float32Array(N_IN);
  const r = bytes(4 * N_IN, 5);
  for (let i = 0; i < N_IN; i++) {
    const k = ((r[i]! << 24) >> 24) / 2; // -64 .. 63.5
    if (i % 4 === 0) x[i] = (Math.trunc(k) + (k < 0 ? -0.5 : 0.5)) * XQ.scale; // a tie, exact in float32
    else if (i % 17 === 0) x[i] = (i % 2 ? 1 : -1) * 1e3; // saturates
    else x[i] = Math.fround(((r[N_IN + i]! - 128) / 16.3) * XQ.scale * 3.7 + 0.01 * r[2 * N_IN + i]!);
  }
  return x;
}

// ---- tests --------------------------------------------------------------------------------------

describe('edge encodings: QUANTIZE / DEQUANTIZE at the model input and output', () => {
  const core = write('core.tflite', network({}));
  const floatModel = write('float.tflite', network({ input: { type: 'float32' }, output: { type: 'float32' } }));
  // uint8 in with the converter's usual parameters (same scale, zero point + 128: TFLM's XOR path);
  // uint8 out with a different scale (the general Requantize path).
  const U_IN = { scale: XQ.scale, zeroPoint: XQ.zeroPoint + 128 };
  const U_OUT = { scale: 0.0777, zeroPoint: 131 };
  const uintModel = write('uint8.tflite', network({ input: { type: 'uint8', ...U_IN }, output: { type: 'uint8', ...U_OUT } }));
  const U_IN2 = { scale: 0.05, zeroPoint: 120 };
  const uintModel2 = write('uint8-rescale.tflite', network({ input: { type: 'uint8', ...U_IN2 } }));

  it('lowering: the conversions become the encoding, not layers', () => {
    const m = loadModel(floatModel);
    expect(m.layers.map((l) => l.op)).toEqual(['conv2d', 'conv2d']);
    expect(m.inputEncoding).toMatchObject({ dtype: 'float32', op: { opcode: 'QUANTIZE', index: 0 } });
    expect(m.outputEncoding).toMatchObject({ dtype: 'float32', op: { opcode: 'DEQUANTIZE', index: 3 } });
    expect(m.tensors[m.input]!.name).toBe('xq');
    expect(m.tensors[m.output]!.name).toBe('zq');
    const u = loadModel(uintModel);
    expect(u.inputEncoding).toMatchObject({ dtype: 'uint8', quant: { zeroPoint: U_IN.zeroPoint } });
    expect(u.outputEncoding).toMatchObject({ dtype: 'uint8', quant: { zeroPoint: U_OUT.zeroPoint } });
    const c = loadModel(core);
    expect(c.inputEncoding).toBeUndefined();
    expect(c.outputEncoding).toBeUndefined();
  });

  it('msf inspect shows the edge encodings (text and JSON)', async () => {
    const text = await runCli('inspect', floatModel);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('input encoding: float32, converted by QUANTIZE (op 0)');
    expect(text.stdout).toContain('output encoding: float32, converted by DEQUANTIZE (op 3)');
    const json = JSON.parse((await runCli('inspect', uintModel, '--json')).stdout);
    expect(json.inputEncoding).toMatchObject({ dtype: 'uint8', quant: { zeroPoint: U_IN.zeroPoint } });
    expect(JSON.parse((await runCli('inspect', core, '--json')).stdout).inputEncoding).toEqual({ dtype: 'int8' });
  });

  it('planning ignores the conversions: the same front and plans as the int8 core', () => {
    const c = loadModel(core);
    for (const file of [floatModel, uintModel, uintModel2]) {
      const m = loadModel(file);
      for (const options of [{ front: true }, { front: true, maxOverhead: 1.2 }, { front: true, cost: 'paper' as const }]) {
        const a = planModel(m, options);
        const b = planModel(c, options);
        expect(a.solution).toEqual(b.solution);
        expect(a.front).toEqual(b.front);
        expect(a.vanilla).toEqual(b.vanilla);
      }
      const r = runModel(m);
      const rc = runModel(c, { input: new Uint8Array(N_IN) });
      expect(r.predictedPeakBytes).toBe(rc.predictedPeakBytes);
      expect(r.measuredPeakBytes).toBe(r.predictedPeakBytes);
    }
  });

  it('float32 in -> QUANTIZE -> 2 convs -> DEQUANTIZE -> float32 out: msf run equals TFLM\'s rules byte for byte (ties, saturation)', async () => {
    const x = floatInput();
    const inFile = write('in.f32', new Uint8Array(x.buffer));
    const expected = refDequantize(refCore(refQuantizeFloat(x, XQ)), ZQ);
    for (const extra of [[], ['--max-overhead', 'inf'], ['--ram', '1']]) {
      const outFile = join(root, `out-${extra.join('')}.f32`);
      const { code, stdout, stderr } = await runCli('run', floatModel, '--input', inFile, '--output', outFile, '--json', ...extra);
      if (extra[0] === '--ram') {
        expect(code).toBe(4); // infeasible: the budget is checked, the encoding changes nothing
        continue;
      }
      expect(code, stderr).toBe(0);
      const j = JSON.parse(stdout);
      expect(j).toMatchObject({ inputEncoding: 'float32', outputEncoding: 'float32' });
      expect(j.measuredPeakBytes).toBe(j.predictedPeakBytes);
      const got = readFileSync(outFile);
      expect(got.length).toBe(4 * N_OUT);
      expect(Buffer.from(expected.buffer).equals(got)).toBe(true);
    }
    // The ties really are ties, and both signs round away from zero.
    const q = refQuantizeFloat(Float32Array.from([0.5 * XQ.scale, -0.5 * XQ.scale, 2.5 * XQ.scale, -2.5 * XQ.scale]), XQ);
    expect([...q]).toEqual([1 + XQ.zeroPoint, -1 + XQ.zeroPoint, 3 + XQ.zeroPoint, -3 + XQ.zeroPoint]);
  });

  it('uint8 in -> QUANTIZE -> 2 convs -> QUANTIZE -> uint8 out: byte for byte (XOR path in, general Requantize out)', async () => {
    const x = bytes(N_IN, 9);
    const inFile = write('in.u8', x);
    const xq = Int8Array.from(refRequantize(x, U_IN, XQ, -128, 127));
    const expected = Uint8Array.from(refRequantize(refCore(xq), ZQ, U_OUT, 0, 255));
    const outFile = join(root, 'out.u8');
    const { code, stderr } = await runCli('run', uintModel, '--input', inFile, '--output', outFile);
    expect(code, stderr).toBe(0);
    expect(Buffer.from(expected).equals(readFileSync(outFile))).toBe(true);
    // The seeded default input is seeded uint8 bytes: the same as passing them explicitly.
    const seeded = runModel(loadModel(uintModel), { seed: 3 });
    expect(seeded.inputEncoding).toBe('uint8');
    const xs = bytes(N_IN, 3);
    expect(Buffer.from(seeded.output).equals(Buffer.from(refRequantize(refCore(Int8Array.from(refRequantize(xs, U_IN, XQ, -128, 127))), ZQ, U_OUT, 0, 255)))).toBe(true);
  });

  it('uint8 in with a different scale (general Requantize), int8 out', async () => {
    const x = bytes(N_IN, 21);
    const inFile = write('in2.u8', x);
    const expected = refCore(Int8Array.from(refRequantize(x, U_IN2, XQ, -128, 127)));
    const outFile = join(root, 'out2.i8');
    const { code, stderr } = await runCli('run', uintModel2, '--input', inFile, '--output', outFile);
    expect(code, stderr).toBe(0);
    expect(Buffer.from(expected.buffer).equals(readFileSync(outFile))).toBe(true);
  });

  it('the seeded float input lies in the input\'s real range and is deterministic', () => {
    const m = loadModel(floatModel);
    const a = runModel(m, { seed: 4 });
    const b = runModel(m, { seed: 4 });
    expect(Buffer.from(a.output).equals(Buffer.from(b.output))).toBe(true);
    expect(a.output.length).toBe(4 * N_OUT);
    const out = new Float32Array(a.output.buffer.slice(a.output.byteOffset, a.output.byteOffset + a.output.byteLength));
    expect(out.every((v) => Number.isFinite(v))).toBe(true);
    expect(new Set(a.int8Output).size).toBeGreaterThan(4);
    // the int8 output dequantised is the float output
    expect(Buffer.from(refDequantize(new Int8Array(a.int8Output.buffer, a.int8Output.byteOffset, a.int8Output.length), ZQ).buffer).equals(Buffer.from(a.output))).toBe(true);
  });

  it('lowering mutated encoded models throws nothing but typed errors (3,000 seeded byte mutations)', () => {
    const bases = [network({ input: { type: 'float32' }, output: { type: 'float32' } }), network({ input: { type: 'uint8', ...U_IN }, output: { type: 'uint8', ...U_OUT } })];
    const r = bytes(4 * 3000, 77);
    let lowered = 0;
    for (let i = 0; i < 3000; i++) {
      const m = bases[i % 2]!.slice();
      for (let k = 0; k < 1 + (r[4 * i]! % 4); k++) {
        const at = (r[4 * i + 1]! * 256 + r[4 * i + 2]! + k * 97) % m.length;
        m[at] = r[4 * i + 3]! ^ (k * 31);
      }
      try {
        tfliteToModel(readTflite(m, 'm.tflite'), 'm');
        lowered++;
      } catch (e) {
        if (!(e instanceof MsfError)) throw new Error(`mutation ${i}: ${(e as Error).stack}`);
      }
    }
    expect(lowered).toBeGreaterThan(100); // many mutations still lower (in data bytes, names)
  });

  it('a float input of the wrong size names the encoding', async () => {
    const inFile = write('short.f32', new Uint8Array(N_IN)); // int8-sized, not float32-sized
    const { code, stderr } = await runCli('run', floatModel, '--input', inFile);
    expect(code).toBe(3);
    expect(stderr).toContain(`${N_IN} bytes but float expects ${4 * N_IN} (8x8x2 float32)`);
  });
});

describe('refusals', () => {
  /** A model file whose input is tensor 0 and whose output is the last tensor. */
  const modelFile = (name: string, tensors: T[], ops: O[]): string => write(name, tflite(tensors, ops, [0], [tensors.length - 1]));
  /** CONV_2D (SAME, stride 1, no activation) from `inputs` (input, filter, bias or -1) to tensor `output`. */
  const conv = (inputs: number[], output: number): O => ({ code: OP.CONV_2D, inputs, outputs: [output], conv: { padding: 0, stride: 1, activation: 0 } });

  it('a DEQUANTIZE / QUANTIZE in the middle of the network: exit 3, naming the ops', async () => {
    // xq -> conv -> y -> DEQUANTIZE -> yf -> QUANTIZE -> y2 -> conv -> zq
    const file = modelFile(
      'mid.tflite',
      [
        { shape: [1, 4, 4, 1], type: TT.int8, name: 'xq', scale: [0.1], zeroPoint: [0] },
        { shape: [2, 3, 3, 1], type: TT.int8, name: 'w1', scale: [0.01, 0.01], zeroPoint: [0, 0], data: bytes(18, 1) },
        { shape: [1, 4, 4, 2], type: TT.int8, name: 'y', scale: [0.2], zeroPoint: [1] },
        { shape: [1, 4, 4, 2], type: TT.float32, name: 'yf' },
        { shape: [1, 4, 4, 2], type: TT.int8, name: 'y2', scale: [0.2], zeroPoint: [1] },
        { shape: [1, 3, 3, 2], type: TT.int8, name: 'w2', scale: [0.01], zeroPoint: [0], data: bytes(18, 2) },
        { shape: [1, 4, 4, 1], type: TT.int8, name: 'zq', scale: [0.3], zeroPoint: [0] },
      ],
      [
        conv([0, 1, -1], 2),
        { code: OP.DEQUANTIZE, inputs: [2], outputs: [3] },
        { code: OP.QUANTIZE, inputs: [3], outputs: [4] },
        conv([4, 5, -1], 6),
      ],
    );
    expect(() => loadModel(file)).toThrow(ModelError);
    const { code, stderr } = await runCli('run', file);
    expect(code).toBe(3);
    expect(stderr).toMatch(/op 1 \(DEQUANTIZE\) \(int8 -> float32\) is inside the network \(it reads tensor 2 'y' from op 0 \(CONV_2D\) and feeds op 2 \(QUANTIZE\)\)/);
    expect(stderr).toMatch(/op 2 \(QUANTIZE\) \(float32 -> int8\) is inside the network/);
    const plan = await runCli('plan', file, '--json');
    expect(plan.code).toBe(3);
    expect(JSON.parse(plan.stdout).error.message).toContain('op 1 (DEQUANTIZE)');
  });

  it('a legacy uint8 model (uint8 weights, non-zero zero point): exit 3 naming the first such layer', async () => {
    const file = modelFile(
      'legacy.tflite',
      [
        { shape: [1, 4, 4, 1], type: TT.uint8, name: 'x', scale: [0.1], zeroPoint: [128] },
        { shape: [2, 3, 3, 1], type: TT.uint8, name: 'w', scale: [0.01], zeroPoint: [120], data: bytes(18, 1) },
        { shape: [2], type: TT.int32, name: 'b', scale: [0.001], data: int32Bytes([1, 2]) },
        { shape: [1, 4, 4, 2], type: TT.uint8, name: 'y', scale: [0.2], zeroPoint: [128] },
      ],
      [conv([0, 1, 2], 3)],
    );
    const { code, stderr } = await runCli('run', file);
    expect(code).toBe(3);
    expect(stderr).toMatch(/op 0 \(CONV_2D\) has uint8 weights \(tensor 1 'w', zero point 120\): a legacy uint8-quantised model/);
    expect(stderr).toContain('int8 weights with zero point 0');
  });

  it('uint8 activations without a QUANTIZE: exit 3, saying where uint8 is supported', async () => {
    const file = modelFile(
      'u8act.tflite',
      [
        { shape: [1, 4, 4, 1], type: TT.uint8, name: 'x', scale: [0.1], zeroPoint: [128] },
        { shape: [2, 3, 3, 1], type: TT.int8, name: 'w', scale: [0.01, 0.02], zeroPoint: [0, 0], data: bytes(18, 1) },
        { shape: [1, 4, 4, 2], type: TT.int8, name: 'y', scale: [0.2], zeroPoint: [0] },
      ],
      [conv([0, 1, -1], 2)],
    );
    const { code, stderr } = await runCli('run', file);
    expect(code).toBe(3);
    expect(stderr).toMatch(/tensor 0 \(x\) is uint8 \(the model input\); the executor runs int8 activations only/);
    expect(stderr).toContain('leading QUANTIZE');
  });

  it('an int8 -> int8 QUANTIZE on the model input is a requantising layer, not an edge conversion', async () => {
    const file = modelFile(
      'requant-in.tflite',
      [
        { shape: [1, 4, 4, 1], type: TT.int8, name: 'x', scale: [0.3], zeroPoint: [2] },
        { shape: [1, 4, 4, 1], type: TT.int8, name: 'xq', scale: [0.1], zeroPoint: [0] },
        { shape: [2, 3, 3, 1], type: TT.int8, name: 'w', scale: [0.01, 0.02], zeroPoint: [0, 0], data: bytes(18, 1) },
        { shape: [1, 4, 4, 2], type: TT.int8, name: 'y', scale: [0.2], zeroPoint: [0] },
      ],
      [
        { code: OP.QUANTIZE, inputs: [0], outputs: [1] },
        conv([1, 2, -1], 3),
      ],
    );
    const { code, stdout } = await runCli('inspect', file);
    expect(code).toBe(0);
    expect(stdout).toMatch(/quantize/);
  });
});

describe('msf emit with edge encodings: msf_model_quantize_input / msf_model_dequantize_output', () => {
  const HARNESS = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include "msf_model.h"
int main(int argc, char **argv)
{
    static IN_T in[MSF_INPUT_BYTES];
    static OUT_T out[MSF_OUTPUT_BYTES];
    static int8_t qin[MSF_INPUT_BYTES], qout[MSF_OUTPUT_BYTES];
    FILE *f = fopen(argv[1], "rb");
    if (argc < 3 || !f || fread(in, sizeof(IN_T), MSF_INPUT_BYTES, f) != (size_t)MSF_INPUT_BYTES) return 1;
    fclose(f);
    msf_model_quantize_input(in, qin);
    if (msf_model_run(qin, qout) != 0) return 2;
    msf_model_dequantize_output(qout, out);
    f = fopen(argv[2], "wb");
    if (!f || fwrite(out, sizeof(OUT_T), MSF_OUTPUT_BYTES, f) != (size_t)MSF_OUTPUT_BYTES) return 3;
    return fclose(f) != 0;
}
`;
  for (const [label, edges, inT, outT, input] of [
    ['float32', { input: { type: 'float32' }, output: { type: 'float32' } }, 'float', 'float', () => new Uint8Array(floatInput().buffer)],
    ['uint8', { input: { type: 'uint8', scale: 0.05, zeroPoint: 120 }, output: { type: 'uint8', scale: 0.0777, zeroPoint: 131 } }, 'uint8_t', 'uint8_t', () => bytes(N_IN, 9)],
  ] as const) {
    it(`${label}: gcc -Wall -Wextra -Werror; the C conversions equal msf run`, async () => {
      const file = write(`emit-${label}.tflite`, network(edges as Edges));
      const dir = join(root, `emit-${label}`);
      const { code, stderr } = await runCli('emit', file, '--out', dir);
      expect(code, stderr).toBe(0);
      const h = readFileSync(join(dir, 'msf_model.h'), 'utf8');
      expect(h).toContain(`#define MSF_INPUT_ENCODING "${label}"`);
      writeFileSync(join(dir, 'harness.c'), HARNESS);
      execFileSync('gcc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', `-DIN_T=${inT}`, `-DOUT_T=${outT}`, '-o', 'h', 'harness.c', 'msf_model.c', ...LIBRARY_SOURCES], { cwd: dir });
      const inFile = write(`emit-in-${label}.bin`, input());
      execFileSync(join(dir, 'h'), [inFile, join(dir, 'c-out.bin')], { cwd: dir });
      const runOut = join(dir, 'run-out.bin');
      const r = await runCli('run', file, '--input', inFile, '--output', runOut);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'c-out.bin')).equals(readFileSync(runOut))).toBe(true);
      // The int8 API and its test data are unchanged: main.c reads input.bin, writes expected.bin's bytes.
      execFileSync('gcc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', '-o', 'm', 'main.c', 'msf_model.c', ...LIBRARY_SOURCES], { cwd: dir });
      execFileSync(join(dir, 'm'), ['input.bin', 'output.bin'], { cwd: dir });
      expect(readFileSync(join(dir, 'output.bin')).equals(readFileSync(join(dir, 'expected.bin')))).toBe(true);
    }, 60_000);
  }

  it('a model without encodings emits no conversion code', () => {
    const files = emitProgram(loadModel(join(root, 'core.tflite')), [[0, 0], [1, 1]]).files;
    expect(files.get('msf_model.h')).not.toContain('MSF_INPUT_ENCODING');
    expect(files.get('msf_model.c')).not.toContain('msf_model_quantize_input');
  });
});
