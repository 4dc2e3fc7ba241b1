/**
 * (Over 500 lines: one Vite build and one browser session serve every case, so they live in one file.)
 *
 * The web page end to end: builds web/ with Vite, serves web/dist from 127.0.0.1, drives Debian's
 * Chromium headless through playwright-core, and checks that the figures the page shows (computed by
 * the Wasm engine in a Worker) are those planModel() computes in Node for the same inputs.
 * Screenshots and timings go to test-artifacts/web/.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactLayers, exactPlanCost } from '../src/cost/exact.js';
import { LIBRARY_FILES, LIBRARY_SOURCES, emitC } from '../src/emit/emit-c.js';
import { InfeasibleError, MsfError } from '../src/errors.js';
import { modelFromBytes } from '../src/import/from-bytes.js';
import { type Model, modelInputs, tensorBytes } from '../src/model/ir.js';
import { sramFigures } from '../src/report/memory.js';
import { groupDigits } from '../src/report/digits.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import { type CostModelName, type PlanResult, planModel } from '../src/plan/planner.js';
import { executableModel } from '../src/model/seeded.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';
import { flashBytes } from '../src/runtime/lower.js';
import { paperNote, planJson } from '../src/report/json.js';
import { runCli } from './helpers/cli.js';
import { type StaticServer, serveStatic } from './helpers/static-server.js';
import { conv, dw, pool } from './helpers/chain-layers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'web', 'dist');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const CHROMIUM = '/usr/bin/chromium';
const run = promisify(execFile);

let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];
const timings: { model: string; cost: string; searchMs: number; roundTripMs: number; testMs: number }[] = [];

/** A setup failure (no Chromium, build error) fails every test with its message: nothing is skipped. */
let setupError: unknown;

beforeAll(async () => {
  try {
    await setup();
  } catch (e) {
    setupError = e;
  }
}, 60_000);

function e2e(name: string, fn: () => Promise<void> | void, timeoutMs?: number): void {
  it(name, async () => {
    if (setupError) throw setupError;
    await fn();
  }, timeoutMs);
}

async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: the web end-to-end test needs Debian's Chromium. Install it with \`apt-get update && apt-get install -y chromium\` (CI must do the same).`,
    );
  if (!existsSync(join(ROOT, 'build', 'search.wasm'))) await run(process.execPath, [join(ROOT, 'scripts', 'build-wasm.mjs')], { cwd: ROOT });
  // A separate process: Vite builds for production regardless of the test runner's environment.
  await run(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serveStatic(DIST);
  // Playwright gives every non-persistent launch a fresh, temporary user-data dir.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  context.on('request', (r) => requests.push(r.url())); // includes the worker's fetches
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && consoleErrors.push(`worker: ${m.text()}`)));
  await page.goto(`${server.origin}/`);
  await waitShown(`mbv2-w0.35-r144|exact|-|-`);
}

/** Downloads, their extraction and the C builds ("Download C"). */
const work = mkdtempSync(join(tmpdir(), 'msf-web-c-'));

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
  if (timings.length) writeFileSync(join(ARTIFACTS, 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
});

// ---------------------------------------------------------------------------------------------
// Page helpers

interface Limits {
  ram?: number;
  maxOverhead?: number;
}

/** Waits until the page shows figures computed for `key` ("model|cost|ram|maxOverhead") and is idle. */
async function waitShown(key: string): Promise<void> {
  await page.waitForFunction((k) => document.body.dataset.shown === k && document.body.dataset.state === 'idle', key, { timeout: 10_000 });
}

const keyOf = (model: string, cost: CostModelName, l: Limits): string => [model, cost, l.ram ?? '-', l.maxOverhead ?? '-'].join('|');

async function setLimit(which: 'ram' | 'oh', value: number | undefined): Promise<void> {
  const toggle = page.getByTestId(`${which}-enabled`);
  if (value === undefined) {
    if (await toggle.isChecked()) await toggle.uncheck();
    return;
  }
  if (!(await toggle.isChecked())) await toggle.check();
  const input = page.getByTestId(`${which}-input`);
  await input.fill(String(value));
  await input.press('Enter');
}

/** Chooses model, cost model and limits through the controls, as a user would. */
async function configure(model: string, cost: CostModelName, limits: Limits): Promise<void> {
  await page.getByTestId('model-select').selectOption(model);
  await page.getByTestId(`cost-${cost}`).check();
  await setLimit('ram', limits.ram);
  await setLimit('oh', limits.maxOverhead);
  await waitShown(keyOf(model, cost, limits));
}

interface Shown {
  engine: string;
  peak?: number;
  totalSram?: number;
  flash?: number;
  /** Per-step memory cells (input, output, skip, caches) of each block row, when shown. */
  steps: number[][];
  note?: string;
  macs?: number;
  overhead?: number;
  blocks?: [number, number][];
  rows: { first: number; last: number; bytes: number; macs: number }[];
  front: { peak: number; macs: number; chosen: boolean }[];
  vanillaPeak: number;
  heuristicPeak: number;
  baselineMacs: number;
  layers: number;
  error?: string;
  searchMs: number;
  roundTripMs: number;
}

