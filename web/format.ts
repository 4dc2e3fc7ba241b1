/** Number formats (the shared ones are src/report/ticks.ts's) and tiny DOM helpers for the page's views. */

export { bytesTick, change, factor, int, layersLabel, macsShort } from '../src/report/ticks.js';

/** The paper's kB (1 kB = 1,000 B). */
export function kB(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 1 : 2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)} kB`;
  return `${n} B`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A word for the shell: single-quoted when it holds a space, a quote or a dollar. */
const shellWord = (s: string): string => (/[\s"'$]/.test(s) ? `'${s.replace(/'/g, `'\\''`)}'` : s);

/** The `msf <command>` line for a model and a plan's options (the defaults left out), then `extra`. */
export function msfCommand(command: string, model: string, o: { cost: string; ramLimit?: number; maxOverhead?: number; stream?: boolean; inputInArena?: boolean }, extra: readonly string[] = []): string {
  const parts = [`msf ${command}`, shellWord(model)];
  if (o.stream) parts.push('--stream');
  if (o.inputInArena) parts.push('--input-in-arena');
  if (o.cost !== 'exact') parts.push('--cost', o.cost);
  if (o.ramLimit !== undefined) parts.push('--ram', String(o.ramLimit));
  if (o.maxOverhead !== undefined) parts.push('--max-overhead', Number.isFinite(o.maxOverhead) ? String(o.maxOverhead) : 'inf');
  return [...parts, ...extra].join(' ');
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes and appends it to `parent` when given. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, typeof v === 'number' ? String(Math.round(v * 10) / 10) : v);
  parent?.appendChild(el);
  return el;
}

export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; attrs?: Record<string, string | number> } = {},
  parent?: Element,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, String(v));
  parent?.appendChild(el);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page markup: #${id} is missing`);
  return el as T;
}

/** The floating tooltip: rows of [label, value] pairs near the pointer. */
export class Tooltip {
  constructor(private readonly el: HTMLElement) {}

  show(x: number, y: number, title: string, rows: [string, string][]): void {
    this.el.replaceChildren();
    html('strong', { text: title }, this.el);
    const dl = html('dl', {}, this.el);
    for (const [k, v] of rows) {
      html('dt', { text: k }, dl);
      html('dd', { text: v }, dl);
    }
    this.el.hidden = false;
    const pad = 14;
    const { width, height } = this.el.getBoundingClientRect();
    const left = x + pad + width > window.innerWidth - 8 ? x - pad - width : x + pad;
    const top = Math.min(Math.max(8, y - height - pad), window.innerHeight - height - 8);
    this.el.style.left = `${Math.max(8, left)}px`;
    this.el.style.top = `${top}px`;
  }

  hide(): void {
    this.el.hidden = true;
  }
}

/** The file-system-friendly stem of the "Download C" archive and of its top directory: `<model>-msf-c`. */
export function archiveStem(modelName: string): string {
  const safe = modelName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80);
  return `${safe || 'model'}-msf-c`;
}
