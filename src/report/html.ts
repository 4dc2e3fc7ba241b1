/**
 * `msf plan --report file.html`: one self-contained, printable HTML page. Inline CSS and hand-written
 * inline SVG only: no scripts, no fonts, no images, no network references (a Content-Security-Policy
 * of default-src 'none' makes that a promise the browser enforces). Every piece of text that comes
 * from the model is escaped. The output depends only on (model, result): nothing time-dependent but
 * r.searchMs.
 */
import { type Layer, type Model, describeLayer } from '../model/ir.js';
import type { PlanPoint, PlanResult } from '../plan/planner.js';
import type { Problem } from '../plan/problems.js';
import {
  bytesShort,
  bytesTick,
  diamond,
  el,
  esc,
  factor,
  int,
  linearScale,
  logDomain,
  logScale,
  logTicks,
  macsShort,
  niceLinear,
  num,
} from './svg.js';
import { blockSummary } from './text.js';
import { modelFlashBytes, paperNote } from './json.js';
import { stepMemory } from './layers.js';
import { sramFigures } from './memory.js';

/** The limits the plan was solved for (PlanResult.problem), drawn on the front. */
interface ReportLimits {
  ramLimit?: number;
  maxOverhead?: number;
}

function limitsOf(p: Problem): ReportLimits {
  if (p.kind === 'P2') return { ramLimit: p.ramLimit };
  if (p.kind === 'P1') return { maxOverhead: p.maxOverhead, ...(p.ramLimit !== undefined ? { ramLimit: p.ramLimit } : {}) };
  return {};
}

// ---------------------------------------------------------------------------------------------
// Shared bits

const layersLabel = (first: number, last: number): string => (first === last ? `${first}` : `${first}–${last}`);

/** Signed change of `v` relative to `ref` in percent: "−95.9%", "+3.0%", "±0%". */
function change(v: number, ref: number): string {
  if (ref <= 0) return '—';
  const pct = (v / ref - 1) * 100;
  if (Math.abs(pct) < 0.05) return '±0%';
  return `${pct < 0 ? '−' : '+'}${Math.abs(pct).toFixed(1)}%`;
}

/** Estimated width of a label in the SVG's 12px system font (good enough to lay out a legend). */
const textWidth = (s: string, px = 12): number => s.length * px * 0.52;

interface LegendItem {
  /** Draws the swatch centred on (x, y). */
  swatch: (x: number, y: number) => string;
  label: string;
}

/** One row of legend items starting at (x, y), wrapping at maxX. */
function legend(items: LegendItem[], x: number, y: number, maxX: number): string {
  let cx = x;
  let cy = y;
  let out = '';
  for (const it of items) {
    const w = 18 + textWidth(it.label) + 20;
    if (cx + w > maxX && cx > x) {
      cx = x;
      cy += 20;
    }
    out += it.swatch(cx + 6, cy) + el('text', { x: cx + 18, y: cy, class: 'legend', 'dominant-baseline': 'central' }, esc(it.label));
    cx += w;
  }
  return el('g', { class: 'legend-row' }, out);
}

// ---------------------------------------------------------------------------------------------
// Figure 1: the Pareto front

interface Marker {
  peakBytes: number;
  macs: number;
  overhead: number;
}

function pointTitle(head: string, p: Marker, blocks?: number): string {
  const lines = [head, `peak ${int(p.peakBytes)} B`, `MACs ${int(p.macs)}`, `overhead ${factor(p.overhead)}`];
  if (blocks !== undefined) lines.push(`${blocks} block${blocks === 1 ? '' : 's'}`);
  return el('title', {}, esc(lines.join('\n')));
}

/**
 * x = peak bytes on a LOG axis. Linear reads badly on the zoo: the vanilla point is ~25x the
 * minimum peak on mbv2, so 13 of its 21 front points (7.9 to 25.7 kB) would crowd into the leftmost
 * tenth of a linear axis, exactly where the interesting trade-offs are. RAM savings are ratios
 * anyway, and on a log axis equal distances are equal ratios. y = MAC overhead factor, linear (it
 * spans at most a few x).
 */
