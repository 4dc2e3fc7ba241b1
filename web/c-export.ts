/**
 * "Download C", inside the worker: the plan's blocks -> the same files `msf emit` writes (the C99
 * sources from src/emit's emitProgram with the CLI's options, the seeded inputs and the Wasm
 * executor's outputs, src/emit/test-data.ts), packed as one ustar archive under a `<model>-msf-c/` directory.
 *
 * The C arena is always the exact cost model's peak of the blocks (that is what the buffers in it
 * need, byte for byte): for a plan chosen under the paper's accounting the blocks are kept and only
 * the arena size differs from the peak the page shows. A streaming plan's edges go to the streamed
 * emitter (src/emit/stream-c.ts), as `msf emit --stream` does: its arena is the plan's peak.
 */
import execUrl from '../build/exec.wasm?url';
import { emitProgram } from '../src/emit/emit-c.js';
import { emitStreamedProgram } from '../src/emit/stream-c.js';
import { emitTestData, layerByLayer } from '../src/emit/test-data.js';
import type { Model } from '../src/model/ir.js';
import { DEFAULT_SEED, executableModel } from '../src/model/seeded.js';
import type { Block } from '../src/plan/engine.js';
import type { StreamEdge } from '../src/plan/stream-schedule.js';
import type { Executor } from '../src/runtime/executor.js';
import { createExecutorFromUrl } from '../src/runtime/wasm-browser.js';
import { archiveStem } from './format.js';
import { tarArchive } from './tar.js';

/** `msf emit`'s --seed default: weights of zoo / chain models and input.bin. */
export const EMIT_SEED = DEFAULT_SEED;

// The Wasm executor (build/exec.wasm), loaded on the first download only.
let executorPromise: Promise<Executor> | undefined;

function loadExecutor(): Promise<Executor> {
  executorPromise ??= createExecutorFromUrl(new URL(execUrl, self.location.href));
  // A failed load may be retried by the next click.
  executorPromise.catch(() => (executorPromise = undefined));
  return executorPromise;
}

export interface CArchive {
  fileName: string;
  tar: Uint8Array;
  files: { name: string; bytes: number }[];
  arenaBytes: number;
  flashBytes: number;
  macs: number;
}

/**
 * `inputInArena`: the plan's (`msf emit --input-in-arena`). `stream`: the streaming plan's edges (the
 * blocks are theirs); absent: an ordinary plan of `blocks`.
 */
export async function buildCArchive(model: Model, blocks: Block[], planNote: string, inputInArena: boolean, stream?: readonly StreamEdge[]): Promise<CArchive> {
  const exe = executableModel(model, EMIT_SEED);
  // The same call as `msf emit [--stream] [--input-in-arena]` (src/cli/emit-command.ts): same seed, same note, no --mcu.
  const options = { seed: EMIT_SEED, planNote, ...(inputInArena ? { inputInArena } : {}) };
  const { files, summary } = stream ? emitStreamedProgram(exe, stream, options) : emitProgram(exe, blocks, options);
  // input.bin / expected.bin, or one file per input and output: what `msf emit` writes (its blocks run as planned).
  const data = emitTestData(await loadExecutor(), exe, stream ? layerByLayer(exe) : blocks, EMIT_SEED, stream ? {} : { inputInArena });
  if (!stream && data.measuredPeakBytes > summary.arenaBytes)
    throw new Error(`internal: the executor used ${data.measuredPeakBytes} B but the C arena has ${summary.arenaBytes} B`);
  const stem = archiveStem(summary.model);
  const entries: { name: string; data?: Uint8Array | string }[] = [{ name: `${stem}/` }];
  for (const [name, text] of files) entries.push({ name: `${stem}/${name}`, data: text });
  for (const [name, bytes] of data.files) entries.push({ name: `${stem}/${name}`, data: bytes });
  const encoder = new TextEncoder();
  return {
    fileName: `${stem}.tar`,
    tar: tarArchive(entries),
    files: entries
      .filter((e) => e.data !== undefined)
      .map((e) => ({ name: e.name.slice(stem.length + 1), bytes: typeof e.data === 'string' ? encoder.encode(e.data).length : e.data!.length })),
    arenaBytes: summary.arenaBytes,
    flashBytes: summary.flashBytes,
    macs: summary.macs,
  };
}
