// Ordinary (non-streaming) plans with the network input in the arena (--input-in-arena, issue #14
// item 5): the exact table counts the input from the start until its last reader, the schedule
// preloads it as the first edge's buffer and frees it after that reader, the fused executor copies
// it in and measures exactly the predicted peak (checking mode on), and the emitted C has it at
// MSF_INPUT[_i]_OFFSET, copied there by msf_model_run unless it is already there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cLibrary } from '../src/emit/c-library.js';
import { LIBRARY_SOURCES, emitC } from '../src/emit/emit-c.js';
import { readTflite } from '../src/import/tflite.js';
import { tfliteToModel } from '../src/import/tflite-lower.js';
import { buildChain } from '../src/model/chain.js';
import { randomChain } from '../src/model/generate.js';
import { type Model, modelInputs, modelOutputs, tensorBytes } from '../src/model/ir.js';
import { executableModel, seededInput } from '../src/model/seeded.js';
import type { Block } from '../src/plan/engine.js';
import { planModel } from '../src/plan/planner.js';
import { scheduleOf } from '../src/plan/schedule.js';
import { stepMemory } from '../src/report/layers.js';
import { decodeOutput } from '../src/runtime/encoding.js';
import { getExecutor } from '../src/runtime/run.js';
import { ShadowArena, ShadowError } from '../src/runtime/shadow.js';
import '../src/runtime/wasm-node.js';
import { runCli } from './helpers/cli.js';
import { residualGraph } from './helpers/residual.js';

