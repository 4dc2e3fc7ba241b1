// The HTML report (`msf plan --report`): self-contained, one marker per front point, the block
// table matching the plan, escaping of user text, and the CLI path that writes the file.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/import/load.js';
import { buildChain } from '../src/model/chain.js';
import { type Model, tensorBytes } from '../src/model/ir.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import { type PlanResult, planModel } from '../src/plan/planner.js';
import { planHtml } from '../src/report/html.js';
import { bytesTick, esc, logTicks, niceLinear } from '../src/report/svg.js';
import { conv, dw, pool } from './helpers/chain-layers.js';

const fmt = (n: number): string => n.toLocaleString('en-US');

type Attrs = Record<string, string>;

function parseAttrs(text: string): Attrs {
  const out: Attrs = {};
  for (const m of text.matchAll(/([a-zA-Z_:][\w:.-]*)\s*=\s*"([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Every start tag of the given names with its attributes. */
function tags(html: string, names: string[]): { name: string; attrs: Attrs }[] {
  const re = new RegExp(`<(${names.join('|')})\\b([^>]*)>`, 'g');
  return [...html.matchAll(re)].map((m) => ({ name: m[1]!, attrs: parseAttrs(m[2]!) }));
}

/** Markers of the front plot: shapes whose class list starts with "pt". */
function markers(html: string): { name: string; attrs: Attrs; classes: string[] }[] {
  return tags(html, ['circle', 'rect', 'path'])
    .map((t) => ({ ...t, classes: (t.attrs.class ?? '').split(/\s+/) }))
    .filter((t) => t.classes[0] === 'pt');
}

/** The text content of the cells of each body row of the table with the given class. */
function tableRows(html: string, cls: string): { attrs: Attrs; cells: string[] }[] {
  const start = html.indexOf(`<table class="data ${cls}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  const table = html.slice(start, html.indexOf('</table>', start));
  const tbody = table.slice(table.indexOf('<tbody>'), table.indexOf('</tbody>'));
  return [...tbody.matchAll(/<tr\b([^>]*)>(.*?)<\/tr>/gs)].map((m) => ({
    attrs: parseAttrs(m[1]!),
    cells: [...m[2]!.matchAll(/<t[dh]\b[^>]*>(.*?)<\/t[dh]>/gs)].map((c) => c[1]!.replace(/<[^>]*>/g, '').trim()),
  }));
}

/** Start and end tags balance (void elements and `/>` aside): the markup is well formed. */
function expectBalanced(html: string): void {
  const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input']);
  const stack: string[] = [];
  const body = html.replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    const [, close, name, rest] = m;
    if (VOID.has(name!) || rest!.endsWith('/')) continue;
    if (close) expect(stack.pop(), `</${name}> at ${m.index}`).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
}

function expectSelfContained(html: string): void {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/<script\b/i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/<(img|iframe|object|embed|image|use)\b/i);
  expect(html).not.toMatch(/@import|url\(/i);
  for (const t of tags(html, ['[a-zA-Z][\\w:-]*'])) {
    for (const [k, v] of Object.entries(t.attrs)) {
      expect(k.toLowerCase(), `<${t.name} ${k}>`).not.toMatch(/^(src|href|xlink:href|srcset|action|data)$/);
      expect(v, `<${t.name} ${k}="${v}">`).not.toContain('//');
    }
  }
  // the browser enforces it too
  expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
}

describe.each(ZOO_IDS)('HTML report of %s', (id) => {
  const model = zooModel(id);
  const r = planModel(model, { front: true });
  const html = planHtml(model, r);
  const front = r.front!;

  it('is one self-contained, well-formed page', () => {
    expectSelfContained(html);
    expectBalanced(html);
  });

  it('has the header and summary figures', () => {
    expect(html).toContain(`<h1>${id}</h1>`);
    expect(html).toContain(fmt(r.baselineMacs));
    expect(html).toContain(`${r.searchMs.toFixed(2)} ms`);
    const saving = ((1 - r.solution.peakBytes / r.vanilla.peakBytes) * 100).toFixed(1);
    expect(html).toContain(`${saving}% less`);
    expect(html).toContain(`${fmt(r.vanilla.peakBytes)} B`);
    expect(html).toContain(`${fmt(r.heuristic.peakBytes)} B`);
  });

  it('plots one marker per front point, the chosen one highlighted, and vanilla and heuristic', () => {
    const pts = markers(html);
    const frontPts = pts.filter((p) => p.classes.includes('front'));
    expect(frontPts).toHaveLength(front.length);
    const got = frontPts.map((p) => [Number(p.attrs['data-peak']), Number(p.attrs['data-macs'])]).sort((a, b) => a[0]! - b[0]!);
    expect(got).toEqual(front.map((p) => [p.peakBytes, p.macs]));
    const chosen = frontPts.filter((p) => p.classes.includes('chosen'));
    expect(chosen).toHaveLength(1);
    expect(Number(chosen[0]!.attrs['data-peak'])).toBe(r.solution.peakBytes);
    expect(Number(chosen[0]!.attrs['data-macs'])).toBe(r.solution.macs);
    const van = pts.filter((p) => p.classes.includes('vanilla'));
    const heu = pts.filter((p) => p.classes.includes('heuristic'));
    expect(van).toHaveLength(1);
    expect(heu).toHaveLength(1);
    expect(Number(van[0]!.attrs['data-peak'])).toBe(r.vanilla.peakBytes);
    expect(Number(heu[0]!.attrs['data-peak'])).toBe(r.heuristic.peakBytes);
    // every marker carries a tooltip
    const withTitle = html.match(/class="pt [^"]*"[^>]*><title>[^<]*peak [\d,]+ B\nMACs [\d,]+\noverhead ×\d\.\d{4}/g) ?? [];
    expect(withTitle).toHaveLength(front.length + 2);
    // a legend names all three kinds
    for (const label of ['chosen plan', 'vanilla (layer by layer)', 'MCUNetV2-style heuristic']) expect(html).toContain(label);
  });

  it('draws the step line through the front and byte ticks in kB', () => {
    expect(html).toMatch(/<path d="M[\d. ]+(H[\d.]+V[\d.]+)*H[\d.]+" class="step"\/>/);
    expect(html).toMatch(/>\d+ kB<\/text>/);
  });

  it('has one block bar and one block-table row per block, with the right bytes and the peak marked', () => {
    const bars = tags(html, ['rect']).filter((t) => /^bar /.test(t.attrs.class ?? '') && t.attrs['data-block'] !== undefined);
    expect(bars).toHaveLength(r.solutionBlocks.length);
    const rows = tableRows(html, 'blocks');
    expect(rows).toHaveLength(r.solutionBlocks.length);
    r.solutionBlocks.forEach((b, i) => {
      const row = rows[i]!;
      const isPeak = b.bytes === r.solution.peakBytes;
      expect(row.cells[0]).toBe(String(i));
      expect(row.cells[1]).toBe(b.first === b.last ? `${b.first}` : `${b.first}–${b.last}`);
      expect(row.cells[2]).toBe(b.first === b.last ? 'layer' : 'fused');
      // exact cost model (the default): input, output, skip and caches, then their sum, the arena
      const live = row.cells.slice(4, 8).map((c) => Number(c.replace(/,/g, '')));
      expect(live.reduce((a, v) => a + v, 0)).toBe(b.bytes);
      expect(row.cells[8]).toBe(fmt(b.bytes));
      expect(row.cells[10]).toBe(fmt(b.macs));
      expect(row.attrs.class === 'peak').toBe(isPeak);
      expect(row.cells[11]).toBe(isPeak ? 'peak' : '');
      expect(bars[i]!.attrs.class!.split(' ').includes('peak')).toBe(isPeak);
    });
    expect(rows.some((row) => row.attrs.class === 'peak')).toBe(true);
  });

  it('lists the whole front as a table, the chosen row marked', () => {
    const rows = tableRows(html, 'front');
    expect(rows).toHaveLength(front.length);
    front.forEach((p, i) => {
      expect(rows[i]!.cells[1]).toBe(fmt(p.peakBytes));
      expect(rows[i]!.cells[3]).toBe(fmt(p.macs));
      expect(rows[i]!.cells[4]).toBe(`×${p.overhead.toFixed(4)}`);
      expect(rows[i]!.cells[5]).toBe(String(p.blocks.length));
    });
    const chosen = rows.filter((row) => row.attrs.class === 'chosen');
    expect(chosen).toHaveLength(1);
    expect(chosen[0]!.cells[1]).toBe(fmt(r.solution.peakBytes));
  });

  it('is deterministic: only the search time may change it', () => {
    expect(planHtml(model, { ...r })).toBe(html);
    const other = planHtml(model, { ...r, searchMs: r.searchMs + 1 });
    expect(other.replace(/[\d.]+ ms/g, 'T')).toBe(html.replace(/[\d.]+ ms/g, 'T'));
  });
});

describe('HTML report, other cases', () => {
  const tiny = (name: string): Model =>
    buildChain({
      name,
      input: [48, 48, 3],
      layers: [conv(8, 3, 2), dw(3, 1), conv(16, 1, 1), pool('max_pool2d', 2, 2)],
    });

  it('escapes the model name everywhere', () => {
    const evil = `<script>alert(1)</script>&"'`;
    const model = tiny(evil);
    const html = planHtml(model, planModel(model, { front: true }));
    expect(html).not.toContain('<script');
    expect(html).not.toContain(evil);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;');
    // every ampersand in the document starts an entity
    expect(html).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
    expectSelfContained(html);
    expectBalanced(html);
  });

  it('works without a front (library use): the chosen point alone', () => {
    const model = tiny('tiny');
    const r: PlanResult = planModel(model, { maxOverhead: 1.5 });
    expect(r.front).toBeUndefined();
    const html = planHtml(model, r);
    expectSelfContained(html);
    expectBalanced(html);
    const pts = markers(html).filter((p) => p.classes.includes('front'));
    expect(pts).toHaveLength(1);
    expect(pts[0]!.classes).toContain('chosen');
    expect(html).toContain('not computed');
  });

  it('plots a chosen plan that is not on the front on its own', () => {
    const model = zooModel('mcunet-vww5-r80');
    const r = planModel(model, { front: true });
    const blocks = Array.from({ length: r.layers }, (_, i): [number, number] => [i, i]);
    const html = planHtml(model, { ...r, solution: { ...r.vanilla, overhead: 1, blocks } });
    const pts = markers(html);
    expect(pts.filter((p) => p.classes.includes('front'))).toHaveLength(r.front!.length);
    const chosen = pts.filter((p) => p.classes.includes('chosen'));
    expect(chosen).toHaveLength(1);
    expect(chosen[0]!.classes).not.toContain('front');
    expect(Number(chosen[0]!.attrs['data-peak'])).toBe(r.vanilla.peakBytes);
    expect(tableRows(html, 'front').filter((row) => row.attrs.class === 'chosen')).toHaveLength(0);
  });

  it('escape, tick and axis helpers', () => {
    expect(esc(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&#39;');
    expect(bytesTick(64000)).toBe('64 kB');
    expect(bytesTick(2500)).toBe('2.5 kB');
    expect(bytesTick(500)).toBe('500 B');
    expect(bytesTick(1.5e6)).toBe('1.5 MB');
    expect(logTicks(6000, 250000).major).toEqual([10000, 20000, 50000, 100000, 200000]);
    expect(logTicks(34000, 390000).major).toEqual([50000, 100000, 200000, 300000]);
    expect(niceLinear(0, 8800, 4)).toEqual({ lo: 0, hi: 10000, ticks: [0, 2500, 5000, 7500, 10000], step: 2500 });
    expect(niceLinear(0.9, 1.75, 6).ticks).toEqual([0.8, 1, 1.2, 1.4, 1.6, 1.8]);
    expect(niceLinear(0.95, 1.3, 6).ticks).toEqual([0.9, 1, 1.1, 1.2, 1.3]);
  });
});

describe('msf plan --report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msf-report-'));
  // imported here so that the report tests above do not depend on every CLI command loading
  const runCli = async (...argv: string[]) => (await import('./helpers/cli.js')).runCli(...argv);

  it('writes the file and exits 0', async () => {
    const path = join(dir, 'report.html');
    const { code, stdout } = await runCli('plan', 'mbv2-w0.35-r144', '--report', path);
    expect(code).toBe(0);
    expect(existsSync(path)).toBe(true);
    expect(stdout).toContain(`report written to ${path}`);
    const html = readFileSync(path, 'utf8');
    expectSelfContained(html);
    expectBalanced(html);
    expect(html).toContain('<h1>mbv2-w0.35-r144</h1>');
    // the CLI always computes the front for the report: the 18 points of the README (exact cost model)
    expect(markers(html).filter((p) => p.classes.includes('front'))).toHaveLength(18);
    expect(html).toMatch(/7,788/);
  });

  it('with --json the report is still written and stdout stays JSON', async () => {
    const path = join(dir, 'report-json.html');
    const { code, stdout } = await runCli('plan', 'mcunet-vww5-r80', '--json', '--max-overhead', '1.3', '--report', path);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).solution.overhead).toBeLessThanOrEqual(1.3);
    const html = readFileSync(path, 'utf8');
    expect(markers(html).filter((p) => p.classes.includes('chosen'))).toHaveLength(1);
  });
});

