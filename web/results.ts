/**
 * The figures on the right: the model's facts, the cards of the shown plan, the front plot, the block
 * diagram, the per-step table and the error banner. Each view reads page.shown and the inputs only;
 * a figure's exact value is also in its data-value attribute, for scripts and tests.
 */
import { type StreamEdgeReport, layersHolding, streamCounts } from '../src/plan/stream-plan.js';
import { HOLD_CLASS, highlightDiagram, renderDiagram } from './diagram.js';
import { Tooltip, byId, change, factor, html, int, kB, layersLabel, macsShort, plural } from './format.js';
import { inputs, page } from './page-state.js';
import { renderPlot } from './plot.js';
import type { SearchFigures } from './protocol.js';

const el = {
  body: document.body,
  error: byId('error'),
  errorTitle: byId('error-title'),
  errorMessage: byId('error-message'),
  layers: byId('layers'),
  inputShape: byId('input-shape'),
  outputShape: byId('output-shape'),
  baselineMacs: byId('baseline-macs'),
  cards: byId('cards'),
  costNote: byId('cost-note'),
  frontCount: byId('front-count'),
  plot: byId('plot'),
  diagram: byId('diagram'),
  rows: byId('block-rows'),
};
export const tooltip = new Tooltip(byId('tooltip'));
/** The element the charts take their width from. */
export const plotElement = el.plot;

export function showError(title: string, message: string): void {
  el.errorTitle.textContent = title;
  el.errorMessage.textContent = message;
  el.error.hidden = false;
}

export function hideError(): void {
  el.error.hidden = true;
}

export function renderModelInfo(s: SearchFigures): void {
  el.layers.textContent = String(s.model.layers);
  el.layers.dataset.value = String(s.model.layers);
  el.inputShape.textContent = s.model.inputShape.join(' × ');
  el.outputShape.textContent = s.model.outputShape.join(' × ');
  el.baselineMacs.textContent = int(s.baselineMacs);
  el.baselineMacs.dataset.value = String(s.baselineMacs);
}

function setFigure(node: HTMLElement, text: string, value: string | number | undefined): void {
  node.textContent = text;
  if (value === undefined) delete node.dataset.value;
  else node.dataset.value = String(value);
}

/** The cards in page order: label, the id (and test id) of the figure, the id of the line under it. */
const CARDS = {
  peak: ['Arena', 'peak-bytes', 'peak-sub'],
  totalSram: ['Total SRAM', 'total-sram', 'total-sub'],
  flash: ['Flash', 'flash', 'flash-sub'],
  macs: ['MACs', 'macs', 'macs-sub'],
  overhead: ['MAC overhead', 'overhead', 'overhead-sub'],
  blocks: ['Blocks', 'block-count', 'blocks-sub'],
  stream: ['Streaming', 'stream-counts', 'stream-sub'],
} as const;

interface Card {
  root: HTMLElement;
  value: HTMLElement;
  sub: HTMLElement;
}

const cards = {} as Record<keyof typeof CARDS, Card>;
(Object.entries(CARDS) as [keyof typeof CARDS, (typeof CARDS)[keyof typeof CARDS]][]).forEach(([key, [label, id, subId]], i) => {
  const root = html('div', { class: i === 0 ? 'card stat accent' : 'card stat' }, el.cards);
  html('span', { class: 'label', text: label }, root);
  const value = html('span', { class: 'value', text: '–', attrs: { 'data-testid': id, id } }, root);
  cards[key] = { root, value, sub: html('span', { class: 'sub', attrs: { id: subId } }, root) };
});

/** A card's figure (its exact value in data-value; none: '–') and the line under it. */
function setCard(c: Card, text: string, value: string | number | undefined, sub: string): void {
  setFigure(c.value, text, value);
  c.sub.textContent = sub;
}

