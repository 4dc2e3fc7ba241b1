// Streamed C (src/emit/stream-c.ts + src/emit/c/msf_stream.c): the streaming plans of issue #14
// (line buffers, column caches, residual streams, pooling tails, in place) emitted as C99, the pull
// walk running in C. Built with gcc -Werror, the program gives the layer-by-layer Wasm run's bytes
// (bit-exact with TensorFlow Lite Micro) and, on TFLM's conformance inputs, TFLM's own output bytes;
// the arena the C declares is the predicted peak; one model also under QEMU Cortex-M4. Models with
// several inputs and outputs: every output TFLM's (RNNoise, the two-output detector) or the
// layer-by-layer run's (unions of random graphs, whose streamed blocks read input k / write output j).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { streamGraphTable } from '../src/cost/stream-sim.js';
import { BUILD, LIBRARY_SOURCES } from '../src/emit/emit-c.js';
import { emitStreamedProgram } from '../src/emit/stream-c.js';
import { loadModel } from '../src/import/load.js';
import { buildChain } from '../src/model/chain.js';
import { randomChain } from '../src/model/generate.js';
import { type Model, modelInputs, modelOutputs, tensorBytes } from '../src/model/ir.js';
import { readTflite } from '../src/import/tflite.js';
import { tfliteToModel } from '../src/import/tflite-lower.js';
import { randomGraph, unionOf } from './helpers/random-graph.js';
import { rng } from './helpers/rng.js';
import { executableModel, seededInput } from '../src/model/seeded.js';
import type { FrontPoint } from '../src/plan/engine.js';
import { JsSearchEngine } from '../src/plan/solver-js.js';
import { type StreamEdge, chosenEdges } from '../src/plan/stream-schedule.js';
import { decodeOutput } from '../src/runtime/encoding.js';
import { getExecutor } from '../src/runtime/run.js';
import { residualGraph } from './helpers/residual.js';
import { runCli } from './helpers/cli.js';
import { getEngine } from '../src/plan/planner.js';
import { problemOf } from '../src/plan/problems.js';
import { streamPlanOf } from '../src/plan/stream-plan.js';

