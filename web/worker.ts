/**
 * The planning worker: model bytes or a zoo id in, planModel's figures out. Runs the search engine
 * (Wasm) off the main thread, so the page stays responsive while a front is computed. It also
 * generates the C99 program of a plan ("Download C", c-export.ts) with the same emitter as `msf emit`.
 */
import { exactLayers, exactPlanCost } from '../src/cost/exact.js';
import { MsfError } from '../src/errors.js';
import { modelFromBytes } from '../src/import/from-bytes.js';
import { type Model, describeLayer, inputShape, outputShape } from '../src/model/ir.js';
import { zooModel } from '../src/model/zoo.js';
import type { SearchEngine } from '../src/plan/engine.js';
import { type CostModelName, type PlanResult, planModel, planWithStream } from '../src/plan/planner.js';
import { streamPlanNote } from '../src/plan/stream-plan.js';
import { isExecutable } from '../src/model/ir.js';
import { DEFAULT_SEED, executableModel } from '../src/model/seeded.js';
import { planHtml } from '../src/report/html.js';
import { paperNote, planJson } from '../src/report/json.js';
import { stepMemory } from '../src/report/layers.js';
import { sramFigures } from '../src/report/memory.js';
import { blockSummary } from '../src/report/text.js';
import { flashBytes } from '../src/runtime/lower.js';
import { problemNote, problemOf } from '../src/plan/problems.js';
import { type CArchive, buildCArchive } from './c-export.js';
import { loadEngine } from './engine.js';
import type { EmitRequest, FromWorker, ModelInfo, ModelSource, PlanFailed, PlanOk, PlanRequest, ReportRequest, SearchFigures, ToWorker } from './protocol.js';

/** The slice of DedicatedWorkerGlobalScope this file uses (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
}
const scope = self as unknown as WorkerScope;

const t0 = performance.now();
const enginePromise: Promise<SearchEngine> = loadEngine().then(({ engine, warning }) => {
  scope.postMessage({ type: 'ready', engine: engine.name, initMs: performance.now() - t0, ...(warning ? { warning } : {}) });
  return engine;
});

const zooCache = new Map<string, Model>();
let fileModel: { token: number; model: Model } | undefined;

/** Wraps whatever went wrong while reading the model, so plan() can tell it from a planning error. */
class SourceError extends Error {
  constructor(readonly reason: unknown) {
    super('model source');
  }
}

function modelOf(source: ModelSource): Model {
  try {
    if (source.kind === 'zoo') {
      let m = zooCache.get(source.id);
      if (!m) zooCache.set(source.id, (m = zooModel(source.id)));
      return m;
    }
    if (fileModel?.token === source.token) return fileModel.model;
    if (!source.bytes) throw new Error(`${source.name}: the file's bytes were not sent to the worker`);
    const model = modelFromBytes(source.name, new Uint8Array(source.bytes));
    fileModel = { token: source.token, model };
    return model;
  } catch (e) {
    throw new SourceError(e);
  }
}

function modelInfo(model: Model): ModelInfo {
  const first = model.layers[0];
  const last = model.layers[model.layers.length - 1];
  return {
    name: model.name,
    layers: model.layers.length,
    inputShape: first ? inputShape(model, first) : [],
    outputShape: last ? outputShape(model, last) : [],
    layerOps: model.layers.map((l) => `${l.index}: ${describeLayer(l)} → ${outputShape(model, l).join('×')}`),
  };
}

function searchFigures(model: Model, r: PlanResult, started: number): SearchFigures {
  const j = planJson(model, r);
  return {
    engine: r.engine,
    costModel: r.costModel,
    model: modelInfo(model),
    baselineMacs: r.baselineMacs,
    vanilla: r.vanilla,
    heuristic: r.heuristic,
    front: j.front ?? [],
    searchMs: r.searchMs,
    workerMs: performance.now() - started,
  };
}

function errorOf(e: unknown): PlanFailed['error'] {
  if (e instanceof MsfError) return { name: e.name, code: e.code, message: e.message };
  if (e instanceof Error) return { name: e.name, code: 'INTERNAL', message: e.message };
  return { name: 'Error', code: 'INTERNAL', message: String(e) };
}

async function plan(req: PlanRequest): Promise<FromWorker> {
  const engine = await enginePromise;
  const started = performance.now();
  const cost: CostModelName = req.cost;
  let model: Model;
  try {
    model = modelOf(req.source);
  } catch (e) {
    return { type: 'plan', id: req.id, ok: false, error: errorOf(e instanceof SourceError ? e.reason : e), modelError: true };
  }
  const options = {
    cost,
    engine,
    front: true,
    ...(req.ramLimit !== undefined ? { ramLimit: req.ramLimit } : {}),
    ...(req.maxOverhead !== undefined ? { maxOverhead: req.maxOverhead } : {}),
    ...(req.stream ? { stream: true } : {}),
    ...(req.inputInArena ? { inputInArena: true } : {}),
  };
  try {
    const r = planModel(model, options);
    const j = planJson(model, r);
    const peakBlock = r.solutionBlocks.findIndex((b) => b.bytes === r.solution.peakBytes);
    const ok: PlanOk = {
      type: 'plan',
      id: req.id,
      ok: true,
      ...searchFigures(model, r, started),
      solution: j.solution,
      solutionBlocks: r.solutionBlocks.map((b) => ({ ...b, ops: blockSummary(model, b.first, b.last) })),
      peakBlock,
      ...exactPeakOf(model, r),
      ...memoryOf(model, r),
      stream: r.stream?.edges ?? null,
    };
    ok.workerMs = performance.now() - started;
    return ok;
  } catch (e) {
    const failed: PlanFailed = { type: 'plan', id: req.id, ok: false, error: errorOf(e), modelError: false };
    // An infeasible budget still has a front worth showing: search once more without constraints.
    if (e instanceof MsfError && e.code === 'INFEASIBLE') {
      try {
        failed.search = searchFigures(model, planModel(model, { cost, engine, front: true, ...(req.stream ? { stream: true } : {}), ...(req.inputInArena ? { inputInArena: true } : {}) }), started);
      } catch {
        /* the error above is what the user needs */
      }
    }
    return failed;
  }
}