function frontPlot(r: PlanResult, front: PlanPoint[], chosen: number, limits: ReportLimits): string {
  // P1/P2 always answer with a front point; should a caller hand in another plan, plot it on its own
  const c = chosen >= 0 ? front[chosen] : r.solution;
  const W = 960;
  const H = 470;
  const m = { l: 74, r: 28, t: 58, b: 60 };
  const px0 = m.l;
  const px1 = W - m.r;
  const py0 = m.t;
  const py1 = H - m.b;

  const van: Marker = { peakBytes: r.vanilla.peakBytes, macs: r.vanilla.macs, overhead: r.vanilla.macs / r.baselineMacs };
  const heu: Marker = r.heuristic;
  const all: Marker[] = [...front, van, heu, r.solution];
  const budget = limits.ramLimit !== undefined && limits.ramLimit > 0 && Number.isFinite(limits.ramLimit) ? limits.ramLimit : null;
  const ohLimit = limits.maxOverhead !== undefined && Number.isFinite(limits.maxOverhead) ? limits.maxOverhead : null;
  const [xd0, xd1] = logDomain([...all.map((p) => p.peakBytes), ...(budget !== null ? [budget] : [])]);
  const sx = logScale(xd0, xd1, px0, px1);
  const ysMin = Math.min(...all.map((p) => p.overhead));
  const ysMax = Math.max(...all.map((p) => p.overhead), ohLimit !== null && ohLimit < 2 * Math.max(...all.map((p) => p.overhead)) ? ohLimit : 0);
  // the domain hugs the data (a nice-rounded domain wasted a fifth of the plot below x1.0)
  const pad = Math.max((ysMax - ysMin) * 0.07, 0.02);
  const yd0 = ysMin - pad;
  // ~30 px of headroom above the highest point for the callout
  const yd1 = ysMax + Math.max(pad, ((ysMax - yd0) * 30) / (py1 - py0 - 30));
  const sy = linearScale(yd0, yd1, py1, py0);
  const yn = { ticks: niceLinear(yd0, yd1, 6).ticks.filter((v) => v >= yd0 && v <= yd1) };
  // always label the baseline x1.0 (vanilla's level) unless a tick already sits close to it
  if (yd0 <= 1 && yd1 >= 1 && yn.ticks.every((v) => Math.abs(sy(v) - sy(1)) > 14)) yn.ticks = [1, ...yn.ticks].sort((a, b) => a - b);
  const yDigits = yn.ticks.some((t) => Math.abs(t * 10 - Math.round(t * 10)) > 1e-9) ? 2 : 1;
  const xt = logTicks(xd0, xd1);

  const parts: string[] = [];
  // grid
  for (const v of xt.minor) parts.push(el('line', { x1: sx(v), x2: sx(v), y1: py0, y2: py1, class: 'grid minor' }));
  for (const v of xt.major) parts.push(el('line', { x1: sx(v), x2: sx(v), y1: py0, y2: py1, class: 'grid' }));
  for (const v of yn.ticks) parts.push(el('line', { x1: px0, x2: px1, y1: sy(v), y2: sy(v), class: 'grid' }));

  // dominated region (everything above and to the right of the front) and the step line through it
  const pts = front.map((p) => [sx(p.peakBytes), sy(p.overhead)] as const);
  if (pts.length > 0) {
    const [fx, fy] = pts[0]!;
    let steps = '';
    for (let i = 1; i < pts.length; i++) steps += `H${num(pts[i]![0])}V${num(pts[i]![1])}`;
    parts.push(el('path', { d: `M${num(fx)} ${num(py0)}V${num(fy)}${steps}H${num(px1)}V${num(py0)}Z`, class: 'dominated' }));
    parts.push(el('path', { d: `M${num(fx)} ${num(fy)}${steps}H${num(px1)}`, class: 'step' }));
  }

  // the limits the plan was solved for: everything right of the RAM budget (or above the overhead limit) is out
  if (budget !== null) {
    const bx = sx(budget);
    parts.push(el('line', { x1: bx, x2: bx, y1: py0, y2: py1, class: 'budget' }));
    parts.push(el('text', { x: bx - 6, y: py0 + 14, class: 'callout budget-label', 'text-anchor': 'end' }, esc(`RAM budget ${int(budget)} B`)));
  }
  if (ohLimit !== null && ohLimit >= yd0 && ohLimit <= yd1) {
    const oy = sy(ohLimit);
    parts.push(el('line', { x1: px0, x2: px1, y1: oy, y2: oy, class: 'budget' }));
    parts.push(el('text', { x: px1 - 6, y: oy - 6, class: 'callout budget-label', 'text-anchor': 'end' }, esc(`overhead limit ${factor(ohLimit, 2)}`)));
  }

  // axes, ticks, labels
  parts.push(el('line', { x1: px0, x2: px1, y1: py1, y2: py1, class: 'axis' }));
  parts.push(el('line', { x1: px0, x2: px0, y1: py0, y2: py1, class: 'axis' }));
  for (const v of xt.major) {
    parts.push(el('line', { x1: sx(v), x2: sx(v), y1: py1, y2: py1 + 5, class: 'axis' }));
    parts.push(el('text', { x: sx(v), y: py1 + 19, class: 'tick', 'text-anchor': 'middle' }, esc(bytesTick(v))));
  }
  for (const v of yn.ticks) {
    parts.push(el('line', { x1: px0 - 5, x2: px0, y1: sy(v), y2: sy(v), class: 'axis' }));
    parts.push(el('text', { x: px0 - 9, y: sy(v), class: 'tick', 'text-anchor': 'end', 'dominant-baseline': 'central' }, `×${v.toFixed(yDigits)}`));
  }
  parts.push(el('text', { x: (px0 + px1) / 2, y: H - 14, class: 'axis-title', 'text-anchor': 'middle' }, 'arena: peak RAM (bytes, log scale; kB = 1,000 B)'));
  parts.push(
    el('text', { x: 0, y: 0, class: 'axis-title', 'text-anchor': 'middle', transform: `translate(18 ${num((py0 + py1) / 2)}) rotate(-90)` }, 'MAC overhead (MACs / baseline)'),
  );

  // markers: the front, then vanilla and heuristic, the chosen point last (on top)
  front.forEach((p, i) => {
    if (i === chosen) return;
    parts.push(
      el('circle', { cx: sx(p.peakBytes), cy: sy(p.overhead), r: 4.5, class: 'pt front', 'data-peak': String(p.peakBytes), 'data-macs': String(p.macs) },
        pointTitle(`Pareto point ${i + 1} of ${front.length}`, p, p.blocks.length)),
    );
  });
  const vx = sx(van.peakBytes);
  const vy = sy(van.overhead);
  parts.push(el('rect', { x: vx - 5, y: vy - 5, width: 10, height: 10, class: 'pt vanilla', 'data-peak': String(van.peakBytes), 'data-macs': String(van.macs) },
    pointTitle('vanilla (layer by layer)', van, r.layers)));
  const hx = sx(heu.peakBytes);
  const hy = sy(heu.overhead);
  parts.push(el('path', { d: diamond(hx, hy, 6.5), class: 'pt heuristic', 'data-peak': String(heu.peakBytes), 'data-macs': String(heu.macs) },
    pointTitle('MCUNetV2-style heuristic (one fused head, then layer by layer)', heu)));
  if (c) {
    const cx = sx(c.peakBytes);
    const cy = sy(c.overhead);
    parts.push(el('circle', { cx, cy, r: 11, class: 'halo' }));
    parts.push(
      el('circle', { cx, cy, r: 6.5, class: chosen >= 0 ? 'pt front chosen' : 'pt chosen', 'data-peak': String(c.peakBytes), 'data-macs': String(c.macs) },
        pointTitle(chosen >= 0 ? `chosen: Pareto point ${chosen + 1} of ${front.length}` : 'chosen plan', c, c.blocks.length)),
    );
    const label = `chosen · ${bytesShort(c.peakBytes)} at ${factor(c.overhead, 3)}`;
    const right = cx + 14 + textWidth(label, 12.5) < px1;
    parts.push(el('text', { x: right ? cx + 12 : cx - 12, y: cy - 14, class: 'callout', 'text-anchor': right ? 'start' : 'end' }, esc(label)));
  }
  parts.push(el('text', { x: vx, y: vy - 13, class: 'callout muted', 'text-anchor': vx > px1 - 30 ? 'end' : 'middle' }, 'vanilla'));
  const hRight = hx + 70 < px1;
  parts.push(el('text', { x: hRight ? hx + 11 : hx - 11, y: hy, class: 'callout muted', 'text-anchor': hRight ? 'start' : 'end', 'dominant-baseline': 'central' }, 'heuristic'));

  parts.push(
    legend(
      [
        { swatch: (x, y) => el('circle', { cx: x, cy: y, r: 4.5, class: 'sw front' }), label: `Pareto front (${front.length} point${front.length === 1 ? '' : 's'})` },
        { swatch: (x, y) => el('circle', { cx: x, cy: y, r: 5.5, class: 'sw chosen' }), label: 'chosen plan' },
        { swatch: (x, y) => el('rect', { x: x - 5, y: y - 5, width: 10, height: 10, class: 'sw vanilla' }), label: 'vanilla (layer by layer)' },
        { swatch: (x, y) => el('path', { d: diamond(x, y, 6), class: 'sw heuristic' }), label: 'MCUNetV2-style heuristic' },
        { swatch: (x, y) => el('rect', { x: x - 6, y: y - 6, width: 12, height: 12, class: 'sw dominated' }), label: 'dominated region' },
      ],
      px0,
      22,
      px1,
    ),
  );

  return el(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'chart front-plot', role: 'img', 'aria-labelledby': 'front-title' },
    el('title', { id: 'front-title' }, esc(`Pareto front of ${r.model}: peak RAM against MAC overhead`)) + parts.join(''),
  );
}

