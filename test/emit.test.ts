// The C emitter (`msf emit`, src/emit): the emitted C99 builds warning-free with gcc, runs the same
// plan in the same arena and writes the same output bytes as the Wasm executor (zoo models at the
// minimum-RAM and the layer-by-layer plan; the shared TFLite models against TensorFlow Lite Micro's
// own outputs), builds for a Cortex-M4 with picolibc with .bss = the arena plus a few bytes, and
// gives the same bytes under qemu (mps2-an386, semihosting). Output is deterministic; a plan that
// does not fit --mcu is refused with exit 4 before anything is written.
//
// The compilers are required, not optional: when one is missing these tests fail and say what to
// install (CI installs them, see .ci/run).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD, LIBRARY_FILES, LIBRARY_SOURCES, emitC, emitProgram } from '../src/emit/emit-c.js';
import { InfeasibleError, ModelError } from '../src/errors.js';
import { modelInputs, modelOutputs, tensorBytes } from '../src/model/ir.js';
import { loadModel } from '../src/import/load.js';
import { buildChain } from '../src/model/chain.js';
import { withSeededParams } from '../src/model/seeded.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import type { Block } from '../src/plan/engine.js';
import { planModel } from '../src/plan/planner.js';
import { mcuProfile } from '../src/runtime/mcu.js';
import { decodeOutput } from '../src/runtime/encoding.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';
import { exactCostTable } from '../src/cost/exact.js';
import { runCli } from './helpers/cli.js';
import { residualGraph } from './helpers/residual.js';

const TOOLS: Record<string, string> = {
  gcc: 'gcc (Debian: gcc libc6-dev)',
  'arm-none-eabi-gcc': 'the Arm GNU toolchain (Debian: gcc-arm-none-eabi)',
  'arm-none-eabi-size': 'the Arm GNU binutils (Debian: gcc-arm-none-eabi / binutils-arm-none-eabi)',
  'qemu-system-arm': 'QEMU for Arm (Debian: qemu-system-arm)',
};
const PICOLIBC_SPECS = '/usr/lib/picolibc/arm-none-eabi/picolibc.specs';

/** Fails (never skips) with what to install when a tool is missing. */
function requireTool(tool: string): void {
  const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) throw new Error(`${tool} is not installed or does not run: the C emitter tests need ${TOOLS[tool]}`);
  if (tool === 'arm-none-eabi-gcc' && !existsSync(PICOLIBC_SPECS))
    throw new Error(`picolibc for arm-none-eabi is missing (${PICOLIBC_SPECS}): install Debian's picolibc-arm-none-eabi`);
}

