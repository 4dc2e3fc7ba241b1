/**
 * Instructions on the microcontroller: every zoo and shared model at the minimum-RAM and the
 * layer-by-layer plan, and four single layers (the CMSIS-NN anchors of ../shared/reference/anchors.md),
 * emitted, built for a Cortex-M4 (the README's arm-none-eabi-gcc line, -O2) and run once under
 * `qemu-system-arm -M mps2-an386 -icount shift=6,align=off,sleep=off -semihosting`, counted by
 * SysTick (bench/mcu/count_main.c): instructions = ticks x 40 / 64, checked on a calibration loop of
 * known length, the empty measurement subtracted. Deterministic: one run per case is the figure.
 * An instruction count is not a cycle count (no pipeline, wait states or dual issue are modelled).
 *
 * The same run also counts the baseline: the emitted C of the commit #15 started from
 * (BASELINE_COMMIT, extracted with `git archive`), same harness, same flags, same inputs. Output
 * bytes are checked against the Wasm executor for both. A whole-process timer style suite (benny
 * cannot time a process under qemu).
 *
 * Every model and fused calibration plan also runs once more built with -DMSF_PROFILE: the
 * harness sums the instructions of each layer's kernel calls and cache slides. From those the bench
 * states the fused plans' mix bound (what fusion would cost if each layer's outputs cost what they
 * cost layer by layer) and what lies above it, and fits the walker's terms of the latency model
 * layer by layer.
 *
 * Run: npm run bench -- mcu   (MSF_BENCH_ONLY=<regex> keeps matching cases; MSF_BENCH_NO_BASELINE=1;
 *   MSF_BENCH_FIT_ONLY=1 takes the counts of the last run from bench/results/mcu.json and only refits)
 *   -> bench/results/mcu.json and a Markdown table on stdout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Model } from '../src/model/ir.js';
import type { Block } from '../src/plan/engine.js';
import { planModel } from '../src/plan/planner.js';
import { getExecutor } from '../src/runtime/run.js';
import { CORTEX_M4_DSP, FIT_CLASSES, type LatencyCoefficients, type OpClass, type Work, instructionsOf, planWork } from '../src/cost/latency.js';
import { residualGraph } from '../test/helpers/residual.js';
import { mobilenetLike } from '../src/model/generate.js';
import { type Count, countOnCortexM4, toInsn } from './mcu/qemu-count.js';

/** The commit issue #15 started from: its emitted C is the baseline. */
export const BASELINE_COMMIT = 'a56159b';
/** CMSIS-NN insn/MAC on the anchor layers (../shared/reference/anchors.md). */
const CMSIS: Record<string, number> = { 'conv 1x1': 2.64, 'conv 3x3': 2.51, 'depthwise 3x3': 8.1, 'stem 3x3 s2': 4.74 };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = join(ROOT, '..', 'shared');
const only = process.env.MSF_BENCH_ONLY ? new RegExp(process.env.MSF_BENCH_ONLY) : undefined;

/** The modules of one source tree that turn a model into C. */
interface Tree {
  emitProgram(model: Model, blocks: Block[]): { files: Map<string, string>; summary: { macs: number } };
  loadModel(path: string): Model;
  zooModel(id: string): Model;
  withSeededParams(model: Model, seed: number): Model;
  buildChain(spec: unknown): Model;
  seededInput(bytes: number, seed: number): Uint8Array;
}

async function treeAt(root: string): Promise<Tree> {
  const m = async (p: string) => import(join(root, p));
  const [emit, load, zoo, seeded, chain] = await Promise.all([
    // (the file loader moved from src/model to src/import after the baseline)
    m('src/emit/emit-c.ts'), m(existsSync(join(root, 'src/import/load.ts')) ? 'src/import/load.ts' : 'src/model/load.ts'),
    m('src/model/zoo.ts'), m('src/model/seeded.ts'), m('src/model/chain.ts'),
  ]);
  return { ...emit, ...load, ...zoo, ...seeded, ...chain } as Tree;
}

