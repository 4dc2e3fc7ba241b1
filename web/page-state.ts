/**
 * The page's state: the inputs (model, cost model, limits), the loaded file and what the view shows.
 * A shared link sets the inputs it names when the page starts; what it gets wrong is said once the
 * first plan is up. Every view and control reads and writes this one object.
 */
import { DEFAULT_MODEL } from '../src/model/zoo.js';
import type { CostModelName } from '../src/plan/planner.js';
import type { LoadedFile } from './downloads.js';
import type { ModelSource, PlanOk, PlanRequest, SearchFigures } from './protocol.js';
import { readUrlState, urlQuery } from './url-state.js';

export interface FileModel extends LoadedFile {
  /** The worker has parsed it and keeps it: later requests need not carry the bytes. */
  cached: boolean;
}

export interface Inputs {
  source: { kind: 'zoo'; id: string } | { kind: 'file' };
  cost: CostModelName;
  ramEnabled: boolean;
  ram: number;
  ohEnabled: boolean;
  oh: number;
  /** Plan in the streaming search space (exact accounting only). */
  stream: boolean;
  /** The network input lives in the arena (`--input-in-arena`; exact accounting only). */
  inArena: boolean;
}

/**
 * What the view shows: the last successful search (the front survives an infeasible budget), and for
 * a plan the request it answered and the file it was computed from ("Download C" emits exactly that).
 */
export interface Shown {
  search: SearchFigures;
  plan?: PlanOk;
  request?: PlanRequest;
  file?: FileModel;
}

export const inputs: Inputs = { source: { kind: 'zoo', id: DEFAULT_MODEL }, cost: 'exact', ramEnabled: false, ram: 64_000, ohEnabled: false, oh: 1.3, stream: false, inArena: false };

const fromUrl = readUrlState(location.search);
if (fromUrl.state.model) inputs.source = { kind: 'zoo', id: fromUrl.state.model };
if (fromUrl.state.cost) inputs.cost = fromUrl.state.cost;
if (fromUrl.state.ram !== undefined) [inputs.ramEnabled, inputs.ram] = [true, fromUrl.state.ram];
if (fromUrl.state.oh !== undefined) [inputs.ohEnabled, inputs.oh] = [true, fromUrl.state.oh];
if (fromUrl.state.stream) [inputs.stream, inputs.cost] = [true, 'exact'];
if (fromUrl.state.inArena) [inputs.inArena, inputs.cost] = [true, 'exact'];

export const page: {
  /** The loaded model file, if any (the model select offers it beside the zoo). */
  file?: FileModel;
  shown?: Shown;
  /** What a shared link asked for that the page could not understand (said once, over the first plan). */
  urlProblems: string[];
} = { urlProblems: fromUrl.problems };

/** The model as the worker reads it: a zoo id, or the loaded file (its bytes until the worker keeps it). */
export function sourceForRequest(): ModelSource {
  if (inputs.source.kind === 'zoo') return inputs.source;
  const file = page.file;
  if (!file) throw new Error('no file loaded');
  return { kind: 'file', token: file.token, name: file.name, ...(file.cached ? {} : { bytes: file.bytes }) };
}

/** The model's name on the command line: the zoo id or the file's name. */
export const modelName = (): string => (inputs.source.kind === 'zoo' ? inputs.source.id : (page.file?.name ?? 'model.json'));

/** "model|cost|ram|maxOverhead", "-" for no limit, then "|stream" when streaming and "|in-arena" with the input in the arena: what a result was computed for. */
export function inputsKey(): string {
  const model = inputs.source.kind === 'zoo' ? inputs.source.id : `file:${page.file?.name ?? ''}`;
  return [model, inputs.cost, inputs.ramEnabled ? inputs.ram : '-', inputs.ohEnabled ? inputs.oh : '-', ...(inputs.stream ? ['stream'] : []), ...(inputs.inArena ? ['in-arena'] : [])].join('|');
}

/** The inputs as the query string of a link that shares them (a file cannot travel in a link). */
export const inputsQuery = (): string =>
  urlQuery({
    ...(inputs.source.kind === 'zoo' ? { model: inputs.source.id } : {}),
    cost: inputs.cost,
    ...(inputs.ramEnabled ? { ram: inputs.ram } : {}),
    ...(inputs.ohEnabled ? { oh: inputs.oh } : {}),
    ...(inputs.stream ? { stream: true } : {}),
    ...(inputs.inArena ? { inArena: true } : {}),
  });