const root = mkdtempSync(join(tmpdir(), 'msf-emit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HOST_CC = ['-std=c99', '-pedantic-errors', '-Wall', '-Wextra', '-Werror', '-O2'];
const SOURCES = ['main.c', 'msf_model.c', ...LIBRARY_SOURCES];
/** The README's Cortex-M4 command line, with -Wall -Wextra -Werror added. */
const armArgs = (): string[] => {
  const words = BUILD.cortexM4.split(' ');
  expect(words[0]).toBe('arm-none-eabi-gcc');
  return [...words.slice(1, words.indexOf('-o')), '-Wall', '-Wextra', '-Werror', '-o', 'msf_model.elf', ...SOURCES];
};

function writeFiles(dir: string, files: Map<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
}

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 16 << 20 });
  if (r.error) throw new Error(`${cmd} failed to run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status} (signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function hostBuild(dir: string, exe = 'msf_model', extra: string[] = []): string {
  requireTool('gcc');
  run('gcc', [...HOST_CC, ...extra, '-o', exe, ...SOURCES], dir);
  return join(dir, exe);
}

/** Runs a host build on one input; returns the output bytes. */
function hostRun(exe: string, dir: string, input: Uint8Array, tag = 'x'): Buffer {
  return hostRunAll(exe, dir, [input], 1, tag)[0]!;
}

/** Runs a host build on one file per model input; returns each output's bytes. */
function hostRunAll(exe: string, dir: string, inputs: Uint8Array[], outputs: number, tag = 'x'): Buffer[] {
  const many = inputs.length > 1 || outputs > 1;
  const inPaths = inputs.map((b, i) => {
    const path = join(dir, many ? `in_${tag}_${i}.bin` : `in_${tag}.bin`);
    writeFileSync(path, b);
    return path;
  });
  const outPaths = Array.from({ length: outputs }, (_, j) => join(dir, many ? `out_${tag}_${j}.bin` : `out_${tag}.bin`));
  const stdout = run(exe, [...inPaths, ...outPaths], dir, 60_000);
  expect(stdout).toMatch(/^msf: ok, \d+ output bytes/);
  return outPaths.map((p) => readFileSync(p));
}

/** .bss of an ELF, from `arm-none-eabi-size -A` (the section, not Berkeley's bss column with the stack). */
function sections(elf: string, dir: string): Map<string, number> {
  requireTool('arm-none-eabi-size');
  const text = run('arm-none-eabi-size', ['-A', elf], dir);
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 3 && f[0]!.startsWith('.') && /^\d+$/.test(f[1]!)) m.set(f[0]!, Number(f[1]));
  }
  return m;
}

function armBuild(dir: string): Map<string, number> {
  requireTool('arm-none-eabi-gcc');
  run('arm-none-eabi-gcc', armArgs(), dir);
  return sections('msf_model.elf', dir);
}

/** Runs the Cortex-M4 build under qemu in `dir` (input.bin -> output.bin by semihosting). */
function qemuRun(dir: string, input: Uint8Array): Buffer {
  requireTool('qemu-system-arm');
  writeFileSync(join(dir, 'input.bin'), input);
  rmSync(join(dir, 'output.bin'), { force: true });
  const args = BUILD.qemu.split(' ');
  expect(args[0]).toBe('qemu-system-arm');
  const r = spawnSync(args[0]!, args.slice(1), { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`qemu-system-arm failed to run: ${r.error.message}`);
  expect(r.status, `qemu exit status (signal ${r.signal}); output:\n${r.stdout}\n${r.stderr}`).toBe(0);
  expect(`${r.stdout}${r.stderr}`).toMatch(/msf: ok, \d+ output bytes written to output\.bin/);
  return readFileSync(join(dir, 'output.bin'));
}

/** Runs the Cortex-M4 build under qemu in `dir` on one buffer per model input (semihosting files
 * input.bin / output.bin, or input_<i>.bin / output_<j>.bin when there are several). */
function qemuRunAll(dir: string, inputs: Uint8Array[], outputs: number): Buffer[] {
  if (inputs.length === 1 && outputs === 1) return [qemuRun(dir, inputs[0]!)];
  requireTool('qemu-system-arm');
  inputs.forEach((b, i) => writeFileSync(join(dir, `input_${i}.bin`), b));
  for (let j = 0; j < outputs; j++) rmSync(join(dir, `output_${j}.bin`), { force: true });
  const args = BUILD.qemu.split(' ');
  const r = spawnSync(args[0]!, args.slice(1), { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`qemu-system-arm failed to run: ${r.error.message}`);
  expect(r.status, `qemu: ${r.stdout}${r.stderr}`).toBe(0);
  expect(`${r.stdout}${r.stderr}`).toMatch(new RegExp(`msf: ok, \\d+ output bytes written to ${outputs} files`));
  return Array.from({ length: outputs }, (_, j) => readFileSync(join(dir, `output_${j}.bin`)));
}

const layerByLayer = (n: number): Block[] => Array.from({ length: n }, (_, i) => [i, i] as Block);

it('the C toolchains are installed (gcc, arm-none-eabi-gcc + picolibc, arm-none-eabi-size, qemu-system-arm)', () => {
  for (const tool of Object.keys(TOOLS)) requireTool(tool);
});

describe.each(ZOO_IDS)('%s', (id) => {
  const model = withSeededParams(zooModel(id), 1);
  const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 1);
  const plans: Record<string, Block[]> = {
    'minimum RAM': planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks,
    vanilla: layerByLayer(model.layers.length),
  };

  describe.each(Object.keys(plans))('%s plan', (planName) => {
    const blocks = plans[planName]!;
    const dir = join(root, `${id}-${planName.replace(' ', '-')}`);
    let arenaBytes = 0;
    let wasm: Uint8Array;

    beforeAll(() => {
      const { files, summary } = emitProgram(model, blocks);
      writeFiles(dir, files);
      arenaBytes = summary.arenaBytes;
      const r = getExecutor().run(model, blocks, input);
      wasm = r.output;
      // The arena the C declares is the one the executor ran in, to the byte.
      expect(r.arenaBytes).toBe(arenaBytes);
      expect(r.measuredPeakBytes).toBe(arenaBytes);
    });

    it('declares one static arena of the plan\'s exact peak and allocates nothing', () => {
      const c = readFileSync(join(dir, 'msf_model.c'), 'utf8');
      expect(c.match(/static uint8_t msf_arena\[(\d+)\];/)?.[1]).toBe(String(arenaBytes));
      expect(c.match(/static uint8_t /g)).toHaveLength(1);
      const h = readFileSync(join(dir, 'msf_model.h'), 'utf8');
      expect(h).toContain(`#define MSF_ARENA_BYTES ${arenaBytes}\n`);
      expect(h).toContain(`#define MSF_INPUT_BYTES ${input.length}\n`);
      expect(h).toContain('int msf_model_run(const int8_t *in, int8_t *out);');
      for (const f of readdirSync(dir).filter((n) => /^msf_\w+\.[ch]$/.test(n))) {
        const text = readFileSync(join(dir, f), 'utf8');
        expect(text, f).not.toMatch(/\b(malloc|calloc|realloc|free)\s*\(/);
        for (const inc of text.matchAll(/#include\s+[<"]([^>"]+)[>"]/g))
          expect(['stdint.h', 'stddef.h', 'string.h', 'arm_acle.h', 'msf_kernels.h', 'msf_internal.h', 'msf_fast.h', 'msf_stream.h', 'msf_stream_fast.h', 'msf_model.h'], `${f} includes ${inc[1]}`).toContain(inc[1]);
      }
      const fused = blocks.filter(([a, b]) => b > a).length;
      expect(c.match(/= msf_run_block\(/g)?.length ?? 0).toBe(fused);
      expect(c.match(/= msf_run_layer\(/g)?.length ?? 0).toBe(blocks.length - fused);
    });

    it('gcc -std=c99 -Wall -Wextra -Werror -O2 builds it and it computes the Wasm executor\'s bytes', () => {
      const exe = hostBuild(dir);
      const out = hostRun(exe, dir, input);
      expect(out.length).toBe(wasm.length);
      expect(out.equals(Buffer.from(wasm)), 'C output differs from the Wasm executor').toBe(true);
    }, 60_000);

    it('Cortex-M4 (picolibc): .bss is the arena plus at most 1 KiB, constants stay in flash', () => {
      const s = armBuild(dir);
      const bss = s.get('.bss')!;
      expect(bss).toBeGreaterThanOrEqual(arenaBytes);
      expect(bss).toBeLessThanOrEqual(arenaBytes + 1024);
      expect(s.get('.data') ?? 0).toBeLessThan(1024); // weights are const: .text/.rodata, not RAM
      expect(s.get('.text')!).toBeGreaterThan(model.layers.reduce((n, l) => n + (l.params?.weights?.length ?? 0), 0));
    }, 60_000);

    if (planName === 'minimum RAM') {
      it('qemu mps2-an386 (Cortex-M4, semihosting) gives the same bytes', () => {
        expect(existsSync(join(dir, 'msf_model.elf')), 'the Cortex-M4 build of the previous test').toBe(true);
        const out = qemuRun(dir, input);
        expect(out.equals(Buffer.from(wasm)), 'qemu output differs from the Wasm executor').toBe(true);
      }, 90_000);

      it('no out-of-bounds access or undefined behaviour (gcc -fsanitize=address,undefined)', () => {
        const exe = hostBuild(dir, 'msf_model_san', ['-O1', '-fsanitize=address,undefined', '-fno-sanitize-recover=all']);
        const other = seededInput(input.length, 7);
        expect(hostRun(exe, dir, other, 'san').equals(Buffer.from(getExecutor().run(model, blocks, other).output))).toBe(true);
      }, 90_000);
    }
  });
});

