/**
 * The files of `msf run`: `--input` once per model input (in the model's input order, each in its
 * own encoding), `--output FILE` every output concatenated in the model's output order,
 * `--output-dir DIR` one out_<j>.bin per output; and the per-output summary of `--json`.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { type Model, modelInputs } from '../model/ir.js';
import type { RunReport } from '../runtime/run.js';
import { makeDirectory, readInput, writeOutput } from './files.js';

export const collectFiles = (v: string, all: string[]): string[] => [...all, v];

/** The input buffers (undefined: seeded); a count that is not the model's inputs is a usage error. */
export function readRunInputs(files: readonly string[], model: Model): Uint8Array[] | undefined {
  if (!files.length) return undefined;
  const n = modelInputs(model).length;
  if (files.length !== n) throw new UsageError(`--input: ${model.name} has ${n} input${n > 1 ? 's' : ''}; give --input once per input, in the model's input order (${files.length} given)`);
  return files.map((f) => readInput(f, '--input'));
}

export function writeRunOutputs(r: Pick<RunReport, 'outputs'>, output?: string, outputDir?: string): void {
  if (output) writeOutput(output, Buffer.concat(r.outputs.map((o) => o.bytes)), '--output');
  if (outputDir) {
    makeDirectory(outputDir, '--output-dir');
    r.outputs.forEach((o, j) => writeOutput(join(outputDir, `out_${j}.bin`), o.bytes, '--output-dir'));
  }
}

export const outputsJson = (r: RunReport) => r.outputs.map((o) => ({ shape: o.shape, dtype: o.dtype, bytes: o.bytes.length, sha256: o.sha256 }));
