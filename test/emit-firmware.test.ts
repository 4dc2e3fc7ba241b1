// The emitted C in a firmware: the caller's arena (msf_model_run_with_arena, any alignment, two
// arenas = two independent instances), no mutable globals but the static arena, section macros for
// weights and arena, and the generated CMakeLists.txt building the library for the host (with the
// harness) and for a Cortex-M4 (cross).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emitProgram } from '../src/emit/emit-c.js';
import { tensorBytes } from '../src/model/ir.js';
import { withSeededParams } from '../src/model/seeded.js';
import { zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';

const root = mkdtempSync(join(tmpdir(), 'msf-firmware-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const model = withSeededParams(zooModel('mcunet-vww5-r80'), 1);
const blocks = planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks;
const inputs = [seededInput(tensorBytes(model.tensors[model.input]!.shape), 21), seededInput(tensorBytes(model.tensors[model.input]!.shape), 22)];
let files: Map<string, string>;
let arenaBytes = 0;

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000, maxBuffer: 16 << 20 });
  if (r.error) throw new Error(`${cmd} failed to run (${r.error.message}): install it (see .ci/run)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
function writeTo(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
}
const sources = () => [...files.keys()].filter((n) => n.endsWith('.c') && n !== 'main.c');

beforeAll(() => {
  const p = emitProgram(model, blocks);
  files = p.files;
  arenaBytes = p.summary.arenaBytes;
});

// Two caller arenas at odd addresses, interleaved with the static one: every output as the Wasm executor's.
const TWO_ARENAS = String.raw`#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "msf_model.h"
static int load(const char *p, int8_t *in) { FILE *f = fopen(p, "rb"); size_t n; if (!f) return 1; n = fread(in, 1, MSF_INPUT_BYTES, f); fclose(f); return n != (size_t)MSF_INPUT_BYTES; }
static int save(const char *p, const int8_t *out) { FILE *f = fopen(p, "wb"); size_t n; if (!f) return 1; n = fwrite(out, 1, MSF_OUTPUT_BYTES, f); return fclose(f) != 0 || n != (size_t)MSF_OUTPUT_BYTES; }
int main(void)
{
    static int8_t in1[MSF_INPUT_BYTES], in2[MSF_INPUT_BYTES], o1[MSF_OUTPUT_BYTES], o2[MSF_OUTPUT_BYTES], o3[MSF_OUTPUT_BYTES];
    uint8_t *block = (uint8_t *)malloc(2 * MSF_ARENA_BYTES + 2);
    uint8_t *a = block + 1, *b = block + MSF_ARENA_BYTES + 2; /* odd addresses: MSF_ARENA_ALIGN is 1 */
    if (!block || load("in1.bin", in1) || load("in2.bin", in2)) return 1;
    memset(block, 0x5a, 2 * MSF_ARENA_BYTES + 2);
    if (msf_model_run_with_arena(a, in1, o1) || msf_model_run_with_arena(b, in2, o2) || msf_model_run(in1, o3)) return 2;
    if (save("o1.bin", o1) || save("o2.bin", o2) || save("o3.bin", o3)) return 1;
    if (msf_model_run_with_arena(b, in1, o2) || save("o4.bin", o2)) return 2;
    free(block);
    printf("msf: ok\n");
    return 0;
}
`;

it('msf_model_run_with_arena: two caller arenas (odd addresses) and the static one give the Wasm executor\'s bytes', () => {
  const dir = join(root, 'arenas');
  writeTo(dir);
  expect(files.get('msf_model.h')).toContain('int msf_model_run_with_arena(uint8_t *arena, const int8_t *in, int8_t *out);');
  expect(files.get('msf_model.h')).toContain('#define MSF_ARENA_ALIGN 1\n');
  expect(files.get('msf_model.h')).toContain(`#define MSF_ARENA_BYTES ${arenaBytes}\n`);
  writeFileSync(join(dir, 'two.c'), TWO_ARENAS);
  writeFileSync(join(dir, 'in1.bin'), inputs[0]!);
  writeFileSync(join(dir, 'in2.bin'), inputs[1]!);
  run('gcc', ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror', '-O1', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-o', 'two', 'two.c', ...sources()], dir);
  run(join(dir, 'two'), [], dir);
  const want = inputs.map((x) => Buffer.from(getExecutor().run(model, blocks, x).output));
  expect(readFileSync(join(dir, 'o1.bin')).equals(want[0]!)).toBe(true);
  expect(readFileSync(join(dir, 'o2.bin')).equals(want[1]!)).toBe(true);
  expect(readFileSync(join(dir, 'o3.bin')).equals(want[0]!)).toBe(true);
  expect(readFileSync(join(dir, 'o4.bin')).equals(want[0]!)).toBe(true);
}, 120_000);

