/**
 * Seeded fuzzing of the TFLite reader: mutated copies of the shared models must either parse into
 * a consistent description or fail with ModelFormatError / ModelError. Any other exception (a
 * RangeError, TypeError, ...) fails the test and prints the seed, iteration and mutations, which
 * reproduce it: FUZZ_SEED=<seed> FUZZ_ONLY=<iteration> npx vitest run test/tflite-fuzz.test.ts
 *
 * Mutations are aimed at the flatbuffer structure (header, tables, vtables, vectors, strings):
 * positions inside constant tensor data are skipped, since changing weights changes nothing a
 * reader checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelError, ModelFormatError } from '../src/errors.js';
import { readTflite, type TfliteModel } from '../src/import/tflite.js';

const MODELS = new URL('../../shared/models/', import.meta.url);
const SEED = Number(process.env.FUZZ_SEED ?? 20240601) >>> 0;
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 24000);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);

/** Smaller models weigh more: more mutations per second, and their structure is as rich. */
const CORPUS: [string, number][] = [
  ['tflm_micro_speech_int8.tflite', 4],
  ['mlperf_kws_dscnn_int8.tflite', 4],
  ['mlperf_sww_int8.tflite', 3],
  ['mlperf_ic_resnet8_int8.tflite', 2],
  ['mlperf_ad01_int8.tflite', 1],
  ['armzoo_micronet_vww2_50_int8.tflite', 1],
];

/** mulberry32 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Byte positions outside constant tensor data: the flatbuffer structure. */
  structure: Int32Array;
}

function loadCorpus(): Seed[] {
  return CORPUS.map(([name]) => {
    const bytes = new Uint8Array(readFileSync(new URL(name, MODELS)));
    const model = readTflite(bytes, name);
    const isData = new Uint8Array(bytes.length);
    for (const t of model.tensors) {
      if (t.data !== null) isData.fill(1, t.data.byteOffset, t.data.byteOffset + t.data.length);
    }
    const pos: number[] = [];
    for (let i = 0; i < bytes.length; i++) if (!isData[i]) pos.push(i);
    return { name, bytes, structure: Int32Array.from(pos) };
  });
}

const BYTE_VALUES = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];

/** Apply 1..3 random mutations; returns the new bytes and a description of what was done. */
function mutate(seed: Seed, r: () => number): { bytes: Uint8Array; steps: string[] } {
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  let bytes = seed.bytes.slice();
  const steps: string[] = [];
  const structural = (): number => {
    const p = seed.structure[int(seed.structure.length)]!;
    return Math.min(p, bytes.length - 1);
  };
  const aligned = (): number => Math.min(structural() & ~3, Math.max(0, bytes.length - 4));
  const n = 1 + int(3);
  for (let k = 0; k < n && bytes.length > 0; k++) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const kind = int(100);
    if (kind < 15) {
      const p = structural();
      const bit = int(8);
      bytes[p]! ^= 1 << bit;
      steps.push(`flip bit ${bit} of byte ${p}`);
    } else if (kind < 30) {
      const p = structural();
      const v = pick(BYTE_VALUES);
      bytes[p] = v;
      steps.push(`byte ${p} = 0x${v.toString(16)}`);
    } else if (kind < 42) {
      const p = Math.min(structural() & ~1, bytes.length - 2);
      if (p < 0) continue;
      const v = pick([0, 0xffff, 0x8000, 0x7fff, 4, 6, int(64), int(0x10000)]);
      dv.setUint16(p, v, true);
      steps.push(`u16 at ${p} = ${v}`);
    } else if (kind < 57) {
      const p = aligned();
      if (p + 4 > bytes.length) continue;
      const len = bytes.length;
      const v = pick([0, 1, 4, 0x7fffffff, 0x80000000, 0xffffffff, len, len - 4, len + 4, int(len), -int(len), int(64)]) >>> 0;
      dv.setUint32(p, v, true);
      steps.push(`u32 at ${p} = ${v}`);
    } else if (kind < 70) {
      // Point an offset-like word somewhere else in the file (another table, vector or string).
      const p = aligned();
      if (p + 4 > bytes.length) continue;
      const target = r() < 0.7 ? structural() : int(bytes.length);
      const v = (target - p) >>> 0;
      dv.setUint32(p, v, true);
      steps.push(`u32 at ${p} -> points to ${target}`);
    } else if (kind < 78) {
      const p = int(8);
      bytes[p] = pick([...BYTE_VALUES, int(256)]);
      steps.push(`header byte ${p} = ${bytes[p]}`);
    } else if (kind < 86) {
      const len = r() < 0.5 ? int(bytes.length) : structural();
      bytes = bytes.slice(0, len);
      steps.push(`truncate to ${len}`);
    } else if (kind < 93) {
      const p = structural();
      const m = 1 + int(16);
      const ins = Uint8Array.from({ length: m }, () => (r() < 0.5 ? pick(BYTE_VALUES) : int(256)));
      const out = new Uint8Array(bytes.length + m);
      out.set(bytes.subarray(0, p));
      out.set(ins, p);
      out.set(bytes.subarray(p), p + m);
      bytes = out;
      steps.push(`insert ${m} bytes at ${p}`);
    } else {
      const p = structural();
      const m = Math.min(1 + int(16), bytes.length - p);
      const out = new Uint8Array(bytes.length - m);
      out.set(bytes.subarray(0, p));
      out.set(bytes.subarray(p + m), p);
      bytes = out;
      steps.push(`remove ${m} bytes at ${p}`);
    }
  }
  return { bytes, steps };
}

