// `msf plan --stream` (issue #14): the streaming front and plan, per edge which layers stream from
// line buffers and which recompute from column caches, the arena and the total SRAM named apart.
// The arena it prints is what the streaming executor measures on a real, checked run; both engines
// give the same document; every JSON document has the fields of src/report/schema.ts.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/import/load.js';
import { planModel } from '../src/index.js';
import { tensorBytes } from '../src/model/ir.js';
import { zooModel } from '../src/model/zoo.js';
import { LAYER_HOLDS, MEMORY_FIELDS, PLAN_FIELDS, STREAM_EDGE_FIELDS, STREAM_LAYER_FIELDS } from '../src/report/schema.js';
import { runStreamedModel } from '../src/runtime/stream-run.js';
import { runCli } from './helpers/cli.js';
import { fieldProblems } from './helpers/json-fields.js';

const MODELS = new URL('../../shared/models/', import.meta.url).pathname;
const RESNET8 = `${MODELS}mlperf_ic_resnet8_int8.tflite`;
const DSCNN = `${MODELS}mlperf_kws_dscnn_int8.tflite`;
const VWW = `${MODELS}mlperf_vww_96_int8.tflite`;

interface StreamEdgeJson { first: number; last: number; bytes: number; macs: number; inPlace: boolean; layers: { layer: number; op: string; holds: string }[] }
interface PlanJson {
  schemaVersion: number; costModel: string; engine: string; layers: number; baselineMacs: number;
  solution: { peakBytes: number; macs: number; overhead: number; blocks: [number, number][] };
  memory: { arenaBytes: number; inputBytes: number; outputBytes: number; totalSramBytes: number; flashBytes: number | null };
  stream?: true; edges?: StreamEdgeJson[]; front?: { peakBytes: number; macs: number; blocks: [number, number][] }[]; searchMs: number;
}

/** Every field of a plan document, of its memory and of its streaming edges is where schema.ts says. */
function expectPlanSchema(j: PlanJson): void {
  const problems = [...fieldProblems(j, PLAN_FIELDS), ...fieldProblems(j.memory, MEMORY_FIELDS, 'memory')];
  for (const [k, e] of (j.edges ?? []).entries()) {
    problems.push(...fieldProblems(e, STREAM_EDGE_FIELDS, `edges[${k}]`));
    for (const l of e.layers) {
      problems.push(...fieldProblems(l, STREAM_LAYER_FIELDS, `edges[${k}].layers`));
      if (!(LAYER_HOLDS as readonly string[]).includes(l.holds)) problems.push(`edges[${k}]: holds "${l.holds}"`);
    }
  }
  expect(problems).toEqual([]);
}

async function planJson(...argv: string[]): Promise<PlanJson> {
  const { code, stdout, stderr } = await runCli('plan', ...argv, '--json');
  expect(code, stderr).toBe(0);
  const j = JSON.parse(stdout) as PlanJson;
  expectPlanSchema(j);
  return j;
}

