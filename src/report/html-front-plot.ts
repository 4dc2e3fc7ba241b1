/** The HTML report's first figure: the Pareto front (peak RAM on a log axis against MAC overhead), the chosen plan and the limits it was solved for. */
import type { PlanPoint, PlanResult } from '../plan/planner.js';
import type { ReportLimits } from './html-summary.js';
import {
  axisLines,
  axisTitles,
  bytesShort,
  bytesTick,
  chartSvg,
  diamond,
  el,
  esc,
  factor,
  frame,
  int,
  linearScale,
  logDomain,
  logScale,
  logTicks,
  niceLinear,
  num,
  rectSwatch,
  textWidth,
} from './svg.js';

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
export function frontPlot(r: PlanResult, front: PlanPoint[], chosen: number, limits: ReportLimits): string {
  // P1/P2 always answer with a front point; should a caller hand in another plan, plot it on its own
  const c = chosen >= 0 ? front[chosen] : r.solution;
  const f = frame(960, 470, { l: 74, r: 28, t: 58, b: 60 });
  const { x0: px0, x1: px1, y0: py0, y1: py1 } = f;

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
  // no tick below x1.0: no plan has fewer MACs than layer by layer (the padding only keeps points off the axis)
  const yn = { ticks: niceLinear(yd0, yd1, 6).ticks.filter((v) => v >= yd0 && v <= yd1 && v >= 1 - 1e-9) };
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
  parts.push(axisLines(f));
  for (const v of xt.major) {
    parts.push(el('line', { x1: sx(v), x2: sx(v), y1: py1, y2: py1 + 5, class: 'axis' }));
    parts.push(el('text', { x: sx(v), y: py1 + 19, class: 'tick', 'text-anchor': 'middle' }, esc(bytesTick(v))));
  }
  for (const v of yn.ticks) {
    parts.push(el('line', { x1: px0 - 5, x2: px0, y1: sy(v), y2: sy(v), class: 'axis' }));
    parts.push(el('text', { x: px0 - 9, y: sy(v), class: 'tick', 'text-anchor': 'end', 'dominant-baseline': 'central' }, `×${v.toFixed(yDigits)}`));
  }
  parts.push(axisTitles(f, 'arena: peak RAM (bytes, log scale; kB = 1,000 B)', f.height - 14, 'MAC overhead (MACs / baseline)'));

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

  return chartSvg(f, 'front-plot', 'front-title', `Pareto front of ${r.model}: peak RAM against MAC overhead`, parts, [
    { swatch: (x, y) => el('circle', { cx: x, cy: y, r: 4.5, class: 'sw front' }), label: `Pareto front (${front.length} point${front.length === 1 ? '' : 's'})` },
    { swatch: (x, y) => el('circle', { cx: x, cy: y, r: 5.5, class: 'sw chosen' }), label: 'chosen plan' },
    { swatch: rectSwatch('sw vanilla', 10), label: 'vanilla (layer by layer)' },
    { swatch: (x, y) => el('path', { d: diamond(x, y, 6), class: 'sw heuristic' }), label: 'MCUNetV2-style heuristic' },
    { swatch: rectSwatch('sw dominated', 12), label: 'dominated region' },
  ]);
}
