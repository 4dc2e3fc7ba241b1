// The emitted C on every target, every kernel path, the same bytes: the portable reference kernels
// (-DMSF_PORTABLE) and the fast kernels on the host for every shared model at both plans (against
// TensorFlow Lite Micro's outputs), and under qemu Cortex-M4 (DSP path, portable path), Cortex-M7
// (mps2-an500), Cortex-M33 (mps2-an505) and RISC-V rv32imac (virt) for a representative subset:
// fused residual ADDs, depth multiplier 8 with a 10x8 kernel, a 1-channel stem, fully connected,
// softmax (test/emit.test.ts runs every zoo model's minimum-RAM plan on the Cortex-M4). ESP8266's Xtensa LX106 compiles it warning-free.
// The toolchains are required (CI installs them, see .ci/run).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD, emitC } from '../src/emit/emit-c.js';
import { type Model, tensorBytes } from '../src/model/ir.js';
import { loadModel } from '../src/import/load.js';
import type { Block } from '../src/plan/engine.js';
import { planModel } from '../src/plan/planner.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';

const MODELS = fileURLToPath(new URL('../../shared/models/', import.meta.url));
const CONFORMANCE = fileURLToPath(new URL('../../shared/conformance/', import.meta.url));
const TFLITE = existsSync(MODELS) ? readdirSync(MODELS).filter((f) => f.endsWith('.tflite')).map((f) => f.replace(/\.tflite$/, '')).sort() : [];
const root = mkdtempSync(join(tmpdir(), 'msf-targets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const STRICT = ['-Wall', '-Wextra', '-Werror'];

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 16 << 20 });
  if (r.error) throw new Error(`${cmd} failed to run (${r.error.message}): install it (see .ci/run)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status} (signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

const minimumRam = (m: Model): Block[] => planModel(m, { cost: 'exact', engine: 'js' }).solution.blocks;
const layerByLayer = (m: Model): Block[] => m.layers.map((_, i) => [i, i] as Block);

function emitTo(dir: string, model: Model, blocks: Block[]): string[] {
  mkdirSync(dir, { recursive: true });
  const files = emitC(model, blocks);
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return [...files.keys()].filter((n) => n.endsWith('.c'));
}

/** A README build line with extra flags before -o and the sources spelled out (no shell). */
function build(line: string, dir: string, sources: string[], extra: string[] = []): void {
  const words = line.split(' ');
  const o = words.indexOf('-o');
  run(words[0]!, [...words.slice(1, o), ...STRICT, ...extra, '-o', words[o + 1]!, ...sources], dir);
}

/** Runs a README qemu line in dir on input; returns output.bin. */
function qemu(line: string, dir: string, input: Uint8Array): Buffer {
  writeFileSync(join(dir, 'input.bin'), input);
  rmSync(join(dir, 'output.bin'), { force: true });
  const words = line.split(' ');
  expect(run(words[0]!, words.slice(1), dir, 90_000)).toMatch(/msf: ok, \d+ output bytes/);
  return readFileSync(join(dir, 'output.bin'));
}

// (test/emit.test.ts runs the fast kernels on the minimum-RAM plans, sanitizers on)
describe('host: the portable and the fast kernels compute TensorFlow Lite Micro\'s bytes on every shared model, layer by layer', () => {
  it('the shared models are present', () => expect(TFLITE.length).toBeGreaterThanOrEqual(8));
  describe.each(TFLITE)('%s', (name) => {
    it.each(['layer by layer'])('%s', (plan) => {
      const model = loadModel(join(MODELS, `${name}.tflite`));
      const dir = join(root, `host-${name}-${plan.replace(/ /g, '-')}`);
      const sources = emitTo(dir, model, plan === 'minimum RAM' ? minimumRam(model) : layerByLayer(model));
      const input = readFileSync(join(CONFORMANCE, name, 'in_3.bin'));
      const want = readFileSync(join(CONFORMANCE, name, 'out_3_0.bin'));
      writeFileSync(join(dir, 'in.bin'), input);
      for (const [exe, extra] of [['fast', []], ['portable', [BUILD.portable]]] as const) {
        run('gcc', ['-std=c99', '-pedantic', ...STRICT, '-O2', ...extra, '-o', exe, ...sources], dir);
        run(join(dir, exe), ['in.bin', `out-${exe}.bin`], dir);
        expect(readFileSync(join(dir, `out-${exe}.bin`)).equals(want), `${exe} kernels`).toBe(true);
      }
    }, 60_000);
  });
});

interface Subject {
  name: string;
  model: () => Model;
  blocks: (m: Model) => Block[];
}
const shared = (name: string, blocks: (m: Model) => Block[]): Subject => ({ name, model: () => loadModel(join(MODELS, `${name}.tflite`)), blocks });
const SUBSET: Subject[] = [
  shared('mlperf_ic_resnet8_int8', minimumRam), // fused residual ADDs, MEAN, FC, SOFTMAX
  shared('tflm_micro_speech_int8', minimumRam), // depthwise 10x8, multiplier 8
  shared('mlperf_kws_dscnn_int8', layerByLayer), // 10x4 stem on 1 channel, depthwise 3x3, 1x1
];
const TARGETS: [string, string, string, string[]][] = [
  ['Cortex-M4 (DSP path)', BUILD.cortexM4, BUILD.qemu, []],
  ['Cortex-M4 (portable path)', BUILD.cortexM4, BUILD.qemu, [BUILD.portable]],
  ['Cortex-M4 (DSP path, plain C dot products: -DMSF_NO_ASM)', BUILD.cortexM4, BUILD.qemu, ['-DMSF_NO_ASM']],
  ['Cortex-M7', BUILD.cortexM7, BUILD.qemuM7, []],
  ['Cortex-M33', BUILD.cortexM33, BUILD.qemuM33, []],
  ['RISC-V rv32imac', BUILD.riscv32, BUILD.qemuRiscv32, []],
];

describe.each(SUBSET)('qemu targets: $name', (s) => {
  const model = s.model();
  const blocks = s.blocks(model);
  const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 11);
  const want = Buffer.from(getExecutor().run(model, blocks, input).output);
  it.each(TARGETS)('%s gives the Wasm executor\'s bytes', (target, line, qemuLine, extra) => {
    const dir = join(root, `${s.name}-${target.replace(/\W+/g, '-')}`);
    const sources = emitTo(dir, model, blocks);
    build(line, dir, sources, extra);
    expect(qemu(qemuLine, dir, input).equals(want)).toBe(true);
  }, 120_000);
});

it('ESP8266 (Xtensa LX106): the library and a model compile with -Wall -Wextra -Werror -pedantic', () => {
  const dir = join(root, 'xtensa');
  const model = loadModel(join(MODELS, 'mlperf_ic_resnet8_int8.tflite'));
  const sources = emitTo(dir, model, minimumRam(model));
  const words = BUILD.xtensa.split(' ');
  run(words[0]!, [...words.slice(1, words.indexOf('-c')), ...STRICT, '-pedantic', '-c', ...sources.filter((n) => n !== 'main.c')], dir);
  expect(readdirSync(dir).filter((n) => n.endsWith('.o')).length).toBe(sources.length - 1);
}, 60_000);
