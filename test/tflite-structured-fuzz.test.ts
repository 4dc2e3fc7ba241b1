/**
 * Structured fuzzing of whole models (issue #13): shared .tflite files and seeded random graphs
 * (test/helpers/random-graph.ts, every operator family) edited through their decoded
 * description (op codes, shapes, buffers, quantisation arrays, scales, zero points, op order,
 * cycles, subgraph inputs/outputs, options, optional inputs), written back with
 * test/helpers/tflite-serialize.ts, then loaded as a user's file is. Every case must end in
 *   - a typed error (MsfError whose exit code is not the internal one), or
 *   - a success on which the minimum-RAM plan and the layer-by-layer plan give the same output
 *     bytes, each with measured peak == predicted peak, run in the executor's checking mode (a
 *     per-byte shadow map of live arena bytes: no read of a dead byte, no write over a live one, no
 *     write outside the step's buffers) and with two arena poison values (no read of a byte before
 *     it is written);
 * and on a sample, TensorFlow Lite Micro's reference runner (run under a timeout) must agree: the
 * same output bytes where both run the file, and a refusal from us wherever it refuses the file
 * with an error (exit status non-zero; a crash by signal proves nothing).
 *
 * Reproduce one case: FUZZ_SEED=<seed> FUZZ_ONLY=<case> npx vitest run test/tflite-structured-fuzz.test.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, MsfError } from '../src/errors.js';
import { type TfliteModel, type TfliteTensor, readTflite } from '../src/import/tflite.js';
import { modelFromBytes } from '../src/import/from-bytes.js';
import { Rng } from '../src/model/generate.js';
import type { Model } from '../src/model/ir.js';
import type { Block } from '../src/plan/engine.js';
import { planModel } from '../src/plan/planner.js';
import { decodeOutput, encodeInput, seededEncodedInput } from '../src/runtime/encoding.js';
import { getExecutor } from '../src/runtime/run.js';
import '../src/runtime/wasm-node.js';
import { randomGraph } from './helpers/random-graph.js';
import { rng } from './helpers/rng.js';
import { serializeTflite } from './helpers/tflite-serialize.js';

const MODELS = new URL('../../shared/models/', import.meta.url);
const RUNNER = new URL('../../shared/tools/tflm/tflm_ref_runner', import.meta.url).pathname;
const SEED = Number(process.env.FUZZ_SEED ?? 13) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 5000);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
/** TFLM runs on a sample: successes first (they carry the bit-exactness check), then refusals. */
const TFLM_SUCCESSES = Number(process.env.FUZZ_TFLM_SUCCESSES ?? 35);
const TFLM_REFUSALS = Number(process.env.FUZZ_TFLM_REFUSALS ?? 30);
/** Any single case slower than this is reported as a (near-)hang. */
const CASE_LIMIT_MS = 10_000;

const MORE_MODELS = new URL('../../shared/more-models/models/', import.meta.url);
/** Small models: many cases per second, and between them the ops msf-cnn lowers (with float edges, broadcasting MUL / ADD, PAD). */
const CORPUS: [string, URL][] = [
  ...['tflm_micro_speech_int8', 'mlperf_kws_dscnn_int8', 'mlperf_ad01_int8', 'mlperf_ic_resnet8_int8', 'mlperf_sww_int8'].map((n): [string, URL] => [n, MODELS]),
  ...['tflm_sensiml_model_runner_int8', 'st_miniresnetv2_1stacks_64x50_esc10_int8'].map((n): [string, URL] => [n, MORE_MODELS]),
];

/**
 * Seeded random graphs (test/helpers/random-graph.ts): one input, 4-8 operators over every family,
 * so the edits also meet the operators and options no small shared model has (TRANSPOSE,
 * STRIDED_SLICE masks, CONCATENATION axes, MINIMUM / MAXIMUM, LEAKY_RELU, HARD_SWISH, PADV2, SPLIT_V ...).
 */
const GENERATED = Array.from({ length: 6 }, (_, k) => {
  const r = rng(2718 + k * 61);
  return randomGraph(r, { ops: r.int(4, 8), inputs: 1 });
});

