/**
 * This tree against another checkout of the project (BASE, e.g. the commit before a refactor:
 * `git worktree add --detach /work/wt-before <commit>`, node_modules linked, its build:wasm run), in
 * one process: the search (full front, cost table included: Wasm and TypeScript engines, both cost
 * models, the zoo and two generated chains), the Wasm executor (layer by layer and the minimum-RAM
 * plan of each zoo model) and the plain TypeScript reference kernels (test/reference). Each tree
 * uses its own modules and Wasm builds; each row says whether both trees computed the same result.
 *
 * The machine may be shared: the two trees are timed in alternation, ROUNDS rounds of one benny
 * suite per case with the order swapped every round (before, after / after, before, ...), and each
 * figure is the median of the per-round benny medians, so load hits both trees alike.
 *
 *   BASE=/work/wt-before npx tsx bench/before-after.ts   -> bench/results/before-after.json
 *   (ROUNDS=n: rounds, default 11; ONLY=<regex>: only the matching cases, results not written)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import b from 'benny';
import { convCase, i8, reseed } from './seeded-layers.js';

const BASE = process.env.BASE;
if (!BASE) {
  console.error('bench/before-after.ts: set BASE to the other checkout (its build:wasm run), e.g. BASE=/work/wt-before');
  process.exit(2);
}
const ROUNDS = Number(process.env.ROUNDS ?? 11);
const HERE = resolve(new URL('..', import.meta.url).pathname);

/** The modules a case needs, from one tree. */
async function treeOf(root: string) {
  const m = async (p: string) => import(`${root}/${p}`);
  return {
    paperLayers: (await m('src/cost/paper.ts')).paperLayers,
    exactLayers: (await m('src/cost/exact.ts')).exactLayers,
    exactCostTable: (await m('src/cost/exact.ts')).exactCostTable,
    buildChain: (await m('src/model/chain.ts')).buildChain,
    mobilenetLike: (await m('src/model/generate.ts')).mobilenetLike,
    zooModel: (await m('src/model/zoo.ts')).zooModel,
    tensorBytes: (await m('src/model/ir.ts')).tensorBytes,
    withSeededParams: (await m('src/model/seeded.ts')).withSeededParams,
    seededInput: (await m('src/model/seeded.ts')).seededInput,
    js: new (await m('src/plan/solver-js.ts')).JsSearchEngine(),
    wasm: (await m('src/runtime/wasm-node.ts')).createWasmSearchEngine(),
    executor: (await m('src/runtime/run.ts')).getExecutor(),
    ref: await m('test/reference/kernels.ts'),
  };
}
type Tree = Awaited<ReturnType<typeof treeOf>>;

const trees = { before: await treeOf(resolve(BASE)), after: await treeOf(HERE) };
const ZOO = ['mbv2-w0.35-r144', 'mcunet-vww5-r80', 'mcunet-320kb-r176'];

interface Case {
  group: 'search' | 'executor' | 'ts-reference kernel';
  name: string;
  /** A prepared call per tree; `check` returns what both trees must agree on. */
  prepare(t: Tree): { run: () => void; check: () => string };
}

const cases: Case[] = [];
const chains: [string, (t: Tree) => unknown][] = [
  ...ZOO.map((id): [string, (t: Tree) => unknown] => [id, (t) => t.zooModel(id)]),
  ['mobilenetLike(500, 96)', (t) => t.buildChain(t.mobilenetLike(500, 96))],
  ['mobilenetLike(2000, 224)', (t) => t.buildChain(t.mobilenetLike(2000, 224))],
];
for (const [name, model] of chains)
  for (const cost of ['paper', 'exact'] as const)
    for (const engine of ['wasm', 'js'] as const)
      cases.push({
        group: 'search',
        name: `${name} ${cost} ${engine}`,
        prepare: (t) => {
          const m = model(t);
          const e = t[engine];
          const front = () => e.front(cost === 'paper' ? e.paperTable(t.paperLayers(m)) : e.exactTable(t.exactLayers(m)));
          return { run: () => void front(), check: () => JSON.stringify(front()) };
        },
      });