const WIDTH: Record<string, number> = {
  float32: 4, float16: 2, int32: 4, uint8: 1, int64: 8, bool: 1, int16: 2, complex64: 8, int8: 1,
  float64: 8, complex128: 16, uint64: 8, uint32: 4, uint16: 2, int4: 0.5,
};

/** What a successful parse promises: every index, shape and data view is consistent. */
function checkInvariants(m: TfliteModel, file: Uint8Array): string | null {
  const n = m.tensors.length;
  const okTensor = (i: number): boolean => Number.isInteger(i) && i >= 0 && i < n;
  if (!m.inputs.every(okTensor) || !m.outputs.every(okTensor)) return 'subgraph input/output out of range';
  for (const op of m.operators) {
    if (!op.inputs.every((i) => i === -1 || okTensor(i))) return `op ${op.index} input out of range`;
    if (!op.outputs.every(okTensor)) return `op ${op.index} output out of range`;
    if (typeof op.opcode !== 'string' || op.opcode.length === 0) return `op ${op.index} has no opcode`;
  }
  for (const t of m.tensors) {
    if (t.shape.length > 16) return `tensor ${t.index} rank ${t.shape.length}`;
    let count = 1;
    for (const d of t.shape) {
      if (!Number.isInteger(d) || d < 0) return `tensor ${t.index} dim ${d}`;
      count *= d;
    }
    if (count > 2 ** 31) return `tensor ${t.index} has ${count} elements`;
    if (t.data !== null) {
      if (t.data.buffer !== file.buffer) return `tensor ${t.index} data is not a view on the file`;
      if (t.data.byteOffset < file.byteOffset || t.data.byteOffset + t.data.length > file.byteOffset + file.length) {
        return `tensor ${t.index} data outside the file`;
      }
      const w = WIDTH[t.dtype];
      if (w !== undefined && t.data.length !== Math.ceil(count * w)) return `tensor ${t.index} data length`;
    }
    if (t.quant !== null) {
      const q = t.quant;
      if (q.scale.length === 0 || q.scale.length !== q.zeroPoint.length) return `tensor ${t.index} quant lengths`;
      if (!q.zeroPoint.every(Number.isSafeInteger)) return `tensor ${t.index} zero point`;
      if (q.scale.length > 1 && t.shape[q.quantizedDimension] !== q.scale.length) return `tensor ${t.index} quant axis`;
    }
  }
  return null;
}

describe('readTflite fuzzing', () => {
  it(`survives ${ITERATIONS} mutated models (seed ${SEED})`, () => {
    const corpus = loadCorpus();
    const weights = CORPUS.map(([, w]) => w);
    const total = weights.reduce((a, b) => a + b, 0);
    const stats = { tried: 0, parsed: 0, formatErrors: 0, modelErrors: 0 };
    const perModel = new Map<string, number>();
    const failures: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < ITERATIONS; i++) {
      if (ONLY !== undefined && i !== ONLY) continue;
      const r = rng(SEED ^ Math.imul(i + 1, 0x9e3779b1));
      let w = r() * total;
      let s = 0;
      while (s < corpus.length - 1 && (w -= weights[s]!) >= 0) s++;
      const seed = corpus[s]!;
      const { bytes, steps } = mutate(seed, r);
      stats.tried++;
      perModel.set(seed.name, (perModel.get(seed.name) ?? 0) + 1);
      const where = `seed ${SEED} iteration ${i} model ${seed.name} (${bytes.length} bytes): ${steps.join('; ')}`;
      try {
        const m = readTflite(bytes, 'fuzz.tflite');
        stats.parsed++;
        const broken = checkInvariants(m, bytes);
        if (broken !== null) failures.push(`${where}: parsed but ${broken}`);
      } catch (e) {
        if (e instanceof ModelFormatError) {
          stats.formatErrors++;
          if (!/^fuzz\.tflite: byte -?\d+: /.test(e.message)) failures.push(`${where}: message without a byte offset: ${e.message}`);
        } else if (e instanceof ModelError) {
          stats.modelErrors++;
        } else {
          const err = e as Error;
          failures.push(`${where}: ${err?.name}: ${err?.message}\n${err?.stack?.split('\n').slice(1, 4).join('\n')}`);
        }
      }
      if (failures.length >= 10) break;
    }
    const ms = performance.now() - t0;
    console.log(
      `tflite fuzz: ${stats.tried} files in ${(ms / 1000).toFixed(1)} s: ${stats.parsed} parsed, ` +
        `${stats.formatErrors} ModelFormatError, ${stats.modelErrors} ModelError; per model ${JSON.stringify(Object.fromEntries(perModel))}`,
    );
    expect(failures, failures.join('\n\n')).toEqual([]);
    if (ONLY === undefined) {
      expect(stats.tried).toBeGreaterThanOrEqual(Math.min(ITERATIONS, 20000));
      // Most mutations of the structure must be caught, yet some must survive (the fuzzer is not
      // only exercising the header check).
      expect(stats.formatErrors).toBeGreaterThan(stats.tried / 4);
      expect(stats.parsed).toBeGreaterThan(stats.tried / 50);
    }
  });
});