const OPCODES = ['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'FULLY_CONNECTED', 'MEAN', 'PAD', 'RESHAPE', 'SQUEEZE', 'SOFTMAX', 'QUANTIZE', 'DEQUANTIZE', 'MUL', 'TANH', 'CUSTOM:fuzz',
  'SUB', 'MINIMUM', 'MAXIMUM', 'CONCATENATION', 'LOGISTIC', 'HARD_SWISH', 'RELU', 'RELU6', 'LEAKY_RELU', 'PADV2', 'TRANSPOSE', 'STRIDED_SLICE', 'SPLIT', 'SPLIT_V', 'PACK', 'UNPACK', 'SHAPE'];
const DIMS = [0, 1, 2, 3, 7, 1000, 2 ** 31 - 1];
const SCALES = [0, -0.5, NaN, Infinity, 3.4e38, 1e-30, 1e-3, 1 / 256, 2];
const ZERO_POINTS = [0, -1, 1, 127, -128, 128, -129, 200, 2 ** 40];
const INTS = [-1, 0, 1, 2, 3, 5, 100, 2 ** 16, 2 ** 31 - 1];
const ACTIVATIONS = ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'TANH', 'SIGN_BIT'];

/** A copy whose parts a mutation may change (constant data stays shared until replaced). */
function clone(m: TfliteModel): TfliteModel {
  return {
    ...m,
    inputs: [...m.inputs],
    outputs: [...m.outputs],
    tensors: m.tensors.map((t) => ({ ...t, shape: [...t.shape], quant: t.quant && { ...t.quant, scale: t.quant.scale.slice(), zeroPoint: [...t.quant.zeroPoint] } })),
    operators: m.operators.map((o) => ({ ...o, inputs: [...o.inputs], outputs: [...o.outputs], options: { ...o.options } })),
  };
}

type Mutation = (m: TfliteModel, r: Rng) => string;

const anyTensor = (m: TfliteModel, r: Rng): TfliteTensor => m.tensors[r.int(0, m.tensors.length - 1)]!;
const activations = (m: TfliteModel) => m.tensors.filter((t) => t.data === null);
const quantised = (m: TfliteModel) => m.tensors.filter((t) => t.quant !== null);
const anyOp = (m: TfliteModel, r: Rng) => m.operators[r.int(0, m.operators.length - 1)]!;
const renumber = (m: TfliteModel) => m.operators.forEach((o, i) => (o.index = i));

