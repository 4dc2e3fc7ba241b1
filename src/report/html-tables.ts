/** The HTML report's tables: the plan against vanilla and the heuristic, the per-step memory table, the front. */
import type { Model } from '../model/ir.js';
import type { PlanPoint, PlanResult } from '../plan/planner.js';
import { type StreamEdgeReport, layersHolding } from '../plan/stream-plan.js';
import { change, el, esc, factor, int, layersLabel, linearScale } from './svg.js';
import { blockSummary } from './text.js';
import { stepMemory } from './layers.js';

/** The header row: one th per heading, with its class ('' for none). */
const headRow = (head: readonly string[], cls: readonly string[]): string =>
  el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { class: cls[i] || undefined }, h)).join('')));

/** Layer numbers as runs: "1–12, 14". */
function runs(layers: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < layers.length; ) {
    let j = i;
    while (j + 1 < layers.length && layers[j + 1] === layers[j]! + 1) j++;
    out.push(j === i ? `${layers[i]}` : `${layers[i]}–${layers[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** A streaming edge's cell: which layers read line buffers (rows computed once), which column caches (recomputed), in place. */
function holdsCell(e: StreamEdgeReport): string {
  const line = layersHolding(e, 'line buffer');
  const cache = layersHolding(e, 'column cache');
  const parts = [
    ...(line.length ? [`${el('span', { class: 'line' }, 'line buffers')} ${runs(line)}`] : []),
    ...(cache.length ? [`${el('span', { class: 'cache' }, 'column caches')} ${runs(cache)}`] : []),
    ...(e.inPlace ? ['output in place'] : []),
  ];
  return el('td', { class: 'holds', 'data-line': line.join(' '), 'data-cache': cache.join(' '), 'data-in-place': String(e.inPlace) }, parts.join(' · ') || '—');
}

export function blockTable(model: Model, r: PlanResult, peaks: ReadonlySet<number>): string {
  const peak = r.solution.peakBytes;
  // What is live at each step (exact cost model; the paper's accounting has only the total; streaming labels its edges instead).
  const steps = r.costModel === 'exact' && !r.stream ? stepMemory(model, r.solution.blocks, { inputInArena: r.inputInArena === true }) : null;
  const edges = r.stream?.edges;
  const rows = r.solutionBlocks.map((b, i) => {
    const fused = b.first !== b.last;
    const isPeak = peaks.has(i);
    const share = peak > 0 ? (b.bytes / peak) * 100 : 0;
    const m = steps?.[i];
    const live = m ? [m.inputBytes, m.outputBytes, m.skipBytes, m.cacheBytes].map((v) => el('td', { class: 'num' }, int(v))) : [];
    return el(
      'tr',
      { class: isPeak ? 'peak' : undefined, 'data-block': String(i) },
      [
        el('td', { class: 'num' }, String(i)),
        el('td', { class: 'num' }, esc(layersLabel(b.first, b.last))),
        el('td', {}, el('span', { class: `tag ${fused ? (edges ? 'streamed' : 'fused') : 'layer'}` }, fused ? (edges ? 'streamed' : 'fused') : 'layer')),
        el('td', { class: 'ops' }, esc(blockSummary(model, b.first, b.last))),
        ...live,
        ...(edges ? [holdsCell(edges[i]!)] : []),
        el('td', { class: 'num bytes' }, int(b.bytes)),
        el('td', { class: 'meter-cell' }, el('span', { class: 'meter' }, el('span', { style: `width:${share.toFixed(1)}%` }, ''))),
        el('td', { class: 'num' }, int(b.macs)),
        el('td', {}, isPeak ? el('span', { class: 'tag peak' }, 'peak') : ''),
      ].join(''),
    );
  });
  const liveHead = steps ? ['input', 'output', 'skip', 'caches'] : edges ? ['streaming'] : [];
  const head = ['#', 'layers', 'kind', 'ops', ...liveHead, 'arena', 'of peak', 'MACs', ''];
  const cls = ['num', 'num', '', '', ...liveHead.map(() => (steps ? 'num' : '')), 'num', 'meter-cell', 'num', ''];
  return el(
    'table',
    { class: 'data blocks' },
    headRow(head, cls) +
      el('tbody', {}, rows.join('')) +
      el(
        'tfoot',
        {},
        el(
          'tr',
          {},
          el('td', { colspan: String(4 + liveHead.length) }, esc(`${r.solutionBlocks.length} blocks · ${r.layers} layers`)) +
            el('td', { class: 'num' }, `${int(peak)} <small>peak</small>`) +
            el('td', {}, '') +
            el('td', { class: 'num' }, `${int(r.solution.macs)} <small>total</small>`) +
            el('td', {}, ''),
        ),
      ),
  );
}

/** A one-line strip of a plan's blocks over the layers (fused dark, single layers light); the list in its tooltip. */
function partition(p: PlanPoint, layers: number): string {
  const W = 280;
  const H = 12;
  const sx = linearScale(0, Math.max(layers, 1), 0, W);
  const rects = p.blocks
    .map(([a, b]) => el('rect', { x: sx(a) + 0.5, y: 0, width: Math.max(sx(b + 1) - sx(a) - 1, 0.8), height: H, class: a === b ? 'layer' : 'fused' }))
    .join('');
  const list = p.blocks.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(' ');
  return el('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'partition', role: 'img', 'aria-label': `blocks ${list}` }, el('title', {}, esc(`blocks (first–last layer): ${list}`)) + rects);
}

export function frontTable(r: PlanResult, front: PlanPoint[], chosen: number): string {
  const rows = front.map((p, i) =>
    el(
      'tr',
      { class: i === chosen ? 'chosen' : undefined, 'data-point': String(i) },
      [
        el('td', { class: 'num' }, String(i + 1)),
        el('td', { class: 'num' }, int(p.peakBytes)),
        el('td', { class: 'num' }, change(p.peakBytes, r.vanilla.peakBytes)),
        el('td', { class: 'num' }, int(p.macs)),
        el('td', { class: 'num' }, factor(p.overhead)),
        el('td', { class: 'num' }, String(p.blocks.length)),
        el('td', { class: 'layout' }, partition(p, r.layers)),
        el('td', {}, i === chosen ? el('span', { class: 'tag chosen' }, 'chosen') : ''),
      ].join(''),
    ),
  );
  const head = ['#', 'arena', 'vs vanilla', 'MACs', 'overhead', 'blocks', `partition of ${r.layers} layers`, ''];
  const cls = ['num', 'num', 'num', 'num', 'num', 'num', '', ''];
  return el(
    'table',
    { class: 'data front' },
    headRow(head, cls) + el('tbody', {}, rows.join('')),
  );
}

export function compareTable(r: PlanResult): string {
  const s = r.solution;
  const ref = r.vanilla.peakBytes;
  const scale = Math.max(ref, s.peakBytes, r.heuristic.peakBytes, 1);
  const row = (cls: string, name: string, peak: number, macs: number, overhead: number, blocks: string): string =>
    el(
      'tr',
      { class: cls },
      [
        el('th', { scope: 'row' }, name),
        el('td', { class: 'num' }, `${int(peak)} B`),
        el('td', { class: 'bar-cell' }, el('span', { class: `hbar ${cls}`, style: `width:${((peak / scale) * 100).toFixed(1)}%` }, '')),
        el('td', { class: 'num' }, cls === 'vanilla' ? '—' : change(peak, ref)),
        el('td', { class: 'num' }, int(macs)),
        el('td', { class: 'num' }, factor(overhead)),
        el('td', { class: 'num' }, blocks),
      ].join(''),
    );
  return el(
    'table',
    { class: 'data compare' },
    headRow(['', 'arena', '', 'vs vanilla', 'MACs', 'overhead', 'blocks'], ['', 'num', '', 'num', 'num', 'num', 'num']) +
      el(
        'tbody',
        {},
        row('chosen', r.stream ? 'chosen plan (streaming)' : 'chosen plan (msf-CNN)', s.peakBytes, s.macs, s.overhead, String(s.blocks.length)) +
          row('heuristic', 'MCUNetV2-style heuristic', r.heuristic.peakBytes, r.heuristic.macs, r.heuristic.overhead, '—') +
          row('vanilla', 'vanilla (layer by layer)', r.vanilla.peakBytes, r.vanilla.macs, r.vanilla.macs / r.baselineMacs, String(r.layers)),
      ),
  );
}