/** Flash of the weights and constants: the model's own, or the seeded ones `msf run` / `msf emit` use. */
const flashCache = new WeakMap<Model, number>();
function flashOf(model: Model): number {
  let f = flashCache.get(model);
  if (f === undefined) flashCache.set(model, (f = flashBytes(executableModel(model, DEFAULT_SEED))));
  return f;
}

/** The plan's memory figures, per-step table and paper-domain note, as every report states them (the input in the arena or not, as planned). */
function memoryOf(model: Model, r: PlanResult): Pick<PlanOk, 'memory' | 'flashSeeded' | 'steps' | 'note'> {
  const inputInArena = r.inputInArena === true;
  return {
    memory: { ...sramFigures(model, r.solution.peakBytes, inputInArena), flashBytes: flashOf(model) },
    flashSeeded: !isExecutable(model),
    steps: r.costModel === 'exact' && !r.stream ? stepMemory(model, r.solution.blocks, { inputInArena }) : null,
    note: paperNote(model, r),
  };
}

/** `msf plan --json` / `--report` of the request's plan, as a file to save. */
async function report(req: ReportRequest): Promise<FromWorker> {
  const engine = await enginePromise;
  const model = modelOf(req.source);
  const limits = { ...(req.ramLimit !== undefined ? { ramLimit: req.ramLimit } : {}), ...(req.maxOverhead !== undefined ? { maxOverhead: req.maxOverhead } : {}) };
  const r = planModel(model, { cost: req.cost, engine, front: true, ...limits, ...(req.stream ? { stream: true } : {}), ...(req.inputInArena ? { inputInArena: true } : {}) });
  const stem = `${model.name.replace(/[^\w.-]+/g, '_')}-msf-plan`;
  return req.format === 'json'
    ? { type: 'report', id: req.id, ok: true, fileName: `${stem}.json`, mime: 'application/json', text: JSON.stringify(planJson(model, r), null, 2) + '\n' }
    : { type: 'report', id: req.id, ok: true, fileName: `${stem}.html`, mime: 'text/html', text: planHtml(model, r) };
}

/** The arena the emitted C would have: the exact cost model's peak of the chosen blocks (a streaming plan's: its peak, the streamed C's arena). */
function exactPeakOf(model: Model, r: PlanResult): Pick<PlanOk, 'exactPeakBytes' | 'exactPeakError'> {
  if (r.costModel === 'exact') return { exactPeakBytes: r.solution.peakBytes };
  try {
    return { exactPeakBytes: exactPlanCost(exactLayers(model), r.solution.blocks).peakBytes };
  } catch (e) {
    return { exactPeakBytes: null, exactPeakError: (e as Error).message };
  }
}

async function emit(req: EmitRequest): Promise<FromWorker> {
  const started = performance.now();
  const model = modelOf(req.source);
  const problem = problemOf(req.ramLimit, req.maxOverhead);
  const inputInArena = req.inputInArena === true;
  let c: CArchive;
  if (req.stream) {
    // The streaming edges (line buffer or column cache per layer) are not in the blocks: plan again, as `msf emit --stream` does.
    const limits = { ...(req.ramLimit !== undefined ? { ramLimit: req.ramLimit } : {}), ...(req.maxOverhead !== undefined ? { maxOverhead: req.maxOverhead } : {}) };
    const { result, streaming } = planWithStream(model, { engine: await enginePromise, stream: true, ...limits, ...(inputInArena ? { inputInArena } : {}) });
    if (JSON.stringify(result.solution.blocks) !== JSON.stringify(req.blocks)) throw new Error('internal: the streaming plan planned again differs from the one shown');
    c = await buildCArchive(model, req.blocks, streamPlanNote(problem, streaming!), inputInArena, streaming!.edges);
  } else c = await buildCArchive(model, req.blocks, problemNote(problem, req.cost), inputInArena);
  return {
    type: 'emit',
    id: req.id,
    ok: true,
    fileName: c.fileName,
    tar: c.tar.buffer as ArrayBuffer,
    files: c.files,
    arenaBytes: c.arenaBytes,
    flashBytes: c.flashBytes,
    macs: c.macs,
    workerMs: performance.now() - started,
  };
}

scope.addEventListener('message', (e) => {
  const req = e.data;
  if (req.type === 'emit') {
    emit(req).then(
      (msg) => scope.postMessage(msg, msg.type === 'emit' && msg.ok ? [msg.tar] : []),
      (err: unknown) => scope.postMessage({ type: 'emit', id: req.id, ok: false, error: errorOf(err instanceof SourceError ? err.reason : err) }),
    );
    return;
  }
  if (req.type === 'report') {
    report(req).then(
      (msg) => scope.postMessage(msg),
      (err: unknown) => scope.postMessage({ type: 'report', id: req.id, ok: false, error: errorOf(err instanceof SourceError ? err.reason : err) }),
    );
    return;
  }
  plan(req).then(
    (msg) => scope.postMessage(msg),
    (err: unknown) => scope.postMessage({ type: 'plan', id: req.id, ok: false, error: errorOf(err), modelError: false }),
  );
});