describe('report content: memory, limits and notes (issue #16)', () => {
  it('draws the RAM budget and the overhead limit the plan was solved for (PlanResult.problem), only when given', () => {
    const model = zooModel('mbv2-w0.35-r144');
    const r = planModel(model, { ramLimit: 20_000, front: true });
    const html = planHtml(model, r);
    const lines = tags(html, ['line']).filter((t) => t.attrs.class === 'budget');
    expect(lines).toHaveLength(1);
    expect(html).toContain('RAM budget 20,000 B');
    // the chosen point is left of (within) the budget line
    const chosen = markers(html).find((m) => m.classes.includes('chosen'))!;
    expect(Number(chosen.attrs.cx)).toBeLessThan(Number(lines[0]!.attrs.x1));
    const both = planHtml(model, planModel(model, { ramLimit: 30_000, maxOverhead: 1.5, front: true }));
    expect(tags(both, ['line']).filter((t) => t.attrs.class === 'budget')).toHaveLength(2);
    expect(both).toContain('overhead limit ×1.50');
    expect(tags(planHtml(model, planModel(model, { front: true })), ['line']).filter((t) => t.attrs.class === 'budget')).toHaveLength(0);
  });

  it('states arena, total SRAM (arena + input + output) and a per-step memory table that sums to the arena', () => {
    const model = zooModel('mcunet-vww5-r80');
    const r = planModel(model, { front: true });
    const html = planHtml(model, r);
    const total = r.solution.peakBytes + 80 * 80 * 3 + model.tensors[model.output]!.shape.reduce((a, b) => a * b, 1);
    expect(html).toContain(`${fmt(total)} B`);
    expect(html).toMatch(/total SRAM/);
    expect(html).not.toMatch(/vs heuristic/);
    const rows = [...html.matchAll(/<tr[^>]*data-block="(\d+)"[^>]*>([\s\S]*?)<\/tr>/g)];
    expect(rows).toHaveLength(r.solutionBlocks.length);
    for (const [, i, cells] of rows) {
      const nums = [...cells!.matchAll(/<td class="num[^"]*">([\d,]+)</g)].map((m) => Number(m[1]!.replace(/,/g, '')));
      // #, layers (first), input, output, skip, caches, arena, MACs
      const [input, output, skip, caches, arena] = nums.slice(-6, -1);
      expect(input! + output! + skip! + caches!).toBe(arena);
      expect(arena).toBe(r.solutionBlocks[Number(i)]!.bytes);
    }
  });

  it('says when the paper\'s accounting is generalised off its domain', () => {
    const model = buildChain({ name: 'ns', input: [32, 48, 3], layers: [{ op: 'conv2d', filters: 8, kernel: 3, stride: 2, padding: 1 }, { op: 'depthwise_conv2d', kernel: 3, stride: 1, padding: 1 }] });
    expect(planHtml(model, planModel(model, { cost: 'paper' }))).toMatch(/class="note">Note: outside the paper&#39;s square-chain domain|class="note">Note: outside the paper's square-chain domain/);
    expect(planHtml(model, planModel(model))).not.toMatch(/class="note"/);
  });
});

describe('HTML report of a streaming plan (issue #14)', () => {
  // VWW's minimum plan has line buffers, column caches and edges in place.
  const path = new URL('../../shared/models/mlperf_vww_96_int8.tflite', import.meta.url).pathname;
  const model = loadModel(path);
  const r = planModel(model, { stream: true, front: true });
  const html = planHtml(model, r);
  const edges = r.stream!.edges;

  it('is self-contained and well formed; arena, total SRAM and the streaming counts are cards', () => {
    expectSelfContained(html);
    expectBalanced(html);
    const input = tensorBytes(model.tensors[model.input]!.shape);
    const output = tensorBytes(model.tensors[model.output]!.shape);
    const card = (k: string) => new RegExp(`<div class="k">${k}</div><div class="v">([^<]*)</div><div class="d">([^<]*)</div>`).exec(html);
    expect(card('arena')![1]).toBe(`${fmt(r.solution.peakBytes)} B`);
    expect(card('total SRAM')![1]).toBe(`${fmt(r.solution.peakBytes + input + output)} B`);
    expect(card('total SRAM')![2]).toContain(`arena + input ${fmt(input)} B + output ${fmt(output)} B`);
    const layers = edges.flatMap((e) => e.layers);
    const line = layers.filter((l) => l.holds === 'line buffer').length;
    const cache = layers.filter((l) => l.holds === 'column cache').length;
    expect(line).toBeGreaterThan(0);
    expect(cache).toBeGreaterThan(0);
    expect(card('streaming')![1]).toBe(`${line} / ${cache}`);
    expect(html).toContain('<dd>exact, streaming</dd>');
  });

  it('the block view labels every layer of the plan as streamed (line buffer) or recomputing (column cache), with a legend', () => {
    const cells = tags(html, ['rect']).filter((t) => /^hold /.test(t.attrs.class ?? '') && t.attrs['data-layer'] !== undefined); // legend swatches aside
    expect(cells.map((c) => [Number(c.attrs['data-layer']), c.attrs['data-holds']])).toEqual(edges.flatMap((e) => e.layers.map((l) => [l.layer, l.holds])));
    for (const c of cells) expect(c.attrs.class).toBe(`hold ${{ 'line buffer': 'line', 'column cache': 'cache', 'edge input': 'input' }[c.attrs['data-holds']!]}`);
    for (const label of ['streams: line buffer, rows computed once', 'recomputes: column cache', 'streamed block', 'output in place']) expect(html).toContain(`>${label}</text>`);
    const bars = tags(html, ['rect']).filter((t) => /^bar /.test(t.attrs.class ?? '') && t.attrs['data-block'] !== undefined);
    expect(bars.map((b) => b.attrs.class!.includes('inplace'))).toEqual(edges.map((e) => e.inPlace));
  });

  it('the step table has one row per edge with its streaming labels', () => {
    const rows = tableRows(html, 'blocks');
    expect(rows).toHaveLength(edges.length);
    edges.forEach((e, i) => {
      expect(rows[i]!.cells[2]).toBe(e.first === e.last ? 'layer' : 'streamed');
      const cell = /<td class="holds" data-line="([^"]*)" data-cache="([^"]*)" data-in-place="(true|false)">/.exec(html.split(`data-block="${i}"`).at(-1)!)!;
      expect(cell.slice(1)).toEqual([
        e.layers.filter((l) => l.holds === 'line buffer').map((l) => l.layer).join(' '),
        e.layers.filter((l) => l.holds === 'column cache').map((l) => l.layer).join(' '),
        String(e.inPlace),
      ]);
    });
    expect(html).toContain('line buffers</span>');
    expect(html).toContain('column caches</span>');
  });

  it('msf plan --stream --report writes it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'msf-report-')), 'stream.html');
    const { runCli } = await import('./helpers/cli.js');
    const { code } = await runCli('plan', new URL('../../shared/models/mlperf_kws_dscnn_int8.tflite', import.meta.url).pathname, '--stream', '--report', out);
    expect(code).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('>streams: line buffer, rows computed once</text>');
    expect(page).toMatch(/<div class="k">total SRAM<\/div>/);
  });
});