// ---------------------------------------------------------------------------------------------
// Figure 2: the blocks along the network

type OpClass = 'conv' | 'pw' | 'dw' | 'pool' | 'other';

function opClass(l: Layer): OpClass {
  switch (l.op) {
    case 'conv2d':
      return l.kernel[0] === 1 && l.kernel[1] === 1 ? 'pw' : 'conv';
    case 'depthwise_conv2d':
      return 'dw';
    case 'avg_pool2d':
    case 'max_pool2d':
    case 'global_avg_pool2d':
      return 'pool';
    default:
      return 'other';
  }
}

const OP_LABEL: Record<OpClass, string> = { conv: 'conv k×k', pw: 'conv 1×1', dw: 'depthwise', pool: 'pooling', other: 'other' };

function blockPlot(model: Model, r: PlanResult, peaks: ReadonlySet<number>): string {
  const W = 960;
  const H = 300;
  const m = { l: 74, r: 28, t: 58, b: 74 };
  const px0 = m.l;
  const px1 = W - m.r;
  const py0 = m.t;
  const py1 = H - m.b;
  const L = Math.max(r.layers, 1);
  const sx = linearScale(0, L, px0, px1);
  const peak = r.solution.peakBytes;
  const yn = niceLinear(0, Math.max(peak, 1) * 1.12, 4);
  const sy = linearScale(0, yn.hi, py1, py0);
  const parts: string[] = [];

  for (const v of yn.ticks) {
    parts.push(el('line', { x1: px0, x2: px1, y1: sy(v), y2: sy(v), class: 'grid' }));
    parts.push(el('text', { x: px0 - 9, y: sy(v), class: 'tick', 'text-anchor': 'end', 'dominant-baseline': 'central' }, esc(bytesTick(v))));
  }

  r.solutionBlocks.forEach((b, i) => {
    const x0 = sx(b.first) + 1;
    const x1 = sx(b.last + 1) - 1;
    const y = sy(b.bytes);
    const n = b.last - b.first + 1;
    const kind = b.first === b.last ? 'layer' : 'fused';
    const title = [
      `block ${i}${peaks.has(i) ? ' (sets the peak)' : ''}`,
      `layers ${layersLabel(b.first, b.last)} · ${kind === 'fused' ? `fused, ${n} layers` : 'single layer'}`,
      blockSummary(model, b.first, b.last),
      `${int(b.bytes)} B · ${int(b.macs)} MACs`,
    ].join('\n');
    parts.push(
      el('rect', { x: x0, y, width: Math.max(x1 - x0, 1), height: py1 - y, class: `bar ${kind}${peaks.has(i) ? ' peak' : ''}`, 'data-block': String(i) },
        el('title', {}, esc(title))),
    );
    // the block number inside the top of the bar, or above it when the bar is too short
    const inside = py1 - y >= 20;
    if (x1 - x0 >= String(i).length * 7 + 4)
      parts.push(el('text', { x: (x0 + x1) / 2, y: inside ? y + 13 : y - 5, class: `bar-label${inside ? ' inside' : ''}${peaks.has(i) ? ' peak' : ''}`, 'text-anchor': 'middle' }, String(i)));
  });

  // the peak line
  const yp = sy(peak);
  parts.push(el('line', { x1: px0, x2: px1, y1: yp, y2: yp, class: 'peak-line' }));
  parts.push(el('text', { x: px1, y: yp - 6, class: 'callout peak-text', 'text-anchor': 'end' }, esc(`peak ${int(peak)} B`)));

  // the layer strip: one cell per layer coloured by op, a notch under every downsampling layer
  const sy0 = py1 + 6;
  for (const l of model.layers) {
    const x0 = sx(l.index);
    const x1 = sx(l.index + 1);
    const down = l.stride[0] > 1 || l.stride[1] > 1;
    parts.push(
      el('rect', { x: x0 + 0.3, y: sy0, width: Math.max(x1 - x0 - 0.6, 0.5), height: 10, class: `op ${opClass(l)}` }, el('title', {}, esc(`layer ${l.index}: ${describeLayer(l)}`))),
    );
    if (down) parts.push(el('path', { d: `M${num((x0 + x1) / 2 - 3.5)} ${num(sy0 + 16)}h7l-3.5 -5z`, class: 'stride' }));
  }
  parts.push(el('line', { x1: px0, x2: px1, y1: py1, y2: py1, class: 'axis' }));
  parts.push(el('line', { x1: px0, x2: px0, y1: py0, y2: py1, class: 'axis' }));
  const step = niceLinear(0, L, 10).ticks[1] ?? 1;
  for (let v = 0; v <= L; v += Math.max(1, Math.round(step))) {
    parts.push(el('line', { x1: sx(v), x2: sx(v), y1: sy0 + 18, y2: sy0 + 22, class: 'axis' }));
    parts.push(el('text', { x: sx(v), y: sy0 + 34, class: 'tick', 'text-anchor': 'middle' }, String(v)));
  }
  parts.push(el('text', { x: (px0 + px1) / 2, y: H - 8, class: 'axis-title', 'text-anchor': 'middle' }, 'layer index (bar width = layers in the block)'));
  parts.push(
    el('text', { x: 0, y: 0, class: 'axis-title', 'text-anchor': 'middle', transform: `translate(18 ${num((py0 + py1) / 2)}) rotate(-90)` }, 'block RAM'),
  );

  const present = new Set(model.layers.map(opClass));
  const ops = (['conv', 'pw', 'dw', 'pool', 'other'] as const).filter((c) => present.has(c));
  parts.push(
    legend(
      [
        { swatch: (x, y) => el('rect', { x: x - 6, y: y - 6, width: 12, height: 12, class: 'bar fused' }), label: 'fused block' },
        { swatch: (x, y) => el('rect', { x: x - 6, y: y - 6, width: 12, height: 12, class: 'bar layer' }), label: 'single layer' },
        { swatch: (x, y) => el('rect', { x: x - 6, y: y - 6, width: 12, height: 12, class: 'bar peak' }), label: 'peak block' },
        ...ops.map((c) => ({ swatch: (x: number, y: number) => el('rect', { x: x - 6, y: y - 4, width: 12, height: 8, class: `op ${c}` }), label: OP_LABEL[c] })),
        { swatch: (x, y) => el('path', { d: `M${num(x - 4)} ${num(y + 3)}h8l-4 -6z`, class: 'stride' }), label: 'stride ≥ 2' },
      ],
      px0,
      22,
      px1,
    ),
  );

  return el(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'chart block-plot', role: 'img', 'aria-labelledby': 'blocks-title' },
    el('title', { id: 'blocks-title' }, esc(`Blocks of the chosen plan along ${r.model}, bar height = block RAM`)) + parts.join(''),
  );
}