const MUTATIONS: Record<string, Mutation> = {
  opcode(m, r) {
    const op = anyOp(m, r);
    op.opcode = r.pick(OPCODES);
    return `op ${op.index} becomes ${op.opcode}`;
  },
  shape(m, r) {
    const t = r.int(0, 2) === 0 ? anyTensor(m, r) : r.pick(activations(m));
    const k = r.int(0, 3);
    if (k === 0 && t.shape.length > 0) t.shape.pop();
    else if (k === 1) t.shape.push(r.pick(DIMS));
    else if (t.shape.length > 0) t.shape[r.int(0, t.shape.length - 1)] = r.pick(DIMS);
    return `tensor ${t.index} shape [${t.shape}]`;
  },
  buffer(m, r) {
    const a = anyTensor(m, r);
    const b = anyTensor(m, r);
    const k = r.int(0, 2);
    if (k === 0) a.data = b.data;
    else if (k === 1) a.data = null;
    else a.data = new Uint8Array(r.pick([0, 1, 16, a.shape.reduce((x, d) => x * d, 1)]));
    return `tensor ${a.index} data ${k === 0 ? `of tensor ${b.index}` : k === 1 ? 'removed' : 'replaced'}`;
  },
  quantArray(m, r) {
    const t = r.pick(quantised(m));
    const q = t.quant!;
    const k = r.int(0, 3);
    if (k === 0) t.quant = null;
    else if (k === 1) q.quantizedDimension = r.int(0, 4);
    else {
      const n = k === 2 ? Math.max(1, q.scale.length - r.int(1, 3)) : q.scale.length + r.int(1, 3);
      q.scale = Float32Array.from({ length: n }, (_, i) => q.scale[i % q.scale.length]!);
      q.zeroPoint = Array.from({ length: n }, (_, i) => q.zeroPoint[i % q.zeroPoint.length]!);
    }
    return `tensor ${t.index} quantisation ${['removed', `axis ${q.quantizedDimension}`, `${q.scale.length} entries`, `${q.scale.length} entries`][k]}`;
  },
  scale(m, r) {
    const t = r.pick(quantised(m));
    const s = r.pick(SCALES);
    const i = r.int(0, t.quant!.scale.length - 1);
    t.quant!.scale[i] = r.int(0, 1) ? s : t.quant!.scale[i]! * s;
    return `tensor ${t.index} scale[${i}] = ${t.quant!.scale[i]}`;
  },
  zeroPoint(m, r) {
    const t = r.pick(quantised(m));
    const i = r.int(0, t.quant!.zeroPoint.length - 1);
    t.quant!.zeroPoint[i] = r.pick(ZERO_POINTS);
    return `tensor ${t.index} zero point[${i}] = ${t.quant!.zeroPoint[i]}`;
  },
  order(m, r) {
    const a = r.int(0, m.operators.length - 1);
    const b = r.int(0, m.operators.length - 1);
    [m.operators[a], m.operators[b]] = [m.operators[b]!, m.operators[a]!];
    renumber(m);
    return `ops ${a} and ${b} swapped`;
  },
  cycle(m, r) {
    const op = anyOp(m, r);
    const later = m.operators[r.int(op.index, m.operators.length - 1)]!;
    op.inputs[0] = later.outputs[0]!;
    return `op ${op.index} reads the output of op ${later.index}`;
  },
  producer(m, r) {
    const op = anyOp(m, r);
    const k = r.int(0, 1);
    if (k === 0) op.outputs[0] = anyOp(m, r).outputs[0]!;
    else {
      m.operators.splice(op.index, 1);
      renumber(m);
    }
    return k === 0 ? `op ${op.index} writes tensor ${op.outputs[0]}` : `op ${op.index} removed`;
  },
  io(m, r) {
    const k = r.int(0, 4);
    if (k === 0) m.outputs = [];
    else if (k === 1) m.outputs = [m.inputs[0]!];
    else if (k === 2) m.outputs = [anyTensor(m, r).index];
    else if (k === 3) m.inputs = [anyTensor(m, r).index];
    else m.outputs.push(r.pick(activations(m)).index);
    return `subgraph inputs [${m.inputs}] outputs [${m.outputs}]`;
  },
  options(m, r) {
    const op = anyOp(m, r);
    const keys = ['strideW', 'strideH', 'dilationW', 'dilationH', 'filterWidth', 'filterHeight', 'depthMultiplier', 'padding', 'fusedActivation', 'beta', 'keepDims', 'keepNumDims',
      'axis', 'alpha', 'beginMask', 'endMask', 'ellipsisMask', 'newAxisMask', 'shrinkAxisMask', 'valuesCount', 'num'];
    const key = r.pick(keys);
    const o = op.options;
    if (key === 'padding') o.padding = o.padding === 'SAME' ? 'VALID' : 'SAME';
    else if (key === 'fusedActivation') o.fusedActivation = r.pick(ACTIVATIONS);
    else if (key === 'beta' || key === 'alpha') o[key] = r.pick([0, -1, NaN, 1e-10, 0.5, 2, 1e10]);
    else if (key === 'keepDims' || key === 'keepNumDims') o[key] = !o[key];
    else o[key] = r.pick(INTS);
    return `op ${op.index} option ${key} = ${String(o[key])}`;
  },
  optionalInput(m, r) {
    const op = anyOp(m, r);
    const k = r.int(0, op.inputs.length);
    if (k === op.inputs.length) op.inputs.push(-1);
    else op.inputs[k] = -1;
    return `op ${op.index} input ${k} = -1`;
  },
};
const KINDS = Object.keys(MUTATIONS);

interface Outcome {
  kind: 'success' | 'typed';
  model?: Model;
  output?: Uint8Array;
  code?: string;
  message?: string;
}