interface Case {
  name: string;
  plan: 'minimum RAM' | 'layer by layer';
  /** calibration cases fit src/cost/latency.ts and are not reported against the baseline */
  calibration?: boolean;
  /** The model as this tree builds it (weights seeded where it has none). */
  model(t: Tree): Model;
  input(t: Tree, m: Model): Uint8Array;
}

const single = (name: string, input: [number, number, number], layer: object): Case => ({
  name,
  plan: 'layer by layer',
  model: (t) => t.withSeededParams(t.buildChain({ name, input, layers: [layer] }), 1),
  input: (t, m) => t.seededInput(bytesOf(m), 1),
});
const bytesOf = (m: Model): number => m.tensors[m.input]!.shape.reduce((a, b) => a * b, 1);

function cases(): Case[] {
  const out: Case[] = [
    single('conv 1x1', [20, 20, 32], { op: 'conv2d', filters: 64, kernel: 1, stride: 1, padding: 0 }),
    single('conv 3x3', [20, 20, 16], { op: 'conv2d', filters: 16, kernel: 3, stride: 1, padding: 1 }),
    single('depthwise 3x3', [40, 40, 32], { op: 'depthwise_conv2d', kernel: 3, stride: 1, padding: 1 }),
    single('stem 3x3 s2', [80, 80, 3], { op: 'conv2d', filters: 16, kernel: 3, stride: 2, padding: 1 }),
  ];
  const plans = ['minimum RAM', 'layer by layer'] as const;
  for (const id of ['mbv2-w0.35-r144', 'mcunet-vww5-r80', 'mcunet-320kb-r176'])
    for (const plan of plans)
      out.push({ name: id, plan, model: (t) => t.withSeededParams(t.zooModel(id), 1), input: (t, m) => t.seededInput(bytesOf(m), 1) });
  const files = readdirSync(join(SHARED, 'models')).filter((f) => f.endsWith('.tflite')).sort();
  for (const f of files) {
    const name = f.replace(/\.tflite$/, '');
    for (const plan of plans)
      out.push({
        name,
        plan,
        model: (t) => t.loadModel(join(SHARED, 'models', f)),
        input: () => readFileSync(join(SHARED, 'conformance', name, 'in_0.bin')),
      });
  }
  // Calibration of the latency model: single layers of every kernel family, residual graphs (ADD) and
  // the fused plans of two zoo models (the walker's per-call cost). Never the shared models.
  const cal = (name: string, input: [number, number, number], layer: object): Case => ({ ...single(name, input, layer), calibration: true });
  out.push(
    cal('cal conv1x1 a', [16, 16, 16], { op: 'conv2d', filters: 32, kernel: 1, stride: 1, padding: 0 }),
    cal('cal conv1x1 b', [8, 8, 64], { op: 'conv2d', filters: 128, kernel: 1, stride: 1, padding: 0 }),
    cal('cal conv1x1 c', [24, 24, 8], { op: 'conv2d', filters: 24, kernel: 1, stride: 1, padding: 0 }),
    cal('cal conv1x1 d', [6, 6, 96], { op: 'conv2d', filters: 16, kernel: 1, stride: 1, padding: 0 }),
    cal('cal conv3x3 a', [12, 12, 32], { op: 'conv2d', filters: 32, kernel: 3, stride: 1, padding: 1 }),
    cal('cal conv3x3 b', [32, 32, 8], { op: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 1 }),
    cal('cal conv5x1', [30, 10, 16], { op: 'conv2d', filters: 16, kernel: [5, 1], stride: 1, padding: 'same' }),
    cal('cal conv stem 1ch', [49, 10, 1], { op: 'conv2d', filters: 32, kernel: [10, 4], stride: 2, padding: 'same' }),
    cal('cal conv stem 3ch', [48, 48, 3], { op: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 1 }),
    cal('cal dw3x3 a', [20, 20, 64], { op: 'depthwise_conv2d', kernel: 3, stride: 1, padding: 1 }),
    cal('cal dw3x3 b', [12, 12, 128], { op: 'depthwise_conv2d', kernel: 3, stride: 2, padding: 1 }),
    cal('cal dw3x3 c', [6, 6, 36], { op: 'depthwise_conv2d', kernel: 3, stride: 1, padding: 1 }),
    cal('cal dw5x5', [16, 16, 32], { op: 'depthwise_conv2d', kernel: 5, stride: 1, padding: 2 }),
    cal('cal dw mult4', [30, 20, 2], { op: 'depthwise_conv2d', kernel: [8, 6], stride: 2, padding: 'same', multiplier: 4 }),
    cal('cal dw mult8', [20, 16, 1], { op: 'depthwise_conv2d', kernel: [10, 8], stride: 2, padding: 'same', multiplier: 8 }),
    // a larger input of the same kernel: on [20, 16] nearly every output is a border pixel (fewer taps
    // than the MACs the model counts), which made the fit cheap per MAC for a larger layer
    cal('cal dw mult8 b', [44, 36, 1], { op: 'depthwise_conv2d', kernel: [10, 8], stride: 2, padding: 'same', multiplier: 8 }),
    cal('cal avgpool', [16, 16, 32], { op: 'avg_pool2d', kernel: 2, stride: 2, padding: 0 }),
    cal('cal fc a', [1, 1, 512], { op: 'conv2d', filters: 64, kernel: 1, stride: 1, padding: 0 }),
    cal('cal fc b', [1, 1, 96], { op: 'conv2d', filters: 128, kernel: 1, stride: 1, padding: 0 }),
    cal('cal maxpool', [24, 24, 16], { op: 'max_pool2d', kernel: 3, stride: 2, padding: 1 }),
    // k x 1 depthwise layers on a one-column input (keyword-spotting models' time convolutions)
    cal('cal dw5x1', [28, 1, 96], { op: 'depthwise_conv2d', kernel: [5, 1], stride: 1, padding: 0 }),
    cal('cal dw9x1', [24, 1, 64], { op: 'depthwise_conv2d', kernel: [9, 1], stride: 1, padding: 0 }),
    cal('cal dw3x1', [32, 1, 48], { op: 'depthwise_conv2d', kernel: [3, 1], stride: 1, padding: 0 }),
  );
  // generated chains of few channels and of k x 1 layers, fused: the walker's calls on narrow layers
  const chains: [string, [number, number, number], object[]][] = [
    ['narrow', [26, 26, 6], [
      { op: 'conv2d', filters: 16, kernel: 1, stride: 1, padding: 0 }, { op: 'depthwise_conv2d', kernel: 3, stride: 1, padding: 1 },
      { op: 'conv2d', filters: 6, kernel: 1, stride: 1, padding: 0 }, { op: 'conv2d', filters: 20, kernel: 1, stride: 1, padding: 0 },
      { op: 'depthwise_conv2d', kernel: 3, stride: 2, padding: 1 }, { op: 'conv2d', filters: 12, kernel: 1, stride: 1, padding: 0 },
    ]],
    ['time', [36, 1, 24], [
      { op: 'depthwise_conv2d', kernel: [3, 1], stride: 1, padding: 0 }, { op: 'conv2d', filters: 64, kernel: 1, stride: 1, padding: 0 },
      { op: 'depthwise_conv2d', kernel: [7, 1], stride: 1, padding: 0 }, { op: 'conv2d', filters: 64, kernel: 1, stride: 1, padding: 0 },
      { op: 'depthwise_conv2d', kernel: [6, 1], stride: 1, padding: 0 }, { op: 'conv2d', filters: 32, kernel: 1, stride: 1, padding: 0 },
    ]],
  ];
  for (const [tag, input, layers] of chains)
    for (const plan of plans)
      out.push({ name: `cal chain ${tag}`, plan, calibration: true, model: (t) => t.withSeededParams(t.buildChain({ name: tag, input, layers }), 5), input: (t, m) => t.seededInput(bytesOf(m), 5) });
  for (const seed of [1, 2, 3])
    out.push({ name: `cal residual ${seed}`, plan: 'layer by layer', calibration: true, model: (t) => t.withSeededParams(residualGraph(seed, false), seed), input: (t, m) => t.seededInput(bytesOf(m), seed) });
  for (const id of ['mcunet-vww5-r80', 'mbv2-w0.35-r144'])
    out.push({ name: `cal ${id}`, plan: 'minimum RAM', calibration: true, model: (t) => t.withSeededParams(t.zooModel(id), 2), input: (t, m) => t.seededInput(bytesOf(m), 2) });
  // generated chains of other depths, widths and resolutions: the walker's per-call and per-channel costs
  for (const [layers, size, seed] of [[14, 64, 3], [8, 32, 4], [11, 48, 5], [17, 40, 6], [10, 24, 7]] as const)
    out.push({ name: `cal mobilenetLike(${layers}, ${size})`, plan: 'minimum RAM', calibration: true, model: (t) => t.withSeededParams(t.buildChain(mobilenetLike(layers, size, seed)), seed), input: (t, m) => t.seededInput(bytesOf(m), seed) });
  for (const seed of [1, 2, 3])
    out.push({ name: `cal residual ${seed}`, plan: 'minimum RAM', calibration: true, model: (t) => t.withSeededParams(residualGraph(seed, false), seed), input: (t, m) => t.seededInput(bytesOf(m), seed) });
  return out.filter((c) => !only || only.test(`${c.name} ${c.plan}`));
}

