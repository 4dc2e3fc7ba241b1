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
import { Tooltip, archiveStem, byId, change, factor, html, int, kB, layersLabel, macsShort, plural } from './format.js';
import { renderPlot } from './plot.js';
import type { EmitFailed, EmitOk, EmitRequest, FromWorker, ModelSource, PlanFailed, PlanOk, PlanRequest, SearchFigures } from './protocol.js';

// ---------------------------------------------------------------------------------------------
// State

interface FileModel {
  token: number;
  name: string;
  bytes: ArrayBuffer;
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

const state: State = { source: { kind: 'zoo', id: DEFAULT_MODEL }, cost: 'paper', ramEnabled: false, ram: 64_000, ohEnabled: false, oh: 1.3 };
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
  vsVanilla: byId('vs-vanilla'),
  vsSub: byId('vs-sub'),
  blockCount: byId('block-count'),
  blocksSub: byId('blocks-sub'),
  frontCount: byId('front-count'),
  plot: byId('plot'),
  diagram: byId('diagram'),
  rows: byId('block-rows'),
  downloadC: byId<HTMLButtonElement>('download-c'),
  cHint: byId('c-hint'),
  cStatus: byId('c-status'),
};
const tooltip = new Tooltip(byId('tooltip'));

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
  if (msg.type === 'emit') {
    onEmitted(msg);
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
  if (emitting) {
    emitting = undefined;
    renderExport();
  }
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
  if (state.source.kind === 'file' && file) file.cached = true;
  hideError();
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
    for (const n of [el.peak, el.macs, el.overhead, el.vsVanilla, el.blockCount]) setFigure(n, '–', undefined);
    el.peakSub.textContent = s ? `smallest reachable: ${int(s.front[0]?.peakBytes ?? 0)} B` : '';
    el.macsSub.textContent = s ? `baseline ${int(s.baselineMacs)}` : '';
    el.overheadSub.textContent = '';
    el.vsSub.textContent = s ? `layer by layer: ${int(s.vanilla.peakBytes)} B` : '';
    el.blocksSub.textContent = '';
    return;
  }
  const sol = p.solution;
  setFigure(el.peak, `${int(sol.peakBytes)} B`, sol.peakBytes);
  el.peakSub.textContent = `${kB(sol.peakBytes)}${state.ramEnabled ? ` · budget ${kB(state.ram)}` : ''}`;
  setFigure(el.macs, int(sol.macs), sol.macs);
  el.macsSub.textContent = `${macsShort(sol.macs)} · baseline ${macsShort(s.baselineMacs)}`;
  setFigure(el.overhead, factor(sol.overhead), sol.overhead);
  el.overheadSub.textContent = state.ohEnabled && Number.isFinite(state.oh) ? `limit ×${state.oh}` : 'no limit';
  setFigure(el.vsVanilla, `${change(sol.peakBytes, s.vanilla.peakBytes)} RAM`, sol.peakBytes / s.vanilla.peakBytes);
  el.vsSub.textContent = `${int(s.vanilla.peakBytes)} B layer by layer · heuristic ${int(s.heuristic.peakBytes)} B`;
  setFigure(el.blockCount, String(sol.blocks.length), sol.blocks.length);
  el.blockCount.dataset.blocks = JSON.stringify(sol.blocks);
  const fused = sol.blocks.filter(([a, b]) => b > a).length;
  el.blocksSub.textContent = `${fused} fused · ${sol.blocks.length - fused} single · ${plural(s.model.layers, 'layer')}`;
}

