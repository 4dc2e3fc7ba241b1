/**
 * The page's state in its URL, so that a plan can be shared: `?model=<zoo id>&cost=paper&ram=64000&oh=1.3`
 * (`&stream=1`: the streaming search space; `&inarena=1`: the network input in the arena; defaults are left out: exact cost model, no limits, no streaming). A loaded file cannot travel in a link, so a
 * file's plan keeps only its cost model and limits. Bad values are reported, never guessed at.
 */
import { isZooId } from '../src/model/zoo.js';
import { COST_MODELS, type CostModelName } from '../src/plan/planner.js';
import { parseOverhead, parseSize } from '../src/plan/size.js';

export interface SharedState {
  model?: string;
  cost: CostModelName;
  ram?: number;
  oh?: number;
  stream?: boolean;
  inArena?: boolean;
}

/** The state a query string asks for, and what was wrong with it (empty when all was understood). */
export function readUrlState(search: string): { state: Partial<SharedState>; problems: string[] } {
  const q = new URLSearchParams(search);
  const state: Partial<SharedState> = {};
  const problems: string[] = [];
  const model = q.get('model');
  if (model !== null) {
    if (isZooId(model)) state.model = model;
    else problems.push(`model "${model}" is not a zoo model`);
  }
  const cost = q.get('cost');
  if (cost !== null) {
    if ((COST_MODELS as readonly string[]).includes(cost)) state.cost = cost as CostModelName;
    else problems.push(`cost "${cost}" is not one of ${COST_MODELS.join(', ')}`);
  }
  const parse = (key: string, f: (v: string) => number): number | undefined => {
    const v = q.get(key);
    if (v === null) return undefined;
    try {
      return f(v);
    } catch (e) {
      problems.push((e as Error).message);
      return undefined;
    }
  };
  const ram = parse('ram', (v) => parseSize(v, 'ram'));
  if (ram !== undefined) state.ram = ram;
  const oh = parse('oh', (v) => parseOverhead(v));
  if (oh !== undefined && Number.isFinite(oh)) state.oh = oh;
  for (const key of ['stream', 'inarena'] as const) {
    const v = q.get(key);
    if (v === null) continue;
    if (v === '1' || v === '0') state[key === 'stream' ? 'stream' : 'inArena'] = v === '1';
    else problems.push(`${key} "${v}" is not 1 or 0`);
  }
  return { state, problems };
}

/** The query string of a state ('' for the defaults). */
export function urlQuery(s: SharedState): string {
  const q = new URLSearchParams();
  if (s.model !== undefined) q.set('model', s.model);
  if (s.cost !== 'exact') q.set('cost', s.cost);
  if (s.ram !== undefined) q.set('ram', String(s.ram));
  if (s.oh !== undefined) q.set('oh', String(s.oh));
  if (s.stream) q.set('stream', '1');
  if (s.inArena) q.set('inarena', '1');
  const text = q.toString();
  return text ? `?${text}` : '';
}
