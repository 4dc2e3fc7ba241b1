import type { Model } from '../model/ir.js';
import type { PlanResult } from '../plan/planner.js';
export function planHtml(_model: Model, _r: PlanResult): string {
  throw new Error('not yet');
}
