// The fast kernels' requantisation (msf_rq_out of src/emit/c/msf_fast.h from the per-channel constants
// the emitter works out, requantTable of emit-c.ts; QADD instead of the overflow test on DSP cores,
// one SSAT when the clamp is the int8 range) against the reference msf_requantize (TFLM's
// arithmetic) on edge and random accumulators, multipliers and shifts: on the host (plain C path)
// and under qemu on a Cortex-M4 (DSP path).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { BUILD, requantTable } from '../src/emit/emit-c.js';

const C_DIR = fileURLToPath(new URL('../src/emit/c/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'msf-requant-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`${cmd} failed to run (${r.error.message}): install it (see .ci/run)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

// Every (acc, mult, shift, clamp) of the grid and 200,000 random ones (multiplier and shift from a
// pool of 256); prints the counts. The msf_rq tables are the emitter's (requantTable).
const MULT = [-2147483648, -2147483647, -1073741824, -1, 0, 1, 1073741824, 1518500250, 2147483646, 2147483647];
const SHIFTS = Array.from({ length: 63 }, (_, i) => i - 31);
let poolSeed = 777;
const nextPool = () => (poolSeed = (Math.imul(poolSeed, 1103515245) + 12345) | 0) >>> 0;
const POOL = Array.from({ length: 256 }, () => [((nextPool() | 0x40000000) >> (nextPool() & 1)) | 0, (nextPool() % 63) - 31] as const);
const rqTable = (name: string, mult: number[], shift: number[]) => {
  const t = requantTable(mult, shift);
  const rows = Array.from({ length: mult.length }, (_, i) => `{ ${Array.from(t.subarray(5 * i, 5 * i + 5)).join(', ')} }`);
  return `static const msf_rq ${name}[${mult.length}] = { ${rows.join(',\n    ')} };\n`;
};
const TABLES =
  rqTable('GRID_RQ', MULT.flatMap((m) => SHIFTS.map(() => m)), MULT.flatMap(() => SHIFTS)) +
  `static const int32_t MULT[] = { ${MULT.join(', ')} };\n` +
  rqTable('POOL_RQ', POOL.map((p) => p[0]), POOL.map((p) => p[1])) +
  `static const int32_t POOL[][2] = { ${POOL.map((p) => `{ ${p[0]}, ${p[1]} }`).join(', ')} };\n`;

const HARNESS = String.raw`
#include <stdio.h>
#include "msf_fast.h"

static uint32_t seed = 12345u;
static uint32_t next(void) { seed = seed * 1103515245u + 12345u; return (seed >> 16) | (seed << 16); }

static const int32_t ACC[] = { MSF_INT32_MIN, MSF_INT32_MIN + 1, -1073741824, -65536, -129, -1, 0, 1, 127, 65535,
                               1073741823, 1073741824, MSF_INT32_MAX - 1, MSF_INT32_MAX };
static const int32_t CLAMP[][3] = { { 0, -128, 127 }, { -5, -128, 127 }, { 3, -3, 120 }, { -128, -128, -20 } };
` + TABLES.replaceAll('-2147483648', '(-2147483647 - 1)') + String.raw`
static long checks, wrong;

static void check(int32_t acc, const msf_rq *r, int32_t mult, int32_t shift, int c)
{
    msf_q q;
    int8_t want, got;
    memset(&q, 0, sizeof q);
    q.rq = r;
    q.out_offset = CLAMP[c][0];
    q.act_min = CLAMP[c][1];
    q.act_max = CLAMP[c][2];
    want = msf_requantize(acc, mult, shift, q.out_offset, q.act_min, q.act_max);
    got = msf_int8_range(&q) ? msf_rq_out(r, &q, (uint32_t)acc, 1) : msf_rq_out(r, &q, (uint32_t)acc, 0);
    checks++;
    if (got != want || msf_out(&q, 0, (uint32_t)acc) != want) {
        if (wrong < 5) printf("mismatch acc %ld mult %ld shift %ld clamp %d: %d, want %d\n", (long)acc, (long)mult, (long)shift, c, got, want);
        wrong++;
    }
}

int main(void)
{
    unsigned a, m, c, s;
    long i;
    for (a = 0; a < sizeof ACC / sizeof ACC[0]; a++)
        for (m = 0; m < sizeof MULT / sizeof MULT[0]; m++)
            for (s = 0; s < 63; s++)
                for (c = 0; c < 4; c++) check(ACC[a], &GRID_RQ[m * 63 + s], MULT[m], (int32_t)s - 31, (int)c);
    for (i = 0; i < 200000; i++) {
        const int32_t acc = (int32_t)(next() >> (next() % 24));
        const unsigned k = next() % 256;
        check(next() & 1 ? acc : -acc - 1, &POOL_RQ[k], POOL[k][0], POOL[k][1], (int)(next() % 4));
    }
    printf("msf-requant checks %ld wrong %ld\n", checks, wrong);
    return 0;
}
`;

const COUNTS = /msf-requant checks (\d+) wrong (\d+)/;
const GRID = 14 * 10 * 63 * 4;

it('host gcc (the plain C fast path): msf_rq_out equals msf_requantize everywhere', () => {
  writeFileSync(join(root, 'host.c'), HARNESS);
  run('gcc', ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror', '-O2', `-I${C_DIR}`, '-o', 'host', 'host.c'], root);
  const m = COUNTS.exec(run(join(root, 'host'), [], root));
  expect(m, 'harness output').not.toBeNull();
  expect(Number(m![1])).toBe(GRID + 200000);
  expect(Number(m![2])).toBe(0);
});

it('Cortex-M4 under qemu (the DSP path: QADD, SSAT): msf_rq_out equals msf_requantize everywhere', () => {
  writeFileSync(join(root, 'm4.c'), HARNESS);
  const words = BUILD.cortexM4.split(' ');
  const o = words.indexOf('-o');
  run(words[0]!, [...words.slice(1, o), '-Wall', '-Wextra', '-Werror', `-I${C_DIR}`, '-o', 'm4.elf', 'm4.c'], root);
  const out = run('qemu-system-arm', ['-M', 'mps2-an386', '-nographic', '-semihosting', '-kernel', 'm4.elf'], root);
  const m = COUNTS.exec(out);
  expect(m, `harness output: ${out}`).not.toBeNull();
  expect(Number(m![1])).toBe(GRID + 200000);
  expect(Number(m![2])).toBe(0);
}, 120_000);