async function shown(): Promise<Shown> {
  return page.evaluate(() => {
    const q = (id: string): HTMLElement | SVGElement | null => document.querySelector(`[data-testid="${id}"]`);
    const num = (id: string): number | undefined => {
      const v = q(id)?.dataset.value;
      return v === undefined ? undefined : Number(v);
    };
    const blocks = q('block-count')?.dataset.blocks;
    const err = q('error');
    return {
      engine: q('engine')?.dataset.value ?? '',
      peak: num('peak-bytes'),
      totalSram: num('total-sram'),
      flash: num('flash'),
      steps: [...document.querySelectorAll<HTMLElement>('[data-testid="block-row"]')].map((r) =>
        [...r.querySelectorAll<HTMLElement>('td[data-step]')].filter((td) => td.offsetParent !== null).map((td) => Number(td.textContent!.replace(/,/g, ''))),
      ),
      ...((q('cost-note') as HTMLElement | null)?.hidden === false ? { note: q('cost-note')!.textContent ?? '' } : {}),
      macs: num('macs'),
      overhead: num('overhead'),
      blocks: blocks && num('block-count') !== undefined ? (JSON.parse(blocks) as [number, number][]) : undefined,
      rows: [...document.querySelectorAll<HTMLElement>('[data-testid="block-row"]')].map((r) => ({
        first: Number(r.dataset.first),
        last: Number(r.dataset.last),
        bytes: Number(r.dataset.bytes),
        macs: Number(r.dataset.macs),
      })),
      front: [...document.querySelectorAll<SVGElement>('[data-testid="front-point"]')]
        .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
        .map((p) => ({ peak: Number(p.dataset.peak), macs: Number(p.dataset.macs), chosen: p.dataset.chosen === 'true' })),
      vanillaPeak: Number(q('vanilla-point')?.dataset.peak),
      heuristicPeak: Number(q('heuristic-point')?.dataset.peak),
      baselineMacs: num('baseline-macs') ?? NaN,
      layers: num('layers') ?? NaN,
      ...(err && !(err as HTMLElement).hidden ? { error: q('error-message')?.textContent ?? '' } : {}),
      searchMs: num('search-ms') ?? NaN,
      roundTripMs: num('roundtrip-ms') ?? NaN,
    };
  });
}

/** planModel in Node for the same inputs: the figures, or the InfeasibleError's message. */
function expected(model: Model, cost: CostModelName, l: Limits): { r: PlanResult } | { infeasible: string; front: PlanResult } {
  const options = { cost, front: true, ...(l.ram !== undefined ? { ramLimit: l.ram } : {}), ...(l.maxOverhead !== undefined ? { maxOverhead: l.maxOverhead } : {}) };
  try {
    return { r: planModel(model, options) };
  } catch (e) {
    if (!(e instanceof InfeasibleError)) throw e;
    return { infeasible: e.message, front: planModel(model, { cost, front: true }) };
  }
}

function expectSameFront(s: Shown, r: PlanResult): void {
  expect(s.front.map(({ peak, macs }) => ({ peak, macs }))).toEqual(r.front!.map((p) => ({ peak: p.peakBytes, macs: p.macs })));
  expect(s.vanillaPeak).toBe(r.vanilla.peakBytes);
  expect(s.heuristicPeak).toBe(r.heuristic.peakBytes);
  expect(s.baselineMacs).toBe(r.baselineMacs);
  expect(s.layers).toBe(r.layers);
}

async function checkAgainstNode(model: Model, cost: CostModelName, limits: Limits): Promise<Shown> {
  const s = await shown();
  const e = expected(model, cost, limits);
  expect(s.engine).toBe('wasm');
  if ('r' in e) {
    const { r } = e;
    expect(s.error).toBeUndefined();
    expect(s.peak).toBe(r.solution.peakBytes);
    expect(s.macs).toBe(r.solution.macs);
    expect(s.overhead).toBeCloseTo(r.solution.overhead, 4);
    expect(s.blocks).toEqual(r.solution.blocks);
    expect(s.rows).toEqual(r.solutionBlocks.map(({ first, last, bytes, macs }) => ({ first, last, bytes, macs })));
    expectSameFront(s, r);
    // total SRAM = arena + the caller's input and output buffers; flash of the (seeded) weights
    expect(s.totalSram).toBe(sramFigures(model, r.solution.peakBytes).totalSramBytes); // every input and output buffer
    expect(s.flash).toBe(flashBytes(executableModel(model, 1)));
    // the per-step memory table (exact cost model): input + output + skip + caches = the step's arena
    if (cost === 'exact') s.steps.forEach((cells, i) => expect([i, cells.reduce((a, v) => a + v, 0)]).toEqual([i, r.solutionBlocks[i]!.bytes]));
    else expect(s.steps.every((cells) => cells.length === 0)).toBe(true);
    expect(s.note).toBe(paperNote(model, r) === null ? undefined : `Note: ${paperNote(model, r)}.`);
    const chosen = s.front.findIndex((p) => p.chosen);
    expect(s.front[chosen]).toEqual({ peak: r.solution.peakBytes, macs: r.solution.macs, chosen: true });
  } else {
    expect(s.error).toBe(e.infeasible);
    expect(s.peak).toBeUndefined();
    expect(s.rows).toEqual([]);
    expect(s.front.some((p) => p.chosen)).toBe(false);
    expectSameFront(s, e.front);
  }
  return s;
}

const text = async (testId: string): Promise<string> => (await page.getByTestId(testId).textContent()) ?? '';

/** A full-page screenshot from the top (the sticky top bar would otherwise be drawn where the page was scrolled to). */
async function shot(name: string): Promise<Buffer> {
  await page.evaluate(() => window.scrollTo(0, 0));
  return page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// ---------------------------------------------------------------------------------------------
// Download C

const C_FILES = ['msf_model.h', 'msf_model.c', ...LIBRARY_FILES, 'main.c', 'CMakeLists.txt', 'README.md'];

/** Clicks "Download C", saves the archive and extracts it with the system's tar: the files under its one directory. */
async function downloadC(fileName: string): Promise<{ dir: string; files: Map<string, Buffer> }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.getByTestId('download-c').click()]);
  expect(download.suggestedFilename()).toBe(fileName);
  const tarPath = join(work, fileName);
  await download.saveAs(tarPath);
  await page.waitForFunction(() => document.body.dataset.emit === 'done');
  const stem = fileName.replace(/\.tar$/, '');
  // GNU tar checks every header's checksum and the ustar fields; -v lists types and modes.
  const { stdout: listing } = await run('tar', ['-tvf', tarPath]);
  const lines = listing.trim().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^drwxr-xr-x root/root\\s+0 .* ${stem}/$`));
  for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^-rw-r--r-- root/root\\s+\\d+ .* ${stem}/[A-Za-z0-9_.]+$`));
  // A directory of its own: one model's C may be downloaded twice (with and without the input in the arena).
  const out = mkdtempSync(join(work, `${stem}-x-`));
  await run('tar', ['-xf', tarPath, '-C', out]);
  expect(readdirSync(out)).toEqual([stem]);
  const dir = join(out, stem);
  const files = new Map(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n))] as const));
  return { dir, files };
}