function renderCards(): void {
  const s = page.shown?.search;
  const p = page.shown?.plan;
  el.cards.classList.toggle('empty', !p);
  // Only a streaming plan has the streaming card, legend and table column.
  cards.stream.root.hidden = !p?.stream;
  el.body.classList.toggle('streaming', Boolean(p?.stream));
  if (!s || !p) {
    setCard(cards.peak, '–', undefined, s ? `smallest reachable: ${int(s.front[0]?.peakBytes ?? 0)} B` : '');
    setCard(cards.totalSram, '–', undefined, s ? `layer by layer: arena ${int(s.vanilla.peakBytes)} B` : '');
    setCard(cards.flash, '–', undefined, '');
    setCard(cards.macs, '–', undefined, s ? `baseline ${int(s.baselineMacs)}` : '');
    setCard(cards.overhead, '–', undefined, '');
    setCard(cards.blocks, '–', undefined, '');
    renderNote(null);
    return;
  }
  const sol = p.solution;
  const m = p.memory;
  // As the shown plan was computed (the switch may have moved since the request).
  const inArena = page.shown?.request?.inputInArena === true;
  setCard(cards.peak, `${int(sol.peakBytes)} B`, sol.peakBytes, `${change(sol.peakBytes, s.vanilla.peakBytes, '–')} vs layer by layer${p.stream ? ' · streaming' : ''}${inArena ? ' · holds the input' : ''}${inputs.ramEnabled ? ` · budget ${kB(inputs.ram)}` : ''}`);
  setCard(cards.totalSram, `${int(m.totalSramBytes)} B`, m.totalSramBytes, inArena ? `arena (with the input) + output ${int(m.outputBytes)} B (outside the arena)` : `arena + input ${int(m.inputBytes)} B + output ${int(m.outputBytes)} B (outside the arena)`);
  if (p.stream) {
    const c = streamCounts(p.stream);
    setCard(cards.stream, `${c.lineBuffer} / ${c.columnCache}`, `${c.lineBuffer}/${c.columnCache}/${c.inPlace}`, `layers streamed (line buffer) / recomputing (column cache) · ${plural(c.inPlace, 'edge')} in place`);
  }
  setCard(cards.flash, `${int(m.flashBytes)} B`, m.flashBytes, p.flashSeeded ? 'weights and constants (seeded weights, as msf run / emit)' : 'weights and constants');
  setCard(cards.macs, macsShort(sol.macs), sol.macs, `${int(sol.macs)} · baseline ${macsShort(s.baselineMacs)}`);
  setCard(cards.overhead, factor(sol.overhead), sol.overhead, inputs.ohEnabled && Number.isFinite(inputs.oh) ? `limit ×${inputs.oh}` : 'no limit');
  const fused = sol.blocks.filter(([a, b]) => b > a).length;
  setCard(cards.blocks, String(sol.blocks.length), sol.blocks.length, `${fused} ${p.stream ? 'streamed' : 'fused'} · ${sol.blocks.length - fused} single · ${plural(s.model.layers, 'layer')}`);
  cards.blocks.value.dataset.blocks = JSON.stringify(sol.blocks);
  renderNote(p.note);
}

/** The paper model off its domain says so, here as in every report. */
function renderNote(note: string | null): void {
  el.costNote.hidden = note === null;
  el.costNote.textContent = note === null ? '' : `Note: ${note}.`;
}

function renderTable(): void {
  const p = page.shown?.plan;
  el.rows.replaceChildren();
  if (!p) {
    const tr = html('tr', { class: 'placeholder' }, el.rows);
    html('td', { text: page.shown ? 'No plan within these limits: relax the RAM budget or the MAC-overhead limit.' : 'No plan yet.', attrs: { colspan: 11 } }, tr);
    return;
  }
  // Per-step memory (exact cost model): what is live while each block runs; the paper's accounting has one figure.
  el.body.classList.toggle('no-steps', p.steps === null);
  p.solutionBlocks.forEach((b, i) => {
    const step = p.steps?.[i];
    const peak = i === p.peakBlock;
    const tr = html('tr', {
      class: peak ? 'peak' : '',
      attrs: { 'data-testid': 'block-row', 'data-index': i, 'data-first': b.first, 'data-last': b.last, 'data-bytes': b.bytes, 'data-macs': b.macs },
    }, el.rows);
    html('td', { class: 'num muted', text: String(i) }, tr);
    html('td', { class: 'mono', text: layersLabel(b.first, b.last) }, tr);
    const kind = html('td', {}, tr);
    html('span', { class: `badge ${b.first === b.last ? 'single' : 'fused'}`, text: b.first === b.last ? 'layer' : `${p.stream ? 'streamed' : 'fused'} ×${b.last - b.first + 1}` }, kind);
    html('td', { class: 'mono ops', text: b.ops }, tr);
    for (const [k, v] of [['input', step?.inputBytes], ['output', step?.outputBytes], ['skip', step?.skipBytes], ['caches', step?.cacheBytes]] as const)
      html('td', { class: 'num step', text: v === undefined ? '' : int(v), attrs: { 'data-step': k } }, tr);
    streamCell(tr, p.stream?.[i]);
    const bytes = html('td', { class: 'num' }, tr);
    if (peak) html('span', { class: 'badge peak', text: 'peak' }, bytes);
    bytes.append(int(b.bytes));
    html('td', { class: 'num', text: int(b.macs) }, tr);
    tr.addEventListener('pointerenter', () => highlightDiagram(el.diagram, i));
    tr.addEventListener('pointerleave', () => highlightDiagram(el.diagram, -1));
  });
}