// ---------------------------------------------------------------------------------------------
// Tables

function blockTable(model: Model, r: PlanResult, peaks: ReadonlySet<number>): string {
  const peak = r.solution.peakBytes;
  // What is live at each step (exact cost model; the paper's accounting has only the total).
  const steps = r.costModel === 'exact' ? stepMemory(model, r.solution.blocks) : null;
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
        el('td', {}, el('span', { class: `tag ${fused ? 'fused' : 'layer'}` }, fused ? 'fused' : 'layer')),
        el('td', { class: 'ops' }, esc(blockSummary(model, b.first, b.last))),
        ...live,
        el('td', { class: 'num bytes' }, int(b.bytes)),
        el('td', { class: 'meter-cell' }, el('span', { class: 'meter' }, el('span', { style: `width:${share.toFixed(1)}%` }, ''))),
        el('td', { class: 'num' }, int(b.macs)),
        el('td', {}, isPeak ? el('span', { class: 'tag peak' }, 'peak') : ''),
      ].join(''),
    );
  });
  const liveHead = steps ? ['input', 'output', 'skip', 'caches'] : [];
  const head = ['#', 'layers', 'kind', 'ops', ...liveHead, 'arena', 'of peak', 'MACs', ''];
  const cls = ['num', 'num', '', '', ...liveHead.map(() => 'num'), 'num', 'meter-cell', 'num', ''];
  return el(
    'table',
    { class: 'data blocks' },
    el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { class: cls[i] || undefined }, h)).join(''))) +
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

