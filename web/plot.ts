/**
 * The Pareto front as an interactive SVG: x = peak bytes (log), y = MAC overhead. The front is drawn
 * as the staircase bounding the reachable region, with the chosen plan, the layer-by-layer (vanilla)
 * plan and the MCUNetV2-style heuristic marked, and the user's limits as a shaded feasible region.
 */
import type { FrontFigures, PointFigures } from './protocol.js';
import { logDomain, logTicks, niceLinear } from '../src/report/ticks.js';
import { type Tooltip, bytesTick, factor, int, kB, plural, svg } from './format.js';

export interface PlotData {
  front: FrontFigures[];
  baselineMacs: number;
  vanilla: { peakBytes: number; macs: number };
  heuristic: PointFigures;
  /** Index into `front` of the chosen plan; -1 when there is none (infeasible). */
  chosen: number;
  ramLimit?: number;
  maxOverhead?: number;
}

export interface PlotEvents {
  tooltip: Tooltip;
  /** A front point was clicked (or chosen with the keyboard). */
  onSelect(index: number): void;
}

const HEIGHT = 340;
const M = { left: 64, right: 24, top: 18, bottom: 46 };

export function renderPlot(container: HTMLElement, d: PlotData, ev: PlotEvents): void {
  const width = Math.max(container.clientWidth, 320);
  const root = svg('svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, class: 'front-svg', role: 'img' });
  root.setAttribute('aria-label', `Pareto front: ${plural(d.front.length, 'plan')}, peak bytes against MAC overhead`);
  const base = d.baselineMacs;
  const oh = (macs: number): number => macs / base;

  // Domains: every marked point, and the limits when they are near enough to matter.
  const xs = [...d.front.map((p) => p.peakBytes), d.vanilla.peakBytes, d.heuristic.peakBytes];
  const ys = [...d.front.map((p) => oh(p.macs)), 1, d.heuristic.overhead];
  let [xLo, xHi] = logDomain(xs, 1);
  if (d.ramLimit !== undefined && d.ramLimit > 0) {
    xLo = Math.min(xLo, Math.max(d.ramLimit, xLo / 4));
    xHi = Math.max(xHi, Math.min(d.ramLimit, xHi * 4));
  }
  [xLo, xHi] = logDomain([xLo, xHi]);
  let yMax = Math.max(...ys);
  if (d.maxOverhead !== undefined && Number.isFinite(d.maxOverhead)) yMax = Math.max(yMax, Math.min(d.maxOverhead, yMax * 1.5));
  // Overhead is never below x1 (the layer-by-layer MACs): ticks from x1, a little air below it.
  const yNice = niceLinear(1, Math.max(yMax, 1.01), 5);
  const yt = { ...yNice, lo: 1 - (yNice.hi - 1) * 0.05, ticks: [1, ...yNice.ticks.filter((t) => t > 1 + yNice.step * 0.4)] };

  const pw = width - M.left - M.right;
  const ph = HEIGHT - M.top - M.bottom;
  const lx0 = Math.log10(xLo);
  const lx1 = Math.log10(xHi);
  const X = (v: number): number => M.left + (((v > 0 ? Math.log10(v) : lx0) - lx0) / (lx1 - lx0)) * pw;
  const Y = (v: number): number => M.top + ph - ((v - yt.lo) / (yt.hi - yt.lo)) * ph;
  const clampX = (v: number): number => Math.min(M.left + pw, Math.max(M.left, v));
  const clampY = (v: number): number => Math.min(M.top + ph, Math.max(M.top, v));

  // Grid and axes.
  const grid = svg('g', { class: 'grid' }, root);
  for (const t of logTicks(xLo, xHi, 8).major) {
    const x = X(t);
    svg('line', { x1: x, x2: x, y1: M.top, y2: M.top + ph }, grid);
    svg('text', { x, y: M.top + ph + 18, class: 'tick', 'text-anchor': 'middle' }, grid).textContent = bytesTick(t);
  }
  for (const t of yt.ticks) {
    const y = Y(t);
    svg('line', { x1: M.left, x2: M.left + pw, y1: y, y2: y }, grid);
    svg('text', { x: M.left - 8, y: y + 4, class: 'tick', 'text-anchor': 'end' }, grid).textContent = `×${t.toFixed(yt.step < 0.1 ? 2 : 1)}`;
  }
  svg('rect', { x: M.left, y: M.top, width: pw, height: ph, class: 'frame' }, root);
  svg('text', { x: M.left + pw / 2, y: HEIGHT - 6, class: 'axis-title', 'text-anchor': 'middle' }, root).textContent =
    'arena: peak RAM (bytes, log scale)';
  svg('text', { x: 14, y: M.top + ph / 2, class: 'axis-title', 'text-anchor': 'middle', transform: `rotate(-90 14 ${M.top + ph / 2})` }, root).textContent =
    'MAC overhead';

  // The user's limits: shaded feasible region and dashed limit lines.
  const ram = d.ramLimit;
  const F = d.maxOverhead !== undefined && Number.isFinite(d.maxOverhead) ? d.maxOverhead : undefined;
  if (ram !== undefined || F !== undefined) {
    const rx = ram !== undefined ? clampX(X(ram)) : M.left + pw;
    const fy = F !== undefined ? clampY(Y(F)) : M.top;
    svg('rect', { x: M.left, y: fy, width: Math.max(0, rx - M.left), height: Math.max(0, M.top + ph - fy), class: 'feasible' }, root);
    if (ram !== undefined && X(ram) >= M.left && X(ram) <= M.left + pw) {
      svg('line', { x1: rx, x2: rx, y1: M.top, y2: M.top + ph, class: 'limit-line' }, root);
      svg('text', { x: rx - 6, y: M.top + 14, class: 'limit-label', 'text-anchor': 'end' }, root).textContent = `RAM ≤ ${kB(ram)}`;
    }
    if (F !== undefined && Y(F) >= M.top && Y(F) <= M.top + ph) {
      svg('line', { x1: M.left, x2: M.left + pw, y1: fy, y2: fy, class: 'limit-line' }, root);
      svg('text', { x: M.left + pw - 6, y: fy - 6, class: 'limit-label', 'text-anchor': 'end' }, root).textContent = `overhead ≤ ×${F}`;
    }
  }

  // The staircase: from each point right at its overhead, then down to the next one.
  if (d.front.length > 0) {
    let path = '';
    d.front.forEach((p, i) => {
      const x = X(p.peakBytes);
      const y = Y(oh(p.macs));
      path += i === 0 ? `M${x.toFixed(1)},${y.toFixed(1)}` : `H${x.toFixed(1)}V${y.toFixed(1)}`;
    });
    path += `H${(M.left + pw).toFixed(1)}`;
    const first = d.front[0]!;
    const area = `${path}V${M.top}H${X(first.peakBytes).toFixed(1)}Z`;
    svg('path', { d: area, class: 'reachable' }, root);
    svg('path', { d: path, class: 'staircase' }, root);
  }

  const markers = svg('g', { class: 'markers' }, root);
  const tip = ev.tooltip;
  const pointRows = (p: { peakBytes: number; macs: number }, extra: [string, string][] = []): [string, string][] => [
    ['peak', `${int(p.peakBytes)} B (${kB(p.peakBytes)})`],
    ['MACs', int(p.macs)],
    ['overhead', factor(oh(p.macs))],
    ...extra,
  ];

  /** What the pointer can land on: the nearest target within reach wins (points can be close). */
  interface Target {
    x: number;
    y: number;
    el: SVGElement;
    title: string;
    rows: () => [string, string][];
    select?: () => void;
  }
  const targets: Target[] = [];

  // Reference plans: vanilla (square) and heuristic (diamond). When one has the figures of a front
  // point it is drawn hollow on top of that point, and the point's tooltip names it.
  const sameAs = (q: { peakBytes: number; macs: number }): number => d.front.findIndex((p) => p.peakBytes === q.peakBytes && p.macs === q.macs);
  const vanillaAt = sameAs(d.vanilla);
  const heuristicAt = sameAs(d.heuristic);
  const vx = X(d.vanilla.peakBytes);
  const vy = Y(1);
  const v = svg('rect', {
    x: vx - 6, y: vy - 6, width: 12, height: 12, rx: 1.5,
    class: `vanilla${vanillaAt >= 0 ? ' on-front' : ''}`, 'data-testid': 'vanilla-point', 'data-peak': d.vanilla.peakBytes,
  });
  const hx = X(d.heuristic.peakBytes);
  const hy = Y(d.heuristic.overhead);
  const h = svg('path', {
    d: `M${hx},${hy - 8}L${hx + 8},${hy}L${hx},${hy + 8}L${hx - 8},${hy}Z`,
    class: `heuristic${heuristicAt >= 0 ? ' on-front' : ''}`, 'data-testid': 'heuristic-point', 'data-peak': d.heuristic.peakBytes,
  });
  if (vanillaAt < 0) {
    markers.appendChild(v);
    targets.push({ x: vx, y: vy, el: v, title: 'Layer by layer (vanilla)', rows: () => pointRows(d.vanilla) });
  }
  if (heuristicAt < 0) {
    markers.appendChild(h);
    targets.push({ x: hx, y: hy, el: h, title: 'MCUNetV2-style heuristic', rows: () => pointRows(d.heuristic, [['plan', 'one fused head, then layer by layer']]) });
  }
  const alsoRows = (i: number): [string, string][] => [
    ...(i === vanillaAt ? [['same as', 'layer by layer (vanilla)'] as [string, string]] : []),
    ...(i === heuristicAt ? [['same as', 'MCUNetV2-style heuristic'] as [string, string]] : []),
  ];

  // Front points: focusable for the keyboard; the pointer goes through the overlay below.
  d.front.forEach((p, i) => {
    const x = X(p.peakBytes);
    const y = Y(oh(p.macs));
    const g = svg('g', { class: `pt${i === d.chosen ? ' chosen' : ''}`, tabindex: 0, role: 'button' }, markers);
    g.setAttribute('aria-label', `plan ${i + 1}: ${int(p.peakBytes)} bytes, overhead ${factor(oh(p.macs))}`);
    if (i === d.chosen) svg('circle', { cx: x, cy: y, r: 10, class: 'halo' }, g);
    svg('circle', {
      cx: x,
      cy: y,
      r: i === d.chosen ? 6 : 4.5,
      class: 'dot',
      'data-testid': 'front-point',
      'data-index': i,
      'data-chosen': i === d.chosen ? 'true' : undefined,
      'data-peak': p.peakBytes,
      'data-macs': p.macs,
    }, g);
    targets.push({
      x,
      y,
      el: g,
      title: i === d.chosen ? `Chosen plan · front point ${i + 1} of ${d.front.length}` : `Front point ${i + 1} of ${d.front.length}`,
      rows: () => pointRows(p, [['blocks', `${p.blocks.length} (${p.blocks.filter(([a, b]) => b > a).length} fused)`], ...alsoRows(i), ['', 'click to plan for this peak']]),
      select: () => ev.onSelect(i),
    });
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        ev.onSelect(i);
      }
    });
  });
  // Keep the chosen point above its neighbours, and coinciding reference markers above the points.
  const chosen = markers.querySelector('.pt.chosen');
  if (chosen) markers.appendChild(chosen);
  for (const [m, at] of [[v, vanillaAt], [h, heuristicAt]] as const) if (at >= 0) markers.appendChild(m);

  // One transparent overlay picks the nearest target, so crowded points stay individually reachable.
  const overlay = svg('rect', { x: M.left - 14, y: M.top - 14, width: pw + 28, height: ph + 28, class: 'overlay' }, root);
  const REACH = 18;
  let active: Target | undefined;
  const nearest = (e: PointerEvent | MouseEvent): Target | undefined => {
    const box = root.getBoundingClientRect();
    const px = e.clientX - box.left;
    const py = e.clientY - box.top;
    let best: Target | undefined;
    let bestD = REACH * REACH;
    for (const t of targets) {
      const dd = (t.x - px) ** 2 + (t.y - py) ** 2;
      // Front points win ties against the reference markers (they come later in the list).
      if (dd <= bestD) {
        best = t;
        bestD = dd;
      }
    }
    return best;
  };
  const setActive = (t: Target | undefined): void => {
    if (active !== t) {
      active?.el.classList.remove('hover');
      t?.el.classList.add('hover');
      active = t;
    }
    overlay.classList.toggle('clickable', !!t?.select);
  };
  overlay.addEventListener('pointermove', (e) => {
    const t = nearest(e);
    setActive(t);
    if (t) tip.show(e.clientX, e.clientY, t.title, t.rows());
    else tip.hide();
  });
  overlay.addEventListener('pointerleave', () => {
    setActive(undefined);
    tip.hide();
  });
  overlay.addEventListener('click', (e) => {
    const t = nearest(e);
    if (!t?.select) return;
    tip.hide();
    t.select();
  });

  container.replaceChildren(root);
}
