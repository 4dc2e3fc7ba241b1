/**
 * The chosen plan along the network: one segment per block, as wide as its layer count, with the
 * block's RAM as a bar above the strip and its MACs as a bar below; the block that sets the peak is
 * highlighted. A streaming plan adds a row under the strip: how each layer reads its input (a line
 * buffer: streamed, every row computed once; a column cache: its producer recomputes rows; the
 * edge's input), and outlines the edges whose output is written in place.
 */
import { type LayerHold, type StreamEdgeReport, layersHolding } from '../src/plan/stream-plan.js';
import type { BlockFigures } from './protocol.js';
import { type Tooltip, int, kB, layersLabel, macsShort, plural, svg } from './format.js';

export interface DiagramData {
  blocks: BlockFigures[];
  layers: number;
  peakBlock: number;
  baselineMacs: number;
  /** Per-layer descriptions, for tooltips. */
  layerOps: string[];
  /** A streaming plan: how each layer of each block reads its input, and which blocks are in place (index = block). */
  stream?: StreamEdgeReport[];
}

/** The streaming row's classes and words (also the panel's legend, index.html). */
export const HOLD_CLASS: Record<LayerHold, string> = { 'line buffer': 'line', 'column cache': 'cache', 'edge input': 'input' };
const HOLD_WORDS: Record<LayerHold, string> = { 'line buffer': 'streams from a line buffer (rows computed once)', 'column cache': 'recomputes: reads a column cache', 'edge input': 'reads the edge input' };

export interface DiagramEvents {
  tooltip: Tooltip;
  /** A block is hovered (index) or left (-1): the table highlights the same row. */
  onHover(index: number): void;
}

const PAD = { left: 58, right: 14, top: 22 };
const BYTES_H = 96;
const STRIP_H = 26;
const MACS_H = 62;
const AXIS_H = 30;
const HOLD_H = 10;

/** Rough width of a label in the 11px system font. */
const textWidth = (s: string): number => s.length * 6.2;

