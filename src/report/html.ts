/**
 * `msf plan --report file.html` (and `msf emit --report`, with the code as built): one self-contained,
 * printable HTML page. Inline CSS and hand-written inline SVG only: no scripts, no fonts, no images, no network references (a Content-Security-Policy
 * of default-src 'none' makes that a promise the browser enforces). Every piece of text that comes
 * from the model is escaped. The output depends only on (model, result): nothing time-dependent but
 * r.searchMs. This module is the page shell (sections, notes, footer); the summary, figures, tables
 * and stylesheet are the html-*.ts modules beside it.
 */
import type { Model } from '../model/ir.js';
import type { PlanResult } from '../plan/planner.js';
import { blockPlot } from './html-block-plot.js';
import { frontPlot } from './html-front-plot.js';
import { CSS } from './html-style.js';
import { type ReportBuild, cards, lede, limitsOf, metaItems } from './html-summary.js';
import { blockTable, compareTable, frontTable } from './html-tables.js';
import { paperNote } from './json.js';
import { el, esc, int, layersLabel } from './svg.js';
import { counted } from './digits.js';

/** A table in a box that scrolls sideways when the table is wider than the page's column. */
const wide = (table: string): string => el('div', { class: 'wide' }, table);

/** What the per-step table shows for this plan. */
function stepsNote(r: PlanResult): string {
  if (r.stream)
    return 'One row per edge (a layer or a streamed block), in execution order, with its arena bytes; in a block, a layer reading a line buffer gets every input row computed once, a layer reading a column cache has its producer recompute rows; an edge in place writes its output over its input.';
  return r.costModel === 'exact'
    ? 'One row per step (a layer or a fusion block), in execution order: the tensors and caches live in the arena while it runs; the largest sum is the arena. ' +
        (r.inputInArena
          ? "The network's input lives in the arena; its output buffer is the caller's, outside it: 0 here (the total SRAM adds it)."
          : "The network's input and output buffers are the caller's, outside the arena: 0 here (the total SRAM adds them).")
    : "The paper's accounting gives one figure per step; plan with the exact cost model for what is live.";
}

/** The plan's report; `build` (msf emit --report) adds the emitted code's stack, .text and the --mcu fit. */
export function planHtml(model: Model, r: PlanResult, build?: ReportBuild): string {
  const limits = limitsOf(r.problem);
  const s = r.solution;
  // Without --front (library use) the front is just the chosen point.
  const front = r.front && r.front.length > 0 ? r.front : [s];
  const chosen = front.findIndex((p) => p.peakBytes === s.peakBytes && p.macs === s.macs);
  // every block that reaches the plan's peak (usually one; ties are all marked)
  const peaks = new Set(r.solutionBlocks.flatMap((b, i) => (b.bytes === s.peakBytes ? [i] : [])));
  const name = esc(r.model);
  const note = paperNote(model, r);

  const frontNote = r.front
    ? `${counted(front.length, 'non-dominated (arena, MACs) plan')}, ascending in arena. The step line is the best MAC overhead reachable within each RAM budget; everything above and right of it is dominated.`
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
    el('header', {}, el('p', { class: 'kicker' }, 'msf-cnn · fusion plan report') + el('h1', {}, name) + el('dl', { class: 'meta' }, metaItems(r, limits))),
    el('section', { class: 'summary' }, (note ? el('p', { class: 'note' }, esc(`Note: ${note}.`)) : '') + el('p', { class: 'lede' }, lede(model, r)) + el('div', { class: 'cards' }, cards(model, r, peaks, build)) + wide(compareTable(r))),
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
    el('section', {}, el('h2', {}, 'Memory at each step') + el('p', { class: 'sub' }, esc(stepsNote(r))) + wide(blockTable(model, r, peaks))),
    el('section', {}, el('h2', {}, r.front ? `Pareto front (${counted(front.length, 'point')})` : 'Pareto front (not computed)') + wide(frontTable(r, front, chosen))),
    el(
      'footer',
      {},
      el('p', {}, esc(`Arena bytes are peak working RAM (int8 activations plus ${r.stream ? 'line buffers, column caches and accumulators) of the streaming plan' : `fusion caches) under the “${r.costModel}” cost model`}; total SRAM adds the network's ${r.inputInArena ? 'output buffer, which the caller owns (the input lives in the arena)' : 'input and output buffers, which the caller owns'}; overhead = MACs / baseline MACs (${int(r.baselineMacs)}); kB = 1,000 B.`)) +
        el('p', {}, 'Vanilla runs every layer alone; the MCUNetV2-style heuristic fuses one head block from the input and runs every later layer alone.') +
        el('p', {}, `Generated by msf-cnn (${build ? 'msf emit --report' : 'msf plan --report'}).`),
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