it('no mutable globals besides the arena: msf_arena is the only writable symbol of the model and the library', () => {
  const dir = join(root, 'globals');
  writeTo(dir);
  for (const s of sources()) run('arm-none-eabi-gcc', ['-std=c99', '-mcpu=cortex-m4', '-mthumb', '-O2', '-c', s], dir);
  const writable = run('arm-none-eabi-nm', sources().map((s) => s.replace(/\.c$/, '.o')), dir)
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 3 && /^[bBdDcC]$/.test(f[1]!))
    .map((f) => f[2]);
  expect(writable).toEqual(['msf_arena']);
}, 120_000);

it('MSF_WEIGHTS_SECTION / MSF_ARENA_SECTION place the constants and the arena', () => {
  const dir = join(root, 'sections');
  writeTo(dir);
  run('arm-none-eabi-gcc', ['-std=c99', '-mcpu=cortex-m4', '-mthumb', '-O2', '-Wall', '-Wextra', '-Werror',
    '-DMSF_WEIGHTS_SECTION=__attribute__((section(".msf_weights")))', '-DMSF_ARENA_SECTION=__attribute__((section(".msf_arena")))', '-c', 'msf_model.c'], dir);
  const sizes = new Map(run('arm-none-eabi-size', ['-A', 'msf_model.o'], dir).split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[0]?.startsWith('.msf')).map((f) => [f[0]!, Number(f[1])]));
  expect(sizes.get('.msf_arena')).toBe(arenaBytes);
  const weights = model.layers.reduce((n, l) => n + (l.params?.weights?.length ?? 0), 0);
  expect(sizes.get('.msf_weights')!).toBeGreaterThan(weights);
}, 120_000);

it('CMakeLists.txt: cmake builds the library and the harness on the host (same bytes) and the library for a Cortex-M4', () => {
  const dir = join(root, 'cmake');
  writeTo(dir);
  run('cmake', ['-S', '.', '-B', 'host', '-DCMAKE_BUILD_TYPE=Release'], dir);
  run('cmake', ['--build', 'host'], dir);
  writeFileSync(join(dir, 'in.bin'), inputs[0]!);
  run(join(dir, 'host', 'msf_model_main'), ['in.bin', 'out.bin'], dir);
  expect(readFileSync(join(dir, 'out.bin')).equals(Buffer.from(getExecutor().run(model, blocks, inputs[0]!).output))).toBe(true);
  run('cmake', ['-S', '.', '-B', 'm4', '-DCMAKE_SYSTEM_NAME=Generic', '-DCMAKE_C_COMPILER=arm-none-eabi-gcc',
    '-DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY', '-DCMAKE_C_FLAGS=-mcpu=cortex-m4 -mthumb'], dir);
  run('cmake', ['--build', 'm4'], dir);
  expect(existsSync(join(dir, 'm4', 'libmsf_model.a'))).toBe(true);
  expect(existsSync(join(dir, 'm4', 'msf_model_main'))).toBe(false);
  expect(run('arm-none-eabi-nm', ['libmsf_model.a'], join(dir, 'm4'))).toMatch(/ T msf_model_run_with_arena\n/);
}, 180_000);
