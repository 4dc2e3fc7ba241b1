/**
 * The package as users install it (issue #16): `npm pack` of this checkout, installed offline into
 * scratch projects. Plain Node ESM imports, plans, runs and emits; strict TypeScript projects type-check
 * against the published .d.ts (nodenext and bundler resolution, --lib es2022 without DOM, skipLibCheck
 * false; the browser condition with DOM); a Vite-built page imports the browser entry, plans and
 * emits C in Chromium (the C library bundled as text: no Node built-ins); `npx msf --version` and `npx msf plan` run from the consumer.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitC } from '../src/emit/emit-c.js';
import { zooModel } from '../src/model/zoo.js';
import { type PlanOptions, planModel } from '../src/plan/planner.js';
import { loadModel } from '../src/import/load.js';
import { runModel } from '../src/runtime/run.js';
import '../src/runtime/wasm-node.js';
import { ROOT, consumerProject, packTarball, scratchDir } from './helpers/package.js';
import { serveStatic } from './helpers/static-server.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string> };
const scratch = scratchDir('msf-consumers-');
let tgz = '';
let project = '';

beforeAll(() => {
  tgz = packTarball(scratch);
  project = consumerProject(scratch, 'consumer', tgz, ['@types/node']);
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the tarball', () => {
  it('holds only dist/, build/*.wasm, the bin, README, LICENSE and package.json; installs without scripts', () => {
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: ROOT, encoding: 'utf8' })) as { files: { path: string }[] }[];
    const paths = info!.files.map((f) => f.path);
    const stray = paths.filter((p) => !/^(dist\/.+\.(js|d\.ts|js\.map)|dist\/emit\/c\/\w+\.[ch]|build\/\w+\.wasm|bin\/msf\.js|README\.md|LICENSE|package\.json)$/.test(p));
    expect(stray).toEqual([]);
    for (const need of ['dist/index.js', 'dist/index.d.ts', 'dist/browser.js', 'dist/browser.d.ts', 'dist/emit/c-library.browser.js', 'dist/cli/entry.js', 'dist/emit/c/msf_kernels.h', 'dist/emit/c/main.c', 'build/search.wasm', 'build/exec.wasm', 'LICENSE'])
      expect(paths).toContain(need);
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/msf-cnn/package.json'), 'utf8')) as { scripts?: Record<string, string>; dependencies: Record<string, string> };
    expect(Object.keys(installed.scripts ?? {}).filter((s) => /install/.test(s))).toEqual([]);
    expect(Object.keys(installed.dependencies).sort()).toEqual(['@assemblyscript/loader', 'commander', 'flatbuffers']);
    // Build tools stay out of a consumer's node_modules.
    for (const dev of ['assemblyscript', 'binaryen', 'tsx', 'typescript']) expect(existsSync(join(project, 'node_modules', dev))).toBe(false);
  });
});

describe('plain Node ESM', () => {
  it('streaming and input-in-arena plans from the package: the figures of this checkout, measured == predicted, the streamed C of msf emit --stream', async () => {
    const dscnn = new URL('../../shared/models/mlperf_kws_dscnn_int8.tflite', import.meta.url).pathname;
    writeFileSync(
      join(project, 'stream.mjs'),
      [
        "import { loadModel, planModel, planWithStream, runModel, runStreamedModel, emitStreamedProgram } from 'msf-cnn';",
        `const m = loadModel(${JSON.stringify(dscnn)});`,
        'const peak = (o) => planModel(m, o).solution.peakBytes;',
        'const arena = runModel(m, { inputInArena: true });',
        'const streamed = runStreamedModel(m, { inputInArena: true, check: true });',
        'const { streaming } = planWithStream(m, { stream: true, inputInArena: true });',
        'const { files, summary } = emitStreamedProgram(m, streaming.edges, { inputInArena: true });',
        'console.log(JSON.stringify({ plain: peak({}), stream: peak({ stream: true }), inArena: peak({ inputInArena: true }), both: peak({ stream: true, inputInArena: true }),',
        '  arena: [arena.predictedPeakBytes, arena.measuredPeakBytes], streamed: [streamed.predictedPeakBytes, streamed.measuredPeakBytes], emitted: summary.arenaBytes, hasWalker: files.has("msf_stream.c") }));',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['stream.mjs'], { cwd: project });
    const m = loadModel(dscnn);
    const local = (o: PlanOptions) => planModel(m, o).solution.peakBytes;
    const both = local({ stream: true, inputInArena: true });
    expect(JSON.parse(stdout)).toEqual({
      plain: local({}), stream: local({ stream: true }), inArena: local({ inputInArena: true }), both,
      arena: [local({ inputInArena: true }), local({ inputInArena: true })], streamed: [both, both], emitted: both, hasWalker: true,
    });
  });


  it('imports the package, plans, runs and emits with the figures of this checkout', async () => {
    writeFileSync(
      join(project, 'use.mjs'),
      [
        "import { zooModel, planModel, runModel, emitC } from 'msf-cnn';",
        "const model = zooModel('mcunet-vww5-r80');",
        "const plan = planModel(model, { engine: 'wasm' });",
        'const run = runModel(model, { blocks: plan.solution.blocks });',
        'const files = emitC(run.model === model.name ? model : model, run.blocks);',
        'console.log(JSON.stringify({ cost: plan.costModel, peak: plan.solution.peakBytes, macs: plan.solution.macs, predicted: run.predictedPeakBytes, measured: run.measuredPeakBytes, sha: run.outputSha256, files: [...files.keys()].sort() }));',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['use.mjs'], { cwd: project });
    const got = JSON.parse(stdout) as Record<string, unknown>;
    const model = zooModel('mcunet-vww5-r80');
    const plan = planModel(model, { engine: 'wasm' });
    const local = runModel(model, { blocks: plan.solution.blocks });
    expect(got).toEqual({
      cost: 'exact', peak: plan.solution.peakBytes, macs: plan.solution.macs, predicted: local.predictedPeakBytes, measured: local.measuredPeakBytes,
      sha: local.outputSha256, files: [...emitC(model, local.blocks).keys()].sort(),
    });
    expect(got.predicted).toBe(got.measured);
  });

  it('`npx msf --version` and `npx msf plan --json` run from the consumer', async () => {
    const version = await run('npx', ['--offline', 'msf', '--version'], { cwd: project });
    expect(version.stdout.trim()).toBe(pkg.version);
    const plan = await run('npx', ['--offline', 'msf', 'plan', '--json'], { cwd: project });
    const j = JSON.parse(plan.stdout) as { schemaVersion: number; costModel: string; solution: { peakBytes: number } };
    expect([j.costModel, j.solution.peakBytes]).toEqual(['exact', planModel(zooModel('mbv2-w0.35-r144'), { engine: 'wasm' }).solution.peakBytes]);
    expect(j.schemaVersion).toBeGreaterThan(0);
  });
});

describe('strict TypeScript consumers (skipLibCheck false)', () => {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const source = [
    "import { type PlanResult, type Model, planModel, zooModel, MsfError, COST_MODELS } from 'msf-cnn';",
    "const model: Model = zooModel('mbv2-w0.35-r144');",
    "const r: PlanResult = planModel(model, { cost: 'exact', maxOverhead: 1.5 });",
    'const peak: number = r.solution.peakBytes;',
    'export const summary: string = `${peak} ${COST_MODELS.join()} ${new MsfError("X", "m", 1).code}`;',
  ].join('\n');
  const strict = { strict: true, skipLibCheck: false, noEmit: true, noPropertyAccessFromIndexSignature: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, target: 'es2022' };
  const variants: [string, Record<string, unknown>, string][] = [
    ['nodenext, --lib es2022, no DOM', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: ['node'] }, source],
    ['nodenext, --lib es2022, no @types at all', { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: [] }, source],
    ['bundler, --lib es2022, no DOM', { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022'], types: ['node'] }, source],
    [
      'bundler with the browser condition and the DOM lib',
      { module: 'esnext', moduleResolution: 'bundler', customConditions: ['browser'], lib: ['es2022', 'dom'], types: [] },
      `${source}\nimport { createWasmSearchEngine, emitC } from 'msf-cnn';\nexport const engine: Promise<{ name: string }> = createWasmSearchEngine();\nexport const c: Map<string, string> = emitC(model, r.solution.blocks);`,
    ],
  ];
  it.each(variants)('%s', async (name, options, text) => {
    const dir = join(project, `ts-${name.replace(/\W+/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.ts'), text);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...strict, ...options }, files: ['index.ts'] }));
    const r = await run(process.execPath, [tsc, '-p', dir], { cwd: dir }).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
    expect(r.stdout).toBe('');
  });
});

describe('a Vite-built page importing the browser entry', () => {
  it('bundles no Node built-ins, loads search.wasm by URL, plans and emits C in Chromium', async () => {
    const site = join(project, 'site');
    mkdirSync(site, { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>consumer</title><pre id="out">planning</pre><script type="module" src="./main.js"></script>');
    writeFileSync(
      join(site, 'main.js'),
      [
        "import { createWasmSearchEngine, emitC, planModel, zooModel } from 'msf-cnn';",
        'const engine = await createWasmSearchEngine();',
        "const model = zooModel('mcunet-vww5-r80');",
        'const r = planModel(model, { engine, ramLimit: 20000 });',
        'const files = emitC(model, r.solution.blocks);',
        "const arena = Number(/#define MSF_ARENA_BYTES (\\d+)/.exec(files.get('msf_model.h'))[1]);",
        'const all = new TextEncoder().encode([...files].map(([n, t]) => `${n}\\n${t}`).join("\\n"));',
        "const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', all))].map((b) => b.toString(16).padStart(2, '0')).join('');",
        "document.getElementById('out').textContent = JSON.stringify({ engine: r.engine, cost: r.costModel, peak: r.solution.peakBytes, macs: r.solution.macs, files: [...files.keys()], arena, sha });",
      ].join('\n'),
    );
    const { build } = await import('vite');
    await build({ root: site, logLevel: 'warn', build: { outDir: join(site, 'dist'), target: 'es2022' }, configFile: false });
    const assets = readdirSync(join(site, 'dist/assets'));
    expect(assets.some((f) => f.endsWith('.wasm'))).toBe(true);
    const js = assets.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(site, 'dist/assets', f), 'utf8')).join('\n');
    expect(js).not.toMatch(/["']node:/);

    const server = await serveStatic(join(site, 'dist'));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => document.getElementById('out')!.textContent!.startsWith('{'), null, { timeout: 20_000 });
      const shown = JSON.parse((await page.textContent('#out'))!) as Record<string, unknown>;
      const model = zooModel('mcunet-vww5-r80');
      const local = planModel(model, { ramLimit: 20000 });
      // The page's C is the Node emitter's, byte for byte; its arena is the plan's exact peak.
      const files = emitC(model, local.solution.blocks);
      const sha = createHash('sha256').update([...files].map(([n, t]) => `${n}\n${t}`).join('\n')).digest('hex');
      expect(shown).toEqual({ engine: 'wasm', cost: 'exact', peak: local.solution.peakBytes, macs: local.solution.macs, files: [...files.keys()], arena: local.solution.peakBytes, sha });
      expect(shown.files).toEqual(expect.arrayContaining(['msf_model.c', 'msf_model.h', 'msf_conv.c', 'main.c']));
      expect(server.log.some((r) => r.path.endsWith('.wasm') && r.status === 200)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
