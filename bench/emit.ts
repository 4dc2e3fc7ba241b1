/**
 * The emitted C against the Wasm executor: for each zoo model, the minimum-RAM (fused) plan and the
 * layer-by-layer plan, host-native run time of `msf_model_run` (gcc -O2, the emitted C as is) and
 * of the Wasm executor on the same plan and input, medians of repeated runs; the output bytes are
 * checked equal first. Plain repeated timing (benny's per-call harness does not fit a native process):
 * the C side is a small driver that times REPS calls of msf_model_run with clock().
 * Run: npx tsx bench/emit.ts  -> bench/results/emit.json
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIBRARY_SOURCES, emitProgram } from '../src/emit/emit-c.js';
import { tensorBytes } from '../src/model/ir.js';
import { withSeededParams } from '../src/model/seeded.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import type { Block } from '../src/plan/engine.js';
import { planModel } from '../src/plan/planner.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';

const REPS = 15;
const CC = process.env.CC ?? 'gcc';

// Reads the input, runs the model once (output written for the check), then REPS timed runs.
const DRIVER = String.raw`#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "msf_model.h"
int main(int argc, char **argv)
{
    static int8_t in[MSF_INPUT_BYTES], out[MSF_OUTPUT_BYTES];
    int reps = atoi(argv[3]), i;
    FILE *f = fopen(argv[1], "rb");
    if (!f || fread(in, 1, MSF_INPUT_BYTES, f) != (size_t)MSF_INPUT_BYTES) return 1;
    fclose(f);
    if (msf_model_run(in, out) != 0) return 2;
    f = fopen(argv[2], "wb");
    if (!f || fwrite(out, 1, MSF_OUTPUT_BYTES, f) != (size_t)MSF_OUTPUT_BYTES) return 1;
    fclose(f);
    for (i = 0; i < reps; i++) {
        clock_t t0 = clock();
        if (msf_model_run(in, out) != 0) return 2;
        printf("%.6f\n", 1000.0 * (double)(clock() - t0) / CLOCKS_PER_SEC);
    }
    return 0;
}
`;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Row {
  model: string;
  plan: 'fused (minimum RAM)' | 'layer by layer';
  arenaBytes: number;
  macs: number;
  cMs: number;
  wasmMs: number;
  wasmOverC: number;
  sameBytes: boolean;
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

const root = mkdtempSync(join(tmpdir(), 'msf-bench-emit-'));
const rows: Row[] = [];
const exec = getExecutor();
try {
  for (const id of ZOO_IDS) {
    const model = withSeededParams(zooModel(id), 1);
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 1);
    const plans: [Row['plan'], Block[]][] = [
      ['fused (minimum RAM)', planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks],
      ['layer by layer', model.layers.map((_, i) => [i, i] as Block)],
    ];
    for (const [plan, blocks] of plans) {
      const dir = join(root, `${id}-${plan === 'layer by layer' ? 'lbl' : 'fused'}`);
      mkdirSync(dir);
      const { files, summary } = emitProgram(model, blocks);
      for (const [name, text] of files) writeFileSync(join(dir, name), text);
      writeFileSync(join(dir, 'bench_main.c'), DRIVER);
      writeFileSync(join(dir, 'input.bin'), input);
      run(CC, ['-std=c99', '-O2', '-o', 'bench', 'bench_main.c', 'msf_model.c', ...LIBRARY_SOURCES], dir);
      const cTimes = run(join(dir, 'bench'), ['input.bin', 'output.bin', String(REPS)], dir).trim().split('\n').map(Number);
      const wasmTimes: number[] = [];
      let wasmOut: Uint8Array | undefined;
      exec.run(model, blocks, input); // warm-up
      for (let i = 0; i < REPS; i++) {
        const t0 = performance.now();
        wasmOut = exec.run(model, blocks, input).output;
        wasmTimes.push(performance.now() - t0);
      }
      const cMs = median(cTimes);
      const wasmMs = median(wasmTimes);
      const sameBytes = readFileSync(join(dir, 'output.bin')).equals(Buffer.from(wasmOut!));
      rows.push({ model: id, plan, arenaBytes: summary.arenaBytes, macs: summary.macs, cMs, wasmMs, wasmOverC: wasmMs / cMs, sameBytes });
      console.log(`${id} ${plan}: C ${cMs.toFixed(2)} ms, Wasm ${wasmMs.toFixed(2)} ms${sameBytes ? '' : '  OUTPUT MISMATCH'}`);
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const cc = run(CC, ['--version'], '.').split('\n')[0];
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/emit.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), cc, reps: REPS, rows }, null, 2));
console.log(`\n| model | plan | arena (B) | MACs | C -O2 (ms) | Wasm (ms) | Wasm / C | same bytes |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.model} | ${r.plan} | ${r.arenaBytes.toLocaleString('en-US')} | ${r.macs.toLocaleString('en-US')} | ${r.cMs.toFixed(2)} | ${r.wasmMs.toFixed(2)} | x${r.wasmOverC.toFixed(2)} | ${r.sameBytes ? 'yes' : 'NO'} |`,
  );
for (const id of ZOO_IDS) {
  const f = rows.find((r) => r.model === id && r.plan !== 'layer by layer')!;
  const l = rows.find((r) => r.model === id && r.plan === 'layer by layer')!;
  console.log(`${id}: fused / layer-by-layer in C x${(f.cMs / l.cMs).toFixed(2)} (MACs x${(f.macs / l.macs).toFixed(2)})`);
}
