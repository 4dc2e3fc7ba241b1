/** The HTML report's second figure: the chosen plan's blocks along the network (bar width = layers, height = block RAM) over a strip of the layers' ops. */
import { type Layer, type Model, describeLayer } from '../model/ir.js';
import type { PlanResult } from '../plan/planner.js';
import type { LayerHold } from '../plan/stream-plan.js';
import { axisLines, axisTitles, bytesTick, chartSvg, el, esc, frame, int, layersLabel, linearScale, niceLinear, num, rectSwatch } from './svg.js';
import { blockSummary } from './text.js';

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

/** A streaming plan's second strip: how each layer reads its input (stream-plan.ts's labels). */
const HOLD_CLASS: Record<LayerHold, string> = { 'line buffer': 'line', 'column cache': 'cache', 'edge input': 'input' };
const HOLD_LABEL: Record<LayerHold, string> = { 'line buffer': 'streams: line buffer, rows computed once', 'column cache': 'recomputes: column cache', 'edge input': 'reads its edge\'s input' };

export function blockPlot(model: Model, r: PlanResult, peaks: ReadonlySet<number>): string {
  const edges = r.stream?.edges;
  const holdOf = new Map(edges?.flatMap((e) => e.layers.map((l) => [l.layer, l.holds] as const)));
  const strips = edges ? 16 : 0; // the streaming strip below the op strip
  const legendRows = edges ? 20 : 0; // its legend's extra row
  const f = frame(960, 300 + strips + legendRows, { l: 74, r: 28, t: 58 + legendRows, b: 74 + strips });
  const { x0: px0, x1: px1, y0: py0, y1: py1 } = f;
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
    const inPlace = edges?.[i]?.inPlace ?? false;
    const title = [
      `block ${i}${peaks.has(i) ? ' (sets the peak)' : ''}`,
      `layers ${layersLabel(b.first, b.last)} · ${kind === 'fused' ? `${edges ? 'streamed' : 'fused'}, ${n} layers` : 'single layer'}${inPlace ? ' · output in place over its input' : ''}`,
      blockSummary(model, b.first, b.last),
      `${int(b.bytes)} B · ${int(b.macs)} MACs`,
    ].join('\n');
    parts.push(
      el('rect', { x: x0, y, width: Math.max(x1 - x0, 1), height: py1 - y, class: `bar ${kind}${peaks.has(i) ? ' peak' : ''}${inPlace ? ' inplace' : ''}`, 'data-block': String(i) },
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
    const hold = holdOf.get(l.index);
    if (hold)
      parts.push(
        el('rect', { x: x0 + 0.3, y: sy0 + 18, width: Math.max(x1 - x0 - 0.6, 0.5), height: 10, class: `hold ${HOLD_CLASS[hold]}`, 'data-layer': String(l.index), 'data-holds': hold },
          el('title', {}, esc(`layer ${l.index}: ${HOLD_LABEL[hold]}`))),
      );
  }
  if (edges)
    for (const [label, y] of [['ops', sy0 + 5], ['reads', sy0 + 23]] as const)
      parts.push(el('text', { x: px0 - 9, y, class: 'tick', 'text-anchor': 'end', 'dominant-baseline': 'central' }, label));
  parts.push(axisLines(f));
  const step = niceLinear(0, L, 10).ticks[1] ?? 1;
  for (let v = 0; v <= L; v += Math.max(1, Math.round(step))) {
    parts.push(el('line', { x1: sx(v), x2: sx(v), y1: sy0 + 18 + strips, y2: sy0 + 22 + strips, class: 'axis' }));
    parts.push(el('text', { x: sx(v), y: sy0 + 34 + strips, class: 'tick', 'text-anchor': 'middle' }, String(v)));
  }
  parts.push(axisTitles(f, 'layer index (bar width = layers in the block)', f.height - 8, 'block RAM'));

  const present = new Set(model.layers.map(opClass));
  const ops = (['conv', 'pw', 'dw', 'pool', 'other'] as const).filter((c) => present.has(c));
  // The streaming legend names every label the plan uses (a label with no layer is left out).
  const holds = (['line buffer', 'column cache', 'edge input'] as const).filter((h) => [...holdOf.values()].includes(h));
  return chartSvg(f, 'block-plot', 'blocks-title', `Blocks of the chosen plan along ${r.model}, bar height = block RAM`, parts, [
    { swatch: rectSwatch('bar fused', 12), label: edges ? 'streamed block' : 'fused block' },
    { swatch: rectSwatch('bar layer', 12), label: 'single layer' },
    { swatch: rectSwatch('bar peak', 12), label: 'peak block' },
    ...(edges?.some((e) => e.inPlace) ? [{ swatch: rectSwatch('bar fused inplace', 12), label: 'output in place' }] : []),
    ...ops.map((c) => ({ swatch: rectSwatch(`op ${c}`, 12, 8), label: OP_LABEL[c] })),
    { swatch: (x, y) => el('path', { d: `M${num(x - 4)} ${num(y + 3)}h8l-4 -6z`, class: 'stride' }), label: 'stride ≥ 2' },
    ...holds.map((h) => ({ swatch: rectSwatch(`hold ${HOLD_CLASS[h]}`, 12, 8), label: HOLD_LABEL[h] })),
  ]);
}