function frontTable(r: PlanResult, front: PlanPoint[], chosen: number): string {
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
  const head = ['#', 'peak bytes', 'vs vanilla', 'MACs', 'overhead', 'blocks', `partition of ${r.layers} layers`, ''];
  const cls = ['num', 'num', 'num', 'num', 'num', 'num', '', ''];
  return el(
    'table',
    { class: 'data front' },
    el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { class: cls[i] || undefined }, h)).join(''))) + el('tbody', {}, rows.join('')),
  );
}

function compareTable(r: PlanResult): string {
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
    el(
      'thead',
      {},
      el('tr', {}, ['', 'arena', '', 'vs vanilla', 'MACs', 'overhead', 'blocks'].map((h, i) => el('th', { class: i === 0 || i === 2 ? undefined : 'num' }, h)).join('')),
    ) +
      el(
        'tbody',
        {},
        row('chosen', 'chosen plan (msf-CNN)', s.peakBytes, s.macs, s.overhead, String(s.blocks.length)) +
          row('heuristic', 'MCUNetV2-style heuristic', r.heuristic.peakBytes, r.heuristic.macs, r.heuristic.overhead, '—') +
          row('vanilla', 'vanilla (layer by layer)', r.vanilla.peakBytes, r.vanilla.macs, r.vanilla.macs / r.baselineMacs, String(r.layers)),
      ),
  );
}

// ---------------------------------------------------------------------------------------------
// The page

/** Narrow screens and paper (A4 leaves ~690 px): tighter tables, no per-row meters, shorter strips. */
const COMPACT = `table.data{font-size:12px}table.data th,table.data td{padding:5px 6px}
table.data td.ops{white-space:nowrap;font-size:11px}.meter-cell{display:none}
svg.partition{width:150px}table.data td.layout{width:auto}table.data thead th{white-space:normal}table.compare td.bar-cell{width:16%}
.card .d{font-size:12px}.lede{font-size:15px}`;

