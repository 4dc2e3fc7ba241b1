/**
 * The planning inputs beside the model: the two limits (RAM budget, MAC-overhead limit), each a
 * checkbox, a slider and a text field over one state value, the cost model radios, the streaming
 * switch and the input-in-arena switch; and the problem they pose, shown with the `msf plan` line that solves it.
 */
import { problemOf } from '../src/plan/problems.js';
import { parseOverhead, parseSize } from '../src/plan/size.js';
import { byId, int, kB, macsShort, msfCommand } from './format.js';
import { inputs, modelName, page } from './page-state.js';
import type { SearchFigures } from './protocol.js';

const SLIDER_MAX = 1000;
const round3 = (x: number): number => Number(x.toPrecision(3));
const clamp = (v: number, [lo, hi]: readonly [number, number]): number => Math.min(Math.max(v, lo), hi);

/** One limit's controls; its ids are `<key>-enabled`, `<key>-box`, `<key>-slider`, `<key>-input`, `<key>-display`, `<key>-error`. */
interface Limit {
  key: 'ram' | 'oh';
  enabledKey: 'ramEnabled' | 'ohEnabled';
  /** Slider positions map onto this range, which follows the model (updateRanges). */
  range: [number, number];
  fromSlider(pos: number): number;
  toSlider(v: number): number;
  /** The typed text as a value, or a thrown error whose message is shown under the field; Infinity = no limit. */
  parse(text: string): number;
  /** What the limit means, beside the field. */
  display(): string;
  enabled: HTMLInputElement;
  box: HTMLElement;
  slider: HTMLInputElement;
  input: HTMLInputElement;
  out: HTMLOutputElement;
  error: HTMLElement;
}

function limit(key: Limit['key'], o: Pick<Limit, 'range' | 'fromSlider' | 'toSlider' | 'parse' | 'display'>): Limit {
  return {
    key,
    enabledKey: key === 'ram' ? 'ramEnabled' : 'ohEnabled',
    ...o,
    enabled: byId<HTMLInputElement>(`${key}-enabled`),
    box: byId(`${key}-box`),
    slider: byId<HTMLInputElement>(`${key}-slider`),
    input: byId<HTMLInputElement>(`${key}-input`),
    out: byId<HTMLOutputElement>(`${key}-display`),
    error: byId(`${key}-error`),
  };
}

/** RAM on a log scale (three significant digits), from below the smallest reachable peak to above layer by layer. */
const ram: Limit = limit('ram', {
  range: [1_000, 1_000_000],
  fromSlider: (pos) => Math.round(round3(ram.range[0] * (ram.range[1] / ram.range[0]) ** (pos / SLIDER_MAX))),
  toSlider: (bytes) => Math.round((Math.log(clamp(bytes, ram.range) / ram.range[0]) / Math.log(ram.range[1] / ram.range[0])) * SLIDER_MAX),
  parse: (text) => parseSize(text, 'RAM budget'),
  display: () => (inputs.ramEnabled ? `= ${kB(inputs.ram)}` : 'no limit'),
});

/** The overhead factor on a linear scale, in hundredths. */
const oh: Limit = limit('oh', {
  range: [1, 3],
  fromSlider: (pos) => Math.round((oh.range[0] + ((oh.range[1] - oh.range[0]) * pos) / SLIDER_MAX) * 100) / 100,
  toSlider: (f) => Math.round(((clamp(f, oh.range) - oh.range[0]) / (oh.range[1] - oh.range[0])) * SLIDER_MAX),
  parse: (text) => {
    try {
      return parseOverhead(text);
    } catch (e) {
      throw new Error((e as Error).message.replace(/^--max-overhead: /, ''));
    }
  },
  display: () => (!inputs.ohEnabled ? 'no limit' : page.shown ? `MACs ≤ ${macsShort(inputs.oh * page.shown.search.baselineMacs)}` : ''),
});

const LIMITS = [ram, oh] as const;

/** Slider ranges follow the model: from below the smallest reachable peak to above layer by layer. */
export function updateRanges(s: SearchFigures): void {
  const peaks = [...s.front.map((p) => p.peakBytes), s.vanilla.peakBytes, s.heuristic.peakBytes];
  ram.range = [Math.max(1, Math.floor(Math.min(...peaks) * 0.8)), Math.ceil(Math.max(...peaks) * 1.2)];
  const maxOh = Math.max(s.heuristic.overhead, ...s.front.map((p) => p.macs / s.baselineMacs));
  oh.range = [1, Math.max(1.1, Math.ceil(maxOh * 1.05 * 10) / 10)];
  syncLimitControls();
}