/**
 * The downloaded program against Node: the C files are emitC's for the same model, blocks and
 * options, every file (input.bin and expected.bin included) are those `msf emit` writes, the
 * arena is the exact cost of the blocks, and gcc builds it warning-free into a program whose output
 * is the Wasm executor's (src/runtime/run.ts) for the seeded input.
 */
async function checkDownloadedC(model: Model, cost: CostModelName, cliModel: string, fileName: string): Promise<number> {
  const { dir, files } = await downloadC(fileName);
  const exe = executableModel(model, 1);
  const blocks = planModel(exe, { cost }).solution.blocks;
  // The seeded input of every model input and the executor's outputs: input.bin / expected.bin, or
  // input_<i>.bin / expected_<j>.bin when there are several.
  const ins = modelInputs(exe).map((t) => seededInput(tensorBytes(exe.tensors[t]!.shape), 1));
  const outs = getExecutor().run(exe, blocks, ins).outputs;
  const many = ins.length > 1 || outs.length > 1;
  const data = new Map([...ins.map((b, i) => [many ? `input_${i}.bin` : 'input.bin', b] as const), ...outs.map((b, j) => [many ? `expected_${j}.bin` : 'expected.bin', b] as const)]);
  expect([...files.keys()]).toEqual([...C_FILES, ...data.keys()].sort());

  expect((await shown()).blocks).toEqual(blocks);
  const emitted = emitC(exe, blocks, { seed: 1, planNote: `minimum peak RAM, cost model ${cost}` });
  expect([...emitted.keys()].sort()).toEqual([...C_FILES].sort());
  for (const [name, text] of emitted) expect(files.get(name)!.toString('utf8') === text, `${name} differs from emitC's`).toBe(true);

  const cliDir = join(work, `${fileName}-cli`);
  // The page cannot build C: its README is `msf emit --no-build`'s.
  const cli = await runCli('emit', cliModel, ...(cost === 'exact' ? [] : ['--cost', cost]), '--no-build', '--out', cliDir);
  expect(cli.code, cli.stderr).toBe(0);
  expect(readdirSync(cliDir).sort()).toEqual([...files.keys()]);
  for (const [name, bytes] of files) expect(bytes.equals(readFileSync(join(cliDir, name))), `${name} differs from msf emit's`).toBe(true);

  const arena = exactPlanCost(exactLayers(exe), blocks).peakBytes;
  expect(files.get('msf_model.h')!.toString()).toContain(`#define MSF_ARENA_BYTES ${arena}\n`);
  expect(await page.getByTestId('c-hint').getAttribute('data-arena')).toBe(String(arena));
  expect(await page.getByTestId('c-status').getAttribute('data-arena')).toBe(String(arena));

  for (const [name, bytes] of data) expect(files.get(name)!.equals(bytes), name).toBe(true);
  await run('gcc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-O2', '-o', 'msf_model', 'main.c', 'msf_model.c', ...LIBRARY_SOURCES], { cwd: dir });
  // main.c reads input_<i>.bin and writes output_<j>.bin by default when there are several.
  const { stdout } = await run(join(dir, 'msf_model'), many ? [] : ['input.bin', 'output.bin'], { cwd: dir });
  expect(stdout).toMatch(new RegExp(`^msf: ok, ${outs.reduce((s, o) => s + o.length, 0)} output bytes`));
  outs.forEach((o, j) => expect(readFileSync(join(dir, many ? `output_${j}.bin` : 'output.bin')).equals(o), `output ${j}`).toBe(true));
  return arena;
}

/**
 * A streaming plan's download: byte for byte the files of `msf emit --stream` for the same model
 * and limits (the streamed C, input.bin, expected.bin); gcc builds it warning-free and it computes
 * expected.bin (the layer-by-layer bytes) with an arena of the plan's peak. Returns that arena.
 */
async function checkDownloadedStreamC(cliModel: string, fileName: string, peakBytes: number): Promise<number> {
  const { dir, files } = await downloadC(fileName);
  const cliDir = join(work, `${fileName}-cli`);
  const cli = await runCli('emit', cliModel, '--stream', '--no-build', '--out', cliDir);
  expect(cli.code, cli.stderr).toBe(0);
  expect([...files.keys()]).toEqual(readdirSync(cliDir).sort());
  expect(files.has('msf_stream.c')).toBe(true);
  for (const [name, bytes] of files) expect(bytes.equals(readFileSync(join(cliDir, name))), `${name} differs from msf emit --stream's`).toBe(true);
  expect(files.get('msf_model.c')!.toString()).toMatch(/msf_run_stream\(/);
  expect(files.get('msf_model.h')!.toString()).toContain(`#define MSF_ARENA_BYTES ${peakBytes}\n`);
  expect(await page.getByTestId('c-hint').getAttribute('data-arena')).toBe(String(peakBytes));
  expect(await page.getByTestId('c-status').getAttribute('data-arena')).toBe(String(peakBytes));
  await run('gcc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-O2', '-o', 'msf_model', 'main.c', 'msf_model.c', ...LIBRARY_SOURCES], { cwd: dir });
  const { stdout } = await run(join(dir, 'msf_model'), ['input.bin', 'output.bin'], { cwd: dir });
  expect(stdout).toMatch(/^msf: ok/);
  expect(readFileSync(join(dir, 'output.bin')).equals(files.get('expected.bin')!)).toBe(true);
  return peakBytes;
}

// ---------------------------------------------------------------------------------------------