describe('fused ADDs in the C walker (seeded random residual graphs)', () => {
  /**
   * The plan with the longest blocks (from each cut, the farthest edge of the exact table); with
   * `cutAtAdds`, a block never runs past an ADD, so that ADDs start blocks.
   */
  const longest = (model: ReturnType<typeof residualGraph>, cutAtAdds: boolean): Block[] => {
    const t = exactCostTable(model);
    const ends: number[][] = Array.from({ length: t.layers }, () => []);
    for (let v = 1; v <= t.layers; v++) for (let e = t.start[v]!; e < t.start[v + 1]!; e++) ends[t.from[e]!]!.push(v);
    const blocks: Block[] = [];
    for (let u = 0; u < t.layers; ) {
      let limit = t.layers;
      if (cutAtAdds) for (let l = u + 1; l < t.layers; l++) if (model.layers[l]!.op === 'add') { limit = l; break; }
      const v = Math.max(...ends[u]!.filter((x) => x <= limit));
      blocks.push([u, v - 1]);
      u = v;
    }
    return blocks;
  };
  const seen = { first: 0, input1: 0, input2: 0, modelInput: 0 };
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('graph %i, longest blocks (even graphs: cut before ADDs): gcc (sanitizers on) computes the Wasm executor\'s bytes', (seed) => {
    const model = withSeededParams(residualGraph(seed), seed);
    const blocks = longest(model, seed % 2 === 0);
    for (const [a, b] of blocks)
      for (let l = a; l <= b && b > a; l++) {
        const layer = model.layers[l]!;
        if (layer.op !== 'add') continue;
        if (l === a) { seen.first++; continue; }
        const other = layer.inputs.find((i) => i !== model.layers[l - 1]!.output)!;
        if (layer.inputs[0] === other) seen.input1++;
        else seen.input2++;
        if (other === model.input) seen.modelInput++;
      }
    const dir = join(root, `residual-${seed}`);
    const { files, summary } = emitProgram(model, blocks);
    writeFiles(dir, files);
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), seed);
    const r = getExecutor().run(model, blocks, input);
    expect(r.measuredPeakBytes).toBe(summary.arenaBytes);
    const exe = hostBuild(dir, 'msf_model', ['-O1', '-fsanitize=address,undefined', '-fno-sanitize-recover=all']);
    expect(hostRun(exe, dir, input).equals(Buffer.from(r.output)), `seed ${seed} blocks ${JSON.stringify(blocks)}`).toBe(true);
  }, 60_000);
  it('those plans fused ADDs first in a block, in both operand orders and reading the network input', () => {
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(0);
  });
});