/**
 * Loads one case as `msf run` would, then runs the minimum-RAM and the layer-by-layer plan in the
 * executor's checking mode (shadow map), the first also with a second poison value; any failure
 * that is not a typed error is thrown.
 */
function attempt(name: string, bytes: Uint8Array): Outcome {
  try {
    const model = modelFromBytes(`${name}.tflite`, bytes);
    const input = encodeInput(model, seededEncodedInput(model, 1));
    const exe = getExecutor();
    const minimum = planModel(model, { cost: 'exact' }).solution.blocks;
    const layered = model.layers.map((_, i): Block => [i, i]);
    const runs = [
      exe.run(model, minimum, input, { check: true }),
      exe.run(model, minimum, input, { check: true, poison: 0x5a }),
      exe.run(model, layered, input, { check: true }),
    ];
    for (const r of runs)
      if (r.measuredPeakBytes !== r.predictedPeakBytes) throw new Error(`measured peak ${r.measuredPeakBytes} != predicted ${r.predictedPeakBytes} (blocks ${JSON.stringify(r.schedule.blocks)})`);
    if (Buffer.compare(runs[0]!.output, runs[1]!.output) !== 0) throw new Error('the output depends on the arena poison: a byte is read before it is written');
    if (Buffer.compare(runs[0]!.output, runs[2]!.output) !== 0) throw new Error('the minimum-RAM and layer-by-layer plans give different outputs');
    return { kind: 'success', model, output: decodeOutput(model, runs[0]!.output) };
  } catch (e) {
    if (e instanceof MsfError && e.exitCode !== EXIT.internal) return { kind: 'typed', code: e.code, message: e.message };
    throw e;
  }
}

type Tflm = { status: 'ran'; output: Uint8Array } | { status: 'refused'; message: string } | { status: 'crashed'; why: string };

function tflm(dir: string, bytes: Uint8Array, input: Uint8Array): Tflm {
  const file = join(dir, 'case.tflite');
  const inFile = join(dir, 'in.bin');
  const out = join(dir, 'out_0_0.bin');
  writeFileSync(file, bytes);
  writeFileSync(inFile, input);
  rmSync(out, { force: true });
  const p = spawnSync(RUNNER, ['run', file, dir, '0', inFile], { timeout: 20_000, encoding: 'utf8' });
  if (p.signal || p.error) return { status: 'crashed', why: p.signal ?? String(p.error) };
  if (p.status !== 0) return { status: 'refused', message: (p.stderr || p.stdout).trim().split('\n').slice(-2).join(' | ') };
  if (!existsSync(out)) return { status: 'ran', output: new Uint8Array(0) }; // TFLM ran a model with no output
  return { status: 'ran', output: new Uint8Array(readFileSync(out)) };
}

/** The input TFLM gets: the model input's bytes, sized from the (mutated) file. */
function tflmInput(tf: TfliteModel, model: Model | undefined): Uint8Array | null {
  if (model) return seededEncodedInput(model, 1);
  const t = tf.tensors[tf.inputs[0] ?? -1];
  if (!t || tf.inputs.length !== 1) return null;
  const n = t.shape.reduce((a, d) => a * d, 1) * ({ int8: 1, uint8: 1, float32: 4, int16: 2, int32: 4 }[t.dtype as string] ?? 1);
  return n > 0 && n < 1 << 24 ? new Uint8Array(n).fill(1) : null;
}

