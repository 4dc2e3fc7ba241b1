/**
 * Issue #13's reproducers outside TFLite files: chain JSON with absurd sizes and nesting, CLI
 * arguments, names that break C, engine limits, and reports of single-layer and degenerate models.
 * Each must end in a typed error with its documented exit code, or a correct result; never an
 * internal error (exit 1), a hang or a silent wrong answer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cComment, cString } from '../src/emit/c-names.js';
import { ArenaOverflowError, EXIT, EngineLimitError, ModelError } from '../src/errors.js';
import { LIMITS } from '../src/limits.js';
import { buildChain, parseChainJson } from '../src/model/chain.js';
import { planModel } from '../src/plan/planner.js';
import { zooModel } from '../src/model/zoo.js';
import { planHtml } from '../src/report/html.js';
import { logDomain, logTicks, niceLinear } from '../src/report/ticks.js';
import { WasmHeap } from '../src/runtime/wasm-heap.js';
import { McuArena } from '../src/runtime/arena.js';
import { runModel } from '../src/runtime/run.js';
import { groupDigits } from '../src/report/digits.js';
import '../src/runtime/wasm-node.js';
import { runCli } from './helpers/cli.js';
import { thrownBy } from './helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'msf-hostile-'));
const file = (name: string, value: unknown): string => {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
};
const conv = { op: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 1 };
const oneLayer = { name: 'one', input: [8, 8, 3], layers: [conv] };

const modelError = (f: () => unknown): ModelError => thrownBy(ModelError, f);

describe('chain JSON limits', () => {
  it('a [100000, 100000, 3] input and 1e9 filters are ModelErrors naming the limit', () => {
    expect(modelError(() => parseChainJson(JSON.stringify({ input: [100000, 100000, 3], layers: [conv] }), 'big.json')).message).toMatch(
      /big\.json: input: "H" is 100000; the limit is 65536/,
    );
    expect(modelError(() => parseChainJson(JSON.stringify({ input: [8, 8, 3], layers: [{ ...conv, filters: 1e9 }] }), 'f.json')).message).toMatch(
      /layer 0 \(conv2d\): "filters" is 1000000000; the limit is 65536/,
    );
    expect(modelError(() => parseChainJson(JSON.stringify({ input: [16384, 16384, 3], layers: [conv] }), 't.json')).message).toMatch(
      /input: a 16384x16384x3 tensor is 805306368 bytes; the limit per tensor is 268435456/,
    );
    expect(modelError(() => parseChainJson(JSON.stringify({ input: [8, 8, 3000], layers: [{ ...conv, filters: 60000, kernel: 8, padding: 0 }] }), 'w.json')).message).toMatch(
      /bytes of weights; the limit per layer is 268435456/,
    );
  });

  it('a 100,000-deep nested value is refused before it is parsed', () => {
    const deep = `{"input": [8, 8, 3], "layers": [${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
    const e = modelError(() => parseChainJson(deep, 'deep.json'));
    expect(e.code).toBe('MODEL_LIMIT');
    expect(e.message).toMatch(/deep\.json: JSON nested 100002 levels deep; .*at most 16/);
    // brackets inside strings do not count
    expect(() => parseChainJson(JSON.stringify({ ...oneLayer, name: '[[[[[[[[[[[[[[[[[[[[[[[[' }), 's.json')).not.toThrow();
  });

  it('50,000 layers: a typed error with the limit, from the reader and from the planner (both engines)', () => {
    const layers = Array.from({ length: 50_000 }, () => ({ op: 'conv2d', filters: 3, kernel: 1 }));
    const e = modelError(() => parseChainJson(JSON.stringify({ input: [4, 4, 3], layers }), 'long.json'));
    expect(e.exitCode).toBe(EXIT.model);
    expect(e.message).toMatch(/50000 layers; the limit is 4096/);
    const model = buildChain({ name: 'ok', input: [4, 4, 3], layers: layers.slice(0, 10) as never });
    const long = { ...model, layers: Array.from({ length: LIMITS.layers + 1 }, (_, i) => ({ ...model.layers[0]!, index: i })) };
    for (const engine of ['wasm', 'js'] as const) expect(() => planModel(long, { engine })).toThrow(/4097 layers; the limit is 4096/);
  });
});

describe('CLI arguments', () => {
  const chain = file('one.json', oneLayer);

  it.each([['99999999999999'], ['4096MiB']])('--arena %s is a usage error naming the limit', async (arena) => {
    const r = await runCli('run', chain, '--arena', arena);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--arena: .* bytes is more than the executor can hold; at most 2147483648/);
  });

  it.each([[''], ['0x10'], ['1e3'], ['-1'], ['1.5'], ['9007199254740993'], ['1000000']])('--seed "%s" is a usage error', async (seed) => {
    const r = await runCli('run', chain, '--seed', seed);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--seed: expected a decimal integer from 0 to 999999/);
  });

  it('distinct seeds give distinct outputs at the top of the range', async () => {
    const a = await runCli('run', chain, '--seed', '999999', '--json');
    const b = await runCli('run', chain, '--seed', '999998', '--json');
    expect(JSON.parse(a.stdout).outputSha256).not.toBe(JSON.parse(b.stdout).outputSha256);
  });

  it('emit --out over a non-empty directory refuses unless --force', async () => {
    const out = mkdtempSync(join(tmpdir(), 'msf-emit-'));
    writeFileSync(join(out, 'mine.txt'), 'keep me');
    const r = await runCli('emit', chain, '--out', out);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--out: .* is not empty \(1 entries\); .*--force/);
    expect(readdirSync(out)).toEqual(['mine.txt']);
    const forced = await runCli('emit', chain, '--out', out, '--force');
    expect(forced.code).toBe(EXIT.ok);
    expect(readFileSync(join(out, 'mine.txt'), 'utf8')).toBe('keep me');
    expect(readdirSync(out)).toContain('msf_model.c');
  });
});

describe('names in the emitted C', () => {
  const evil = 'evil */ name\n/* ??= \\ "quoted" \u00e9\u2028';

  it('comments and string literals are sanitised', () => {
    expect(cComment(evil)).not.toMatch(/\/\*|\*\/|\?\?|\n|\\|[^\x20-\x7e]/);
    expect(cString(evil)).toBe('"evil */ name_/* ?\\?= \\\\ \\"quoted\\" __"');
  });

  it('a model named with a newline, "/*" and a trigraph compiles with -Werror', async () => {
    const out = mkdtempSync(join(tmpdir(), 'msf-evil-'));
    const twoLayers = { ...oneLayer, layers: [conv, conv], name: evil };
    const r = await runCli('emit', file('evil.json', twoLayers), '--out', out, '--force');
    expect(r.code).toBe(EXIT.ok);
    execFileSync('gcc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-c', 'msf_model.c', '-o', 'm.o'], { cwd: out });
  });
});

describe('engine limits', () => {
  it('Wasm memory that cannot grow is an EngineLimitError (exit 4), not a RangeError', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0);
    let err: unknown;
    try {
      heap.alloc(1 << 20);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineLimitError);
    expect((err as EngineLimitError).exitCode).toBe(EXIT.infeasible);
    expect((err as Error).message).toMatch(/cannot grow to 1048576 bytes/);
  });
});

describe('reports never hang', () => {
  it('tick helpers terminate on 0, one point, equal points, huge ranges and NaN', () => {
    for (const [a, b] of [[0, 0], [0, 100], [5, 5], [1, 1e300], [Number.MIN_VALUE, Number.MAX_VALUE], [NaN, NaN], [-5, Infinity]]) {
      const t = logTicks(a!, b!);
      expect(t.major.length).toBeGreaterThan(0);
      expect(t.major.length + t.minor.length).toBeLessThanOrEqual(400);
      expect(t.major.every(Number.isFinite)).toBe(true);
      const n = niceLinear(a!, b!, 5);
      expect(n.ticks.length).toBeGreaterThan(0);
      expect(n.ticks.length).toBeLessThanOrEqual(202);
      expect([n.lo, n.hi, ...n.ticks].every(Number.isFinite)).toBe(true);
    }
    const [z0, z1] = logDomain([0]);
    expect(z0 > 0 && z0 < 1 && z1 > 1).toBe(true);
    const [lo, hi] = logDomain([7000, 7000]);
    expect(hi / lo).toBeCloseTo(2 * 1.25 * 1.25, 6);
    expect(Math.sqrt(lo * hi)).toBeCloseTo(7000, 6);
  });

  it.each([
    ['a single layer', oneLayer],
    ['a 1x1x1 input', { name: 'dot', input: [1, 1, 1], layers: [{ op: 'conv2d', filters: 1, kernel: 1 }] }],
    ['two identical layers (one front point)', { name: 'two', input: [2, 2, 1], layers: [{ op: 'conv2d', filters: 1, kernel: 1 }, { op: 'conv2d', filters: 1, kernel: 1 }] }],
  ])('%s plans and reports (CLI --report and the HTML)', async (_label, spec) => {
    const p = file(`${spec.name}.json`, spec);
    const html = join(dir, `${spec.name}.html`);
    const r = await runCli('plan', p, '--report', html);
    expect(r.code).toBe(EXIT.ok);
    const text = readFileSync(html, 'utf8');
    expect(text).toMatch(/<svg/);
    expect(text).not.toMatch(/NaN|Infinity/);
    for (const cost of ['paper', 'exact'] as const) {
      const model = parseChainJson(JSON.stringify(spec), p);
      expect(planHtml(model, planModel(model, { cost, front: true }))).not.toMatch(/NaN|Infinity/);
    }
  });
});

describe('arena overflow advice', () => {
  const model = zooModel('mcunet-vww5-r80');
  const need = runModel(model).predictedPeakBytes;

  it('a capacity below the plan\'s peak: the arena the plan needs vs the one given, grouped; the advised capacity runs', () => {
    const e = thrownBy(ArenaOverflowError, () => runModel(model, { capacity: need - 1 }));
    expect([e.capacity, e.planBytes, e.exitCode]).toEqual([need - 1, need, EXIT.infeasible]);
    expect(need).toBe(12_000); // over 999: grouping shows
    expect(e.message).toMatch(new RegExp(`needs [\\d,]+ B but only [\\d,]+ B are free in the ${groupDigits(need - 1)} B arena; this plan needs at least ${groupDigits(need)} B: give --arena ${need} or more`));
    expect(runModel(model, { capacity: need }).measuredPeakBytes).toBe(need);
  });

  it('where the plan is not known (the arena at run time) the advice is a bound and --ram, never a wrong figure', () => {
    const e = thrownBy(ArenaOverflowError, () => new McuArena(1_500).take({ name: 'tensor 1', offset: 1_000, size: 2_048 }));
    expect(e.message).toBe('arena overflow: tensor 1 needs 2,048 B but only 500 B are free in the 1,500 B arena; the arena must be larger than 1,500 B: give a larger --arena, or plan for 1,500 B with --ram 1500');
  });
});
