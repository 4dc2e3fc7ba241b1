/**
 * The planner page: inputs on the left, the worker's figures on the right. Every change (model, cost
 * model, limits, a click on the front) sends one plan request to the worker; the newest request
 * wins, and the page shows how long the full front took in the worker and the round trip.
 */
import { DEFAULT_MODEL, ZOO_IDS, isZooId, zooDescription } from '../src/model/zoo.js';
import type { CostModelName } from '../src/plan/planner.js';
import { problemOf } from '../src/plan/problems.js';
import { parseOverhead, parseSize } from '../src/plan/size.js';
import { highlightDiagram, renderDiagram } from './diagram.js';
import { Tooltip, byId, change, factor, html, int, kB, layersLabel, macsShort, plural } from './format.js';
import { renderPlot } from './plot.js';
import type { FromWorker, ModelSource, PlanFailed, PlanOk, PlanRequest, SearchFigures } from './protocol.js';
import { readUrlState, urlQuery } from './url-state.js';
import { Downloads, type LoadedFile } from './downloads.js';

// ---------------------------------------------------------------------------------------------
// State

interface FileModel extends LoadedFile {
  /** The worker has parsed it and keeps it: later requests need not carry the bytes. */
  cached: boolean;
}

interface State {
  source: { kind: 'zoo'; id: string } | { kind: 'file' };
  cost: CostModelName;
  ramEnabled: boolean;
  ram: number;
  ohEnabled: boolean;
  oh: number;
}

const state: State = { source: { kind: 'zoo', id: DEFAULT_MODEL }, cost: 'exact', ramEnabled: false, ram: 64_000, ohEnabled: false, oh: 1.3 };
// A shared link sets the state it names; what it gets wrong is said once the page is up.
const fromUrl = readUrlState(location.search);
if (fromUrl.state.model) state.source = { kind: 'zoo', id: fromUrl.state.model };
if (fromUrl.state.cost) state.cost = fromUrl.state.cost;
if (fromUrl.state.ram !== undefined) [state.ramEnabled, state.ram] = [true, fromUrl.state.ram];
if (fromUrl.state.oh !== undefined) [state.ohEnabled, state.oh] = [true, fromUrl.state.oh];
let file: FileModel | undefined;
let nextToken = 1;
/**
 * What the view shows: the last successful search (the front survives an infeasible budget), and for
 * a plan the request it answered and the file it was computed from ("Download C" emits exactly that).
 */
let shown: { search: SearchFigures; plan?: PlanOk; request?: PlanRequest; file?: FileModel } | undefined;

// ---------------------------------------------------------------------------------------------
// Elements

const el = {
  body: document.body,
  engine: byId('engine'),
  searchMs: byId('search-ms'),
  roundtripMs: byId('roundtrip-ms'),
  runinfo: byId('runinfo'),
  modelSelect: byId<HTMLSelectElement>('model-select'),
  modelDesc: byId('model-desc'),
  fileInput: byId<HTMLInputElement>('file-input'),
  dropZone: byId<HTMLLabelElement>('drop-zone'),
  layers: byId('layers'),
  inputShape: byId('input-shape'),
  outputShape: byId('output-shape'),
  baselineMacs: byId('baseline-macs'),
  costHint: byId('cost-hint'),
  ramEnabled: byId<HTMLInputElement>('ram-enabled'),
  ramBox: byId('ram-box'),
  ramSlider: byId<HTMLInputElement>('ram-slider'),
  ramInput: byId<HTMLInputElement>('ram-input'),
  ramDisplay: byId<HTMLOutputElement>('ram-display'),
  ramError: byId('ram-error'),
  ohEnabled: byId<HTMLInputElement>('oh-enabled'),
  ohBox: byId('oh-box'),
  ohSlider: byId<HTMLInputElement>('oh-slider'),
  ohInput: byId<HTMLInputElement>('oh-input'),
  ohDisplay: byId<HTMLOutputElement>('oh-display'),
  ohError: byId('oh-error'),
  problem: byId('problem'),
  cli: byId('cli'),
  error: byId('error'),
  errorTitle: byId('error-title'),
  errorMessage: byId('error-message'),
  errorDismiss: byId<HTMLButtonElement>('error-dismiss'),
  cards: byId('cards'),
  peak: byId('peak-bytes'),
  peakSub: byId('peak-sub'),
  macs: byId('macs'),
  macsSub: byId('macs-sub'),
  overhead: byId('overhead'),
  overheadSub: byId('overhead-sub'),
  totalSram: byId('total-sram'),
  totalSub: byId('total-sub'),
  flash: byId('flash'),
  flashSub: byId('flash-sub'),
  costNote: byId('cost-note'),
  blockCount: byId('block-count'),
  blocksSub: byId('blocks-sub'),
  frontCount: byId('front-count'),
  plot: byId('plot'),
  diagram: byId('diagram'),
  rows: byId('block-rows'),
};
const tooltip = new Tooltip(byId('tooltip'));
const downloads = new Downloads({ post: (m) => worker.postMessage(m), shown: () => shown, showError });

