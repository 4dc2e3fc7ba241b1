/** `msf plan --json` (README, "JSON output"): the plan, its memory figures and the optional front. */
import { type Model, isExecutable } from '../model/ir.js';
import type { PlanPoint, PlanResult } from '../plan/planner.js';
import { paperDomainNote } from '../cost/paper.js';
import { sramFigures } from './memory.js';
import { SCHEMA_VERSION } from './schema.js';
import { flashBytes } from '../runtime/lower.js';

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const point = (p: PlanPoint) => ({ peakBytes: p.peakBytes, macs: p.macs, overhead: round4(p.overhead), blocks: p.blocks });

/** Why the paper's accounting is generalised for this plan (paper cost model off its domain), or null. */
export function paperNote(model: Model, r: PlanResult): string | null {
  const why = r.costModel === 'paper' ? paperDomainNote(model) : null;
  return why && `outside the paper's square-chain domain (${why}): its accounting is generalised; --cost exact gives what the executor allocates`;
}

/** Flash of the weights and constants, when the model has weights (a zoo or chain model gets seeded ones at run/emit). */
export function modelFlashBytes(model: Model): number | null {
  return isExecutable(model) ? flashBytes(model) : null;
}

export function planJson(model: Model, r: PlanResult) {
  const note = paperNote(model, r);
  return {
    schemaVersion: SCHEMA_VERSION,
    model: r.model,
    costModel: r.costModel,
    ...(note ? { note } : {}),
    engine: r.engine,
    layers: r.layers,
    baselineMacs: r.baselineMacs,
    vanilla: r.vanilla,
    solution: point(r.solution),
    memory: { ...sramFigures(model, r.solution.peakBytes, r.inputInArena), flashBytes: modelFlashBytes(model) },
    ...(r.stream ? { stream: true, edges: r.stream.edges } : {}),
    ...(r.front ? { front: r.front.map(point) } : {}),
    searchMs: Math.round(r.searchMs * 1000) / 1000,
  };
}
