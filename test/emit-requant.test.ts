// The fast kernels' requantisation (msf_rq_out of src/emit/c/msf_fast.h from the per-channel constants
// the emitter works out, requantTable of emit-c.ts: one 64-bit multiply-accumulate with the rounding
// and the output offset folded in, the step-by-step form for the channels it does not cover; one SSAT
// when the clamp is the int8 range) against the reference msf_requantize (TFLM's arithmetic, step by
// step) on edge, near-tie and random accumulators, for a grid of multipliers, shifts and clamps, a
// random pool, and every output channel of every shared model: on the host (plain C path) and under
// qemu on a Cortex-M4 (DSP path).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { BUILD, RQ_WORDS, requantTable, rqInitialiser } from '../src/emit/emit-c.js';
import { loadModel } from '../src/import/load.js';
import { executableModel } from '../src/model/seeded.js';
import { lowerModel } from '../src/runtime/lower.js';

const C_DIR = fileURLToPath(new URL('../src/emit/c/', import.meta.url));
const MODELS = fileURLToPath(new URL('../../shared/models/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'msf-requant-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20 });
  if (r.error) throw new Error(`${cmd} failed to run (${r.error.message}): install it (see .ci/run)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

/** A channel: multiplier, TFLite shift, output offset, clamp. */
type Channel = readonly [mult: number, shift: number, outOffset: number, actMin: number, actMax: number];

// The grid: every multiplier x shift x clamp below; the pool: 256 random (normalised multiplier,
// shift, clamp).
const MULT = [-2147483648, -2147483647, -1073741824, -1, 0, 1, 1073741824, 1518500250, 2147483646, 2147483647];
const SHIFTS = Array.from({ length: 63 }, (_, i) => i - 31);
const CLAMPS = [[0, -128, 127], [-5, -128, 127], [3, -3, 120], [-128, -128, -20], [127, -128, 127]] as const;
const GRID: Channel[] = MULT.flatMap((m) => SHIFTS.flatMap((s) => CLAMPS.map(([o, lo, hi]) => [m, s, o, lo, hi] as const)));
let poolSeed = 777;
const nextPool = () => (poolSeed = (Math.imul(poolSeed, 1103515245) + 12345) | 0) >>> 0;
const POOL: Channel[] = Array.from({ length: 256 }, () => {
  const [o, lo, hi] = CLAMPS[nextPool() % CLAMPS.length]!;
  return [((nextPool() | 0x40000000) >> (nextPool() & 1)) | 0, (nextPool() % 63) - 31, o, lo, hi] as const;
});

// Every distinct output channel of the shared models' layers with per-channel requantisation.
const MODEL_FILES = existsSync(MODELS) ? readdirSync(MODELS).filter((f) => f.endsWith('.tflite')).sort() : [];
const seen = new Set<string>();
const SHARED: Channel[] = [];
for (const file of MODEL_FILES) {
  for (const l of lowerModel(executableModel(loadModel(join(MODELS, file))))) {
    if (!l.mult || !l.shift) continue;
    for (let oc = 0; oc < l.mult.length; oc++) {
      const ch = [l.mult[oc]!, l.shift[oc]!, l.desc.outOffset ?? 0, l.desc.actMin ?? -128, l.desc.actMax ?? 127] as const;
      const key = ch.join(',');
      if (!seen.has(key)) (seen.add(key), SHARED.push(ch));
    }
  }
}

/** A set of channels as C: their msf_rq (the emitter's requantTable) and their reference constants. */
function channels(name: string, list: Channel[]): string {
  const rq: string[] = [];
  const ref: string[] = [];
  for (const [m, s, o, lo, hi] of list) {
    const t = requantTable([m], [s], o);
    rq.push(rqInitialiser(t, 0));
    ref.push(`{ ${m}, ${s}, ${o}, ${lo}, ${hi} }`);
  }
  return `static const msf_rq ${name}_RQ[${list.length}] = { ${rq.join(',\n    ')} };\n` + `static const int32_t ${name}[${list.length}][5] = { ${ref.join(',\n    ')} };\n`;
}
const TABLES = (channels('GRID', GRID) + channels('POOL', POOL) + channels('SHARED', SHARED)).replaceAll('-2147483648', '(-2147483647 - 1)');

const HARNESS = String.raw`
#include <stdio.h>
#include "msf_fast.h"

static uint32_t seed = 12345u;
static uint32_t next(void) { seed = seed * 1103515245u + 12345u; return (seed >> 16) | (seed << 16); }

static const int32_t ACC[] = { MSF_INT32_MIN, MSF_INT32_MIN + 1, -1073741824, -65536, -129, -1, 0, 1, 127, 65535,
                               1073741823, 1073741824, MSF_INT32_MAX - 1, MSF_INT32_MAX };
` + TABLES + String.raw`
static long checks, wrong, fast;

/* c: multiplier, shift, output offset, clamp */
static void check(int32_t acc, const msf_rq *r, const int32_t *c)
{
    msf_q q;
    int8_t want, got;
    memset(&q, 0, sizeof q);
    q.rq = r;
    q.out_offset = c[2];
    q.act_min = c[3];
    q.act_max = c[4];
    want = msf_requantize(acc, c[0], c[1], q.out_offset, q.act_min, q.act_max);
    got = msf_int8_range(&q) ? msf_rq_out(r, &q, (uint32_t)acc, 1) : msf_rq_out(r, &q, (uint32_t)acc, 0);
    checks++;
    if (got != want || msf_out(&q, 0, (uint32_t)acc) != want) {
        if (wrong < 5) printf("mismatch acc %ld mult %ld shift %ld offset %ld: %d, want %d\n", (long)acc, (long)c[0], (long)c[1], (long)c[2], got, want);
        wrong++;
    }
}

/* msf_rq_out4 (on DSP cores packed and clamped byte by byte) on acc and three others, channel r four times. */
static void check4(int32_t acc, const msf_rq *r, const int32_t *c)
{
    const msf_rq rq4[4] = { *r, *r, *r, *r };
    const uint32_t a[4] = { (uint32_t)acc, (uint32_t)acc ^ 0x5555u, ~(uint32_t)acc, (uint32_t)acc + 0x9e3779b9u };
    msf_layer d;
    msf_q q;
    uint32_t got;
    int k;
    memset(&d, 0, sizeof d);
    d.rq = rq4;
    d.out_offset = c[2];
    d.act_min = c[3];
    d.act_max = c[4];
    q = msf_q_of(&d);
    got = msf_int8_range(&q) ? msf_rq_out4(rq4, &q, a, 1) : msf_rq_out4(rq4, &q, a, 0);
    for (k = 0; k < 4; k++) {
        const int8_t want = msf_requantize(msf_wrap(a[k]), c[0], c[1], c[2], c[3], c[4]);
        checks++;
        if ((int8_t)(uint8_t)(got >> (8 * k)) != want) {
            if (wrong < 5) printf("msf_rq_out4 mismatch acc %ld mult %ld shift %ld offset %ld\n", (long)msf_wrap(a[k]), (long)c[0], (long)c[1], (long)c[2]);
            wrong++;
        }
    }
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/*
 * Accumulators either side of where the doubled high product h = floor((x * mult + 2^30) / 2^31)
 * enters and leaves the value t, for t at rounding ties of the right shift e (t = +-(2^(e-1) + k * 2^e))
 * and next to them.
 */
static void near_ties(const msf_rq *r, const int32_t *c)
{
    static const int64_t K[] = { 0, 1, 2, 3, 5, 1000, 65537, 1 << 20, 123456789 };
    const int64_t m = c[0];
    const int32_t e = -c[1];
    unsigned k;
    int sign, edge, d, dt;
    if (m <= 0 || e < 1 || e > 30) return;
    for (k = 0; k < sizeof K / sizeof K[0]; k++)
        for (sign = -1; sign <= 1; sign += 2)
            for (dt = -1; dt <= 1; dt++) {
                const int64_t t = sign * (((int64_t)1 << (e - 1)) + K[k] * ((int64_t)1 << e)) + dt;
                if (t > ((int64_t)1 << 30) || t < -((int64_t)1 << 30)) continue;
                for (edge = 0; edge <= 1; edge++) {
                    const int64_t x0 = floor_div((t + edge) * ((int64_t)1 << 31) - ((int64_t)1 << 30), m);
                    for (d = -1; d <= 1; d++) {
                        const int64_t x = x0 + d;
                        if (x >= MSF_INT32_MIN && x <= MSF_INT32_MAX) check((int32_t)x, r, c);
                    }
                }
            }
}

/* Edge, near-tie and random accumulators for each channel of a set. */
static void channel_set(const msf_rq *rq, const int32_t (*c)[5], long n, int randoms)
{
    long i;
    unsigned a;
    int j;
    for (i = 0; i < n; i++) {
        fast += rq[i].right >= 0;
        for (a = 0; a < sizeof ACC / sizeof ACC[0]; a++) {
            check(ACC[a], &rq[i], c[i]);
            check4(ACC[a], &rq[i], c[i]);
        }
        near_ties(&rq[i], c[i]);
        for (j = 0; j < randoms; j++) {
            const int32_t acc = (int32_t)(next() >> (next() % 24));
            check(next() & 1 ? acc : -acc - 1, &rq[i], c[i]);
            if (j % 4 == 0) check4(acc, &rq[i], c[i]);
        }
    }
}

int main(void)
{
    channel_set(GRID_RQ, GRID, sizeof GRID / sizeof GRID[0], 4);
    channel_set(POOL_RQ, POOL, sizeof POOL / sizeof POOL[0], 800);
    channel_set(SHARED_RQ, SHARED, sizeof SHARED / sizeof SHARED[0], 64);
    printf("msf-requant channels %ld fast %ld checks %ld wrong %ld\n",
           (long)(sizeof GRID / sizeof GRID[0] + sizeof POOL / sizeof POOL[0] + sizeof SHARED / sizeof SHARED[0]), fast, checks, wrong);
    return 0;
}
`;

const COUNTS = /msf-requant channels (\d+) fast (\d+) checks (\d+) wrong (\d+)/;

function expectAllEqual(out: string): void {
  const m = COUNTS.exec(out);
  expect(m, `harness output: ${out}`).not.toBeNull();
  expect(Number(m![1])).toBe(GRID.length + POOL.length + SHARED.length);
  expect(Number(m![3])).toBeGreaterThan(2_000_000);
  expect(Number(m![4]), out).toBe(0);
}

it('the shared models are there, and nearly all of their channels take the single multiply-accumulate', () => {
  expect(MODEL_FILES.length).toBeGreaterThanOrEqual(8);
  expect(SHARED.length).toBeGreaterThan(1000);
  const isFast = ([m, s, o]: Channel) => requantTable([m], [s], o)[RQ_WORDS - 1]! >= 0;
  const fast = SHARED.filter(isFast);
  // the step-by-step form is kept only for shifts >= 0, negative multipliers and right shifts too
  // large for the offset inside the 64-bit sum (|out_offset| * 2^(31 + e) near 2^62: e > 23)
  expect(SHARED.filter((c) => !isFast(c) && c[0] >= 0 && c[1] < 0 && c[1] >= -23)).toEqual([]);
  expect(fast.length).toBeGreaterThan(0.9 * SHARED.length);
});

it('host gcc (the plain C fast path): msf_rq_out equals msf_requantize everywhere', () => {
  writeFileSync(join(root, 'host.c'), HARNESS);
  run('gcc', ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror', '-O2', `-I${C_DIR}`, '-o', 'host', 'host.c'], root);
  expectAllEqual(run(join(root, 'host'), [], root));
});

it('Cortex-M4 under qemu (the DSP path: SMLAL, SSAT, the byte-wise clamp): msf_rq_out equals msf_requantize everywhere', () => {
  writeFileSync(join(root, 'm4.c'), HARNESS);
  const words = BUILD.cortexM4.split(' ');
  const o = words.indexOf('-o');
  run(words[0]!, [...words.slice(1, o), '-Wall', '-Wextra', '-Werror', `-I${C_DIR}`, '-o', 'm4.elf', 'm4.c'], root);
  expectAllEqual(run('qemu-system-arm', ['-M', 'mps2-an386', '-nographic', '-semihosting', '-kernel', 'm4.elf'], root));
}, 120_000);
