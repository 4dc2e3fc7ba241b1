// The C kernel library as real C files (src/emit/c): compiled where it lives, as it is, with
// -std=c99 -pedantic and every warning an error, linked with a generated model and run; and the
// emitter copies exactly these files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { LIBRARY_SOURCES, emitC } from '../src/emit/emit-c.js';
import { tensorBytes } from '../src/model/ir.js';
import { withSeededParams } from '../src/model/seeded.js';
import { zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';

const C_DIR = fileURLToPath(new URL('../src/emit/c/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'msf-clib-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`${cmd} failed to run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

it('the emitter copies every msf_*.c / msf_*.h and main.c of src/emit/c byte for byte, and nothing else of it', () => {
  const model = withSeededParams(zooModel('mcunet-vww5-r80'), 1);
  const files = emitC(model, planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks);
  const onDisk = readdirSync(C_DIR).filter((n) => /\.[ch]$/.test(n)).sort();
  const copied = [...files.keys()].filter((n) => n !== 'msf_model.c' && n !== 'msf_model.h' && /\.[ch]$/.test(n)).sort();
  expect(copied).toEqual(onDisk);
  for (const n of onDisk) expect(files.get(n) === readFileSync(join(C_DIR, n), 'utf8'), n).toBe(true);
  expect(LIBRARY_SOURCES.length).toBeGreaterThanOrEqual(10); // one file per operator family
});

it('gcc -std=c99 -pedantic -Wall -Wextra -Werror compiles src/emit/c in place; linked with a generated model it computes the Wasm executor\'s bytes', () => {
  const model = withSeededParams(zooModel('mcunet-vww5-r80'), 1);
  const blocks = planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks;
  const files = emitC(model, blocks);
  writeFileSync(join(root, 'msf_model.h'), files.get('msf_model.h')!);
  writeFileSync(join(root, 'msf_model.c'), files.get('msf_model.c')!);
  const flags = ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror', '-O2', `-I${C_DIR}`, `-I${root}`];
  const sources = ['main.c', ...LIBRARY_SOURCES].map((n) => join(C_DIR, n));
  run('gcc', [...flags, '-o', join(root, 'm'), join(root, 'msf_model.c'), ...sources], root);
  const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 5);
  writeFileSync(join(root, 'in.bin'), input);
  run(join(root, 'm'), ['in.bin', 'out.bin'], root);
  expect(readFileSync(join(root, 'out.bin')).equals(Buffer.from(getExecutor().run(model, blocks, input).output))).toBe(true);
}, 120_000);

// The block walker checks its stages once per block (msf_check_block), then calls the kernels
// without msf_window's per-call checks: stages that do not chain are refused with MSF_ERR_SHAPE.
const BLOCK_HARNESS = String.raw`
#include <stdio.h>
#include "msf_kernels.h"

static const int8_t W[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const int32_t M[4] = { 1073741824, 1073741824, 1073741824, 1073741824 }, S[4] = { 0, 0, 0, 0 };

static msf_layer conv(int32_t in_c)
{
    msf_layer d = { 0 };
    d.op = MSF_OP_CONV2D;
    d.in_h = d.out_h = 3; d.in_w = d.out_w = 3; d.in_c = in_c; d.out_c = 4;
    d.kh = d.kw = d.sh = d.sw = 1;
    d.weights = W; d.mult = M; d.shift = S;
    d.act_min = -128; d.act_max = 127;
    return d;
}

int main(void)
{
    static int8_t in[36], out[36];
    static uint8_t arena[64];
    msf_walk walk[2];
    msf_layer a = conv(4), b = conv(4), bad = conv(3);
    msf_stage s[2] = { { 0, 0, 1, MSF_OTHER_NONE, 0 }, { 0, 0, 1, MSF_OTHER_NONE, 0 } };
    int i;
    for (i = 0; i < 36; i++) in[i] = (int8_t)(i * 7 - 100);
    s[0].layer = &a;
    s[1].layer = &b;
    printf("chained %d\n", msf_run_block(s, 2, arena, in, in, out, walk));
    s[1].layer = &bad;
    printf("unchained %d\n", msf_run_block(s, 2, arena, in, in, out, walk));
    printf("window %d\n", msf_window(&a, in, 0, 0, 3, 3, out, 0, 0, 3, 0, 3, 0, 4));
    return 0;
}
`;

it('msf_run_block refuses stages that do not chain (MSF_ERR_SHAPE) before it walks; msf_window still checks its window', () => {
  writeFileSync(join(root, 'block.c'), BLOCK_HARNESS);
  const sources = LIBRARY_SOURCES.filter((n) => n !== 'main.c').map((n) => join(C_DIR, n));
  run('gcc', ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror', '-O2', `-I${C_DIR}`, '-o', join(root, 'block'), join(root, 'block.c'), ...sources], root);
  const out = run(join(root, 'block'), [], root);
  expect(out).toContain('chained 0\n');
  expect(out).toContain('unchained -6\n'); // MSF_ERR_SHAPE
  expect(out).toContain('window -1\n'); // MSF_ERR_OUTPUT_WINDOW: column 3 of a 3-wide output
});