function renderTable(): void {
  const p = shown?.plan;
  el.rows.replaceChildren();
  if (!p) {
    const tr = html('tr', { class: 'placeholder' }, el.rows);
    html('td', { text: shown ? 'No plan within these limits: relax the RAM budget or the MAC-overhead limit.' : 'No plan yet.', attrs: { colspan: 6 } }, tr);
    return;
  }
  p.solutionBlocks.forEach((b, i) => {
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
  renderExport();
}

// ---------------------------------------------------------------------------------------------
// Download C: the worker emits the shown plan's C99 program (same emitter and options as `msf emit`)

let nextEmitId = 1;
let emitting: { id: number; sentAt: number } | undefined;

/** `msf emit` with the options of the shown plan (emit's default cost model is exact). */
function emitCommand(request: PlanRequest, fileName: string | undefined, outDir: string): string {
  const model = request.source.kind === 'zoo' ? request.source.id : (fileName ?? 'model.json');
  const parts = ['msf emit', /[\s"'$]/.test(model) ? `'${model.replace(/'/g, `'\\''`)}'` : model];
  if (request.cost !== 'exact') parts.push('--cost', request.cost);
  if (request.ramLimit !== undefined) parts.push('--ram', String(request.ramLimit));
  if (request.maxOverhead !== undefined) parts.push('--max-overhead', String(request.maxOverhead));
  parts.push('--out', outDir);
  return parts.join(' ');
}

function renderExport(): void {
  const p = shown?.plan;
  const request = shown?.request;
  el.downloadC.disabled = !p || !request || p.exactPeakBytes === null || emitting !== undefined;
  el.downloadC.classList.toggle('working', emitting !== undefined);
  el.downloadC.setAttribute('aria-busy', String(emitting !== undefined));
  if (!p || !request) {
    el.cHint.textContent = 'No plan to generate C for.';
    el.cHint.title = el.downloadC.title = '';
    delete el.cHint.dataset.arena;
    return;
  }
  const stem = archiveStem(p.model.name);
  const why =
    'C99 sources (msf_model.c/.h with the weights and the schedule, the kernel library msf_kernels.h + msf_*.c, main.c, README.md) plus input.bin and expected.bin, ' +
    `the files of \`${emitCommand(request, shown?.file?.name, stem)}\`, generated in this page: nothing is uploaded. ` +
    'The program has one static arena holding every activation and column cache at fixed offsets; its size is the exact cost model’s peak of these blocks, ' +
    'because that is what the buffers really take.';
  if (p.exactPeakBytes === null) {
    el.cHint.textContent = `No C for these blocks: ${p.exactPeakError ?? 'the exact cost model rejects them'}.`;
    el.cHint.title = el.downloadC.title = why;
    delete el.cHint.dataset.arena;
    return;
  }
  el.cHint.dataset.arena = String(p.exactPeakBytes);
  const arena = `${stem}.tar · C99 with a static arena of ${int(p.exactPeakBytes)} B`;
  if (p.costModel === 'exact') {
    el.cHint.textContent = `${arena}, the peak shown.`;
    el.cHint.title = el.downloadC.title = why;
  } else {
    el.cHint.textContent =
      `${arena}: the exact cost of these blocks` +
      (p.exactPeakBytes === p.solution.peakBytes ? ', here equal to the paper’s figure.' : ` (the paper’s accounting shows ${int(p.solution.peakBytes)} B).`);
    el.cHint.title = el.downloadC.title =
      why +
      ' These blocks were chosen under the paper’s accounting, which counts buffers differently; the C keeps the blocks and sizes the arena exactly. ' +
      'Switch the cost model to exact to plan for the C arena itself (what `msf emit` does by default).';
  }
}

function downloadC(): void {
  const p = shown?.plan;
  const request = shown?.request;
  if (!p || !request || emitting) return;
  let source: ModelSource;
  if (request.source.kind === 'zoo') source = request.source;
  else {
    const f = shown?.file;
    if (!f) return showError('Could not generate the C code', 'the model file of this plan is no longer loaded; load it again');
    source = { kind: 'file', token: f.token, name: f.name, bytes: f.bytes };
  }
  const req: EmitRequest = {
    type: 'emit',
    id: nextEmitId++,
    source,
    cost: request.cost,
    ...(request.ramLimit !== undefined ? { ramLimit: request.ramLimit } : {}),
    ...(request.maxOverhead !== undefined ? { maxOverhead: request.maxOverhead } : {}),
    blocks: p.solution.blocks,
  };
  emitting = { id: req.id, sentAt: performance.now() };
  el.cStatus.textContent = 'Generating C…';
  el.cStatus.hidden = false;
  el.body.dataset.emit = 'busy';
  renderExport();
  worker.postMessage(req);
}

function onEmitted(msg: EmitOk | EmitFailed): void {
  if (!emitting || msg.id !== emitting.id) return;
  const ms = performance.now() - emitting.sentAt;
  emitting = undefined;
  if (msg.ok) {
    const url = URL.createObjectURL(new Blob([msg.tar], { type: 'application/x-tar' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = msg.fileName;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    // The download has its own copy once started; keep the URL a while for slow browsers.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    const total = msg.files.reduce((s, f) => s + f.bytes, 0);
    el.cStatus.textContent = `${msg.fileName}: ${plural(msg.files.length, 'file')}, ${kB(total)} · arena ${int(msg.arenaBytes)} B · constants ${kB(msg.flashBytes)} · ${ms.toFixed(0)} ms`;
    el.cStatus.title = msg.files.map((f) => `${f.name}  ${int(f.bytes)} B`).join('\n');
    el.cStatus.dataset.arena = String(msg.arenaBytes);
    el.body.dataset.emit = 'done';
  } else {
    el.cStatus.hidden = true;
    showError('Could not generate the C code', msg.error.message);
    el.body.dataset.emit = 'failed';
  }
  renderExport();
}

el.downloadC.addEventListener('click', downloadC);

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
  if (state.cost !== 'paper') parts.push('--cost', state.cost);
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
    state.cost = radio.value === 'exact' ? 'exact' : 'paper';
    el.costHint.textContent = state.cost === 'paper' ? "The msf-CNN paper's accounting." : 'What the executor really allocates, to the byte.';
    schedule();
  });

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
syncLimitControls();
renderAll();
schedule();