/**
 * Per layer (index in the model), the instructions of its kernel calls and of its cache's slides,
 * from a run built with -DMSF_PROFILE (the hooks' own cost subtracted per call).
 */
interface Profile {
  kernel: number[];
  slide: number[];
}

/** The profile entries of a harness line, layers found by their address in the table msf_layers. */
function profileOf(dir: string, line: string, layers: number): Profile {
  const nm = execFileSync('arm-none-eabi-nm', ['-S', 'm.elf'], { cwd: dir, encoding: 'utf8' });
  const sym = /^([0-9a-f]+) ([0-9a-f]+) \w msf_layers$/m.exec(nm);
  if (!sym) throw new Error(`no msf_layers in ${dir}/m.elf`);
  const base = parseInt(sym[1]!, 16);
  const size = parseInt(sym[2]!, 16) / layers;
  const p: Profile = { kernel: Array(layers).fill(0), slide: Array(layers).fill(0) };
  const entries = [...line.matchAll(/ prof ([0-9a-f]+) (\d) t ([0-9a-f]+):([0-9a-f]+) (\d+)/g)].map((m) => ({
    addr: parseInt(m[1]!, 16), what: Number(m[2]), ticks: parseInt(m[3]!, 16) * 2 ** 32 + parseInt(m[4]!, 16), calls: Number(m[5]),
  }));
  const pair = entries.find((e) => e.what === 2);
  if (!pair) throw new Error(`no hook calibration in "${line}"`);
  const perCall = toInsn(pair.ticks) / pair.calls;
  for (const e of entries) {
    if (e.what === 2) continue;
    const l = (e.addr - base) / size;
    if (!Number.isInteger(l) || l < 0 || l >= layers) throw new Error(`profile entry at 0x${e.addr.toString(16)} is not a layer of msf_layers`);
    (e.what === 0 ? p.kernel : p.slide)[l]! += toInsn(e.ticks) - e.calls * perCall;
  }
  return p;
}