// ---------------------------------------------------------------------------------------------
// Worker and request scheduling

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'msf-planner' });
let nextId = 1;
let inFlight: { id: number; sentAt: number; request: PlanRequest; key: string; file?: FileModel } | undefined;
let pending = false;
let runs = 0;

function sourceForRequest(): ModelSource {
  if (state.source.kind === 'zoo') return state.source;
  if (!file) throw new Error('no file loaded');
  return { kind: 'file', token: file.token, name: file.name, ...(file.cached ? {} : { bytes: file.bytes }) };
}

/** "model|cost|ram|maxOverhead", "-" for no limit: what a result was computed for. */
function stateKey(): string {
  const model = state.source.kind === 'zoo' ? state.source.id : `file:${file?.name ?? ''}`;
  return [model, state.cost, state.ramEnabled ? state.ram : '-', state.ohEnabled ? state.oh : '-'].join('|');
}

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
    cost: state.cost,
    ...(state.ramEnabled ? { ramLimit: state.ram } : {}),
    ...(state.ohEnabled ? { maxOverhead: state.oh } : {}),
  };
  inFlight = { id: request.id, sentAt: performance.now(), request, key: stateKey(), ...(state.source.kind === 'file' && file ? { file } : {}) };
  history.replaceState(null, '', `${location.pathname}${urlQuery({
    ...(state.source.kind === 'zoo' ? { model: state.source.id } : {}),
    cost: state.cost,
    ...(state.ramEnabled ? { ram: state.ram } : {}),
    ...(state.ohEnabled ? { oh: state.oh } : {}),
  })}`);
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
  // The inputs of the figures on screen, for scripts and tests: "model|cost|ram|maxOverhead".
  el.body.dataset.shown = msg.ok || !msg.modelError ? key : stateKey();
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

/** Said once, over the first plan: what a shared link asked for that the page could not understand. */
let urlProblems = fromUrl.problems;

function onPlanned(r: PlanOk, request: PlanRequest, planned: FileModel | undefined): void {
  if (state.source.kind === 'file' && file) file.cached = true;
  hideError();
  if (urlProblems.length) showError('Some settings of this link were not understood', `${urlProblems.join('; ')}; the defaults are used instead.`);
  urlProblems = [];
  shown = { search: r, plan: r, request, ...(planned ? { file: planned } : {}) };
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
      file = previousFile;
      state.source = previousSource;
      syncModelSelect();
      renderProblem();
    }
    return;
  }
  if (state.source.kind === 'file' && file) file.cached = true;
  if (f.error.code === 'INFEASIBLE') showError('No plan meets these limits', f.error.message);
  else showError(f.error.code === 'MODEL' || f.error.code === 'MODEL_FORMAT' ? 'The model cannot be planned' : 'Planning failed', f.error.message);
  shown = f.search ? { search: f.search } : undefined;
  if (f.search) {
    setTiming(f.search);
    renderModelInfo(f.search);
    updateRanges(f.search);
  }
  renderAll();
}

function showError(title: string, message: string): void {
  el.errorTitle.textContent = title;
  el.errorMessage.textContent = message;
  el.error.hidden = false;
}

function hideError(): void {
  el.error.hidden = true;
}

