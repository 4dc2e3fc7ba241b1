/** The human-readable `msf plan` output: the block table, totals, the peak block and the front. */
import { type Model, WINDOW_NAMES, describeLayer } from '../model/ir.js';
import type { PlanResult } from '../plan/planner.js';
import { modelFlashBytes, paperNote } from './json.js';
import { stepMemory } from './layers.js';
import { sramFigures, sramTerms } from './memory.js';
import { counted, groupDigits } from './digits.js';
import { streamCounts, streamEdgeLines } from '../plan/stream-plan.js';

const fmt = groupDigits;

function table(rows: string[][], rightAligned: Set<number>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) => r.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}

/** Short op code: c3/2 = conv 3x3 stride 2, dw3 = depthwise 3x3, pw = 1x1 conv, ap2 / mp2 = pools. */
function opCode(layer: Model['layers'][number]): string {
  const name = WINDOW_NAMES[layer.op];
  if (!name) return layer.op;
  const [kh, kw] = layer.kernel;
  const s = layer.stride[0] === 1 && layer.stride[1] === 1 ? '' : `/${layer.stride[0] === layer.stride[1] ? layer.stride[0] : layer.stride.join('x')}`;
  if (layer.op === 'conv2d' && kh === 1 && kw === 1 && !s) return 'pw';
  return `${name.short}${kh === kw ? `${kh}` : `${kh}x${kw}`}${s}`;
}

/** One layer: "conv 3x3 s2"; a block: its op codes, e.g. "pw dw3 pw", shortened past 7 layers. */
export function blockSummary(model: Model, first: number, last: number): string {
  if (first === last) return describeLayer(model.layers[first]!);
  const codes = model.layers.slice(first, last + 1).map(opCode);
  return codes.length <= 7 ? codes.join(' ') : `${codes.slice(0, 4).join(' ')} .. ${codes.slice(-2).join(' ')} (${codes.length})`;
}

/** " = 12.34 ms at 100 MHz" when the plan knows the core clock (--mcu). */
const latencyMs = (r: PlanResult, insn: number): string => (r.clockHz ? ` = ${((1000 * insn) / r.clockHz).toFixed(2)} ms at ${r.clockHz / 1e6} MHz` : '');

/** What the plan's search space was, for the first line. */
const spaceOf = (r: PlanResult): string =>
  r.stream ? 'streaming: line buffers, column caches, residual streams, pooling tails, in place; exact accounting' : `cost model: ${r.costModel}`;

export function planText(model: Model, r: PlanResult): string {
  const s = r.solution;
  const peakIdx = r.solutionBlocks.findIndex((b) => b.bytes === s.peakBytes);
  // Under the exact model the bytes split into what is live; the paper's accounting has one figure (and streaming labels its edges below).
  const steps = r.costModel === 'exact' && !r.stream ? stepMemory(model, s.blocks, { inputInArena: r.inputInArena === true }) : null;
  const rows = [['#', 'layers', 'kind', 'ops', ...(steps ? ['input', 'output', 'skip', 'caches'] : []), 'arena', 'MACs', '']];
  r.solutionBlocks.forEach((b, i) => {
    const m = steps?.[i];
    const edge = r.stream?.edges[i];
    rows.push([
      String(i),
      b.first === b.last ? `${b.first}` : `${b.first}-${b.last}`,
      `${b.first === b.last ? 'layer' : edge ? 'streamed' : 'fused'}${edge?.inPlace ? ', in place' : ''}`,
      blockSummary(model, b.first, b.last),
      ...(m ? [m.inputBytes, m.outputBytes, m.skipBytes, m.cacheBytes].map(fmt) : []),
      fmt(b.bytes),
      fmt(b.macs),
      i === peakIdx ? '<- peak' : '',
    ]);
  });
  const numeric = new Set([0, ...Array.from({ length: rows[0]!.length - 5 }, (_, k) => k + 4)]);
  const mem = sramFigures(model, s.peakBytes, r.inputInArena);
  const flash = modelFlashBytes(model);
  const lines = [
    `model ${r.model}: ${r.layers} layers, baseline ${fmt(r.baselineMacs)} MACs (${spaceOf(r)}, engine: ${r.engine})`,
    '',
    table(rows, numeric),
    '',
    ...(r.stream ? streamLines(r.stream.edges) : []),
    `arena        ${fmt(mem.arenaBytes)} B (the peak, set by step ${peakIdx}${r.inputInArena ? '; the network input lives in it' : ''})`,
    `total SRAM   ${fmt(mem.totalSramBytes)} B = ${sramTerms(mem, r.inputInArena)}`,
    `flash        ${flash === null ? 'weights and constants: seeded by `msf run` / `msf emit`, which report them' : `${fmt(flash)} B of weights and constants`}`,
    `MACs         ${fmt(s.macs)} (overhead x${s.overhead.toFixed(4)})`,
    ...(s.instructions !== undefined ? [`insn         ~${fmt(s.instructions)} estimated for the emitted C on a Cortex-M4${latencyMs(r, s.instructions)} (src/cost/latency.ts; not cycles)`] : []),
    `layer by layer${r.stream ? ' (no streaming)' : ''}: arena ${fmt(r.vanilla.peakBytes)} B; MCUNetV2-style heuristic: ${fmt(r.heuristic.peakBytes)} B at x${r.heuristic.overhead.toFixed(4)}`,
    `search ${r.searchMs.toFixed(2)} ms${r.stream ? ' (streaming table and front)' : ''}`,
  ];
  const note = paperNote(model, r);
  if (note) lines.push(`note: ${note} (README, "Cost models")`);
  if (r.front) lines.push('', ...frontLines(r));
  return lines.join('\n');
}

/** Per edge of a streaming plan: which layers stream from line buffers, which recompute from column caches, which edges are in place. */
function streamLines(edges: NonNullable<PlanResult['stream']>['edges']): string[] {
  const c = streamCounts(edges);
  return [
    `streaming    ${counted(c.lineBuffer, 'layer')} read${c.lineBuffer === 1 ? 's' : ''} a line buffer (every row computed once), ${c.columnCache} a column cache (their producers recompute rows); ${counted(c.inPlace, 'edge')} in place`,
    ...streamEdgeLines(edges),
    '',
  ];
}

/** The whole front: RAM vs MACs, and the latency estimate for ordinary plans. */
function frontLines(r: PlanResult): string[] {
  const front = r.front!;
  const insn = !r.stream;
  const ms = insn && r.clockHz !== undefined;
  const frontRows = [['arena bytes', 'MACs', 'overhead', 'blocks', ...(insn ? ['est. insn'] : []), ...(ms ? ['est. ms'] : [])]];
  for (const p of front)
    frontRows.push([
      fmt(p.peakBytes), fmt(p.macs), `x${p.overhead.toFixed(4)}`, String(p.blocks.length), ...(insn ? [fmt(p.instructions ?? 0)] : []),
      ...(ms ? [((1000 * (p.instructions ?? 0)) / r.clockHz!).toFixed(2)] : []),
    ]);
  return [`Pareto front (${counted(front.length, 'point')}) — ${insn ? 'RAM vs estimated latency' : 'arena vs MACs (streaming)'}:`, table(frontRows, new Set([0, 1, 2, 3, 4, 5]))];
}
