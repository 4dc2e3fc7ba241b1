/** `msf plan --json`: exactly the contract of ARCHITECTURE.md, keys in its order. */
import type { PlanPoint, PlanResult } from '../plan/planner.js';

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const point = (p: PlanPoint) => ({ peakBytes: p.peakBytes, macs: p.macs, overhead: round4(p.overhead), blocks: p.blocks });

export function planJson(r: PlanResult) {
  return {
    model: r.model,
    costModel: r.costModel,
    engine: r.engine,
    layers: r.layers,
    baselineMacs: r.baselineMacs,
    vanilla: r.vanilla,
    solution: point(r.solution),
    ...(r.front ? { front: r.front.map(point) } : {}),
    searchMs: Math.round(r.searchMs * 1000) / 1000,
  };
}