describe('web page (Wasm engine in a Worker, headless Chromium)', () => {
  e2e('shows the default minimum-RAM plan of the default model', async () => {
    await checkAgainstNode(zooModel('mbv2-w0.35-r144'), 'exact', {});
    expect(await text('cli')).toBe('msf plan mbv2-w0.35-r144 --front');
    expect(await page.getByTestId('cost-exact').isChecked()).toBe(true);
    await shot('01-default-min-ram');
  });

  e2e('plans every zoo model, both cost models, P1 / P2 / both / neither, like planModel in Node', async () => {
    const scenarios: Limits[] = [{}, { maxOverhead: 1.3 }, { ram: 64_000 }, { ram: 64_000, maxOverhead: 1.3 }];
    for (const id of ZOO_IDS) {
      const model = zooModel(id);
      for (const cost of ['paper', 'exact'] as const) {
        await configure(id, cost, {});
        await checkAgainstNode(model, cost, {});
        for (const limits of scenarios.slice(1)) {
          await configure(id, cost, limits);
          await checkAgainstNode(model, cost, limits);
        }
      }
    }
    // Timing of a model change (the full front from scratch), reported, not asserted: the page's own
    // figures (search in the worker; post -> figures rendered) and the test's (select -> shown).
    for (const cost of ['paper', 'exact'] as const) {
      await configure(ZOO_IDS[ZOO_IDS.length - 1]!, cost, {});
      for (const id of ZOO_IDS) {
        const t0 = performance.now();
        await page.getByTestId('model-select').selectOption(id);
        await waitShown(keyOf(id, cost, {}));
        const testMs = performance.now() - t0;
        const s = await shown();
        timings.push({ model: id, cost, searchMs: s.searchMs, roundTripMs: s.roundTripMs, testMs });
      }
    }
    console.log(
      'web: time to the full front after a model change\n' +
        timings.map((t) => `  ${t.model.padEnd(18)} ${t.cost.padEnd(5)} search ${t.searchMs.toFixed(2).padStart(7)} ms · round trip ${t.roundTripMs.toFixed(1).padStart(6)} ms (test-side ${t.testMs.toFixed(0)} ms)`).join('\n'),
    );
  });

  e2e('screenshots P1, P2 and an infeasible budget', async () => {
    await configure('mbv2-w0.35-r144', 'paper', { maxOverhead: 1.3 });
    await checkAgainstNode(zooModel('mbv2-w0.35-r144'), 'paper', { maxOverhead: 1.3 });
    expect(await text('cli')).toBe('msf plan mbv2-w0.35-r144 --cost paper --max-overhead 1.3 --front');
    await shot('02-p1-overhead-1.3');
    await configure('mcunet-320kb-r176', 'exact', { ram: 64_000 });
    await checkAgainstNode(zooModel('mcunet-320kb-r176'), 'exact', { ram: 64_000 });
    await shot('03-p2-ram-64000-exact');
    await configure('mbv2-w0.35-r144', 'paper', { ram: 5_000 });
    const s = await checkAgainstNode(zooModel('mbv2-w0.35-r144'), 'paper', { ram: 5_000 });
    expect(s.error).toContain(`smallest reachable peak is ${groupDigits(planModel(zooModel('mbv2-w0.35-r144'), { cost: 'paper' }).solution.peakBytes)} B`);
    // No plan, no C: the button is disabled and says why.
    expect(await page.getByTestId('download-c').isDisabled()).toBe(true);
    expect(await text('c-hint')).toBe('No plan to generate C for.');
    await shot('04-infeasible');
  });

  e2e('clicking a front point plans for that point', async () => {
    await configure('mcunet-vww5-r80', 'paper', {});
    const r = planModel(zooModel('mcunet-vww5-r80'), { cost: 'paper', front: true });
    const k = Math.floor(r.front!.length / 2);
    const target = r.front![k]!;
    // The plot picks the nearest point under the pointer: aim at the dot's centre.
    const dot = page.locator(`[data-testid="front-point"][data-index="${k}"]`);
    await dot.scrollIntoViewIfNeeded();
    const box = (await dot.boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx, cy);
    await page.locator('#tooltip').waitFor({ state: 'visible' });
    expect(await page.locator('#tooltip').textContent()).toContain(`${target.peakBytes.toLocaleString('en-US')} B`);
    await page.mouse.click(cx, cy);
    await waitShown(keyOf('mcunet-vww5-r80', 'paper', { ram: target.peakBytes }));
    const s = await checkAgainstNode(zooModel('mcunet-vww5-r80'), 'paper', { ram: target.peakBytes });
    expect(s.peak).toBe(target.peakBytes);
    expect(s.macs).toBe(target.macs);
    await page.mouse.move(5, 5);
  });

  e2e('reports bad files as readable messages and stays usable; a valid chain JSON then plans', async () => {
    await configure('mbv2-w0.35-r144', 'paper', {});
    const before = await shown();
    const bad: { name: string; bytes: Buffer }[] = [
      { name: 'broken.json', bytes: Buffer.from('{ "name": "tiny", "input": [96, 96, 3], "layers": [ { "op": "conv2d", ') },
      { name: 'wrong-op.json', bytes: Buffer.from(JSON.stringify({ name: 'w', input: [32, 32, 3], layers: [{ op: 'softmax', kernel: 1, stride: 1, padding: 0 }] })) },
      { name: 'model.tflite', bytes: Buffer.from('definitely not a flatbuffer') },
      { name: 'notes.txt', bytes: Buffer.from('hello') },
    ];
    for (const f of bad) {
      let message = '';
      try {
        modelFromBytes(f.name, new Uint8Array(f.bytes));
      } catch (e) {
        expect(e).toBeInstanceOf(MsfError);
        message = (e as Error).message;
      }
      expect(message, `${f.name} should be refused`).not.toBe('');
      const runs = await page.evaluate(() => Number(document.body.dataset.run));
      await page.getByTestId('file-input').setInputFiles({ name: f.name, mimeType: 'application/octet-stream', buffer: f.bytes });
      await page.waitForFunction((n) => Number(document.body.dataset.run) > n && document.body.dataset.state === 'idle', runs);
      expect(await page.getByTestId('error').isVisible()).toBe(true);
      // The JSON parser's own detail differs between V8 versions (Node vs Chromium): compare around it.
      const stripDetail = (m: string): string => m.replace(/not valid JSON \(.*\);/, 'not valid JSON (…);');
      expect(stripDetail(await text('error-message'))).toBe(stripDetail(message));
      expect(await text('error-title')).toBe(`Could not read ${f.name}`);
      if (f.name === 'broken.json') await shot('05-bad-file');
      // The previous plan stays on screen and the model choice is back to the zoo model.
      const after = await shown();
      expect(after.peak).toBe(before.peak);
      expect(after.rows).toEqual(before.rows);
      expect(await page.getByTestId('model-select').inputValue()).toBe('mbv2-w0.35-r144');
    }

    const chain = {
      name: 'tiny',
      input: [96, 96, 3],
      layers: [conv(16, 3, 2), dw(3, 1), conv(8, 1, 1), conv(48, 1, 1), dw(3, 2), conv(16, 1, 1), pool('avg_pool2d', 2, 2)],
    };
    const json = JSON.stringify(chain, null, 2);
    const bytes = Buffer.from(json);
    // This one is dropped on the drop zone, as a user would drag it from the desktop.
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'tiny.json', { type: 'application/json' }));
      return dt;
    }, json);
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
    await waitShown('file:tiny.json|paper|-|-');
    const model = modelFromBytes('tiny.json', new Uint8Array(bytes));
    await checkAgainstNode(model, 'paper', {});
    expect(await page.getByTestId('model-select').inputValue()).toBe('@file');
    // The loaded file stays a model choice: limits and the cost model apply to it too.
    await setLimit('oh', 1.3);
    await waitShown(keyOf('file:tiny.json', 'paper', { maxOverhead: 1.3 }));
    await checkAgainstNode(model, 'paper', { maxOverhead: 1.3 });
    await page.getByTestId('cost-exact').check();
    await waitShown(keyOf('file:tiny.json', 'exact', { maxOverhead: 1.3 }));
    await checkAgainstNode(model, 'exact', { maxOverhead: 1.3 });
    await shot('06-chain-json-file');
  });

  e2e('plans a non-square model under both cost models (the paper accounting generalised), like Node', async () => {
    await page.getByTestId('cost-paper').check();
    await setLimit('oh', undefined);
    const wide = { name: 'wide', input: [48, 96, 3], layers: [
      { op: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 1 },
      { op: 'depthwise_conv2d', kernel: 3, stride: 1, padding: 1 },
      { op: 'conv2d', filters: 16, kernel: 1, stride: 1, padding: 0 },
    ] };
    const bytes = Buffer.from(JSON.stringify(wide));
    const model = modelFromBytes('wide.json', new Uint8Array(bytes));
    await page.getByTestId('file-input').setInputFiles({ name: 'wide.json', mimeType: 'application/json', buffer: bytes });
    await waitShown('file:wide.json|paper|-|-');
    await checkAgainstNode(model, 'paper', {});
    expect(await page.getByTestId('model-select').inputValue()).toBe('@file');
    await page.getByTestId('cost-exact').check();
    await waitShown('file:wide.json|exact|-|-');
    await checkAgainstNode(model, 'exact', {});
  });

  e2e('plans a real .tflite file with residual ADDs (MicroNet VWW) under the exact cost model, as Node does', async () => {
    const path = new URL('../../shared/models/armzoo_micronet_vww2_50_int8.tflite', import.meta.url);
    const bytes = readFileSync(path);
    const name = 'armzoo_micronet_vww2_50_int8.tflite';
    const model = modelFromBytes(name, new Uint8Array(bytes));
    await page.getByTestId('cost-exact').check();
    await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
    await waitShown(`file:${name}|exact|-|-`);
    const s = await checkAgainstNode(model, 'exact', {});
    expect(s.layers).toBe(model.layers.length);
    await setLimit('ram', 16_000);
    await waitShown(keyOf(`file:${name}`, 'exact', { ram: 16_000 }));
    await checkAgainstNode(model, 'exact', { ram: 16_000 });
    await shot('07-tflite-file');
    await setLimit('ram', undefined);
  });

  e2e('Download C: the shown plan as C99 in a .tar, the files of msf emit; gcc builds it and it computes the Wasm executor\'s output', async () => {
    // A failure in the worker (here: a corrupt executor module) is shown in the page, and the next click works.
    await configure('mcunet-vww5-r80', 'paper', {});
    await context.route(/\/exec-[^/]*\.wasm$/, (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body: Buffer.from('not wasm') }));
    await page.getByTestId('download-c').click();
    await page.waitForFunction(() => document.body.dataset.emit === 'failed');
    await context.unrouteAll();
    expect(await page.getByTestId('error').isVisible()).toBe(true);
    expect(await text('error-title')).toBe('Could not generate the C code');
    expect(await text('error-message')).toMatch(/^cannot instantiate the executor from \/assets\/exec-[^ ]+\.wasm \(/);
    expect(await page.getByTestId('download-c').isEnabled()).toBe(true);
    await page.locator('#error-dismiss').click();

    // Paper-cost plans: the blocks shown, the arena their exact cost (and the page says so); for
    // mcunet-vww5-r80 both figures agree, for mbv2-w0.35-r144 the exact cost is lower.
    for (const id of ['mcunet-vww5-r80', 'mbv2-w0.35-r144']) {
      await configure(id, 'paper', {});
      const model = zooModel(id);
      const paperPeak = planModel(model, { cost: 'paper' }).solution.peakBytes;
      const arena = await checkDownloadedC(model, 'paper', id, `${id}-msf-c.tar`);
      const hint = await text('c-hint');
      expect(hint).toContain(`${id}-msf-c.tar · C99 with a static arena of ${arena.toLocaleString('en-US')} B: the exact cost of these blocks`);
      if (arena === paperPeak) expect(hint).toContain('here equal to the paper’s figure');
      else expect(hint).toContain(`(the paper’s accounting shows ${paperPeak.toLocaleString('en-US')} B)`);
      expect(await page.getByTestId('download-c').getAttribute('title')).toContain(`msf emit ${id} --cost paper --out ${id}-msf-c`);
      expect(await text('c-status')).toMatch(new RegExp(`^${id}-msf-c\\.tar: ${C_FILES.length + 2} files, `));
      expect(await page.getByTestId('error').isVisible()).toBe(false);
    }
    expect(planModel(zooModel('mbv2-w0.35-r144'), { cost: 'paper' }).solution.peakBytes).not.toBe(Number(await page.getByTestId('c-status').getAttribute('data-arena')));
    await shot('08-download-c-paper');

    // A dropped .tflite file under the exact cost model: the arena is the peak shown.
    const name = 'mlperf_kws_dscnn_int8.tflite';
    const path = fileURLToPath(new URL(`../../shared/models/${name}`, import.meta.url));
    await page.getByTestId('cost-exact').check();
    await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: readFileSync(path) });
    await waitShown(`file:${name}|exact|-|-`);
    const kws = modelFromBytes(name, new Uint8Array(readFileSync(path)));
    const s = await checkAgainstNode(kws, 'exact', {});
    const kwsArena = await checkDownloadedC(kws, 'exact', path, 'mlperf_kws_dscnn_int8-msf-c.tar');
    expect(kwsArena).toBe(s.peak);
    expect(await text('c-hint')).toBe(`mlperf_kws_dscnn_int8-msf-c.tar · C99 with a static arena of ${kwsArena.toLocaleString('en-US')} B, the peak shown.`);
    await shot('09-download-c-tflite');
  }, 120_000); // two gcc builds and two msf emit runs

  e2e('plans a model with several inputs and outputs (RNNoise: 4 inputs, 5 outputs) and downloads its C, the files msf emit writes', async () => {
    const name = 'armzoo_rnnoise_int8.tflite';
    const path = fileURLToPath(new URL(`../../shared/more-models/models/${name}`, import.meta.url));
    await page.getByTestId('cost-exact').check();
    await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: readFileSync(path) });
    await waitShown(`file:${name}|exact|-|-`);
    const rnnoise = modelFromBytes(name, new Uint8Array(readFileSync(path)));
    expect([rnnoise.inputs?.length, rnnoise.outputs?.length]).toEqual([4, 5]);
    const s = await checkAgainstNode(rnnoise, 'exact', {});
    const arena = await checkDownloadedC(rnnoise, 'exact', path, 'armzoo_rnnoise_int8-msf-c.tar');
    expect(arena).toBe(s.peak);
    await shot('10-several-inputs-outputs');
  }, 120_000);

  e2e('keeps its state in the URL: a shared link opens the same plan, bad values are reported', async () => {
    await page.goto(`${server.origin}/?model=mcunet-vww5-r80&cost=paper&ram=30000`);
    await waitShown(keyOf('mcunet-vww5-r80', 'paper', { ram: 30_000 }));
    await checkAgainstNode(zooModel('mcunet-vww5-r80'), 'paper', { ram: 30_000 });
    expect(await page.getByTestId('model-select').inputValue()).toBe('mcunet-vww5-r80');
    expect(await page.getByTestId('cost-paper').isChecked()).toBe(true);
    // every change is written back, so the address bar can be copied at any time
    await page.getByTestId('cost-exact').check();
    await setLimit('oh', 1.5);
    await waitShown(keyOf('mcunet-vww5-r80', 'exact', { ram: 30_000, maxOverhead: 1.5 }));
    expect(await page.evaluate(() => location.search)).toBe('?model=mcunet-vww5-r80&ram=30000&oh=1.5');
    await page.reload();
    await waitShown(keyOf('mcunet-vww5-r80', 'exact', { ram: 30_000, maxOverhead: 1.5 }));
    await checkAgainstNode(zooModel('mcunet-vww5-r80'), 'exact', { ram: 30_000, maxOverhead: 1.5 });
    await page.goto(`${server.origin}/?model=resnet-9000&cost=cheap&ram=lots`);
    await waitShown(keyOf('mbv2-w0.35-r144', 'exact', {}));
    expect(await text('error-title')).toBe('Some settings of this link were not understood');
    expect(await text('error-message')).toMatch(/model "resnet-9000" is not a zoo model; cost "cheap" is not one of paper, exact; ram: .*lots/);
    expect((await shown()).peak).toBe(planModel(zooModel('mbv2-w0.35-r144')).solution.peakBytes);
    await page.goto(`${server.origin}/`);
    await waitShown(keyOf('mbv2-w0.35-r144', 'exact', {}));
  });

  e2e('exports the shown plan as msf plan --json\'s document and as the HTML report', async () => {
    await configure('mcunet-vww5-r80', 'exact', { ram: 20_000 });
    const save = async (testId: string) => {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.getByTestId(testId).click()]);
      const path = join(work, download.suggestedFilename());
      await download.saveAs(path);
      await page.waitForFunction(() => document.body.dataset.export === 'done');
      return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
    };
    const json = await save('export-json');
    expect(json.name).toBe('mcunet-vww5-r80-msf-plan.json');
    const model = zooModel('mcunet-vww5-r80');
    const local = planJson(model, planModel(model, { ramLimit: 20_000, front: true }));
    const got = JSON.parse(json.text);
    expect({ ...got, searchMs: 0, engine: 'x' }).toEqual({ ...local, searchMs: 0, engine: 'x' });
    expect(got.schemaVersion).toBe(local.schemaVersion);
    const report = await save('export-html');
    expect(report.name).toBe('mcunet-vww5-r80-msf-plan.html');
    expect(report.text).toContain('<h1>mcunet-vww5-r80</h1>');
    expect(report.text).toContain('RAM budget 20,000 B');
    expect(report.text).toContain('class="budget"');
  });

  e2e('follows the system\'s dark mode', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const luminance = (rgb: string) => rgb.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, v) => a + v, 0) / 3;
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(luminance(await background())).toBeLessThan(60);
    await shot('10-dark-mode');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(luminance(await background())).toBeGreaterThan(200);
  });

  e2e('plans with streaming: says which layers stream (line buffers) and which recompute (column caches), total SRAM, as planModel in Node', async () => {
    const name = 'mlperf_vww_96_int8.tflite';
    const path = fileURLToPath(new URL(`../../shared/models/${name}`, import.meta.url));
    await page.getByTestId('cost-exact').check();
    await setLimit('ram', undefined);
    await setLimit('oh', undefined);
    await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: readFileSync(path) });
    await waitShown(`file:${name}|exact|-|-`);
    expect(await page.getByTestId('stream-legend').isVisible()).toBe(false);
    expect(await page.getByTestId('stream-counts').isVisible()).toBe(false);
    const t0 = performance.now();
    await page.getByTestId('stream-enabled').check();
    // The streaming table is the TypeScript specification's (1-3 s for this model in the worker).
    await page.waitForFunction((k) => document.body.dataset.shown === k && document.body.dataset.state === 'idle', `file:${name}|exact|-|-|stream`, { timeout: 60_000 });
    const testMs = performance.now() - t0;
    const model = modelFromBytes(name, new Uint8Array(readFileSync(path)));
    const r = planModel(model, { stream: true, front: true });
    const edges = r.stream!.edges;
    const s = await shown();
    timings.push({ model: name, cost: 'exact, streaming', searchMs: s.searchMs, roundTripMs: s.roundTripMs, testMs });
    expect(s.error).toBeUndefined();
    expect(s.peak).toBe(r.solution.peakBytes);
    expect(s.totalSram).toBe(sramFigures(model, r.solution.peakBytes).totalSramBytes);
    expect(s.rows).toEqual(r.solutionBlocks.map(({ first, last, bytes, macs }) => ({ first, last, bytes, macs })));
    expectSameFront(s, r);
    const labels = await page.evaluate(() => ({
      holds: [...document.querySelectorAll<SVGElement>('[data-testid="diagram-hold"]')].map((c) => [Number(c.dataset.layer), c.dataset.holds]),
      cells: [...document.querySelectorAll<HTMLElement>('[data-testid="stream-cell"]')].map((c) => [c.dataset.line, c.dataset.cache, c.dataset.inPlace]),
      inPlace: [...document.querySelectorAll<SVGElement>('[data-testid="diagram-block"]')].map((g) => g.classList.contains('inplace')),
    }));
    // Every layer of the plan is labelled in the block view, and every edge in the table, as in Node.
    expect(labels.holds).toEqual(edges.flatMap((e) => e.layers.map((l) => [l.layer, l.holds])));
    const of = (e: (typeof edges)[number], h: string) => e.layers.filter((l) => l.holds === h).map((l) => l.layer).join(' ');
    expect(labels.cells).toEqual(edges.map((e) => [of(e, 'line buffer'), of(e, 'column cache'), String(e.inPlace)]));
    expect(labels.inPlace).toEqual(edges.map((e) => e.inPlace));
    // This plan has all three: line buffers, column caches and edges in place.
    expect(edges.some((e) => e.inPlace) && edges.some((e) => of(e, 'column cache') !== '') && edges.some((e) => of(e, 'line buffer') !== '')).toBe(true);
    const layers = edges.flatMap((e) => e.layers);
    const count = (h: string) => layers.filter((l) => l.holds === h).length;
    expect(await text('stream-counts')).toBe(`${count('line buffer')} / ${count('column cache')}`);
    expect(await page.getByTestId('stream-legend').isVisible()).toBe(true);
    expect(await text('stream-legend')).toContain('streamed: line buffer, rows computed once');
    expect(await text('stream-legend')).toContain('recomputes: column cache');
    expect(await page.getByTestId('stream-slow').isVisible()).toBe(true);
    expect(await text('cli')).toBe(`msf plan ${name} --stream --front`);
    expect(await page.evaluate(() => location.search)).toBe('?stream=1');
    expect(await page.getByTestId('cost-paper').isDisabled()).toBe(true);
    // Download C: the streamed program, the files of `msf emit --stream`.
    expect(await text('c-hint')).toMatch(new RegExp(`C99 with a static arena of ${r.solution.peakBytes.toLocaleString('en-US')} B, the peak shown; the streamed blocks run in C`));
    expect(await page.getByTestId('download-c').getAttribute('title')).toContain(`msf emit ${name} --stream --out mlperf_vww_96_int8-msf-c`);
    await checkDownloadedStreamC(path, 'mlperf_vww_96_int8-msf-c.tar', r.solution.peakBytes);
    await shot('11b-streaming-download-c');
    // Export: msf plan --stream --json's document, with the edges' labels.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId('export-json').click()]);
    const saved = join(work, download.suggestedFilename());
    await download.saveAs(saved);
    const exported = JSON.parse(readFileSync(saved, 'utf8'));
    expect({ ...exported, searchMs: 0, engine: 'x' }).toEqual({ ...planJson(model, r), searchMs: 0, engine: 'x' });
    expect(exported.stream).toBe(true);
    await shot('11-streaming');
    // A zoo model with streaming on: the same plan as in Node; its time goes to timings.json.
    const t1 = performance.now();
    await page.getByTestId('model-select').selectOption('mbv2-w0.35-r144');
    await page.waitForFunction((k) => document.body.dataset.shown === k && document.body.dataset.state === 'idle', 'mbv2-w0.35-r144|exact|-|-|stream', { timeout: 60_000 });
    const zoo = await shown();
    timings.push({ model: 'mbv2-w0.35-r144', cost: 'exact, streaming', searchMs: zoo.searchMs, roundTripMs: zoo.roundTripMs, testMs: performance.now() - t1 });
    expect(zoo.peak).toBe(planModel(zooModel('mbv2-w0.35-r144'), { stream: true }).solution.peakBytes);
    await page.getByTestId('model-select').selectOption('@file');
    await waitShown(`file:${name}|exact|-|-|stream`);
    // Off again: the ordinary plan, without the streaming labels.
    await page.getByTestId('stream-enabled').uncheck();
    await waitShown(`file:${name}|exact|-|-`);
    expect(await page.getByTestId('stream-counts').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="diagram-hold"]').count()).toBe(0);
    expect(await page.getByTestId('cost-paper').isDisabled()).toBe(false);
  }, 120_000);

  e2e('the input-in-arena switch plans with the network input in the arena (arena and total SRAM as planModel in Node), and its command line, link and Download C follow it', async () => {
    const id = 'mcunet-vww5-r80';
    const model = zooModel(id);
    await configure(id, 'exact', {});
    const before = await shown();
    await page.getByTestId('in-arena-enabled').check();
    await waitShown(`${keyOf(id, 'exact', {})}|in-arena`);
    const r = planModel(model, { inputInArena: true, front: true });
    const s = await shown();
    expect(s.error).toBeUndefined();
    expect(s.peak).toBe(r.solution.peakBytes);
    expect(s.totalSram).toBe(sramFigures(model, r.solution.peakBytes, true).totalSramBytes);
    // Both figures move: the arena holds the 19,200 B input, total SRAM no longer counts it beside the arena.
    expect(s.peak).toBeGreaterThan(before.peak!);
    expect(s.totalSram).not.toBe(before.totalSram);
    expect(s.rows).toEqual(r.solutionBlocks.map(({ first, last, bytes, macs }) => ({ first, last, bytes, macs })));
    s.steps.forEach((cells, i) => expect([i, cells.reduce((a, v) => a + v, 0)]).toEqual([i, r.solutionBlocks[i]!.bytes]));
    expectSameFront(s, r);
    expect(await page.locator('#total-sub').textContent()).toBe(`arena (with the input) + output ${groupDigits(sramFigures(model, 0).outputBytes)} B (outside the arena)`);
    expect(await text('cli')).toBe(`msf plan ${id} --input-in-arena --front`);
    expect(await page.evaluate(() => location.search)).toBe(`?model=${id}&inarena=1`);
    expect(await page.getByTestId('cost-paper').isDisabled()).toBe(true);
    // Download C: the files of `msf emit --input-in-arena`, its arena the peak shown.
    expect(await page.getByTestId('download-c').getAttribute('title')).toContain(`msf emit ${id} --input-in-arena --out ${id}-msf-c`);
    const { files } = await downloadC(`${id}-msf-c.tar`);
    const cliDir = join(work, 'in-arena-cli');
    const cli = await runCli('emit', id, '--input-in-arena', '--no-build', '--out', cliDir);
    expect(cli.code, cli.stderr).toBe(0);
    expect([...files.keys()]).toEqual(readdirSync(cliDir).sort());
    for (const [name, bytes] of files) expect(bytes.equals(readFileSync(join(cliDir, name))), `${name} differs from msf emit --input-in-arena's`).toBe(true);
    expect(files.get('msf_model.h')!.toString()).toContain(`#define MSF_ARENA_BYTES ${r.solution.peakBytes}\n`);
    await shot('12-input-in-arena');
    // The shared link opens the same plan, the switch on.
    await page.reload();
    await waitShown(`${keyOf(id, 'exact', {})}|in-arena`);
    expect(await page.getByTestId('in-arena-enabled').isChecked()).toBe(true);
    expect((await shown()).peak).toBe(r.solution.peakBytes);
    // Off again: the ordinary figures.
    await page.getByTestId('in-arena-enabled').uncheck();
    await waitShown(keyOf(id, 'exact', {}));
    expect((await shown()).peak).toBe(before.peak);
    expect(await page.getByTestId('cost-paper').isDisabled()).toBe(false);
  }, 60_000);

  e2e('on a narrow screen the per-step table scrolls inside its panel (the page does not), its layers column stays in view, and nothing covers it; beside the sidebar it fits', async () => {
    await page.getByTestId('in-arena-enabled').uncheck();
    await configure('mcunet-320kb-r176', 'exact', {});
    await page.setViewportSize({ width: 360, height: 800 });
    try {
      const m = await page.getByTestId('table-wrap').evaluate(async (wrap) => {
        wrap.scrollIntoView();
        wrap.scrollLeft = wrap.scrollWidth;
        await new Promise(requestAnimationFrame);
        const w = wrap.getBoundingClientRect();
        const heads = [...wrap.querySelectorAll('th')].map((th) => th.getBoundingClientRect());
        const cell = wrap.querySelector('tbody tr td:nth-child(2)')!.getBoundingClientRect();
        const onTop = document.elementFromPoint(cell.left + cell.width / 2, cell.top + cell.height / 2);
        return {
          page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
          wrap: [wrap.scrollWidth, wrap.clientWidth],
          layersAtLeft: Math.abs(heads[1]!.left - w.left) < 1,
          lastInView: heads[heads.length - 1]!.right <= w.right + 1,
          layersOnTop: Boolean(onTop && wrap.contains(onTop)),
        };
      });
      expect(m.page[0]).toBe(m.page[1]);
      expect(m.wrap[0]).toBeGreaterThan(m.wrap[1]!);
      expect(m).toMatchObject({ layersAtLeft: true, lastInView: true, layersOnTop: true });
      await page.setViewportSize({ width: 1100, height: 800 });
      await configure('mbv2-w0.35-r144', 'exact', {});
      const [scrollWidth, clientWidth] = await page.getByTestId('table-wrap').evaluate((w) => [w.scrollWidth, w.clientWidth]);
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth!);
    } finally {
      await page.setViewportSize({ width: 1440, height: 1000 });
    }
  });

  e2e('the sidebar keeps both export groups in view, neither over the other; the front\'s x axis names the arena', async () => {
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      document.querySelector('.controls')!.scrollTop = 0;
    });
    // The sidebar is taller than the window here, so the export groups are the sticky ones at its bottom.
    expect(await page.evaluate(() => document.querySelector('.controls')!.scrollHeight > window.innerHeight)).toBe(true);
    for (const id of ['export-json', 'export-html', 'download-c']) {
      const onTop = await page.getByTestId(id).evaluate((b) => {
        const r = b.getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        return y < window.innerHeight && b.contains(document.elementFromPoint(x, y));
      });
      expect([id, onTop]).toEqual([id, true]);
    }
    expect(await page.locator('[data-testid="front-plot"] .axis-title').first().textContent()).toBe('arena: peak RAM (bytes, log scale)');
  });

  e2e('logged no console errors and requested nothing outside the local server', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url.startsWith(`${server.origin}/`), url).toBe(true);
    expect(requests.some((u) => u.endsWith('.wasm'))).toBe(true);
  });
});