export function renderDiagram(container: HTMLElement, d: DiagramData, ev: DiagramEvents): SVGSVGElement {
  const width = Math.max(container.clientWidth, 320);
  const holdRow = d.stream ? HOLD_H + 6 : 0;
  const HEIGHT = PAD.top + BYTES_H + 6 + STRIP_H + 6 + holdRow + MACS_H + AXIS_H;
  const root = svg('svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, class: 'diagram-svg', role: 'img' });
  root.setAttribute('aria-label', `${plural(d.blocks.length, 'block')} over ${plural(d.layers, 'layer')}`);
  const span = width - PAD.left - PAD.right;
  const u = span / Math.max(1, d.layers);
  const gap = Math.min(2, u * 0.25);
  const maxBytes = Math.max(1, ...d.blocks.map((b) => b.bytes));
  const maxMacs = Math.max(1, ...d.blocks.map((b) => b.macs));
  const stripY = PAD.top + BYTES_H + 6;
  const holdY = stripY + STRIP_H + 6;
  const macsY = holdY + holdRow;
  const axisY = macsY + MACS_H + 8;

  // Row labels and baselines.
  const rows = svg('g', { class: 'row-labels' }, root);
  svg('text', { x: PAD.left - 10, y: PAD.top + BYTES_H - 2, 'text-anchor': 'end' }, rows).textContent = 'RAM';
  svg('text', { x: PAD.left - 10, y: stripY + STRIP_H / 2 + 4, 'text-anchor': 'end' }, rows).textContent = 'blocks';
  svg('text', { x: PAD.left - 10, y: macsY + 10, 'text-anchor': 'end' }, rows).textContent = 'MACs';
  if (d.stream) svg('text', { x: PAD.left - 10, y: holdY + HOLD_H - 1, 'text-anchor': 'end' }, rows).textContent = 'reads';
  svg('line', { x1: PAD.left, x2: PAD.left + span, y1: PAD.top + BYTES_H + 0.5, y2: PAD.top + BYTES_H + 0.5, class: 'baseline' }, root);
  svg('line', { x1: PAD.left, x2: PAD.left + span, y1: macsY - 0.5, y2: macsY - 0.5, class: 'baseline' }, root);

  const segs = svg('g', { class: 'segments' }, root);
  d.blocks.forEach((b, i) => {
    const n = b.last - b.first + 1;
    const x = PAD.left + b.first * u + gap / 2;
    const w = Math.max(1, n * u - gap);
    const peak = i === d.peakBlock;
    const fused = n > 1;
    const edge = d.stream?.[i];
    const g = svg('g', {
      class: `seg${peak ? ' peak' : ''}${fused ? ' fused' : ' single'}${edge?.inPlace ? ' inplace' : ''}`,
      'data-testid': 'diagram-block',
      'data-index': i,
      'data-first': b.first,
      'data-last': b.last,
      'data-bytes': b.bytes,
      'data-macs': b.macs,
    }, segs);
    // A full-height hit area so thin single-layer columns are easy to hover.
    svg('rect', { x: x - gap / 2, y: PAD.top - 16, width: w + gap, height: axisY - PAD.top + 16, class: 'hit' }, g);
    const bh = Math.max(2, (b.bytes / maxBytes) * (BYTES_H - 4));
    svg('rect', { x, y: PAD.top + BYTES_H - bh, width: w, height: bh, rx: Math.min(2, w / 4), class: 'bytes' }, g);
    svg('rect', { x, y: stripY, width: w, height: STRIP_H, rx: Math.min(3, w / 4), class: 'strip' }, g);
    for (const l of edge?.layers ?? [])
      svg('rect', {
        x: PAD.left + l.layer * u + gap / 2, y: holdY, width: Math.max(1, u - gap), height: HOLD_H, rx: Math.min(2, u / 4),
        class: `hold ${HOLD_CLASS[l.holds]}`, 'data-testid': 'diagram-hold', 'data-layer': l.layer, 'data-holds': l.holds,
      }, g);
    const mh = Math.max(2, (b.macs / maxMacs) * MACS_H);
    svg('rect', { x, y: macsY, width: w, height: mh, rx: Math.min(2, w / 4), class: 'macs' }, g);

    const label = layersLabel(b.first, b.last);
    if (textWidth(label) + 6 <= w)
      svg('text', { x: x + w / 2, y: stripY + STRIP_H / 2 + 4, 'text-anchor': 'middle', class: 'strip-label' }, g).textContent = label;
    const bytesLabel = kB(b.bytes);
    if (peak || textWidth(bytesLabel) + 4 <= w)
      svg('text', { x: x + w / 2, y: PAD.top + BYTES_H - bh - 5, 'text-anchor': 'middle', class: `bar-label${peak ? ' peak-label' : ''}` }, g).textContent =
        peak ? `peak ${bytesLabel}` : bytesLabel;
    const macsLabel = macsShort(b.macs);
    if (textWidth(macsLabel) + 4 <= w && mh + 14 <= MACS_H + 4)
      svg('text', { x: x + w / 2, y: macsY + mh + 12, 'text-anchor': 'middle', class: 'bar-label' }, g).textContent = macsLabel;

    const rowsOf = (): [string, string][] => {
      const r: [string, string][] = [
        ['layers', `${label} (${plural(n, 'layer')}, ${fused ? (edge ? 'streamed' : 'fused') : 'single layer'})${edge?.inPlace ? ' · output in place over its input' : ''}`],
        ['RAM', `${int(b.bytes)} B (${kB(b.bytes)})${peak ? ' · sets the peak' : ''}`],
        ['MACs', `${int(b.macs)} (${((b.macs / Math.max(1, d.baselineMacs)) * 100).toFixed(1)}% of baseline)`],
        ['ops', b.ops],
      ];
      if (n <= 4) d.layerOps.slice(b.first, b.last + 1).forEach((s, k) => r.push([k === 0 ? 'layers in it' : '', s]));
      for (const h of ['line buffer', 'column cache'] as const) {
        const ls = edge ? layersHolding(edge, h) : [];
        if (ls.length) r.push([HOLD_WORDS[h], ls.join(' ')]);
      }
      return r;
    };
    g.addEventListener('pointerenter', (e) => {
      ev.tooltip.show(e.clientX, e.clientY, `Block ${i}`, rowsOf());
      ev.onHover(i);
    });
    g.addEventListener('pointermove', (e) => ev.tooltip.show(e.clientX, e.clientY, `Block ${i}`, rowsOf()));
    g.addEventListener('pointerleave', () => {
      ev.tooltip.hide();
      ev.onHover(-1);
    });
  });

  // Layer axis: a tick every k layers, k from 1-2-5 so that labels do not collide.
  const axis = svg('g', { class: 'axis' }, root);
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find((k) => k * u >= 26) ?? 1000;
  for (let l = 0; l <= d.layers; l += step) {
    const x = PAD.left + l * u;
    svg('line', { x1: x, x2: x, y1: axisY - 4, y2: axisY, class: 'tick-line' }, axis);
    svg('text', { x, y: axisY + 11, 'text-anchor': 'middle', class: 'tick' }, axis).textContent = String(l);
  }
  svg('text', { x: PAD.left - 10, y: axisY + 11, 'text-anchor': 'end', class: 'tick' }, axis).textContent = 'layer';

  container.replaceChildren(root);
  return root;
}

/** Highlights block `index` in a rendered diagram (-1 clears). */
export function highlightDiagram(container: HTMLElement, index: number): void {
  for (const g of container.querySelectorAll<SVGGElement>('g.seg')) g.classList.toggle('hover', Number(g.dataset.index) === index);
}