/** The controls show the state (a field being typed in keeps its text). */
export function syncLimitControls(): void {
  for (const l of LIMITS) {
    l.enabled.checked = inputs[l.enabledKey];
    l.box.classList.toggle('off', !inputs[l.enabledKey]);
    l.slider.value = String(l.toSlider(inputs[l.key]));
    if (document.activeElement !== l.input) l.input.value = String(inputs[l.key]);
    l.out.textContent = l.display();
    l.error.hidden = true;
    l.input.classList.remove('invalid');
  }
}

/** Each control sets its limit (a typed "no limit" clears it), then `changed` plans again. */
function wireLimit(l: Limit, changed: () => void): void {
  l.slider.addEventListener('input', () => {
    inputs[l.enabledKey] = true;
    inputs[l.key] = l.fromSlider(Number(l.slider.value));
    syncLimitControls();
    changed();
  });
  l.input.addEventListener('change', () => {
    let v: number;
    try {
      v = l.parse(l.input.value.trim());
    } catch (e) {
      l.input.classList.add('invalid');
      l.error.textContent = (e as Error).message;
      l.error.hidden = false;
      return;
    }
    if (Number.isFinite(v)) {
      inputs[l.key] = v;
      inputs[l.enabledKey] = true;
    } else inputs[l.enabledKey] = false;
    l.input.value = String(inputs[l.key]);
    syncLimitControls();
    changed();
  });
  l.enabled.addEventListener('change', () => {
    inputs[l.enabledKey] = l.enabled.checked;
    syncLimitControls();
    changed();
  });
}

const costRadios = (): NodeListOf<HTMLInputElement> => document.querySelectorAll<HTMLInputElement>('input[name="cost"]');
const costHint = byId('cost-hint');
const streamEnabled = byId<HTMLInputElement>('stream-enabled');
const streamSlow = byId('stream-slow');
const inArenaEnabled = byId<HTMLInputElement>('in-arena-enabled');

/**
 * The cost model radios and the two switches show the state. Streaming plans and an input in the
 * arena have the exact accounting only (the paper counts the input outside the arena).
 */
export function syncCostControls(): void {
  const exactOnly = inputs.stream || inputs.inArena;
  for (const radio of costRadios()) {
    radio.checked = radio.value === inputs.cost;
    radio.disabled = exactOnly && radio.value !== 'exact';
  }
  costHint.textContent =
    inputs.stream ? 'Streaming plans are costed exactly: what the streaming executor allocates, to the byte.'
    : inputs.inArena ? 'With the input in the arena plans are costed exactly (the paper counts the input outside the arena).'
    : inputs.cost === 'paper' ? "The msf-CNN paper's analytical accounting, for comparison with its figures." : 'What the executor and the emitted C really allocate, to the byte.';
  streamEnabled.checked = inputs.stream;
  inArenaEnabled.checked = inputs.inArena;
  // A streaming table takes a few hundred ms to build (src/cost/stream-fast-graph.ts): say so while streaming.
  streamSlow.hidden = !inputs.stream;
}

/** Wires the limits, the cost model radios and the two switches: every change of an input calls `changed`. */
export function wireInputs(changed: () => void): void {
  for (const l of LIMITS) wireLimit(l, changed);
  for (const radio of costRadios())
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      inputs.cost = radio.value === 'paper' ? 'paper' : 'exact';
      syncCostControls();
      changed();
    });
  streamEnabled.addEventListener('change', () => {
    inputs.stream = streamEnabled.checked;
    if (inputs.stream) inputs.cost = 'exact';
    syncCostControls();
    changed();
  });
  inArenaEnabled.addEventListener('change', () => {
    inputs.inArena = inArenaEnabled.checked;
    if (inputs.inArena) inputs.cost = 'exact';
    syncCostControls();
    changed();
  });
}

const problemText = byId('problem');
const cliText = byId('cli');

/** The problem the inputs pose, and the `msf plan` line that solves it. */
export function renderProblem(): void {
  const p = problemOf(inputs.ramEnabled ? inputs.ram : undefined, inputs.ohEnabled ? inputs.oh : undefined);
  problemText.textContent =
    p.kind === 'P2'
      ? `P2 · fewest MACs with peak ≤ ${int(p.ramLimit)} B`
      : p.kind === 'P1'
        ? `P1 · smallest peak with overhead ≤ ×${p.maxOverhead}${p.ramLimit !== undefined ? ` and peak ≤ ${int(p.ramLimit)} B` : ''}`
        : 'Smallest peak RAM, any MAC overhead';
  cliText.textContent = msfCommand(
    'plan',
    modelName(),
    { cost: inputs.cost, ...(inputs.ramEnabled ? { ramLimit: inputs.ram } : {}), ...(inputs.ohEnabled ? { maxOverhead: inputs.oh } : {}), stream: inputs.stream, inputInArena: inputs.inArena },
    ['--front'],
  );
}