function renderModelInfo(s: SearchFigures): void {
  el.layers.textContent = String(s.model.layers);
  el.layers.dataset.value = String(s.model.layers);
  el.inputShape.textContent = s.model.inputShape.join(' × ');
  el.outputShape.textContent = s.model.outputShape.join(' × ');
  el.baselineMacs.textContent = int(s.baselineMacs);
  el.baselineMacs.dataset.value = String(s.baselineMacs);
}

function setFigure(node: HTMLElement, text: string, value: string | number | undefined): void {
  node.textContent = text;
  if (value === undefined) delete node.dataset.value;
  else node.dataset.value = String(value);
}

function renderCards(): void {
  const s = shown?.search;
  const p = shown?.plan;
  el.cards.classList.toggle('empty', !p);
  if (!s || !p) {
    for (const n of [el.peak, el.totalSram, el.flash, el.macs, el.overhead, el.blockCount]) setFigure(n, '–', undefined);
    el.peakSub.textContent = s ? `smallest reachable: ${int(s.front[0]?.peakBytes ?? 0)} B` : '';
    el.totalSub.textContent = s ? `layer by layer: arena ${int(s.vanilla.peakBytes)} B` : '';
    el.flashSub.textContent = '';
    el.macsSub.textContent = s ? `baseline ${int(s.baselineMacs)}` : '';
    el.overheadSub.textContent = '';
    el.blocksSub.textContent = '';
    renderNote(null);
    return;
  }
  const sol = p.solution;
  const m = p.memory;
  setFigure(el.peak, `${int(sol.peakBytes)} B`, sol.peakBytes);
  el.peakSub.textContent = `${change(sol.peakBytes, s.vanilla.peakBytes)} vs layer by layer${state.ramEnabled ? ` · budget ${kB(state.ram)}` : ''}`;
  setFigure(el.totalSram, `${int(m.totalSramBytes)} B`, m.totalSramBytes);
  el.totalSub.textContent = `arena + input ${int(m.inputBytes)} B + output ${int(m.outputBytes)} B`;
  setFigure(el.flash, `${int(m.flashBytes)} B`, m.flashBytes);
  el.flashSub.textContent = p.flashSeeded ? 'weights and constants (seeded weights, as msf run / emit)' : 'weights and constants';
  setFigure(el.macs, macsShort(sol.macs), sol.macs);
  el.macsSub.textContent = `${int(sol.macs)} · baseline ${macsShort(s.baselineMacs)}`;
  setFigure(el.overhead, factor(sol.overhead), sol.overhead);
  el.overheadSub.textContent = state.ohEnabled && Number.isFinite(state.oh) ? `limit ×${state.oh}` : 'no limit';
  setFigure(el.blockCount, String(sol.blocks.length), sol.blocks.length);
  el.blockCount.dataset.blocks = JSON.stringify(sol.blocks);
  const fused = sol.blocks.filter(([a, b]) => b > a).length;
  el.blocksSub.textContent = `${fused} fused · ${sol.blocks.length - fused} single · ${plural(s.model.layers, 'layer')}`;
  renderNote(p.note);
}

/** The paper model off its domain says so, here as in every report. */
function renderNote(note: string | null): void {
  el.costNote.hidden = note === null;
  el.costNote.textContent = note === null ? '' : `Note: ${note}.`;
}

