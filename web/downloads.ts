/**
 * The page's downloads, both computed in the worker from the plan on screen: "Download C" (the C99
 * program, the files of `msf emit`) and "Export" (`msf plan --json`'s document, `msf plan --report`'s
 * page). Nothing is uploaded.
 */
import { archiveStem, byId, int, kB, msfCommand, plural } from './format.js';
import type { EmitFailed, EmitOk, EmitRequest, ModelSource, PlanOk, PlanRequest, ReportFailed, ReportOk, ReportRequest, ToWorker } from './protocol.js';

/** A loaded model file: its bytes travel with every download request (the worker may have parsed another since). */
export interface LoadedFile {
  token: number;
  name: string;
  bytes: ArrayBuffer;
}

/** What the page shows: the plan, the request it answered and the file it was computed from. */
export interface ShownPlan {
  plan?: PlanOk;
  request?: PlanRequest;
  file?: LoadedFile;
}

export interface DownloadHost {
  post(message: ToWorker): void;
  shown(): ShownPlan | undefined;
  showError(title: string, message: string): void;
}

/** Hands a file to the browser's download. */
function saveFile(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; keep the URL a while for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `msf emit` with the options of the shown plan (emit's default cost model is exact, like plan's). */
function emitCommand(request: PlanRequest, fileName: string | undefined, outDir: string): string {
  const model = request.source.kind === 'zoo' ? request.source.id : (fileName ?? 'model.json');
  return msfCommand('emit', model, request, ['--out', outDir]);
}

export class Downloads {
  private readonly el = {
    body: document.body,
    downloadC: byId<HTMLButtonElement>('download-c'),
    cHint: byId('c-hint'),
    cStatus: byId('c-status'),
    exportJson: byId<HTMLButtonElement>('export-json'),
    exportHtml: byId<HTMLButtonElement>('export-html'),
    exportStatus: byId('export-status'),
  };
  private nextId = 1;
  private emitting: { id: number; sentAt: number } | undefined;
  private reporting: number | undefined;

  constructor(private readonly host: DownloadHost) {
    this.el.downloadC.addEventListener('click', () => this.downloadC());
    this.el.exportJson.addEventListener('click', () => this.exportPlan('json'));
    this.el.exportHtml.addEventListener('click', () => this.exportPlan('html'));
  }

  /** The worker stopped: no answer will come for a running download. */
  workerStopped(): void {
    this.emitting = undefined;
    this.reporting = undefined;
    this.render();
  }

  render(): void {
    const el = this.el;
    const shown = this.host.shown();
    const p = shown?.plan;
    const request = shown?.request;
    el.exportJson.disabled = el.exportHtml.disabled = !p || !request;
    el.downloadC.disabled = !p || !request || p.exactPeakBytes === null || this.emitting !== undefined;
    el.downloadC.classList.toggle('working', this.emitting !== undefined);
    el.downloadC.setAttribute('aria-busy', String(this.emitting !== undefined));
    if (!p || !request) {
      el.cHint.textContent = 'No plan to generate C for.';
      el.cHint.title = el.downloadC.title = '';
      delete el.cHint.dataset.arena;
      return;
    }
    const stem = archiveStem(p.model.name);
    const why = p.stream
      ? 'C99 sources (msf_model.c/.h with the weights, the schedule and one table of layers per streamed block, the kernel library msf_kernels.h + msf_*.c with the streaming walker msf_stream.c, main.c, README.md) plus input.bin and expected.bin, ' +
        `the files of \`${emitCommand(request, shown?.file?.name, stem)}\`, generated in this page: nothing is uploaded. ` +
        'The program has one static arena holding every tensor, line buffer, column cache and sum at the streaming schedule’s offsets; its size is the streaming plan’s peak.'
      : 'C99 sources (msf_model.c/.h with the weights and the schedule, the kernel library msf_kernels.h + msf_*.c, main.c, README.md) plus input.bin and expected.bin, ' +
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
    if (p.stream) {
      el.cHint.textContent = `${arena}, the peak shown; the streamed blocks run in C as planned (line buffers, column caches, in place).`;
      el.cHint.title = el.downloadC.title = why;
    } else if (p.costModel === 'exact') {
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

  receive(msg: EmitOk | EmitFailed | ReportOk | ReportFailed): void {
    if (msg.type === 'emit') this.onEmitted(msg);
    else this.onReported(msg);
  }

  /** The shown plan's request with a source the worker can always read (file bytes included). */
  private requestOfShown(what: string): { plan: PlanOk; request: PlanRequest; source: ModelSource } | undefined {
    const shown = this.host.shown();
    const plan = shown?.plan;
    const request = shown?.request;
    if (!plan || !request) return undefined;
    if (request.source.kind === 'zoo') return { plan, request, source: request.source };
    const f = shown?.file;
    if (!f) {
      this.host.showError(`Could not ${what}`, 'the model file of this plan is no longer loaded; load it again');
      return undefined;
    }
    return { plan, request, source: { kind: 'file', token: f.token, name: f.name, bytes: f.bytes } };
  }

  private downloadC(): void {
    if (this.emitting) return;
    const shown = this.requestOfShown('generate the C code');
    if (!shown) return;
    const { type: _type, id: _id, source: _source, ...options } = shown.request;
    const req: EmitRequest = { ...options, type: 'emit', id: this.nextId++, source: shown.source, blocks: shown.plan.solution.blocks };
    this.emitting = { id: req.id, sentAt: performance.now() };
    this.el.cStatus.textContent = 'Generating C…';
    this.el.cStatus.hidden = false;
    this.el.body.dataset.emit = 'busy';
    this.render();
    this.host.post(req);
  }

  private onEmitted(msg: EmitOk | EmitFailed): void {
    if (!this.emitting || msg.id !== this.emitting.id) return;
    const ms = performance.now() - this.emitting.sentAt;
    this.emitting = undefined;
    const el = this.el;
    if (msg.ok) {
      saveFile(msg.fileName, new Blob([msg.tar], { type: 'application/x-tar' }));
      const total = msg.files.reduce((s, f) => s + f.bytes, 0);
      el.cStatus.textContent = `${msg.fileName}: ${plural(msg.files.length, 'file')}, ${kB(total)} · arena ${int(msg.arenaBytes)} B · constants ${kB(msg.flashBytes)} · ${ms.toFixed(0)} ms`;
      el.cStatus.title = msg.files.map((f) => `${f.name}  ${int(f.bytes)} B`).join('\n');
      el.cStatus.dataset.arena = String(msg.arenaBytes);
      el.body.dataset.emit = 'done';
    } else {
      el.cStatus.hidden = true;
      this.host.showError('Could not generate the C code', msg.error.message);
      el.body.dataset.emit = 'failed';
    }
    this.render();
  }

  private exportPlan(format: 'json' | 'html'): void {
    if (this.reporting !== undefined) return;
    const shown = this.requestOfShown('export the plan');
    if (!shown) return;
    const { type: _type, id: _id, source: _source, ...options } = shown.request;
    const req: ReportRequest = { ...options, type: 'report', id: this.nextId++, source: shown.source, format };
    this.reporting = req.id;
    this.el.body.dataset.export = 'busy';
    this.host.post(req);
  }

  private onReported(msg: ReportOk | ReportFailed): void {
    if (msg.id !== this.reporting) return;
    this.reporting = undefined;
    if (msg.ok) {
      saveFile(msg.fileName, new Blob([msg.text], { type: msg.mime }));
      this.el.exportStatus.textContent = `${msg.fileName} · ${kB(msg.text.length)}`;
      this.el.body.dataset.export = 'done';
    } else {
      this.host.showError('Could not export the plan', msg.error.message);
      this.el.body.dataset.export = 'failed';
    }
  }
}