/** One counted run; with profileLayers (the model's layer count), built with the profiling hooks and profiled. */
function count(dir: string, files: Map<string, string>, input: Uint8Array, expected: Uint8Array, profileLayers = 0): Count & { profile?: Profile } {
  const c = countOnCortexM4(dir, files, input, expected, profileLayers ? ['-DMSF_PROFILE'] : []);
  return { ...c, ...(profileLayers ? { profile: profileOf(dir, c.line, profileLayers) } : {}) };
}

/** The baseline tree: BASELINE_COMMIT's files, with this checkout's node_modules. */
function baselineTree(work: string): string {
  const dir = join(work, 'baseline-src');
  mkdirSync(dir);
  const tar = execFileSync('git', ['archive', BASELINE_COMMIT], { cwd: ROOT, maxBuffer: 256 << 20 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

interface Row {
  name: string;
  plan: Case['plan'];
  calibration: boolean;
  /** the regressors of src/cost/latency.ts for this plan */
  work: Work;
  macs: number;
  baseline?: number;
  insn: number;
  calPerIter: number;
  sameBytes: boolean;
  /** models and fused calibration plans: where the instructions go, layer by layer (a second run, with the hooks) */
  profile?: Profile;
  /** the regressors of each layer alone */
  layers: Work[];
}

const work = mkdtempSync(join(tmpdir(), 'msf-bench-mcu-'));
const rows: Row[] = [];
const RESULTS = new URL('./results/mcu.json', import.meta.url);
/** MSF_BENCH_FIT_ONLY: the last run's rows (the counts are deterministic), refitted without qemu */
const saved: Row[] | undefined = process.env.MSF_BENCH_FIT_ONLY ? JSON.parse(readFileSync(RESULTS, 'utf8')).rows : undefined;
try {
  const now = await treeAt(ROOT);
  const base = process.env.MSF_BENCH_NO_BASELINE || saved ? undefined : await treeAt(baselineTree(work));
  const exec = getExecutor();
  cases().forEach((c, i) => {
    const model = c.model(now);
    const blocks: Block[] =
      c.plan === 'layer by layer' ? model.layers.map((_, l) => [l, l] as Block) : planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks;
    if (saved) {
      const r = saved.find((x) => x.name === c.name && x.plan === c.plan);
      if (r) rows.push({ ...r, work: planWork(model, blocks), layers: model.layers.map((_, l) => planWork(model, blocks, undefined, l)) });
      return;
    }
    const input = c.input(now, model);
    const expected = exec.run(model, blocks, input).output;
    const { files, summary } = now.emitProgram(model, blocks);
    const after = count(join(work, `${i}-now`), files, input, expected);
    const profiled = !CMSIS[c.name] && (!c.calibration || c.plan === 'minimum RAM');
    const profile = profiled ? count(join(work, `${i}-profile`), files, input, expected, model.layers.length).profile : undefined;
    let baseline: number | undefined;
    if (base && !c.calibration) {
      const b = count(join(work, `${i}-base`), base.emitProgram(c.model(base), blocks).files, input, expected);
      if (!b.sameBytes) throw new Error(`${c.name} ${c.plan}: the baseline's output differs from the Wasm executor's`);
      baseline = b.insn;
    }
    rows.push({ name: c.name, plan: c.plan, calibration: Boolean(c.calibration), work: planWork(model, blocks), macs: summary.macs, baseline, insn: after.insn, calPerIter: after.calPerIter, sameBytes: after.sameBytes, profile, layers: model.layers.map((_, l) => planWork(model, blocks, undefined, l)) });
    const per = (n: number) => (n / summary.macs).toFixed(2);
    console.log(
      `${c.name} (${c.plan}): ${after.insn.toLocaleString('en-US')} insn, ${per(after.insn)}/MAC` +
        (baseline ? `; baseline ${baseline.toLocaleString('en-US')} (${per(baseline)}/MAC), x${(baseline / after.insn).toFixed(2)} fewer` : '') +
        (after.sameBytes ? '' : '  OUTPUT MISMATCH'),
    );
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

const qemu = execFileSync('qemu-system-arm', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const gcc = execFileSync('arm-none-eabi-gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
// One row per line: the per-layer profiles make a pretty-printed file of ~120,000 lines.
const head = JSON.stringify({ date: new Date().toISOString(), qemu, gcc, baseline: BASELINE_COMMIT });
writeFileSync(RESULTS, `${head.slice(0, -1)},\n"rows": [\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`);

const fmt = (n: number) => n.toLocaleString('en-US');
const cal = rows.map((r) => r.calPerIter);
console.log(`\ncalibration: ${Math.min(...cal).toFixed(4)}-${Math.max(...cal).toFixed(4)} insn per iteration of a 2-instruction loop (${qemu}; ${gcc})`);
console.log(`\n| case | plan | MACs | baseline insn | insn | baseline insn/MAC | insn/MAC | CMSIS-NN insn/MAC | baseline / now | same bytes |`);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows.filter((x) => !x.calibration))
  console.log(
    `| ${r.name} | ${r.plan} | ${fmt(r.macs)} | ${r.baseline ? fmt(r.baseline) : ''} | ${fmt(r.insn)} | ${r.baseline ? (r.baseline / r.macs).toFixed(2) : ''} | ${(r.insn / r.macs).toFixed(2)} | ${CMSIS[r.name] ?? ''} | ${r.baseline ? `x${(r.baseline / r.insn).toFixed(2)}` : ''} | ${r.sameBytes ? 'yes' : 'NO'} |`,
  );
/*
 * Fused vs layer by layer. The mix bound is the instruction ratio fusion would reach if each layer's
 * kernel cost what it costs layer by layer per output (and the walker nothing): recomputed outputs
 * of an expensive layer (a depthwise one) raise it above the MAC ratio, and no walker removes that.
 */
console.log(`\n| model | MAC ratio (fused / lbl) | insn ratio | mix bound | insn ratio / mix bound | insn ratio / MAC ratio (target <= 1.05) |`);
console.log('|---|---:|---:|---:|---:|---:|');
const fusedRows: { name: string; mac: number; insn: number; bound?: number; kernels?: number; slides?: number; walker?: number }[] = [];
for (const f of rows.filter((r) => r.plan === 'minimum RAM' && !r.calibration)) {
  const l = rows.find((r) => r.name === f.name && r.plan === 'layer by layer');
  if (!l) continue;
  const mac = f.macs / l.macs;
  const insn = f.insn / l.insn;
  const row: (typeof fusedRows)[number] = { name: f.name, mac, insn };
  if (l.profile && f.profile) {
    const extra = l.profile.kernel.reduce((s, k, j) => s + (l.work.layerOutputs[j]! ? k * (f.work.layerOutputs[j]! / l.work.layerOutputs[j]! - 1) : 0), 0);
    row.bound = (l.insn + extra) / l.insn;
    row.kernels = f.profile.kernel.reduce((a, b) => a + b, 0) - l.profile.kernel.reduce((a, b) => a + b, 0) - extra;
    row.slides = f.profile.slide.reduce((a, b) => a + b, 0);
    row.walker = f.insn - l.insn - extra - row.kernels - row.slides;
  }
  fusedRows.push(row);
  console.log(`| ${f.name} | x${mac.toFixed(3)} | x${insn.toFixed(3)} | ${row.bound ? `x${row.bound.toFixed(3)}` : ''} | ${row.bound ? (insn / row.bound).toFixed(3) : ''} | ${(insn / mac).toFixed(3)} |`);
}
console.log(`\nwhere the fused plans' instructions above the mix bound go (kernel calls' extra over their layer-by-layer cost per output, cache slides, the rest of the walker):`);
console.log(`\n| model | above the mix bound | kernel calls | slides | walker |`);
console.log('|---|---:|---:|---:|---:|');
for (const r of fusedRows.filter((x) => x.bound !== undefined && x.mac > 1)) {
  const above = r.kernels! + r.slides! + r.walker!;
  console.log(`| ${r.name} | ${fmt(Math.round(above))} | ${fmt(Math.round(r.kernels!))} | ${fmt(Math.round(r.slides!))} | ${fmt(Math.round(r.walker!))} |`);
}

// ---- the latency model (src/cost/latency.ts): fit on the calibration cases, evaluate on the rest ----

/** Least squares for x in A x = b (normal equations, Gaussian elimination; columns of zeros give 0). */
function leastSquares(A: number[][], b: number[]): number[] {
  const n = A[0]!.length;
  const M = Array.from({ length: n }, (_, i) => Array.from({ length: n + 1 }, (_, j) => A.reduce((s, row, r) => s + row[i]! * (j < n ? row[j]! : b[r]!), 0)));
  for (let i = 0; i < n; i++) {
    let p = i;
    for (let r = i + 1; r < n; r++) if (Math.abs(M[r]![i]!) > Math.abs(M[p]![i]!)) p = r;
    [M[i], M[p]] = [M[p]!, M[i]!];
    if (Math.abs(M[i]![i]!) < 1e-9) continue;
    for (let r = 0; r < n; r++) {
      if (r === i) continue;
      const f = M[r]![i]! / M[i]![i]!;
      for (let j = i; j <= n; j++) M[r]![j]! -= f * M[i]![j]!;
    }
  }
  return M.map((row, i) => (Math.abs(row[i]!) < 1e-9 ? 0 : row[n]! / row[i]!));
}

/** Least squares with every coefficient >= 0: a negative one drops its column and the rest is refitted. */
function leastSquaresNonNegative(A: number[][], b: number[]): number[] {
  let keep = A[0]!.map((_, j) => j);
  for (;;) {
    const x = leastSquares(A.map((row) => keep.map((j) => row[j]!)), b);
    const negative = x.findIndex((v) => v < 0);
    if (negative < 0 || keep.length === 1) {
      const out = A[0]!.map(() => 0);
      keep.forEach((j, i) => (out[j] = Math.max(0, x[i]!)));
      return out;
    }
    keep = keep.filter((_, i) => i !== negative);
  }
}

const estimate = instructionsOf;
const none = Object.fromEntries(FIT_CLASSES.map((c) => [c, 0])) as Record<OpClass, number>;
/** Kernel families that share one per-channel-of-a-call figure (too few fused calibration plans for one each). */
const CHANNEL_GROUPS: readonly (readonly OpClass[])[] = [['conv1x1', 'conv', 'fc'], ['depthwise3x3', 'depthwise', 'depthwiseMult'], ['pool', 'add']];

const cals = rows.filter((r) => r.calibration);
if (cals.length) {
  const k: LatencyCoefficients = structuredClone(CORTEX_M4_DSP);
  k.target = `fitted by bench/mcu.ts (${gcc}; ${qemu})`;
  // Steps 1-3 depend on one another (a single layer's one call, the fused plans' kernels): three passes.
  for (let pass = 0; pass < 3; pass++) {
    // 1. every MAC family from its single layers: insn - the call = perMac * MACs + perOutput * outputs
    const singles = cals.filter((r) => r.work.calls === 1 && FIT_CLASSES.filter((c) => r.work.outputs[c] > 0).length === 1);
    const classOfRow = (r: Row): OpClass => FIT_CLASSES.find((c) => r.work.outputs[c] > 0)!;
    for (const c of FIT_CLASSES) {
      const rs = singles.filter((r) => classOfRow(r) === c);
      if (!rs.length) continue;
      // per MAC, per output byte and per filter row of an output (per pixel is nearly collinear on so
      // few layers), without negative figures
      const y = rs.map((r) => r.insn - estimate({ ...r.work, macs: none, skippedMacs: none, outputs: none, pixels: none, filterRows: none, slideBytes: 0 }, k));
      const x = leastSquaresNonNegative(rs.map((r) => [r.work.macs[c] - r.work.skippedMacs[c], r.work.outputs[c], r.work.filterRows[c]]), y);
      [k.perMac[c], k.perOutput[c], k.perFilterRow[c], k.perPixel[c]] = [x[0]!, x[1]!, x[2]!, 0];
    }
    // 2. ADD from the residual graphs: what the fitted families do not explain, per ADD output
    const res = cals.filter((r) => r.name.startsWith('cal residual') && r.plan === 'layer by layer');
    if (res.length) {
      const without = (r: Row) => estimate({ ...r.work, outputs: { ...r.work.outputs, add: 0 } }, k);
      k.perOutput.add = res.reduce((s, r) => s + (r.insn - without(r)), 0) / res.reduce((s, r) => s + r.work.outputs.add, 0);
    }
    // 3. the walker, from the fused plans of generated models, layer by layer (their profiles): what
    // a kernel call of a block costs beyond its MACs and outputs, per call, per output channel of a
    // call (three groups of kernel families) and per MAC of a lone pixel (a negative figure drops
    // its term and the rest is refitted); what the walker itself adds per call; the slides per byte
    const fused = cals.filter((r) => r.plan === 'minimum RAM' && r.profile);
    if (fused.length) {
      const inBlock = fused.flatMap((r) => r.layers.flatMap((w, l) => (w.calls > 1 ? [{ w, insn: r.profile!.kernel[l]! }] : [])));
      const rest = (w: Work) => estimate({ ...w, calls: 0, callChannels: none, singleMacs: 0, slideBytes: 0 }, k);
      const group = (w: Work, g: readonly OpClass[]) => g.reduce((a, c) => a + w.callChannels[c], 0);
      // each layer's row scaled by its count: relative errors, so that the large layers of a few plans do not decide alone
      const x = leastSquaresNonNegative(
        inBlock.map(({ w, insn }) => [w.calls, ...CHANNEL_GROUPS.map((g) => group(w, g)), w.singleMacs].map((v) => v / insn)),
        inBlock.map(({ w, insn }) => (insn - rest(w)) / insn),
      );
      CHANNEL_GROUPS.forEach((g, i) => g.forEach((c) => (k.perCallChannel[c] = x[i + 1]!)));
      k.perSingleMac = x[CHANNEL_GROUPS.length + 1]!;
      const sum = (a: number[]) => a.reduce((u, v) => u + v, 0);
      const walker = sum(fused.map((r) => r.insn - sum(r.profile!.kernel) - sum(r.profile!.slide)));
      const blockCalls = sum(inBlock.map(({ w }) => w.calls));
      k.perCall = x[0]! + walker / blockCalls;
      k.perSlideByte = sum(fused.map((r) => sum(r.profile!.slide))) / sum(fused.map((r) => r.work.slideBytes));
    }
  }
  const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([a, v]) => [a, Number(v.toFixed(3))]));
  const fitted = { ...k, perMac: round(k.perMac), perOutput: round(k.perOutput), perPixel: round(k.perPixel), perFilterRow: round(k.perFilterRow), perCall: Number(k.perCall.toFixed(1)), perCallChannel: round(k.perCallChannel), perSingleMac: Number(k.perSingleMac.toFixed(3)), perSlideByte: Number(k.perSlideByte.toFixed(3)) };
  console.log(`\nlatency model fitted on ${cals.length} calibration cases (src/cost/latency.ts holds these figures):\n${JSON.stringify(fitted)}`);
  console.log(`\n| model | plan | measured insn | estimated (fitted) | error | estimated (latency.ts) | error |`);
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows.filter((x) => !x.calibration && !CMSIS[x.name])) {
    const e = estimate(r.work, k);
    const s = estimate(r.work, CORTEX_M4_DSP);
    const pct = (v: number) => `${(((v - r.insn) / r.insn) * 100).toFixed(1)}%`;
    console.log(`| ${r.name} | ${r.plan} | ${fmt(r.insn)} | ${fmt(Math.round(e))} | ${pct(e)} | ${fmt(Math.round(s))} | ${pct(s)} |`);
  }
  writeFileSync(new URL('./results/mcu-latency.json', import.meta.url), JSON.stringify(fitted, null, 2));
}