function renderTable(): void {
  const p = shown?.plan;
  el.rows.replaceChildren();
  if (!p) {
    const tr = html('tr', { class: 'placeholder' }, el.rows);
    html('td', { text: shown ? 'No plan within these limits: relax the RAM budget or the MAC-overhead limit.' : 'No plan yet.', attrs: { colspan: 10 } }, tr);
    return;
  }
  // Per-step memory (exact cost model): what is live while each block runs; the paper's accounting has one figure.
  el.body.classList.toggle('no-steps', p.steps === null);
  p.solutionBlocks.forEach((b, i) => {
    const step = p.steps?.[i];
    const peak = i === p.peakBlock;
    const tr = html('tr', {
      class: peak ? 'peak' : '',
      attrs: { 'data-testid': 'block-row', 'data-index': i, 'data-first': b.first, 'data-last': b.last, 'data-bytes': b.bytes, 'data-macs': b.macs },
    }, el.rows);
    html('td', { class: 'num muted', text: String(i) }, tr);
    html('td', { class: 'mono', text: layersLabel(b.first, b.last) }, tr);
    const kind = html('td', {}, tr);
    html('span', { class: `badge ${b.first === b.last ? 'single' : 'fused'}`, text: b.first === b.last ? 'layer' : `fused ×${b.last - b.first + 1}` }, kind);
    html('td', { class: 'mono ops', text: b.ops }, tr);
    for (const [k, v] of [['input', step?.inputBytes], ['output', step?.outputBytes], ['skip', step?.skipBytes], ['caches', step?.cacheBytes]] as const)
      html('td', { class: 'num step', text: v === undefined ? '' : int(v), attrs: { 'data-step': k } }, tr);
    const bytes = html('td', { class: 'num' }, tr);
    if (peak) html('span', { class: 'badge peak', text: 'peak' }, bytes);
    bytes.append(int(b.bytes));
    html('td', { class: 'num', text: int(b.macs) }, tr);
    tr.addEventListener('pointerenter', () => highlightDiagram(el.diagram, i));
    tr.addEventListener('pointerleave', () => highlightDiagram(el.diagram, -1));
  });
}

function highlightRow(index: number): void {
  for (const tr of el.rows.querySelectorAll<HTMLTableRowElement>('tr[data-index]')) tr.classList.toggle('hover', Number(tr.dataset.index) === index);
}

function renderCharts(): void {
  const s = shown?.search;
  if (!s) {
    el.plot.replaceChildren(html('p', { class: 'empty-note', text: 'No front to show.' }));
    el.diagram.replaceChildren();
    setFigure(el.frontCount, '–', undefined);
    return;
  }
  setFigure(el.frontCount, String(s.front.length), s.front.length);
  const sol = shown?.plan?.solution;
  const chosen = sol ? s.front.findIndex((q) => q.peakBytes === sol.peakBytes && q.macs === sol.macs) : -1;
  renderPlot(el.plot, {
    front: s.front,
    baselineMacs: s.baselineMacs,
    vanilla: s.vanilla,
    heuristic: s.heuristic,
    chosen,
    ...(state.ramEnabled ? { ramLimit: state.ram } : {}),
    ...(state.ohEnabled ? { maxOverhead: state.oh } : {}),
  }, { tooltip, onSelect: selectFrontPoint });
  const p = shown?.plan;
  if (p)
    renderDiagram(el.diagram, {
      blocks: p.solutionBlocks,
      layers: s.model.layers,
      peakBlock: p.peakBlock,
      baselineMacs: s.baselineMacs,
      layerOps: s.model.layerOps,
    }, { tooltip, onHover: highlightRow });
  else el.diagram.replaceChildren(html('p', { class: 'empty-note', text: 'No plan within these limits.' }));
}

function renderAll(): void {
  renderCards();
  renderCharts();
  renderTable();
  renderProblem();
  downloads.render();
}

/** Clicking a front point plans for exactly that point: P2 with the point's peak as the budget. */
function selectFrontPoint(index: number): void {
  const p = shown?.search.front[index];
  if (!p) return;
  state.ramEnabled = true;
  state.ram = p.peakBytes;
  state.ohEnabled = false;
  syncLimitControls();
  schedule();
}

// ---------------------------------------------------------------------------------------------
// Inputs

let ramRange: [number, number] = [1_000, 1_000_000];
let ohRange: [number, number] = [1, 3];
const SLIDER_MAX = 1000;

/** Slider ranges follow the model: from below the smallest reachable peak to above layer by layer. */
function updateRanges(s: SearchFigures): void {
  const peaks = [...s.front.map((p) => p.peakBytes), s.vanilla.peakBytes, s.heuristic.peakBytes];
  ramRange = [Math.max(1, Math.floor(Math.min(...peaks) * 0.8)), Math.ceil(Math.max(...peaks) * 1.2)];
  const maxOh = Math.max(s.heuristic.overhead, ...s.front.map((p) => p.macs / s.baselineMacs));
  ohRange = [1, Math.max(1.1, Math.ceil(maxOh * 1.05 * 10) / 10)];
  syncLimitControls();
}