describe('a plan that never uses the arena (one layer, input -> output)', () => {
  it('compiles with -Werror and computes the executor\'s bytes', () => {
    const model = withSeededParams(buildChain({ name: 'one', input: [8, 8, 3], layers: [{ op: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 1 }] }), 1);
    const { files, summary } = emitProgram(model, [[0, 0]]);
    expect(summary.arenaBytes).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'msf-one-layer-'));
    writeFiles(dir, files);
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 3);
    const expected = getExecutor().run(model, [[0, 0]], input).output;
    expect(hostRun(hostBuild(dir), dir, input).equals(Buffer.from(expected))).toBe(true);
  });
});

describe('msf emit (CLI)', () => {
  it('writes the C program, the seeded input and the expected output; the same arguments give byte-identical files', async () => {
    const a = join(root, 'cli-a');
    const b = join(root, 'cli-b');
    const args = ['emit', 'mcunet-vww5-r80', '--max-overhead', '1.5'];
    const r1 = await runCli(...args, '--out', a);
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = await runCli(...args, '--json', '--out', b);
    expect(r2.code, r2.stderr).toBe(0);
    const summary = JSON.parse(r2.stdout);
    expect(summary.files).toEqual(['msf_model.h', 'msf_model.c', ...LIBRARY_FILES, 'main.c', 'CMakeLists.txt', 'README.md', 'input.bin', 'expected.bin']);
    expect(readdirSync(a).sort()).toEqual([...summary.files].sort());
    for (const f of summary.files) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    // The plan is the one `msf plan` picks, the arena its exact peak, expected.bin what `msf run` computes.
    const model = withSeededParams(zooModel('mcunet-vww5-r80'), 1);
    const plan = planModel(model, { cost: 'exact', maxOverhead: 1.5 });
    expect(summary.blocks).toEqual(plan.solution.blocks);
    expect(summary.arenaBytes).toBe(plan.solution.peakBytes);
    const run1 = await runCli('run', 'mcunet-vww5-r80', '--max-overhead', '1.5', '--output', join(root, 'cli-run.bin'));
    expect(run1.code, run1.stderr).toBe(0);
    expect(readFileSync(join(a, 'expected.bin')).equals(readFileSync(join(root, 'cli-run.bin')))).toBe(true);
    expect(readFileSync(join(a, 'README.md'), 'utf8')).toContain(BUILD.cortexM4);
    // ... and the build in the README reproduces expected.bin.
    const exe = hostBuild(a);
    expect(hostRun(exe, a, readFileSync(join(a, 'input.bin'))).equals(readFileSync(join(a, 'expected.bin')))).toBe(true);
  }, 60_000);

  it('library output is a pure function of (model, blocks, options)', () => {
    const model = zooModel('mbv2-w0.35-r144');
    const blocks = planModel(withSeededParams(model, 3), { cost: 'exact', engine: 'js' }).solution.blocks;
    const x = emitC(model, blocks, { seed: 3 });
    const y = emitC(model, blocks, { seed: 3 });
    expect([...x.keys()]).toEqual([...y.keys()]);
    for (const [k, v] of x) expect(y.get(k) === v, k).toBe(true);
    const z = emitC(model, blocks, { seed: 4 });
    expect(z.get('msf_model.c')).not.toBe(x.get('msf_model.c')); // the seed reaches the weights
    for (const f of LIBRARY_SOURCES) expect(z.get(f), f).toBe(x.get(f)); // the library is fixed
  });

  it('--mcu: a plan that does not fit is refused with exit 4 and nothing is written', async () => {
    // No plan of mcunet-320kb-r176 fits the FE310's 16 KiB of SRAM.
    const d1 = join(root, 'refused-1');
    const r1 = await runCli('emit', 'mcunet-320kb-r176', '--mcu', 'fe310', '--out', d1);
    expect(r1.code).toBe(4);
    expect(r1.stderr).toMatch(/has 16,384 B of SRAM: input 92,928 B/);
    expect(existsSync(d1)).toBe(false);
    // The layer-by-layer plan (309,760 B) does not fit an STM32F412's 256 KiB: refused by the emitter.
    const d2 = join(root, 'refused-2');
    const r2 = await runCli('emit', 'mcunet-320kb-r176', '--vanilla', '--mcu', 'stm32f412zg', '--json', '--out', d2);
    expect(r2.code).toBe(4);
    expect(JSON.parse(r2.stdout).error.code).toBe('INFEASIBLE');
    expect(existsSync(d2)).toBe(false);
    // The same plan is accepted by a part that has the SRAM.
    const d3 = join(root, 'accepted');
    const r3 = await runCli('emit', 'mcunet-320kb-r176', '--vanilla', '--mcu', 'stm32f767zi', '--no-test-data', '--out', d3);
    expect(r3.code, r3.stderr).toBe(0);
    expect(readdirSync(d3)).toContain('msf_model.c');
    expect(readdirSync(d3)).not.toContain('expected.bin');
    // Library: the same refusal as a typed error.
    const model = withSeededParams(zooModel('mcunet-320kb-r176'), 1);
    expect(() => emitC(model, layerByLayer(model.layers.length), { mcu: mcuProfile('stm32f412zg') })).toThrow(InfeasibleError);
  }, 60_000);

  it('usage errors: --out is required; blocks must cover the model', async () => {
    const r = await runCli('emit', 'mbv2-w0.35-r144');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out/);
    const model = withSeededParams(zooModel('mbv2-w0.35-r144'), 1);
    expect(() => emitC(model, [[0, 3]])).toThrow(/do not cover/);
    expect(() => emitC(model, [[0, 52], [52, 52]])).toThrow(/do not cover/);
  });
});

