/**
 * Choosing the model: the select (zoo ids, plus the loaded file when there is one), the file input and
 * drops anywhere on the page. A file the worker cannot read gives way to the model shown before it.
 */
import { ZOO_IDS, isZooId, zooDescription } from '../src/model/zoo.js';
import { byId, html } from './format.js';
import { type FileModel, type Inputs, inputs, page } from './page-state.js';

const select = byId<HTMLSelectElement>('model-select');
const description = byId('model-desc');
const fileInput = byId<HTMLInputElement>('file-input');
const dropZone = byId<HTMLLabelElement>('drop-zone');

let nextToken = 1;
/** The model before the last file was loaded, to return to when the worker cannot read that file. */
let previous: { file: FileModel | undefined; source: Inputs['source'] } = { file: undefined, source: inputs.source };

export function syncModelSelect(): void {
  const file = page.file;
  select.replaceChildren();
  const zoo = html('optgroup', { attrs: { label: 'Model zoo' } }, select);
  for (const id of ZOO_IDS) html('option', { text: id, attrs: { value: id } }, zoo);
  if (file) {
    const files = html('optgroup', { attrs: { label: 'Loaded file' } }, select);
    html('option', { text: file.name, attrs: { value: '@file' } }, files);
  }
  select.value = inputs.source.kind === 'zoo' ? inputs.source.id : '@file';
  description.textContent =
    inputs.source.kind === 'zoo' && isZooId(inputs.source.id) ? zooDescription(inputs.source.id) : `${file?.name.toLowerCase().endsWith('.tflite') ? 'TFLite model' : 'chain model'} from ${file?.name ?? 'a file'}`;
}

/** Back to the model shown before the file that could not be read. */
export function restorePreviousModel(): void {
  page.file = previous.file;
  inputs.source = previous.source;
  syncModelSelect();
}

/** Wires the select, the file input and drops: every new model choice calls `changed`. */
export function wireModelInput(changed: () => void): void {
  select.addEventListener('change', () => {
    const v = select.value;
    inputs.source = v === '@file' ? { kind: 'file' } : { kind: 'zoo', id: v };
    syncModelSelect();
    changed();
  });

  async function loadFile(f: File): Promise<void> {
    const bytes = await f.arrayBuffer();
    previous = { file: page.file, source: inputs.source };
    page.file = { token: nextToken++, name: f.name, bytes, cached: false };
    inputs.source = { kind: 'file' };
    syncModelSelect();
    changed();
  }

  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    fileInput.value = '';
    if (f) void loadFile(f);
  });

  // Drops anywhere on the page load the file (and never navigate away from it).
  let dragDepth = 0;
  window.addEventListener('dragenter', (e) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    dragDepth++;
    dropZone.classList.add('dragging');
  });
  window.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) dropZone.classList.remove('dragging');
  });
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    dragDepth = 0;
    dropZone.classList.remove('dragging');
    const f = e.dataTransfer?.files[0];
    if (f) void loadFile(f);
  });
}