const round3 = (x: number): number => Number(x.toPrecision(3));
const ramFromSlider = (pos: number): number =>
  Math.round(round3(ramRange[0] * (ramRange[1] / ramRange[0]) ** (pos / SLIDER_MAX)));
const sliderFromRam = (bytes: number): number =>
  Math.round((Math.log(Math.min(Math.max(bytes, ramRange[0]), ramRange[1]) / ramRange[0]) / Math.log(ramRange[1] / ramRange[0])) * SLIDER_MAX);
const ohFromSlider = (pos: number): number => Math.round((ohRange[0] + ((ohRange[1] - ohRange[0]) * pos) / SLIDER_MAX) * 100) / 100;
const sliderFromOh = (f: number): number =>
  Math.round(((Math.min(Math.max(f, ohRange[0]), ohRange[1]) - ohRange[0]) / (ohRange[1] - ohRange[0])) * SLIDER_MAX);

function syncLimitControls(): void {
  el.ramEnabled.checked = state.ramEnabled;
  el.ramBox.classList.toggle('off', !state.ramEnabled);
  el.ramSlider.value = String(sliderFromRam(state.ram));
  if (document.activeElement !== el.ramInput) el.ramInput.value = String(state.ram);
  el.ramDisplay.textContent = state.ramEnabled ? `= ${kB(state.ram)}` : 'no limit';
  el.ohEnabled.checked = state.ohEnabled;
  el.ohBox.classList.toggle('off', !state.ohEnabled);
  el.ohSlider.value = String(sliderFromOh(state.oh));
  if (document.activeElement !== el.ohInput) el.ohInput.value = String(state.oh);
  el.ohDisplay.textContent = state.ohEnabled ? `MACs ≤ ${macsShort(state.oh * (shown?.search.baselineMacs ?? 0))}` : 'no limit';
  if (!shown) el.ohDisplay.textContent = state.ohEnabled ? '' : 'no limit';
  el.ramError.hidden = true;
  el.ohError.hidden = true;
  el.ramInput.classList.remove('invalid');
  el.ohInput.classList.remove('invalid');
}

function renderProblem(): void {
  const parts: string[] = [];
  const p = problemOf(state.ramEnabled ? state.ram : undefined, state.ohEnabled ? state.oh : undefined);
  el.problem.textContent =
    p.kind === 'P2'
      ? `P2 · fewest MACs with peak ≤ ${int(p.ramLimit)} B`
      : p.kind === 'P1'
        ? `P1 · smallest peak with overhead ≤ ×${p.maxOverhead}${p.ramLimit !== undefined ? ` and peak ≤ ${int(p.ramLimit)} B` : ''}`
        : 'Smallest peak RAM, any MAC overhead';
  const model = state.source.kind === 'zoo' ? state.source.id : (file?.name ?? 'model.json');
  parts.push('msf plan', /[\s"'$]/.test(model) ? `'${model.replace(/'/g, `'\\''`)}'` : model);
  if (state.cost !== 'exact') parts.push('--cost', state.cost);
  if (state.ramEnabled) parts.push('--ram', String(state.ram));
  if (state.ohEnabled) parts.push('--max-overhead', Number.isFinite(state.oh) ? String(state.oh) : 'inf');
  parts.push('--front');
  el.cli.textContent = parts.join(' ');
}

function fieldError(input: HTMLInputElement, out: HTMLElement, message: string): void {
  input.classList.add('invalid');
  out.textContent = message;
  out.hidden = false;
}

el.ramSlider.addEventListener('input', () => {
  state.ramEnabled = true;
  state.ram = ramFromSlider(Number(el.ramSlider.value));
  syncLimitControls();
  schedule();
});
el.ramInput.addEventListener('change', () => {
  try {
    state.ram = parseSize(el.ramInput.value.trim(), 'RAM budget');
  } catch (e) {
    fieldError(el.ramInput, el.ramError, (e as Error).message);
    return;
  }
  state.ramEnabled = true;
  el.ramInput.value = String(state.ram);
  syncLimitControls();
  schedule();
});
el.ramEnabled.addEventListener('change', () => {
  state.ramEnabled = el.ramEnabled.checked;
  syncLimitControls();
  schedule();
});
el.ohSlider.addEventListener('input', () => {
  state.ohEnabled = true;
  state.oh = ohFromSlider(Number(el.ohSlider.value));
  syncLimitControls();
  schedule();
});
el.ohInput.addEventListener('change', () => {
  let f: number;
  try {
    f = parseOverhead(el.ohInput.value.trim());
  } catch (e) {
    fieldError(el.ohInput, el.ohError, (e as Error).message.replace(/^--max-overhead: /, ''));
    return;
  }
  if (Number.isFinite(f)) {
    state.oh = f;
    state.ohEnabled = true;
  } else state.ohEnabled = false;
  el.ohInput.value = String(state.oh);
  syncLimitControls();
  schedule();
});
el.ohEnabled.addEventListener('change', () => {
  state.ohEnabled = el.ohEnabled.checked;
  syncLimitControls();
  schedule();
});

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="cost"]'))
  radio.addEventListener('change', () => {
    if (!radio.checked) return;
    state.cost = radio.value === 'paper' ? 'paper' : 'exact';
    syncCostControls();
    schedule();
  });

function syncCostControls(): void {
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="cost"]')) radio.checked = radio.value === state.cost;
  el.costHint.textContent =
    state.cost === 'paper' ? "The msf-CNN paper's analytical accounting, for comparison with its figures." : 'What the executor and the emitted C really allocate, to the byte.';
}