/** A streaming edge's labels: the layers that read line buffers (streamed), those that read column caches (recomputing), in place. */
function streamCell(tr: HTMLElement, e: StreamEdgeReport | undefined): void {
  const td = html('td', { class: 'stream-col', attrs: { 'data-testid': 'stream-cell' } }, tr);
  if (!e) return;
  td.dataset.line = layersHolding(e, 'line buffer').join(' ');
  td.dataset.cache = layersHolding(e, 'column cache').join(' ');
  td.dataset.inPlace = String(e.inPlace);
  for (const h of ['line buffer', 'column cache'] as const) {
    const ls = layersHolding(e, h);
    if (!ls.length) continue;
    const line = html('div', {}, td);
    html('span', { class: `hold-key ${HOLD_CLASS[h]}`, text: h === 'line buffer' ? 'line buffers' : 'column caches' }, line);
    line.append(` ${ls.join(' ')}`);
  }
  if (e.inPlace) html('div', { class: 'muted', text: 'output in place' }, td);
  if (!td.childElementCount) td.textContent = '—';
}

function highlightRow(index: number): void {
  for (const tr of el.rows.querySelectorAll<HTMLTableRowElement>('tr[data-index]')) tr.classList.toggle('hover', Number(tr.dataset.index) === index);
}

/** The front plot (a click on a point calls `onSelect` with its index) and the block diagram. */
export function renderCharts(onSelect: (index: number) => void): void {
  const s = page.shown?.search;
  if (!s) {
    el.plot.replaceChildren(html('p', { class: 'empty-note', text: 'No front to show.' }));
    el.diagram.replaceChildren();
    setFigure(el.frontCount, '–', undefined);
    return;
  }
  setFigure(el.frontCount, String(s.front.length), s.front.length);
  const sol = page.shown?.plan?.solution;
  const chosen = sol ? s.front.findIndex((q) => q.peakBytes === sol.peakBytes && q.macs === sol.macs) : -1;
  renderPlot(el.plot, {
    front: s.front,
    baselineMacs: s.baselineMacs,
    vanilla: s.vanilla,
    heuristic: s.heuristic,
    chosen,
    ...(inputs.ramEnabled ? { ramLimit: inputs.ram } : {}),
    ...(inputs.ohEnabled ? { maxOverhead: inputs.oh } : {}),
  }, { tooltip, onSelect });
  const p = page.shown?.plan;
  if (p)
    renderDiagram(el.diagram, {
      blocks: p.solutionBlocks,
      layers: s.model.layers,
      peakBlock: p.peakBlock,
      baselineMacs: s.baselineMacs,
      layerOps: s.model.layerOps,
      ...(p.stream ? { stream: p.stream } : {}),
    }, { tooltip, onHover: highlightRow });
  else el.diagram.replaceChildren(html('p', { class: 'empty-note', text: 'No plan within these limits.' }));
}

/** Cards, charts and table of page.shown. */
export function renderResults(onSelect: (index: number) => void): void {
  renderCards();
  renderCharts(onSelect);
  renderTable();
}
