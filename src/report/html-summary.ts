/** The HTML report's summary: the header's facts about the search, the lede sentence and the cards of the plan's figures. */
import type { Model } from '../model/ir.js';
import type { PlanResult } from '../plan/planner.js';
import type { Problem } from '../plan/problems.js';
import { streamCounts } from '../plan/stream-plan.js';
import type { CodeMeasure } from './code.js';
import { modelFlashBytes } from './json.js';
import { type SramFit, sramFigures, sramTerms } from './memory.js';
import { el, esc, factor, int, macsShort } from './svg.js';
import { counted } from './digits.js';

/** The limits the plan was solved for (PlanResult.problem), listed in the header and drawn on the front. */
export interface ReportLimits {
  ramLimit?: number;
  maxOverhead?: number;
}

export function limitsOf(p: Problem): ReportLimits {
  if (p.kind === 'P2') return { ramLimit: p.ramLimit };
  if (p.kind === 'P1') return { maxOverhead: p.maxOverhead, ...(p.ramLimit !== undefined ? { ramLimit: p.ramLimit } : {}) };
  return {};
}

/** The header's definition list: the model's size, the problem and how it was searched. */
export function metaItems(r: PlanResult, limits: ReportLimits): string {
  return [
    ['layers', String(r.layers)],
    ['baseline MACs', int(r.baselineMacs)],
    ['cost model', r.stream ? 'exact, streaming' : r.costModel],
    ...(limits.ramLimit !== undefined ? [['RAM budget', `${int(limits.ramLimit)} B`]] : []),
    ...(limits.maxOverhead !== undefined ? [['overhead limit', Number.isFinite(limits.maxOverhead) ? factor(limits.maxOverhead, 2) : 'none']] : []),
    ['engine', r.engine],
    ['search time', `${r.searchMs.toFixed(2)} ms`],
    ['Pareto points', r.front ? String(r.front.length) : 'not computed'],
  ]
    .map(([k, v]) => el('div', {}, el('dt', {}, esc(k!)) + el('dd', {}, esc(v!))))
    .join('');
}

/** One sentence: the arena and its saving against layer by layer's arena, the MAC cost, then the total SRAM apart. */
export function lede(model: Model, r: PlanResult): string {
  const s = r.solution;
  const van = r.vanilla.peakBytes;
  const saving = van > 0 ? (1 - s.peakBytes / van) * 100 : 0;
  const mem = sramFigures(model, s.peakBytes, r.inputInArena);
  return (
    `The chosen plan runs <strong>${esc(r.model)}</strong> in an arena of <strong>${int(s.peakBytes)} B</strong> — ` +
    (saving >= 0.05 ? `<strong class="good">${saving.toFixed(1)}% less</strong> than` : 'against') +
    ` the arena of layer-by-layer execution (${int(van)} B) — at <strong>${factor(s.overhead, 3)}</strong> the baseline MACs, ` +
    `in ${counted(s.blocks.length, 'block')}; ` +
    `total SRAM <strong>${int(mem.totalSramBytes)} B</strong> with its ${r.inputInArena ? 'output buffer (the input lives in the arena)' : 'input and output buffers'}.`
  );
}

/** What `msf emit --report` adds: the emitted code as built, and the --mcu fit. */
export interface ReportBuild {
  /** The emitted constants (EmitSummary.flashBytes: the model's, plus the fast kernels' per-channel sums and tables). */
  constantsBytes: number;
  code: CodeMeasure;
  fit?: SramFit;
  mcuName?: string;
}

/** The cards: figures of this plan only (comparisons live in the table below them, which says what each row is). */
export function cards(model: Model, r: PlanResult, peaks: ReadonlySet<number>, build?: ReportBuild): string {
  const s = r.solution;
  const fused = r.solutionBlocks.filter((b) => b.first !== b.last).length;
  const mem = sramFigures(model, s.peakBytes, r.inputInArena);
  const flash = modelFlashBytes(model);
  const counts = r.stream ? streamCounts(r.stream.edges) : null;
  return [
    ['card accent', 'arena', `${int(s.peakBytes)} B`, `peak RAM ${r.stream ? 'of the streaming plan (what the streaming executor measures)' : `under the ${r.costModel} cost model`}, set by step ${[...peaks][0] ?? '-'}`],
    ['card', 'total SRAM', `${int(mem.totalSramBytes)} B`, sramTerms(mem, r.inputInArena)],
    ...(counts
      ? [['card', 'streaming', `${counts.lineBuffer} / ${counts.columnCache}`, `layers reading a line buffer (rows computed once) / a column cache (recomputed); ${counts.inPlace} edge${counts.inPlace === 1 ? '' : 's'} in place`]]
      : []),
    ['card', 'MACs', macsShort(s.macs), `${factor(s.overhead)} baseline (${macsShort(r.baselineMacs)}), ${s.blocks.length} blocks (${fused} fused)`],
    build
      ? ['card', 'flash', `${int(build.constantsBytes)} B`, 'constants as emitted: weights, biases, quantisation, descriptors, kernel sums']
      : ['card', 'flash', flash === null ? '—' : `${int(flash)} B`, flash === null ? 'weights are seeded by msf run / emit, which report them' : 'weights, biases, quantisation, descriptors'],
    ...(build ? buildCards(build) : []),
  ]
    .map(([c, k, v, d]) => el('div', { class: c }, el('div', { class: 'k' }, esc(k!)) + el('div', { class: 'v' }, esc(v!)) + el('div', { class: 'd' }, esc(d!))))
    .join('');
}

/** The emitted code's stack (beside the total SRAM, not in it), its .text and flash, and the --mcu fit. */
function buildCards({ code, fit, mcuName }: ReportBuild): string[][] {
  const built = code.built ? `${code.compiler} ${code.version} (${code.core ?? 'host'})` : '';
  const stack = !code.built
    ? ['card', 'stack', 'not built', code.reason]
    : code.stack.bytes === null
      ? ['card', 'stack', 'not measured', code.stack.reason]
      : ['card', 'stack', `${int(code.stack.bytes)} B`, `msf_model_run's worst call path (-fstack-usage, ${code.stack.path.length} frames), ${built}; not in the total SRAM`];
  const text = code.built
    ? ['card', 'code (.text)', `${int(code.size.textBytes)} B`, `flash of the linked code ${int(code.size.flashBytes)} B (.text, .rodata, data)`]
    : ['card', 'code (.text)', 'not built', code.reason];
  const fits = fit
    ? [[`card${fit.fits ? '' : ' accent'}`, `SRAM on the ${mcuName ?? fit.mcu}`, `${int(fit.neededBytes)} B`, `of ${int(fit.sramBytes)} B: total SRAM + stack ${int(fit.stackBytes)} B (${fit.stackSource}) + reserve ${int(fit.reserveBytes)} B`]]
    : [];
  return [stack, text, ...fits];
}