const MODELS = new URL('../../shared/models/', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'msf-emit-stream-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const js = new JsSearchEngine();
const SOURCES = ['main.c', 'msf_model.c', ...LIBRARY_SOURCES];

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 16 << 20 });
  if (r.error) throw new Error(`${cmd} failed to run (the tests need gcc, arm-none-eabi-gcc + picolibc and qemu-system-arm: .ci/run installs them): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

const CC = ['-std=c99', '-pedantic-errors', '-Wall', '-Wextra', '-Werror', '-O2'];
let library: string[] | undefined;

/** Writes and host-builds the streamed C of the edges (the library compiled once); returns the directory and the arena it declares. */
function build(model: Model, edges: readonly StreamEdge[], tag: string, inputInArena = false) {
  const dir = join(root, tag);
  mkdirSync(dir, { recursive: true });
  const { files, summary } = emitStreamedProgram(model, edges, { inputInArena });
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  if (!library) {
    run('gcc', [...CC, '-c', ...LIBRARY_SOURCES], dir);
    library = LIBRARY_SOURCES.map((f) => join(dir, f.replace(/\.c$/, '.o')));
  }
  run('gcc', [...CC, '-o', 'msf_model', 'main.c', 'msf_model.c', ...library], dir);
  const arena = Number(/#define MSF_ARENA_BYTES (\d+)/.exec(files.get('msf_model.h')!)![1]);
  expect(files.get('msf_model.c')).toContain(`static uint8_t msf_arena[${Math.max(1, arena)}];`);
  return { dir, arena, summary };
}

function hostRun(dir: string, input: Uint8Array, k: number | string): Buffer {
  return hostRunAll(dir, [input], 1, k)[0]!;
}

/** Runs the host build on one file per model input (main.c's argument order: inputs, then outputs); each output's bytes. */
function hostRunAll(dir: string, inputs: readonly Uint8Array[], outputs: number, k: number | string): Buffer[] {
  const ins = inputs.map((b, i) => {
    writeFileSync(join(dir, `in_${k}_${i}.bin`), b);
    return `in_${k}_${i}.bin`;
  });
  const outs = Array.from({ length: outputs }, (_, j) => `out_${k}_${j}.bin`);
  expect(run(join(dir, 'msf_model'), [...ins, ...outs], dir)).toMatch(/^msf: ok/);
  return outs.map((f) => readFileSync(join(dir, f)));
}

const lowest = (front: FrontPoint[], base: number, F: number) => front.filter((x) => x.macs <= F * base * (1 + 1e-12)).sort((a, b) => a.peakBytes - b.peakBytes)[0]!;
const layerByLayerAll = (model: Model, inputs: readonly Uint8Array[]) => getExecutor().run(model, model.layers.map((_, i) => [i, i]), [...inputs]).outputs;
const layerByLayer = (model: Model, input: Uint8Array) => layerByLayerAll(model, [input])[0]!;
const MORE = new URL('../../shared/more-models/', import.meta.url);

describe('streamed C', { timeout: 300_000 }, () => {
  it.each(['mlperf_ic_resnet8_int8', 'mlperf_kws_dscnn_int8', 'armzoo_micronet_vww2_50_int8', 'mlperf_vww_96_int8'])(
    '%s at its F <= 1.05 streaming plan: TFLM\'s bytes on its conformance inputs, the arena is the predicted peak', (id) => {
      const model = executableModel(loadModel(`${MODELS}${id}.tflite`));
      const t = streamGraphTable(model, 24);
      const p = lowest(js.front(t), t.baselineMacs, 1.05);
      const edges = chosenEdges(t, p);
      expect(edges.some((e) => e.n > e.m)).toBe(true);
      const { dir, arena } = build(model, edges, id);
      expect(arena).toBe(p.peakBytes);
      expect(readFileSync(join(dir, 'msf_model.c'), 'utf8')).toContain('MSF_SB_RING'); // line buffers really stream
      const conf = new URL(`../../shared/conformance/${id}/`, import.meta.url);
      for (const k of [1, 2]) {
        const out = hostRun(dir, new Uint8Array(readFileSync(new URL(`in_${k}.bin`, conf))), k);
        expect(Buffer.from(decodeOutput(model, out)).equals(readFileSync(new URL(`out_${k}_0.bin`, conf))), `${id} input ${k}`).toBe(true);
      }
    },
  );

  it.each(['tflm_sensiml_model_runner_int8'])(
    '%s (an operand read through a folded RESHAPE: such layers run whole) at F <= 1.05: the layer-by-layer bytes', (id) => {
      const model = executableModel(loadModel(new URL(`../../shared/more-models/models/${id}.tflite`, import.meta.url).pathname));
      const t = streamGraphTable(model, 24);
      const p = lowest(js.front(t), t.baselineMacs, 1.05);
      const { dir, arena } = build(model, chosenEdges(t, p), id);
      expect(arena).toBe(p.peakBytes);
      const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 3);
      expect(hostRun(dir, input, 0).equals(Buffer.from(layerByLayer(model, input)))).toBe(true);
    },
  );

  it('random chains and residual graphs: every front point with a column cache or in place, and each minimum, gives the layer-by-layer bytes', () => {
    let points = 0;
    let cached = 0;
    let inPlace = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const model = executableModel(seed % 2 ? buildChain(randomChain(seed, 3 + (seed % 5), 16)) : residualGraph(seed));
      const t = streamGraphTable(model, 12);
      const front = js.front(t);
      const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), seed);
      const truth = Buffer.from(layerByLayer(model, input));
      front.forEach((p, i) => {
        const edges = chosenEdges(t, p);
        const withCache = edges.some((e) => e.n > e.m && e.holds.slice(1).includes(0));
        const placed = edges.some((e) => e.inPlace);
        if (!withCache && !placed && i !== front.length - 1) return;
        const { dir, arena } = build(model, edges, `r${seed}-${i}`);
        expect(arena).toBe(p.peakBytes);
        expect(hostRun(dir, input, 0).equals(truth), `${model.name} at ${p.peakBytes} B`).toBe(true);
        points++;
        if (withCache) cached++;
        if (placed) inPlace++;
      });
    }
    console.log(`streamed C: ${points} front points of 16 random models (${cached} with column caches, ${inPlace} in place)`);
    expect(cached).toBeGreaterThan(3);
    expect(inPlace).toBeGreaterThan(0);
  });

  it.each(['mlperf_ic_resnet8_int8', 'mlperf_kws_dscnn_int8'])('%s with the input in the arena (F <= 1.05): TFLM\'s bytes, the arena is that plan\'s peak, msf_model_run copies the input to MSF_INPUT_OFFSET', (id) => {
    const model = executableModel(loadModel(`${MODELS}${id}.tflite`));
    const plan = streamPlanOf(model, getEngine(), problemOf(undefined, 1.05), { inputInArena: true });
    const { dir, arena } = build(model, plan.edges, `${id}-in-arena`, true);
    expect(arena).toBe(plan.chosen.peakBytes);
    expect(readFileSync(join(dir, 'msf_model.h'), 'utf8')).toMatch(/#define MSF_INPUT_OFFSET \d+/);
    const conf = new URL(`../../shared/conformance/${id}/`, import.meta.url);
    const out = hostRun(dir, new Uint8Array(readFileSync(new URL('in_1.bin', conf))), 'arena');
    expect(Buffer.from(decodeOutput(model, out)).equals(readFileSync(new URL('out_1_0.bin', conf)))).toBe(true);
  });

  it.each([['armzoo_rnnoise_int8', false], ['armzoo_rnnoise_int8', true], ['tflm_custom_model_rf_keras_int8', false]] as const)(
    '%s (several inputs and outputs), input in the arena: %s, at F <= 1.05: every output TFLM\'s on its conformance inputs, the arena is the predicted peak', (id, inputInArena) => {
      const model = executableModel(tfliteToModel(readTflite(new Uint8Array(readFileSync(new URL(`models/${id}.tflite`, MORE))), id), id));
      const ins = modelInputs(model).length;
      const outs = modelOutputs(model).length;
      const plan = streamPlanOf(model, getEngine(), problemOf(undefined, 1.05), { inputInArena });
      expect(plan.edges.some((e) => e.n > e.m)).toBe(true);
      const { dir, arena } = build(model, plan.edges, `${id}-${inputInArena}`, inputInArena);
      expect(arena).toBe(plan.chosen.peakBytes);
      const h = readFileSync(join(dir, 'msf_model.h'), 'utf8');
      expect(h).toContain(`#define MSF_INPUTS ${ins}\n`);
      expect(h).toContain(`#define MSF_OUTPUTS ${outs}\n`);
      if (inputInArena) for (let i = 0; i < ins; i++) expect(h).toMatch(new RegExp(`#define MSF_INPUT_${i}_OFFSET \\d+`));
      const conf = new URL(`conformance/${id}/`, MORE);
      for (const k of id === 'armzoo_rnnoise_int8' ? [1, 2, 3] : [1]) {
        const input = Array.from({ length: ins }, (_, i) => new Uint8Array(readFileSync(new URL(ins > 1 ? `in_${k}_${i}.bin` : `in_${k}.bin`, conf))));
        hostRunAll(dir, input, outs, k).forEach((o, j) =>
          expect(Buffer.from(j === 0 ? decodeOutput(model, o) : o).equals(readFileSync(new URL(`out_${k}_${j}.bin`, conf))), `${id} input ${k} output ${j}`).toBe(true),
        );
      }
    },
  );

  it('unions of random graphs (2-3 inputs, 3-5 outputs): front points whose streamed blocks read input k > 0 or write output j > 0 give every layer-by-layer output, input in the arena or not', () => {
    let points = 0;
    const seen = new Set<string>();
    const FAMILIES = ['conv', 'depthwise', 'pool', 'binary'] as const;
    for (let seed = 1; seed <= 12; seed++) {
      const r = rng(4100 + seed);
      const g = unionOf([randomGraph(r, { ops: r.int(3, 6), families: [...FAMILIES], inputs: 1 }), randomGraph(r, { ops: r.int(3, 6), families: [...FAMILIES] })]);
      const model = executableModel(tfliteToModel(readTflite(g.bytes, 'g.tflite'), `u${seed}`));
      const truth = layerByLayerAll(model, g.data).map((o) => Buffer.from(o));
      for (const inputInArena of [false, true]) {
        const t = streamGraphTable(model, 12, { inputInArena });
        js.front(t).forEach((p, i) => {
          const edges = chosenEdges(t, p);
          const c = emitStreamedProgram(model, edges, { inputInArena }).files.get('msf_model.c')!;
          const indexed = c.match(/MSF_SB_(INPUT|OUTPUT), [1-9]/g);
          if (!indexed) return;
          for (const x of indexed) seen.add(x);
          const { dir, arena } = build(model, edges, `u${seed}-${inputInArena}-${i}`, inputInArena);
          expect(arena).toBe(p.peakBytes);
          hostRunAll(dir, g.data, truth.length, 0).forEach((o, j) => expect(o.equals(truth[j]!), `${model.name} at ${p.peakBytes} B, output ${j}`).toBe(true));
          points++;
        });
      }
    }
    console.log(`streamed C, several inputs and outputs: ${points} front points of 12 unions of random graphs (${[...seen].sort().join(', ')})`);
    expect(points).toBeGreaterThan(5);
    expect([...seen].some((x) => x.startsWith('MSF_SB_INPUT'))).toBe(true);
    expect([...seen].some((x) => x.startsWith('MSF_SB_OUTPUT'))).toBe(true);
  });

  it('no out-of-bounds access or undefined behaviour (gcc -fsanitize=address,undefined): ResNet-8 (residual streams) and a chain with column caches', () => {
    const resnet = executableModel(loadModel(`${MODELS}mlperf_ic_resnet8_int8.tflite`));
    const chain = executableModel(buildChain(randomChain(3, 6, 16)));
    const SAN = [...CC, '-O1', '-fsanitize=address,undefined', '-fno-sanitize-recover=all'];
    let objects: string[] | undefined;
    for (const model of [resnet, chain]) {
      const t = streamGraphTable(model, 24);
      const front = js.front(t);
      const p = model === resnet ? lowest(front, t.baselineMacs, 1.05) : front.find((x) => chosenEdges(t, x).some((e) => e.n > e.m && e.holds.slice(1).includes(0)))!;
      const dir = join(root, `san-${model.name}`);
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of emitStreamedProgram(model, chosenEdges(t, p)).files) writeFileSync(join(dir, name), text);
      if (!objects) {
        run('gcc', [...SAN, '-c', ...LIBRARY_SOURCES], dir);
        objects = LIBRARY_SOURCES.map((f) => join(dir, f.replace(/\.c$/, '.o')));
      }
      run('gcc', [...SAN, '-o', 'msf_model', 'main.c', 'msf_model.c', ...objects], dir);
      const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 5);
      expect(hostRun(dir, input, 'san').equals(Buffer.from(layerByLayer(model, input))), model.name).toBe(true);
    }
  });

  it('DS-CNN\'s F <= 1.05 streaming plan on a Cortex-M4 under QEMU: TFLM\'s bytes, .bss within the arena + 1 KiB', () => {
    const id = 'mlperf_kws_dscnn_int8';
    const model = executableModel(loadModel(`${MODELS}${id}.tflite`));
    const t = streamGraphTable(model, 24);
    const p = lowest(js.front(t), t.baselineMacs, 1.05);
    const dir = join(root, 'qemu');
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of emitStreamedProgram(model, chosenEdges(t, p)).files) writeFileSync(join(dir, name), text);
    const words = BUILD.cortexM4.split(' ');
    run(words[0]!, [...words.slice(1, words.indexOf('-o')), '-Wall', '-Wextra', '-Werror', '-o', 'msf_model.elf', ...SOURCES], dir);
    const bss = Number(/^\.bss\s+(\d+)/m.exec(run('arm-none-eabi-size', ['-A', 'msf_model.elf'], dir))![1]);
    expect(bss).toBeGreaterThanOrEqual(p.peakBytes);
    expect(bss).toBeLessThanOrEqual(p.peakBytes + 1024);
    const conf = new URL(`../../shared/conformance/${id}/`, import.meta.url);
    writeFileSync(join(dir, 'input.bin'), readFileSync(new URL('in_1.bin', conf)));
    const q = BUILD.qemu.split(' ');
    expect(run(q[0]!, q.slice(1), dir)).toMatch(/msf: ok/);
    expect(Buffer.from(decodeOutput(model, readFileSync(join(dir, 'output.bin')))).equals(readFileSync(new URL('out_1_0.bin', conf)))).toBe(true);
  });

  it('the fast streamed kernels (msf_stream_fast.h) on a Cortex-M4 (DSP) under QEMU: ResNet-8\'s F <= 1.05 plan (3x3 windows wrapping rings, border pixels) and random chains\' front points with column caches (odd channel counts, kernels up to 7x7) give the layer-by-layer bytes', () => {
    const words = BUILD.cortexM4.split(' ');
    const [cc, flags] = [words[0]!, words.slice(1, words.indexOf('-o'))];
    const q = BUILD.qemu.split(' ');
    let objects: string[] | undefined;
    const cases: { model: Model; edges: StreamEdge[]; tag: string }[] = [];
    const resnet = executableModel(loadModel(`${MODELS}mlperf_ic_resnet8_int8.tflite`));
    const rt = streamGraphTable(resnet, 24);
    cases.push({ model: resnet, edges: chosenEdges(rt, lowest(js.front(rt), rt.baselineMacs, 1.05)), tag: 'resnet8' });
    for (const seed of [1, 3, 5, 7, 9, 11]) {
      const model = executableModel(buildChain(randomChain(seed, 3 + (seed % 5), 16)));
      const t = streamGraphTable(model, 12);
      const p = js.front(t).find((x) => chosenEdges(t, x).some((e) => e.n > e.m && e.holds.slice(1).includes(0)));
      if (p) cases.push({ model, edges: chosenEdges(t, p), tag: `r${seed}` });
    }
    expect(cases.length).toBeGreaterThan(3);
    for (const { model, edges, tag } of cases) {
      const dir = join(root, `m4-${tag}`);
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of emitStreamedProgram(model, edges).files) writeFileSync(join(dir, name), text);
      if (!objects) {
        run(cc, [...flags, '-Wall', '-Wextra', '-Werror', '-c', ...LIBRARY_SOURCES], dir);
        objects = LIBRARY_SOURCES.map((f) => join(dir, f.replace(/\.c$/, '.o')));
      }
      run(cc, [...flags, '-Wall', '-Wextra', '-Werror', '-o', 'msf_model.elf', 'main.c', 'msf_model.c', ...objects], dir);
      const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 7);
      writeFileSync(join(dir, 'input.bin'), input);
      expect(run(q[0]!, q.slice(1), dir)).toMatch(/msf: ok/);
      expect(readFileSync(join(dir, 'output.bin')).equals(Buffer.from(layerByLayer(model, input))), tag).toBe(true);
    }
  });

  it('msf emit --stream --max-overhead 1.05 writes that plan\'s C, input.bin and expected.bin (its build gives them), for RNNoise input_<i>.bin / expected_<j>.bin; --stream --vanilla is refused', async () => {
    const id = 'mlperf_kws_dscnn_int8';
    const dir = join(root, 'cli');
    const r = await runCli('emit', `${MODELS}${id}.tflite`, '--stream', '--max-overhead', '1.05', '--out', dir, '--no-build', '--json');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { arenaBytes: number; stream: boolean; edges: { first: number; last: number }[] };
    const model = executableModel(loadModel(`${MODELS}${id}.tflite`));
    const t = streamGraphTable(model, 24);
    expect(json.stream).toBe(true);
    expect(json.arenaBytes).toBe(lowest(js.front(t), t.baselineMacs, 1.05).peakBytes);
    run('gcc', [...CC, '-o', 'msf_model', ...SOURCES], dir);
    expect(hostRun(dir, readFileSync(join(dir, 'input.bin')), 'cli').equals(readFileSync(join(dir, 'expected.bin')))).toBe(true);
    const bad = await runCli('emit', `${MODELS}${id}.tflite`, '--stream', '--vanilla', '--out', join(root, 'cli-bad'), '--no-build');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--stream: --vanilla is not supported/);
    const paper = await runCli('emit', `${MODELS}${id}.tflite`, '--input-in-arena', '--cost', 'paper', '--out', join(root, 'cli-bad2'), '--no-build');
    expect(paper.code).toBe(bad.code);
    expect(paper.stderr).toMatch(/--input-in-arena: the paper cost model leaves the input outside the arena/);
    // 4 inputs, 5 outputs, in the arena: input_<i>.bin and expected_<j>.bin, which its build reproduces.
    const rn = join(root, 'cli-rnnoise');
    const r2 = await runCli('emit', new URL('models/armzoo_rnnoise_int8.tflite', MORE).pathname, '--stream', '--input-in-arena', '--out', rn, '--no-build', '--json');
    expect(r2.code, r2.stderr).toBe(0);
    expect((JSON.parse(r2.stdout) as { inputBytes: number; outputBytes: number }).inputBytes).toBe(0); // (no input buffer outside the arena)
    run('gcc', [...CC, '-o', 'msf_model', 'main.c', 'msf_model.c', ...(library ?? LIBRARY_SOURCES)], rn);
    const inputs = [0, 1, 2, 3].map((i) => readFileSync(join(rn, `input_${i}.bin`)));
    expect(inputs.map((b) => b.length)).toEqual([42, 24, 48, 96]);
    hostRunAll(rn, inputs, 5, 'cli').forEach((o, j) => expect(o.equals(readFileSync(join(rn, `expected_${j}.bin`))), `expected_${j}.bin`).toBe(true));
  });
});