// The shared TFLite models: every operator of the executor (add, mean, fully connected, pad,
// softmax, pooling) in C, against TensorFlow Lite Micro's outputs for the conformance inputs.
const MODELS = fileURLToPath(new URL('../../shared/models/', import.meta.url));
const CONFORMANCE = fileURLToPath(new URL('../../shared/conformance/', import.meta.url));
const MORE = fileURLToPath(new URL('../../shared/more-models/', import.meta.url));
const listed = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tflite')).sort() : []);
const TFLITE = listed(MODELS);
const MORE_TFLITE = listed(join(MORE, 'models'));
const modelPath = (file: string) => (TFLITE.includes(file) ? join(MODELS, file) : join(MORE, 'models', file));
const conformanceDir = (file: string) => join(TFLITE.includes(file) ? CONFORMANCE : join(MORE, 'conformance'), file.replace(/\.tflite$/, ''));

describe('shared TFLite models: emitted C == TensorFlow Lite Micro', () => {
  it('the shared models are present', () => {
    expect(TFLITE.length, `no .tflite models in ${MODELS}`).toBeGreaterThanOrEqual(8);
  });

  describe.each([...TFLITE, ...MORE_TFLITE])('%s', (file) => {
    const name = file.replace(/\.tflite$/, '');
    const dir = join(root, `tflite-${name}`);

    it('minimum-RAM plan: gcc build (sanitizers on) reproduces out_<k>_0.bin for the five conformance inputs and the Wasm output', () => {
      const model = loadModel(modelPath(file));
      let blocks: Block[];
      try {
        blocks = planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks;
      } catch (e) {
        throw new Error(`${name}: planning failed: ${(e as Error).message}`);
      }
      let files: Map<string, string>;
      try {
        files = emitC(model, blocks);
      } catch (e) {
        if (e instanceof ModelError) throw new Error(`${name}: the emitter refused the model: ${e.message}`);
        throw e;
      }
      writeFiles(dir, files);
      const exe = hostBuild(dir, 'msf_model', ['-O1', '-fsanitize=address,undefined', '-fno-sanitize-recover=all']);
      const conf = conformanceDir(file);
      const ins = modelInputs(model).length;
      const outs = modelOutputs(model).length;
      for (let k = 0; k <= 4; k++) {
        // The harness runs msf_model_run on the int8 network tensors: a float32 output is compared
        // after TFLM's DEQUANTIZE of the C output. Several inputs: in_<k>_<i>.bin, outputs out_<k>_<j>.bin.
        const input = Array.from({ length: ins }, (_, i) => readFileSync(join(conf, ins > 1 ? `in_${k}_${i}.bin` : `in_${k}.bin`)));
        const out = hostRunAll(exe, dir, input, outs, String(k));
        out.forEach((o, j) =>
          expect(Buffer.from(j === 0 ? decodeOutput(model, o) : o).equals(readFileSync(join(conf, `out_${k}_${j}.bin`))), `${name} input ${k} output ${j}`).toBe(true),
        );
        if (k === 1) {
          const wasm = getExecutor().run(model, blocks, input).outputs;
          out.forEach((o, j) => expect(o.equals(Buffer.from(wasm[j]!)), `${name}: C vs Wasm, output ${j}`).toBe(true));
        }
      }
    }, 90_000);

    it('minimum-RAM plan: the Cortex-M4 build (picolibc) under qemu gives TFLM\'s bytes for conformance input 2; .bss is the arena plus at most 1 KiB', () => {
      expect(existsSync(join(dir, 'msf_model.c')), 'the files of the previous test').toBe(true);
      const model = loadModel(modelPath(file));
      const arena = Number(readFileSync(join(dir, 'msf_model.h'), 'utf8').match(/#define MSF_ARENA_BYTES (\d+)\n/)![1]);
      const s = armBuild(dir);
      expect(s.get('.bss')!).toBeGreaterThanOrEqual(arena);
      expect(s.get('.bss')!).toBeLessThanOrEqual(arena + 1024);
      const conf = conformanceDir(file);
      const ins = modelInputs(model).length;
      const outs = modelOutputs(model).length;
      const input = Array.from({ length: ins }, (_, i) => readFileSync(join(conf, ins > 1 ? `in_2_${i}.bin` : 'in_2.bin')));
      qemuRunAll(dir, input, outs).forEach((o, j) =>
        expect(Buffer.from(j === 0 ? decodeOutput(model, o) : o).equals(readFileSync(join(conf, `out_2_${j}.bin`))), `${name} on the Cortex-M4, output ${j}`).toBe(true),
      );
    }, 120_000);
  });

});