for (const id of ZOO)
  for (const plan of ['layer by layer', 'fused (minimum RAM)'] as const)
    cases.push({
      group: 'executor',
      name: `${id} ${plan}`,
      prepare: (t) => {
        const m = t.withSeededParams(t.zooModel(id), 1);
        const blocks = plan === 'layer by layer' ? m.layers.map((_: unknown, i: number) => [i, i]) : t.js.front(t.exactCostTable(m))[0].blocks;
        const input = t.seededInput(t.tensorBytes(m.tensors[m.input].shape), 1);
        const run = () => t.executor.run(m, blocks, input);
        return { run: () => void run(), check: () => Buffer.from(run().output).toString('hex') };
      },
    });

// bench/kernels.ts's seeded layers, for the plain TypeScript reference kernels (test/reference/kernels.ts).
for (const [name, kind, h, inC, outC, k] of [
  ['conv 3x3, 28x28x32 -> 32', 'conv2d', 28, 32, 32, 3],
  ['depthwise 3x3, 56x56x64', 'depthwise', 56, 64, 64, 3],
] as const)
  cases.push({
    group: 'ts-reference kernel',
    name,
    prepare: (t) => {
      reseed();
      const { layer } = convCase(name, kind, h, h, inC, outC, k);
      const input = i8(h * h * inC);
      const fn = kind === 'conv2d' ? t.ref.conv2d : t.ref.depthwiseConv2d;
      return { run: () => void fn(layer, input), check: () => Buffer.from(fn(layer, input)).toString('hex') };
    },
  });

const median = (v: number[]): number => {
  const s = [...v].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

/** ONLY=<regex>: just the cases whose "group name" matches (a closer look at a few rows). */
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;
const prepared = cases.filter((c) => !only || only.test(`${c.group} ${c.name}`)).map((c) => {
  const before = c.prepare(trees.before);
  const after = c.prepare(trees.after);
  // Said per row, not refused: a fix landed between the trees may change a figure (the work stays alike).
  const same = before.check() === after.check();
  return { c, before, after, same, ms: { before: [] as number[], after: [] as number[] } };
});

for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
  for (const p of prepared) {
    await b.suite(
      `round ${round + 1}/${ROUNDS}: ${p.c.group} ${p.c.name}`,
      b.configure({ cases: { minSamples: 3, maxTime: 0.15 } }),
      ...order.map((tree) => b.add(tree, () => p[tree].run())),
      b.complete((s) => {
        for (const r of s.results) p.ms[r.name as 'before' | 'after'].push(r.details.median * 1000);
      }),
    );
  }
}

const rows = prepared.map((p) => {
  const beforeMs = median(p.ms.before);
  const afterMs = median(p.ms.after);
  const ratios = p.ms.after.map((a, i) => a / p.ms.before[i]!);
  return { group: p.c.group, case: p.c.name, sameResult: p.same, beforeMs, afterMs, ratio: afterMs / beforeMs, roundRatioMin: Math.min(...ratios), roundRatioMax: Math.max(...ratios) };
});
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
if (!only)
  writeFileSync(
  new URL('./results/before-after.json', import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), base: resolve(BASE), rounds: ROUNDS, rows }, null, 2),
);
console.log(`\n${ROUNDS} rounds, order swapped each round; medians of the per-round benny medians\n`);
console.log('| group | case | same result | before (ms) | after (ms) | after / before | per-round range |\n|---|---|---|---:|---:|---:|---:|');
for (const r of rows)
  console.log(`| ${r.group} | ${r.case} | ${r.sameResult ? 'yes' : 'no'} | ${r.beforeMs.toFixed(3)} | ${r.afterMs.toFixed(3)} | x${r.ratio.toFixed(3)} | x${r.roundRatioMin.toFixed(2)}–x${r.roundRatioMax.toFixed(2)} |`);
const all = median(rows.map((r) => r.ratio));
console.log(`\nmedian after / before over all ${rows.length} cases: x${all.toFixed(3)}`);
