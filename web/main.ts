/**
 * The planner page: inputs on the left, the worker's figures on the right. Every change (model, cost
 * model, limits, a click on the front) sends one plan request to the worker; the newest request
 * wins, and the page shows how long the full front took in the worker and the round trip. This
 * module runs the worker and wires the parts: page-state.ts (the state and the shared link),
 * limits.ts and model-input.ts (the inputs), results.ts (the figures), downloads.ts (C, JSON, HTML).
 */
import { byId } from './format.js';
import { Downloads } from './downloads.js';
import { renderProblem, syncCostControls, syncLimitControls, updateRanges, wireInputs } from './limits.js';
import { restorePreviousModel, syncModelSelect, wireModelInput } from './model-input.js';
import { type FileModel, inputs, inputsKey, inputsQuery, page, sourceForRequest } from './page-state.js';
import type { FromWorker, PlanFailed, PlanOk, PlanRequest, SearchFigures } from './protocol.js';
import { hideError, plotElement, renderCharts, renderModelInfo, renderResults, showError, tooltip } from './results.js';

const el = {
  body: document.body,
  engine: byId('engine'),
  searchMs: byId('search-ms'),
  roundtripMs: byId('roundtrip-ms'),
  runinfo: byId('runinfo'),
  errorDismiss: byId<HTMLButtonElement>('error-dismiss'),
};
const downloads = new Downloads({ post: (m) => worker.postMessage(m), shown: () => page.shown, showError });

// ---------------------------------------------------------------------------------------------
// Worker and request scheduling

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'msf-planner' });
let nextId = 1;
let inFlight: { id: number; sentAt: number; request: PlanRequest; key: string; file?: FileModel } | undefined;
let pending = false;
let runs = 0;

/** Sends the current state, or marks it pending when a request is already running (newest wins). */
function schedule(): void {
  if (inFlight) {
    pending = true;
    return;
  }
  pending = false;
  const request: PlanRequest = {
    type: 'plan',
    id: nextId++,
    source: sourceForRequest(),
    cost: inputs.cost,
    ...(inputs.ramEnabled ? { ramLimit: inputs.ram } : {}),
    ...(inputs.ohEnabled ? { maxOverhead: inputs.oh } : {}),
    ...(inputs.stream ? { stream: true } : {}),
    ...(inputs.inArena ? { inputInArena: true } : {}),
  };
  inFlight = { id: request.id, sentAt: performance.now(), request, key: inputsKey(), ...(inputs.source.kind === 'file' && page.file ? { file: page.file } : {}) };
  history.replaceState(null, '', `${location.pathname}${inputsQuery()}`);
  el.body.dataset.state = 'busy';
  // Bytes are copied, not transferred: the page keeps them to re-send if the worker ever lacks them.
  worker.postMessage(request);
  renderProblem();
}

worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const msg = e.data;
  if (msg.type === 'ready') {
    el.engine.textContent = msg.engine;
    el.engine.dataset.value = msg.engine;
    el.engine.title = `engine ready in ${msg.initMs.toFixed(1)} ms${msg.warning ? ` — ${msg.warning}` : ''}`;
    if (msg.warning) el.engine.classList.add('warn');
    return;
  }
  if (msg.type === 'emit' || msg.type === 'report') {
    downloads.receive(msg);
    return;
  }
  if (!inFlight || msg.id !== inFlight.id) return;
  const { request, key, sentAt, file: planned } = inFlight;
  inFlight = undefined;
  if (msg.ok) onPlanned(msg, request, planned);
  else onFailed(msg, request);
  // Round trip: request posted -> figures rendered (what a user waits for after a change).
  const roundTrip = performance.now() - sentAt;
  el.roundtripMs.textContent = roundTrip.toFixed(1);
  el.roundtripMs.dataset.value = String(roundTrip);
  const s = msg.ok ? msg : msg.search;
  if (s)
    el.runinfo.title = `cost table + full Pareto front in the worker: ${s.searchMs.toFixed(3)} ms; whole request in the worker: ${s.workerMs.toFixed(2)} ms; request posted → figures rendered: ${roundTrip.toFixed(2)} ms`;
  runs++;
  el.body.dataset.run = String(runs);
  // The inputs of the figures on screen, for scripts and tests: "model|cost|ram|maxOverhead[|stream][|in-arena]".
  el.body.dataset.shown = msg.ok || !msg.modelError ? key : inputsKey();
  if (pending) schedule();
  else el.body.dataset.state = 'idle';
});

worker.addEventListener('error', (e) => {
  showError('The planning worker stopped', e.message || 'the worker failed to start; reload the page');
  inFlight = undefined;
  el.body.dataset.state = 'idle';
  downloads.workerStopped();
});

// ---------------------------------------------------------------------------------------------
// Results

function setTiming(search: SearchFigures): void {
  el.engine.textContent = search.engine;
  el.engine.dataset.value = search.engine;
  el.searchMs.textContent = search.searchMs.toFixed(2);
  el.searchMs.dataset.value = String(search.searchMs);
}

function onPlanned(r: PlanOk, request: PlanRequest, planned: FileModel | undefined): void {
  if (inputs.source.kind === 'file' && page.file) page.file.cached = true;
  hideError();
  if (page.urlProblems.length) showError('Some settings of this link were not understood', `${page.urlProblems.join('; ')}; the defaults are used instead.`);
  page.urlProblems = [];
  page.shown = { search: r, plan: r, request, ...(planned ? { file: planned } : {}) };
  setTiming(r);
  renderModelInfo(r);
  updateRanges(r);
  renderAll();
}

function onFailed(f: PlanFailed, request: PlanRequest): void {
  if (f.modelError) {
    const name = request.source.kind === 'file' ? request.source.name : request.source.id;
    showError(`Could not read ${name}`, f.error.message);
    // Back to the model that was shown before; its results stay on screen.
    if (request.source.kind === 'file') {
      restorePreviousModel();
      renderProblem();
    }
    return;
  }
  if (inputs.source.kind === 'file' && page.file) page.file.cached = true;
  if (f.error.code === 'INFEASIBLE') showError('No plan meets these limits', f.error.message);
  else showError(f.error.code === 'MODEL' || f.error.code === 'MODEL_FORMAT' ? 'The model cannot be planned' : 'Planning failed', f.error.message);
  page.shown = f.search ? { search: f.search } : undefined;
  if (f.search) {
    setTiming(f.search);
    renderModelInfo(f.search);
    updateRanges(f.search);
  }
  renderAll();
}

function renderAll(): void {
  renderResults(selectFrontPoint);
  renderProblem();
  downloads.render();
}

/** Clicking a front point plans for exactly that point: P2 with the point's peak as the budget. */
function selectFrontPoint(index: number): void {
  const p = page.shown?.search.front[index];
  if (!p) return;
  inputs.ramEnabled = true;
  inputs.ram = p.peakBytes;
  inputs.ohEnabled = false;
  syncLimitControls();
  schedule();
}

// ---------------------------------------------------------------------------------------------
// Start

wireInputs(schedule);
wireModelInput(schedule);
el.errorDismiss.addEventListener('click', hideError);

// Charts follow the layout width.
let lastWidth = 0;
new ResizeObserver(() => {
  const w = plotElement.clientWidth;
  if (w !== lastWidth && page.shown) {
    lastWidth = w;
    renderCharts(selectFrontPoint);
  }
}).observe(plotElement);
window.addEventListener('scroll', () => tooltip.hide(), { passive: true });

syncModelSelect();
syncCostControls();
syncLimitControls();
renderAll();
schedule();