const SETS = [
  { models: new URL('../../shared/models/', import.meta.url), conformance: new URL('../../shared/conformance/', import.meta.url) },
  { models: new URL('../../shared/more-models/models/', import.meta.url), conformance: new URL('../../shared/more-models/conformance/', import.meta.url) },
];
const SHARED = SETS.flatMap((s) =>
  readdirSync(s.models).filter((f) => f.endsWith('.tflite')).sort().map((file) => ({ file, path: new URL(file, s.models), dir: new URL(`${file.replace(/\.tflite$/, '')}/`, s.conformance) })),
);
const read = (u: URL) => new Uint8Array(readFileSync(u));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const layerByLayer = (m: Model): Block[] => m.layers.map((_, i) => [i, i] as Block);
const inputBytes = (m: Model) => modelInputs(m).reduce((s, t) => s + tensorBytes(m.tensors[t]!.shape), 0);
const exec = getExecutor();
const scratch = mkdtempSync(join(tmpdir(), 'msf-input-arena-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A shared model, its conformance input 1 (one file per input) and TFLM's outputs for it. */
function shared(s: (typeof SHARED)[number]) {
  const model = tfliteToModel(readTflite(read(s.path), s.file), s.file.replace(/\.tflite$/, ''));
  const ins = modelInputs(model);
  const input = ins.map((_, i) => read(new URL(ins.length > 1 ? `in_1_${i}.bin` : 'in_1.bin', s.dir)));
  const expected = modelOutputs(model).map((_, j) => read(new URL(`out_1_${j}.bin`, s.dir)));
  return { model, input, expected };
}

describe('ordinary plans with the input in the arena, on every shared model', () => {
  it.each(SHARED.map((s) => [s.file, s] as const))('%s: minimum and F <= 1.05 are TFLM\'s bytes, measured == predicted (checked), both engines agree', (_, s) => {
    const { model, input, expected } = shared(s);
    for (const maxOverhead of [undefined, 1.05]) {
      const limits = maxOverhead ? { maxOverhead } : {};
      const p = planModel(model, { inputInArena: true, engine: 'js', front: true, ...limits });
      const w = planModel(model, { inputInArena: true, engine: 'wasm', front: true, ...limits });
      expect(w.front).toEqual(p.front);
      expect(w.solution).toEqual(p.solution);
      // The input only adds bytes: never below the plan with the input outside, never above it plus the input.
      const outside = planModel(model, { engine: 'js', ...limits }).solution.peakBytes;
      expect(p.solution.peakBytes).toBeGreaterThanOrEqual(outside);
      expect(p.solution.peakBytes).toBeLessThanOrEqual(outside + inputBytes(model));
      const r = exec.run(model, p.solution.blocks, input, { inputInArena: true, check: true });
      r.outputs.forEach((o, j) => expect(same(j === 0 ? decodeOutput(model, o) : o, expected[j]!), `output ${j} at F <= ${maxOverhead ?? 'inf'}`).toBe(true));
      expect(r.predictedPeakBytes).toBe(p.solution.peakBytes);
      expect(r.measuredPeakBytes).toBe(r.predictedPeakBytes);
      expect(r.arenaBytes).toBe(r.predictedPeakBytes);
      expect(r.macs).toBe(p.solution.macs);
      expect(Math.max(...stepMemory(model, p.solution.blocks, { inputInArena: true }).map((st) => st.totalBytes))).toBe(p.solution.peakBytes);
    }
  }, 30_000);
});

describe('random chains and residual graphs (the input a skip operand too)', () => {
  it('every front point: the layer-by-layer bytes with the input outside, measured == predicted, checked', () => {
    let points = 0;
    let freedEarly = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const model = executableModel(seed % 2 ? buildChain(randomChain(seed, 2 + (seed % 7), 16)) : residualGraph(seed), seed);
      const input = modelInputs(model).map((t) => seededInput(tensorBytes(model.tensors[t]!.shape), seed));
      const reference = exec.run(model, layerByLayer(model), input).outputs;
      const front = planModel(model, { inputInArena: true, engine: 'js', front: true }).front!;
      for (const pt of front.slice(0, 6)) {
        const r = exec.run(model, pt.blocks, input, { inputInArena: true, check: true, poison: seed & 0xff });
        r.outputs.forEach((o, j) => expect(same(o, reference[j]!), `seed ${seed}, blocks ${JSON.stringify(pt.blocks)}, output ${j}`).toBe(true));
        expect(r.measuredPeakBytes).toBe(pt.peakBytes);
        expect(r.predictedPeakBytes).toBe(pt.peakBytes);
        const s = r.schedule;
        expect(s.preloaded.map((x) => x.at.tensor)).toEqual(modelInputs(model));
        // The input's buffer is released after its last reader's edge, not at the end.
        const last = s.steps.findIndex((st) => st.release.some((b) => b.name === s.preloaded[0]!.buffer.name));
        expect(last).toBeGreaterThanOrEqual(0);
        if (last < s.steps.length - 1) freedEarly++;
        points++;
      }
    }
    expect(points).toBeGreaterThan(120); // 133: 80 models, up to 6 front points each
    expect(freedEarly).toBeGreaterThan(points / 2);
  }, 60_000);

  it('checking mode fails a buffer taken over the live input', () => {
    const model = executableModel(buildChain(randomChain(5, 4, 16)));
    const s = scheduleOf(model, layerByLayer(model), undefined, { inputInArena: true });
    const shadow = new ShadowArena(s.arenaBytes, model.name);
    shadow.preload(s.preloaded[0]!.at);
    const step = s.steps[0]!;
    const over = { ...step, takes: [{ name: 'bad', offset: s.preloaded[0]!.at.offset, size: 1 }] };
    expect(() => shadow.before(over, new Uint8Array(s.arenaBytes))).toThrow(ShadowError);
    expect(() => shadow.before(over, new Uint8Array(s.arenaBytes))).toThrow(/takes bad over arena byte \d+ of live tensor 0/);
    expect(() => shadow.before(step, new Uint8Array(s.arenaBytes))).not.toThrow();
  });
});

describe('emitted C with the input in the arena', () => {
  const cc = (dir: string, ...args: string[]) => execFileSync('gcc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-O2', ...args], { cwd: dir, stdio: 'pipe' });
  // The kernel library is the same for every program: compiled once.
  let objects: string[] | undefined;
  const library = (): string[] => {
    if (objects) return objects;
    const dir = join(scratch, 'lib');
    mkdirSync(dir);
    for (const [name, text] of cLibrary().library) writeFileSync(join(dir, name), text);
    cc(dir, '-c', ...LIBRARY_SOURCES);
    return (objects = LIBRARY_SOURCES.map((f) => join(dir, f.replace(/\.c$/, '.o'))));
  };
  const runIn = (dir: string, ...args: string[]) => execFileSync(join(dir, 'msf_model'), args, { cwd: dir, encoding: 'utf8' });

  it('ResNet-8 (minimum): TFLM\'s bytes, the arena that plan\'s peak, no copy when the input is written at MSF_INPUT_OFFSET', () => {
    const s = SHARED.find((x) => x.file === 'mlperf_ic_resnet8_int8.tflite')!;
    const { model, input, expected } = shared(s);
    const plan = planModel(model, { inputInArena: true }).solution;
    const dir = join(scratch, 'resnet8');
    mkdirSync(dir);
    for (const [name, text] of emitC(model, plan.blocks, { inputInArena: true })) writeFileSync(join(dir, name), text);
    const h = readFileSync(join(dir, 'msf_model.h'), 'utf8');
    const offset = Number(/#define MSF_INPUT_OFFSET (\d+)/.exec(h)?.[1]);
    expect(offset).toBe(scheduleOf(model, plan.blocks, undefined, { inputInArena: true }).preloaded[0]!.at.offset);
    expect(h).toContain(`#define MSF_ARENA_BYTES ${plan.peakBytes}\n`);
    expect(readFileSync(join(dir, 'msf_model.c'), 'utf8')).toMatch(/if \(in != MSF_ARENA_AT\(MSF_INPUT_OFFSET\)\) memcpy\(arena \+ MSF_INPUT_OFFSET, in, MSF_INPUT_BYTES\);/);
    cc(dir, '-o', 'msf_model', 'main.c', 'msf_model.c', ...library());
    writeFileSync(join(dir, 'input.bin'), input[0]!);
    expect(runIn(dir, 'input.bin', 'output.bin')).toMatch(/^msf: ok/);
    expect(same(read(new URL(`file://${join(dir, 'output.bin')}`)), expected[0]!)).toBe(true);
    // The caller writes the input into its own arena at MSF_INPUT_OFFSET and passes that address: nothing is copied, same bytes.
    writeFileSync(
      join(dir, 'inplace.c'),
      [
        '#include <stdio.h>', '#include <string.h>', '#include "msf_model.h"',
        'static uint8_t arena[MSF_ARENA_BYTES];', 'static int8_t out[MSF_OUTPUT_BYTES];',
        'int main(void) {',
        '  FILE *f = fopen("input.bin", "rb"); if (!f || fread(arena + MSF_INPUT_OFFSET, 1, MSF_INPUT_BYTES, f) != MSF_INPUT_BYTES) return 2; fclose(f);',
        '  if (msf_model_run_with_arena(arena, (const int8_t *)(arena + MSF_INPUT_OFFSET), out) != 0) return 3;',
        '  f = fopen("inplace.bin", "wb"); fwrite(out, 1, MSF_OUTPUT_BYTES, f); fclose(f); return 0;',
        '}', '',
      ].join('\n'),
    );
    cc(dir, '-o', 'inplace', 'inplace.c', 'msf_model.c', ...library());
    execFileSync(join(dir, 'inplace'), { cwd: dir });
    expect(same(read(new URL(`file://${join(dir, 'inplace.bin')}`)), expected[0]!)).toBe(true);
  }, 60_000);

  it('residual graphs whose fused ADD reads the network input from the arena: the C gives the layer-by-layer bytes', () => {
    let built = 0;
    for (let seed = 2; seed <= 60 && built < 3; seed += 2) {
      const model = executableModel(residualGraph(seed), seed);
      const inT = modelInputs(model)[0]!;
      const pt = planModel(model, { inputInArena: true, front: true }).front!.find((p) =>
        scheduleOf(model, p.blocks, undefined, { inputInArena: true }).steps.some((st) => st.stages.some((x) => x.other?.operand.tensor === inT && x.other.operand.at === 'arena')),
      );
      if (!pt) continue;
      const dir = join(scratch, `residual-${seed}`);
      mkdirSync(dir);
      for (const [name, text] of emitC(model, pt.blocks, { inputInArena: true, seed })) writeFileSync(join(dir, name), text);
      const input = seededInput(tensorBytes(model.tensors[inT]!.shape), seed);
      writeFileSync(join(dir, 'input.bin'), input);
      cc(dir, '-o', 'msf_model', 'main.c', 'msf_model.c', ...library());
      runIn(dir, 'input.bin', 'output.bin');
      expect(readFileSync(join(dir, 'output.bin')).equals(Buffer.from(exec.run(model, layerByLayer(model), [input]).output)), `seed ${seed}`).toBe(true);
      built++;
    }
    expect(built).toBe(3);
  }, 60_000);

  it('msf emit --input-in-arena on RNNoise (4 inputs, 5 outputs): MSF_INPUT_<i>_OFFSET, its build reproduces expected_<j>.bin; plan and run say the input is in the arena', async () => {
    const path = new URL('../../shared/more-models/models/armzoo_rnnoise_int8.tflite', import.meta.url).pathname;
    const dir = join(scratch, 'rnnoise');
    const r = await runCli('emit', path, '--input-in-arena', '--no-build', '--json', '--out', dir);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { arenaBytes: number; inputBytes: number; outputBytes: number; totalSramBytes: number };
    const plan = await runCli('plan', path, '--input-in-arena', '--json');
    const pj = JSON.parse(plan.stdout) as { solution: { peakBytes: number }; memory: { inputBytes: number; totalSramBytes: number; arenaBytes: number; outputBytes: number } };
    expect(j.arenaBytes).toBe(pj.solution.peakBytes);
    expect(pj.memory).toMatchObject({ arenaBytes: j.arenaBytes, inputBytes: 0, totalSramBytes: j.arenaBytes + pj.memory.outputBytes });
    expect(j.totalSramBytes).toBe(pj.memory.totalSramBytes);
    const h = readFileSync(join(dir, 'msf_model.h'), 'utf8');
    for (let i = 0; i < 4; i++) expect(h).toMatch(new RegExp(`#define MSF_INPUT_${i}_OFFSET \\d+`));
    cc(dir, '-o', 'msf_model', 'main.c', 'msf_model.c', ...library());
    expect(runIn(dir)).toMatch(/^msf: ok/);
    for (let k = 0; k < 5; k++) expect(readFileSync(join(dir, `output_${k}.bin`)).equals(readFileSync(join(dir, `expected_${k}.bin`))), `output ${k}`).toBe(true);
    const run = await runCli('run', path, '--input-in-arena');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`peak RAM   predicted ${j.arenaBytes.toLocaleString('en-US')} B, measured ${j.arenaBytes.toLocaleString('en-US')} B \\(identical\\); arena [\\d,]+ B \\(the network input lives in it\\)`));
    expect(run.stdout).toContain(`total SRAM ${j.totalSramBytes.toLocaleString('en-US')} B = arena ${j.arenaBytes.toLocaleString('en-US')} (with the input) + output ${j.outputBytes.toLocaleString('en-US')} B (the caller's buffer)`);
  }, 60_000);
});