describe('msf plan --stream', () => {
  it('ResNet-8 at F <= 1.05, text: the streamed block, its line buffers, arena and total SRAM named apart, the front', async () => {
    const { code, stdout } = await runCli('plan', RESNET8, '--stream', '--max-overhead', '1.05', '--front');
    expect(code).toBe(0);
    const model = loadModel(RESNET8);
    const input = tensorBytes(model.tensors[model.input]!.shape);
    const output = tensorBytes(model.tensors[model.output]!.shape);
    const measured = runStreamedModel(model, { maxOverhead: 1.05, check: true });
    expect(measured.measuredPeakBytes).toBe(measured.predictedPeakBytes);
    const arena = measured.measuredPeakBytes;
    const f = (n: number) => n.toLocaleString('en-US');
    expect(stdout).toMatch(/streaming: line buffers, column caches, residual streams, pooling tails, in place; exact accounting, engine: wasm/);
    expect(stdout).toMatch(/^0\s+0-12\s+streamed\s+.*<- peak$/m);
    expect(stdout).toMatch(/^ {2}layers 0-12: line buffers feed layers 1 2 3 4 5 6 7 8 9 10 11 12 \(every row computed once\)$/m);
    expect(stdout).toContain(`arena        ${f(arena)} B (the peak, set by step 0)`);
    expect(stdout).toContain(`total SRAM   ${f(arena + input + output)} B = arena + input ${f(input)} B + output ${f(output)} B (the caller's buffers)`);
    expect(stdout).toMatch(/Pareto front \(\d+ points?\) — arena vs MACs \(streaming\):/);
    expect(stdout).not.toMatch(/est\. insn/); // the instruction estimate is of ordinary plans
  });

  it('DS-CNN, JSON on both engines: the schema, the labels, and the arena a real checked run measures, at F <= 1.05 and the minimum', async () => {
    const model = loadModel(DSCNN);
    for (const limits of [['--max-overhead', '1.05'], []]) {
      const [wasm, js] = [await planJson(DSCNN, '--stream', '--front', ...limits), await planJson(DSCNN, '--stream', '--front', '--engine', 'js', ...limits)];
      expect({ ...js, engine: 'wasm', searchMs: 0 }).toEqual({ ...wasm, searchMs: 0 });
      expect(wasm.stream).toBe(true);
      const measured = runStreamedModel(model, { check: true, ...(limits.length ? { maxOverhead: 1.05 } : {}) });
      expect(wasm.solution.peakBytes).toBe(measured.measuredPeakBytes);
      expect(wasm.memory.arenaBytes).toBe(measured.measuredPeakBytes);
      expect(wasm.solution.macs).toBe(measured.macs);
      expect(wasm.edges).toEqual(measured.edges);
      expect(wasm.memory.totalSramBytes).toBe(wasm.memory.arenaBytes + wasm.memory.inputBytes + wasm.memory.outputBytes);
      expect(wasm.memory.inputBytes).toBe(tensorBytes(model.tensors[model.input]!.shape));
      // The edges are the solution's blocks; their peak is the plan's, their MACs add up.
      expect(wasm.edges!.map((e) => [e.first, e.last])).toEqual(wasm.solution.blocks);
      expect(Math.max(...wasm.edges!.map((e) => e.bytes))).toBe(wasm.solution.peakBytes);
      expect(wasm.edges!.reduce((s, e) => s + e.macs, 0)).toBe(wasm.solution.macs);
      for (const e of wasm.edges!) expect(e.layers.map((l) => l.layer)).toEqual(Array.from({ length: e.last - e.first + 1 }, (_, k) => e.first + k));
      expect(wasm.edges!.some((e) => e.layers.some((l) => l.holds === 'line buffer'))).toBe(true);
      expect(wasm.front!.some((p) => p.peakBytes === wasm.solution.peakBytes && p.macs === wasm.solution.macs)).toBe(true);
    }
  });

  it('a plan that recomputes says which layers read column caches; streaming beats the ordinary plan on the same limits', async () => {
    const { stdout } = await runCli('plan', VWW, '--stream');
    expect(stdout).toMatch(/^ {2}layers 0-\d+: .*column caches feed layers [\d ]+ \(their producers recompute rows\)$/m);
    expect(stdout).toMatch(/streaming {4}\d+ layers read a line buffer \(every row computed once\), [1-9]\d* a column cache/);
    const plain = planModel(loadModel(VWW), { maxOverhead: 1.05 });
    const streamed = planModel(loadModel(VWW), { maxOverhead: 1.05, stream: true });
    expect(streamed.solution.peakBytes).toBeLessThan(plain.solution.peakBytes);
    expect(streamed.stream!.edges.map((e) => [e.first, e.last])).toEqual(streamed.solution.blocks);
  });

  it('the ordinary plan document keeps the schema and names total SRAM too', async () => {
    const j = await planJson('mcunet-vww5-r80');
    expect(j.stream).toBeUndefined();
    expect(j.memory.totalSramBytes).toBe(j.memory.arenaBytes + j.memory.inputBytes + j.memory.outputBytes);
    const model = zooModel('mcunet-vww5-r80');
    expect(j.memory.inputBytes).toBe(tensorBytes(model.tensors[model.input]!.shape));
  });

  it.each([
    ['--stream with --cost paper', ['plan', DSCNN, '--stream', '--cost', 'paper'], 2, 'USAGE', /--stream: streaming plans have their own exact accounting.*drop --cost paper or --stream/],
    ['--stream with --max-instructions', ['plan', DSCNN, '--stream', '--max-instructions', '1000000'], 2, 'USAGE', /--stream: the instruction estimate .* knows ordinary plans only/],
    ['--stream with a RAM budget below the least arena', ['plan', DSCNN, '--stream', '--ram', '1000'], 4, 'INFEASIBLE', /no plan fits in 1,000 B: the smallest reachable peak is 3,968 B/],
    ['run --stream with --cost paper', ['run', DSCNN, '--stream', '--cost', 'paper'], 2, 'USAGE', /drop --cost paper/],
  ])('%s: a typed error and its exit code', async (_what, argv, exitCode, errorCode, message) => {
    const text = await runCli(...argv);
    expect(text.code).toBe(exitCode);
    expect(text.stderr).toMatch(message);
    expect(text.stderr).not.toMatch(/\n\s+at /);
    const json = await runCli(...argv, '--json');
    expect(json.code).toBe(exitCode);
    expect(JSON.parse(json.stdout)).toEqual({ schemaVersion: 2, error: { code: errorCode, message: expect.stringMatching(message) } });
  });

  it('--input-in-arena: the arena holds the input, the total SRAM counts no input buffer, every report says so', async () => {
    const model = loadModel(DSCNN);
    const output = tensorBytes(model.tensors[model.output]!.shape);
    const j = await planJson(DSCNN, '--stream', '--input-in-arena');
    expect(j.memory.inputBytes).toBe(0);
    expect(j.memory.totalSramBytes).toBe(j.memory.arenaBytes + output);
    expect(j.memory.arenaBytes).toBe(runStreamedModel(model, { inputInArena: true, check: true }).measuredPeakBytes);
    const { stdout } = await runCli('plan', DSCNN, '--stream', '--input-in-arena');
    const f = (n: number) => n.toLocaleString('en-US');
    expect(stdout).toContain(`total SRAM   ${f(j.memory.totalSramBytes)} B = arena (with the input) + output ${f(output)} B`);
    expect(stdout).toMatch(/the network input lives in it/);
    const bad = await runCli('plan', DSCNN, '--input-in-arena', '--cost', 'paper');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--input-in-arena: the paper cost model leaves the input outside the arena, as the paper counts it; plan with --cost exact or drop --input-in-arena/);
  });

  it('msf run --stream prints the total SRAM beside the arena it measures', async () => {
    const { code, stdout } = await runCli('run', DSCNN, '--stream', '--json');
    expect(code).toBe(0);
    const j = JSON.parse(stdout) as { measuredPeakBytes: number; arenaBytes: number; inputBytes: number; outputBytes: number; totalSramBytes: number };
    expect(j.arenaBytes).toBe(j.measuredPeakBytes);
    expect(j.totalSramBytes).toBe(j.arenaBytes + j.inputBytes + j.outputBytes);
    expect(j.inputBytes).toBeGreaterThan(0);
  });
});

describe('README', () => {
  it('the streaming library example shows planModel\'s and the executor\'s answers', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const m = loadModel(RESNET8);
    const s = planModel(m, { stream: true, maxOverhead: 1.05 });
    const total = s.solution.peakBytes + tensorBytes(m.tensors[m.input]!.shape) + tensorBytes(m.tensors[m.output]!.shape);
    expect(readme).toContain(`s.solution.peakBytes; // ${s.solution.peakBytes} (arena; sramFigures(m, ${s.solution.peakBytes}).totalSramBytes = ${total.toLocaleString('en-US')} with`);
    expect(readme).toContain(`s.stream!.edges[0]!.layers[1]!.holds; // '${s.stream!.edges[0]!.layers[1]!.holds}'`);
    expect(readme).toContain(`.measuredPeakBytes; // ${runStreamedModel(m, { maxOverhead: 1.05 }).measuredPeakBytes}, pixel by pixel`);
  });
});