const CSS = `
:root{--fg:#1b2330;--muted:#5b6675;--faint:#8a94a3;--bg:#fff;--panel:#f6f8fb;--line:#e3e7ee;--grid:#e9edf3;--grid2:#f3f5f8;
--blue:#2f6fd6;--blue-soft:#9dbcec;--orange:#e0701b;--orange-soft:#fde6d3;--violet:#7b4fc9;--slate:#6b7686;--dom:#eef3fb;
--op-conv:#3d5a80;--op-pw:#98c1d9;--op-dw:#ee9b6d;--op-pool:#8fbf88;--op-other:#c9ced6}
@media screen and (prefers-color-scheme:dark){:root{--fg:#e6eaf0;--muted:#a3adbb;--faint:#7d8897;--bg:#12161c;--panel:#1a2029;--line:#2b333f;
--grid:#262e39;--grid2:#1d242d;--blue:#5b93ea;--blue-soft:#3b5f96;--orange:#f08a3a;--orange-soft:#4a2f1a;--violet:#a583e6;--slate:#8b95a4;--dom:#17202c}}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1040px;margin:0 auto;padding:40px 32px 56px}
h1{font-size:30px;line-height:1.2;margin:2px 0 10px;letter-spacing:-.01em;word-break:break-word}
h2{font-size:19px;margin:40px 0 4px;letter-spacing:-.005em}
.kicker{margin:0;color:var(--muted);font-size:13px;font-weight:600;letter-spacing:.06em;text-transform:uppercase}
.sub{margin:0 0 14px;color:var(--muted);font-size:14px;max-width:80ch}
.meta{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0;padding:12px 0 0;border-top:1px solid var(--line)}
.meta div{display:flex;flex-direction:column}
.meta dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.meta dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.lede{font-size:17px;margin:28px 0 18px;max-width:80ch}
.lede strong{font-variant-numeric:tabular-nums}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:14px;margin:0 0 22px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card .k{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.card .v{font-size:26px;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.25;margin-top:2px}
.card .d{font-size:13px;color:var(--muted);font-variant-numeric:tabular-nums}
.card.accent{border-color:var(--orange);box-shadow:inset 4px 0 0 var(--orange)}
.note{border-left:4px solid var(--violet);padding:6px 12px;background:var(--panel)}
.chart .budget{stroke:var(--red,#c0392b);stroke-width:1.5;stroke-dasharray:6 4}.chart .budget-label{fill:var(--red,#c0392b)}
.good{color:#1f8a4c}
@media screen and (prefers-color-scheme:dark){.good{color:#5fcf8e}}
figure{margin:12px 0 0;background:var(--bg);border:1px solid var(--line);border-radius:10px;padding:10px 10px 4px;break-inside:avoid}
figcaption{font-size:13px;color:var(--muted);padding:4px 8px 8px}
svg.chart{display:block;width:100%;height:auto;font-family:inherit}
.chart .grid{stroke:var(--grid);stroke-width:1}
.chart .grid.minor{stroke:var(--grid2)}
.chart .axis{stroke:var(--faint);stroke-width:1}
.chart .tick{fill:var(--muted);font-size:12px;font-variant-numeric:tabular-nums}
.chart .axis-title{fill:var(--muted);font-size:13px;font-weight:600}
.chart .legend{fill:var(--fg);font-size:12px}
.chart .callout{fill:var(--fg);font-size:12.5px;font-weight:600;paint-order:stroke;stroke:var(--bg);stroke-width:4px;stroke-linejoin:round}
.chart .callout.muted{fill:var(--muted);font-weight:500}
.chart .dominated{fill:var(--dom);stroke:none}
.chart .sw.dominated{stroke:var(--line)}
.chart .step{fill:none;stroke:var(--blue);stroke-width:2;stroke-linejoin:round}
.chart .front{fill:var(--bg);stroke:var(--blue);stroke-width:2}
.chart .pt.front:hover{fill:var(--blue)}
.chart .pt.chosen,.chart .sw.chosen{fill:var(--orange);stroke:var(--bg);stroke-width:2}
.chart .halo{fill:none;stroke:var(--orange);stroke-width:2;opacity:.55}
.chart .vanilla{fill:var(--slate);stroke:var(--bg);stroke-width:1.5}
.chart .heuristic{fill:var(--violet);stroke:var(--bg);stroke-width:1.5}
.chart .pt{cursor:default}
.chart .bar{stroke:none}
.chart .bar.fused{fill:var(--blue)}
.chart .bar.layer{fill:var(--blue-soft)}
.chart .bar.peak{fill:var(--orange)}
.chart .bar:hover{opacity:.85}
.chart .bar-label{fill:var(--muted);font-size:11px;font-variant-numeric:tabular-nums}
.chart .bar-label.peak{fill:var(--orange);font-weight:700}
.chart .bar-label.inside{fill:#fff;font-weight:600}
.chart .peak-line{stroke:var(--orange);stroke-width:1.2;stroke-dasharray:5 4}
.chart .peak-text{fill:var(--orange)}
.chart .op.conv{fill:var(--op-conv)}.chart .op.pw{fill:var(--op-pw)}.chart .op.dw{fill:var(--op-dw)}
.chart .op.pool{fill:var(--op-pool)}.chart .op.other{fill:var(--op-other)}
.chart .stride{fill:var(--fg)}
table.data{width:100%;border-collapse:collapse;font-size:13.5px;font-variant-numeric:tabular-nums;margin-top:10px}
table.data th,table.data td{padding:6px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:baseline}
table.data thead th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.04em;border-bottom:2px solid var(--line);white-space:nowrap}
table.data .num{text-align:right;white-space:nowrap}
table.data tbody tr:hover{background:var(--panel)}
table.data tr.peak td,table.data tr.chosen td,table.data tr.chosen th{background:var(--orange-soft)}
table.data tfoot td{font-weight:600;border-bottom:none;border-top:2px solid var(--line)}
table.data small{color:var(--muted);font-weight:400}
table.data td.ops{font-family:ui-monospace,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
table.data td.layout{vertical-align:middle;width:300px}
svg.partition{display:block;max-width:100%;height:auto}
svg.partition .fused{fill:var(--blue)}svg.partition .layer{fill:var(--blue-soft)}
table.compare th[scope=row]{font-weight:600;white-space:nowrap}
table.compare td.bar-cell{width:32%;vertical-align:middle}
.hbar{display:block;height:10px;border-radius:3px;min-width:2px}
.hbar.chosen{background:var(--orange)}.hbar.heuristic{background:var(--violet)}.hbar.vanilla{background:var(--slate)}
.meter{display:inline-block;width:90px;height:8px;background:var(--grid);border-radius:4px;overflow:hidden;vertical-align:middle}
.meter span{display:block;height:100%;background:var(--blue)}
tr.peak .meter span{background:var(--orange)}
.tag{display:inline-block;font-size:11px;font-weight:600;padding:1px 7px;border-radius:999px;text-transform:uppercase;letter-spacing:.04em}
.tag.fused{background:var(--panel);color:var(--blue);border:1px solid var(--blue-soft)}
.tag.layer{background:var(--panel);color:var(--muted);border:1px solid var(--line)}
.tag.peak,.tag.chosen{background:var(--orange);color:#fff}
footer{margin-top:40px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12.5px}
footer p{margin:4px 0}
@media (max-width:760px){.cards{grid-template-columns:repeat(2,1fr)}main{padding:24px 16px}}
@media (max-width:900px){${COMPACT}}
@media print{${COMPACT}@page{margin:14mm}body{font-size:10pt}main{max-width:none;padding:0}h2{break-after:avoid;margin-top:22px}
.cards{grid-template-columns:repeat(4,1fr)}.card{padding:10px 12px}.card .v{font-size:20px}figure{border-color:#ccc}
table.data tr{break-inside:avoid}table.data tbody tr:hover{background:none}.chart .pt.front:hover{fill:var(--bg)}}
`;