// Model choice: zoo ids, plus the loaded file when there is one.
function syncModelSelect(): void {
  el.modelSelect.replaceChildren();
  const zoo = html('optgroup', { attrs: { label: 'Model zoo' } }, el.modelSelect);
  for (const id of ZOO_IDS) html('option', { text: id, attrs: { value: id } }, zoo);
  if (file) {
    const files = html('optgroup', { attrs: { label: 'Loaded file' } }, el.modelSelect);
    html('option', { text: file.name, attrs: { value: '@file' } }, files);
  }
  el.modelSelect.value = state.source.kind === 'zoo' ? state.source.id : '@file';
  el.modelDesc.textContent =
    state.source.kind === 'zoo' && isZooId(state.source.id) ? zooDescription(state.source.id) : `${file?.name.toLowerCase().endsWith('.tflite') ? 'TFLite model' : 'chain model'} from ${file?.name ?? 'a file'}`;
}

let previousFile: FileModel | undefined;
let previousSource: State['source'] = state.source;

el.modelSelect.addEventListener('change', () => {
  const v = el.modelSelect.value;
  state.source = v === '@file' ? { kind: 'file' } : { kind: 'zoo', id: v };
  syncModelSelect();
  schedule();
});

async function loadFile(f: File): Promise<void> {
  const bytes = await f.arrayBuffer();
  previousFile = file;
  previousSource = state.source;
  file = { token: nextToken++, name: f.name, bytes, cached: false };
  state.source = { kind: 'file' };
  syncModelSelect();
  schedule();
}

el.fileInput.addEventListener('change', () => {
  const f = el.fileInput.files?.[0];
  el.fileInput.value = '';
  if (f) void loadFile(f);
});

// Drops anywhere on the page load the file (and never navigate away from it).
let dragDepth = 0;
window.addEventListener('dragenter', (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  el.dropZone.classList.add('dragging');
});
window.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) el.dropZone.classList.remove('dragging');
});
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  el.dropZone.classList.remove('dragging');
  const f = e.dataTransfer?.files[0];
  if (f) void loadFile(f);
});

el.errorDismiss.addEventListener('click', hideError);

// Charts follow the layout width.
let lastWidth = 0;
new ResizeObserver(() => {
  const w = el.plot.clientWidth;
  if (w !== lastWidth && shown) {
    lastWidth = w;
    renderCharts();
  }
}).observe(el.plot);
window.addEventListener('scroll', () => tooltip.hide(), { passive: true });

syncModelSelect();
syncCostControls();
syncLimitControls();
renderAll();
schedule();
