/**
 * Kernel throughput in MAC/s: 1x1 conv, 3x3 conv and 3x3 depthwise, each as
 *   wasm-simd    build/exec.wasm with the SIMD inner loops
 *   wasm-scalar  the same module with setSimd(false)
 *   ts-reference the plain scalar TypeScript reference (test/reference/kernels.ts)
 * over whole tensors. Every case is checked to produce identical bytes before it is timed.
 * Writes bench/results/kernels.json (medians, MAC/s, ratios) and prints a markdown table.
 *
 *   npx tsx bench/kernels.ts            (build first: node scripts/build-wasm.mjs)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import b from 'benny';
import { OP_CONV2D, OP_DEPTHWISE } from '../src/runtime/desc.js';
import * as ref from '../test/reference/kernels.js';
import { WasmKernels } from '../test/helpers/wasm-kernels.js';
import { type BenchCase, convCase, i8, reseed } from './seeded-layers.js';

const CASES: BenchCase[] = [
  convCase('conv 1x1, 28x28x64 -> 64', 'conv2d', 28, 28, 64, 64, 1),
  convCase('conv 3x3, 28x28x32 -> 32', 'conv2d', 28, 28, 32, 32, 3),
  convCase('depthwise 3x3, 56x56x64', 'depthwise', 56, 56, 64, 64, 3),
];

const VARIANTS = ['wasm-simd', 'wasm-scalar', 'ts-reference'] as const;
type Variant = (typeof VARIANTS)[number];

/** A prepared kernel call: buffers placed once, `run` computes the layer, `output` reads it. */
function prepare(c: BenchCase, variant: Variant): { run: () => void; output: () => Int8Array } {
  const l = c.layer;
  const input = i8(l.inH * l.inW * l.inC);
  if (variant === 'ts-reference') {
    const fn = c.kind === 'conv2d' ? ref.conv2d : ref.depthwiseConv2d;
    let out: Int8Array = new Int8Array(0);
    return { run: () => void (out = fn(l, input)), output: () => out };
  }
  const k = new WasmKernels();
  k.setSimd(variant === 'wasm-simd');
  const desc = k.convDesc(l, c.kind === 'conv2d' ? OP_CONV2D : OP_DEPTHWISE);
  const inPtr = k.putI8(input);
  const outBytes = l.outH * l.outW * l.outC;
  const outPtr = k.alloc(outBytes);
  return {
    run: () => k.exports.runWindow(desc, inPtr, 0, 0, l.inH, l.inW, outPtr, 0, 0, l.outW, 0, l.outH, 0, l.outW),
    output: () => k.readI8(outPtr, outBytes),
  };
}

interface Row {
  case: string;
  macs: number;
  medianMs: Record<Variant, number>;
  macPerSec: Record<Variant, number>;
  ratios: { simdVsTs: number; scalarVsTs: number; simdVsScalar: number };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const c of CASES) {
    const prepared = VARIANTS.map((v) => {
      reseed(); // the same input for every variant
      return prepare(c, v);
    });
    // Identical bytes from the three implementations before timing anything.
    prepared.forEach((p) => p.run());
    const outs = prepared.map((p) => p.output());
    for (let i = 1; i < outs.length; i++) {
      if (Buffer.compare(Buffer.from(outs[0]!.buffer, outs[0]!.byteOffset, outs[0]!.byteLength), Buffer.from(outs[i]!.buffer, outs[i]!.byteOffset, outs[i]!.byteLength)) !== 0) {
        throw new Error(`${c.id}: ${VARIANTS[i]} output differs from ${VARIANTS[0]}`);
      }
    }
    const summary = await b.suite(
      c.id,
      b.configure({ cases: { minSamples: 10, maxTime: 2 } }),
      ...VARIANTS.map((v, i) => b.add(v, () => prepared[i]!.run())),
      b.cycle(),
      b.complete(),
    );
    const medianMs = {} as Record<Variant, number>;
    const macPerSec = {} as Record<Variant, number>;
    for (const r of summary.results) {
      const v = r.name as Variant;
      medianMs[v] = r.details.median * 1000;
      macPerSec[v] = c.macs / r.details.median;
    }
    rows.push({
      case: c.id,
      macs: c.macs,
      medianMs,
      macPerSec,
      ratios: {
        simdVsTs: macPerSec['wasm-simd'] / macPerSec['ts-reference'],
        scalarVsTs: macPerSec['wasm-scalar'] / macPerSec['ts-reference'],
        simdVsScalar: macPerSec['wasm-simd'] / macPerSec['wasm-scalar'],
      },
    });
  }

  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const result = { date: new Date().toISOString(), node: process.version, unit: { medianMs: 'ms per layer', macPerSec: 'MAC/s' }, cases: rows };
  writeFileSync(`${dir}kernels.json`, JSON.stringify(result, null, 2) + '\n');

  const m = (x: number) => `${(x / 1e6).toFixed(0)} M`;
  const lines = [
    '| kernel | MACs | wasm-simd MAC/s | wasm-scalar MAC/s | ts-reference MAC/s | SIMD / TS | scalar / TS | SIMD / scalar |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) =>
      `| ${r.case} | ${r.macs.toLocaleString('en-US')} | ${m(r.macPerSec['wasm-simd'])} | ${m(r.macPerSec['wasm-scalar'])} | ${m(r.macPerSec['ts-reference'])} | ` +
      `${r.ratios.simdVsTs.toFixed(1)}x | ${r.ratios.scalarVsTs.toFixed(1)}x | ${r.ratios.simdVsScalar.toFixed(1)}x |`),
  ];
  console.log(`\n${lines.join('\n')}\n\nwritten ${dir}kernels.json`);
}

await main();