describe('structured fuzzing of whole models (issue #13)', () => {
  it(`${CASES} edited models end in a success (identical plans, TFLM's bytes) or a typed error (seed ${SEED})`, () => {
    // Each model twice per round, the slowest (the last) once.
    const PICK = [...CORPUS.keys(), ...CORPUS.keys()].slice(0, 2 * CORPUS.length - 1).concat(GENERATED.map((_, k) => CORPUS.length + k));
    const corpus = [
      ...CORPUS.map(([name, dir]) => ({ name, model: readTflite(readFileSync(new URL(`${name}.tflite`, dir)), name) })),
      ...GENERATED.map((g, k) => ({ name: `random_graph_${k}`, model: readTflite(g.bytes, `random_graph_${k}`) })),
    ];
    const stats = { cases: 0, successes: 0, typed: 0, tflmRuns: 0, tflmAgree: 0, tflmBothRefuse: 0, tflmCrashed: 0, tflmRefusedWeRan: 0, tflmRanWeRefused: 0 };
    const codes = new Map<string, number>();
    const msPerModel = new Map<string, number>();
    const failures: string[] = [];
    /** Files TFLM runs and we refuse (allowed: "do what TFLM does or refuse it"), for the log. */
    const stricter: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'msf-fuzz-'));
    const runner = existsSync(RUNNER);
    try {
      for (let i = 0; i < CASES; i++) {
        if (ONLY !== undefined && i !== ONLY) continue;
        const r = new Rng(SEED * 0x9e3779b1 + i * 7919 + 1);
        const seed = corpus[PICK[i % PICK.length]!]!;
        const m = clone(seed.model);
        const steps: string[] = [];
        const n = r.int(1, 3) === 1 ? 2 : 1;
        for (let k = 0; k < n; k++) {
          const kind = r.pick(KINDS);
          steps.push(`${kind}: ${MUTATIONS[kind]!(m, r)}`);
        }
        const where = `case ${i} (${seed.name}; ${steps.join('; ')})`;
        let bytes: Uint8Array;
        try {
          bytes = serializeTflite(m);
        } catch {
          continue; // a value the flatbuffer cannot hold (not a case)
        }
        stats.cases++;
        const t0 = performance.now();
        let outcome: Outcome;
        try {
          outcome = attempt(seed.name, bytes);
        } catch (e) {
          failures.push(`${where}: ${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack?.split('\n').slice(1, 4).join('\n')}`);
          if (failures.length >= 10) break;
          continue;
        }
        const ms = performance.now() - t0;
        msPerModel.set(seed.name, Math.round((msPerModel.get(seed.name) ?? 0) + ms));
        if (ms > CASE_LIMIT_MS) failures.push(`${where}: took ${Math.round(ms)} ms`);
        if (outcome.kind === 'success') stats.successes++;
        else {
          stats.typed++;
          codes.set(outcome.code!, (codes.get(outcome.code!) ?? 0) + 1);
        }
        const sample = outcome.kind === 'success' ? stats.successes <= TFLM_SUCCESSES : stats.typed % 25 === 1 && stats.typed / 25 < TFLM_REFUSALS;
        if (!runner || !sample) continue;
        const input = tflmInput(m, outcome.model);
        if (!input) continue;
        const t = tflm(dir, bytes, input);
        stats.tflmRuns++;
        if (t.status === 'crashed') stats.tflmCrashed++;
        else if (t.status === 'refused') {
          if (outcome.kind === 'success') {
            stats.tflmRefusedWeRan++;
            failures.push(`${where}: TFLM refuses the file (${t.message}) but we ran it`);
          } else stats.tflmBothRefuse++;
        } else if (outcome.kind === 'success') {
          if (Buffer.compare(t.output, outcome.output!) === 0) stats.tflmAgree++;
          else failures.push(`${where}: output differs from TFLM's (${t.output.length} vs ${outcome.output!.length} bytes)`);
        } else {
          stats.tflmRanWeRefused++;
          if (stricter.length < 8) stricter.push(`${where}: ${outcome.message}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`structured fuzz: ${JSON.stringify(stats)}; typed errors by code ${JSON.stringify(Object.fromEntries(codes))}; ms per model ${JSON.stringify(Object.fromEntries(msPerModel))}`);
    console.log(`refused by us, run by TFLM (sample):\n${stricter.join('\n')}`);
    expect(failures, failures.join('\n\n')).toEqual([]);
    if (ONLY === undefined) {
      expect(stats.cases).toBeGreaterThanOrEqual(CASES * 0.95);
      expect(stats.successes).toBeGreaterThan(CASES / 50); // the edits must not all be refused
      expect(stats.typed).toBeGreaterThan(CASES / 2);
      if (runner) expect(stats.tflmAgree).toBeGreaterThan(TFLM_SUCCESSES / 2);
    }
  }, 240_000);
});