export function planHtml(model: Model, r: PlanResult): string {
  const limits = limitsOf(r.problem);
  const s = r.solution;
  // Without --front (library use) the front is just the chosen point.
  const front = r.front && r.front.length > 0 ? r.front : [s];
  const chosen = front.findIndex((p) => p.peakBytes === s.peakBytes && p.macs === s.macs);
  // every block that reaches the plan's peak (usually one; ties are all marked)
  const peaks = new Set(r.solutionBlocks.flatMap((b, i) => (b.bytes === s.peakBytes ? [i] : [])));
  const fused = r.solutionBlocks.filter((b) => b.first !== b.last).length;
  const name = esc(r.model);
  const van = r.vanilla.peakBytes;
  const saving = van > 0 ? (1 - s.peakBytes / van) * 100 : 0;
  const mem = sramFigures(model, s.peakBytes);
  const flash = modelFlashBytes(model);
  const note = paperNote(model, r);

  const meta = [
    ['layers', String(r.layers)],
    ['baseline MACs', int(r.baselineMacs)],
    ['cost model', r.costModel],
    ...(limits.ramLimit !== undefined ? [['RAM budget', `${int(limits.ramLimit)} B`]] : []),
    ...(limits.maxOverhead !== undefined ? [['overhead limit', Number.isFinite(limits.maxOverhead) ? factor(limits.maxOverhead, 2) : 'none']] : []),
    ['engine', r.engine],
    ['search time', `${r.searchMs.toFixed(2)} ms`],
    ['Pareto points', r.front ? String(r.front.length) : 'not computed'],
  ]
    .map(([k, v]) => el('div', {}, el('dt', {}, esc(k!)) + el('dd', {}, esc(v!))))
    .join('');

  const lede =
    `The chosen plan runs <strong>${name}</strong> in an arena of <strong>${int(s.peakBytes)} B</strong>, ` +
    `<strong>${int(mem.totalSramBytes)} B</strong> of SRAM with its input and output buffers — ` +
    (saving >= 0.05 ? `<strong class="good">${saving.toFixed(1)}% less</strong> than` : 'against') +
    ` layer-by-layer execution (${int(van)} B) — at <strong>${factor(s.overhead, 3)}</strong> the baseline MACs, ` +
    `in ${s.blocks.length} block${s.blocks.length === 1 ? '' : 's'}.`;

  // Figures of this plan only: comparisons live in the table below, which says what each row is.
  const cards = [
    ['card accent', 'arena', `${int(s.peakBytes)} B`, `peak RAM under the ${r.costModel} cost model, set by step ${[...peaks][0] ?? '-'}`],
    ['card', 'total SRAM', `${int(mem.totalSramBytes)} B`, `arena + input ${int(mem.inputBytes)} B + output ${int(mem.outputBytes)} B`],
    ['card', 'MACs', macsShort(s.macs), `${factor(s.overhead)} baseline (${macsShort(r.baselineMacs)}), ${s.blocks.length} blocks (${fused} fused)`],
    ['card', 'flash', flash === null ? '—' : `${int(flash)} B`, flash === null ? 'weights are seeded by msf run / emit, which report them' : 'weights, biases, quantisation, descriptors'],
  ]
    .map(([c, k, v, d]) => el('div', { class: c }, el('div', { class: 'k' }, esc(k!)) + el('div', { class: 'v' }, esc(v!)) + el('div', { class: 'd' }, esc(d!))))
    .join('');

  const frontNote = r.front
    ? `${front.length} non-dominated (peak RAM, MACs) plans, ascending in RAM. The step line is the best MAC overhead reachable within each RAM budget; everything above and right of it is dominated.`
    : 'The Pareto front was not computed (plan with front: true to include it); only the chosen plan is shown.';
  const peakList = [...peaks].map((i) => {
    const b = r.solutionBlocks[i]!;
    return `${i} (${b.first === b.last ? `layer ${b.first}` : `layers ${layersLabel(b.first, b.last)}`})`;
  });
  const peakNote =
    peakList.length === 0
      ? ''
      : peakList.length === 1
        ? `Block ${peakList[0]} sets the peak of ${int(s.peakBytes)} B.`
        : `Blocks ${peakList.slice(0, -1).join(', ')} and ${peakList[peakList.length - 1]} all reach the peak of ${int(s.peakBytes)} B.`;

  const body = [
    el('header', {}, el('p', { class: 'kicker' }, 'msf-cnn · fusion plan report') + el('h1', {}, name) + el('dl', { class: 'meta' }, meta)),
    el('section', { class: 'summary' }, (note ? el('p', { class: 'note' }, esc(`Note: ${note}.`)) : '') + el('p', { class: 'lede' }, lede) + el('div', { class: 'cards' }, cards) + compareTable(r)),
    el(
      'section',
      {},
      el('h2', {}, 'Pareto front') +
        el('p', { class: 'sub' }, esc(frontNote)) +
        el('figure', {}, frontPlot(r, front, chosen, limits) + el('figcaption', {}, 'Hover a marker for its figures. The x axis is logarithmic: equal distances are equal RAM ratios.')),
    ),
    el(
      'section',
      {},
      el('h2', {}, 'Blocks along the network') +
        el('p', { class: 'sub' }, esc(`One bar per block of the chosen plan, in execution order: width = number of layers, height = the block's working RAM. ${peakNote}`)) +
        el('figure', {}, blockPlot(model, r, peaks)),
    ),
    el('section', {}, el('h2', {}, 'Memory at each step') + el('p', { class: 'sub' }, esc(r.costModel === 'exact' ? 'One row per step (a layer or a fusion block), in execution order: the tensors and caches live in the arena while it runs; the largest sum is the arena.' : "The paper's accounting gives one figure per step; plan with the exact cost model for what is live.")) + blockTable(model, r, peaks)),
    el('section', {}, el('h2', {}, r.front ? `Pareto front (${front.length} points)` : 'Pareto front (not computed)') + frontTable(r, front, chosen)),
    el(
      'footer',
      {},
      el('p', {}, esc(`Arena bytes are peak working RAM (int8 activations plus fusion caches) under the “${r.costModel}” cost model; total SRAM adds the network's input and output buffers, which the caller owns; overhead = MACs / baseline MACs (${int(r.baselineMacs)}); kB = 1,000 B.`)) +
        el('p', {}, 'Vanilla runs every layer alone; the MCUNetV2-style heuristic fuses one head block from the input and runs every later layer alone.') +
        el('p', {}, 'Generated by msf-cnn (msf plan --report).'),
    ),
  ].join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="msf-cnn">
<title>${name} · msf-cnn fusion plan</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
