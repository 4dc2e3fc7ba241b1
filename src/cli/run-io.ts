/**
 * The files of `msf run`: `--input` once per model input (in the model's input order, each in its
 * own encoding), `--output FILE` every output concatenated in the model's output order,
 * `--output-dir DIR` one out_<j>.bin per output; and the per-output summary of `--json`.
 */
import { join } from 'node:path';
import { ModelError, UsageError } from '../errors.js';
import { type Model, modelInputs, tensorBytes } from '../model/ir.js';
import { encodedInputBytes, encodingName } from '../runtime/encoding.js';
import type { RunReport } from '../runtime/run.js';
import { makeDirectory, readInput, writeOutput } from './files.js';

export const collectFiles = (v: string, all: string[]): string[] => [...all, v];

/** The input buffers (undefined: seeded); a count that is not the model's inputs is a usage error. */
export function readRunInputs(files: readonly string[], model: Model): Uint8Array[] | undefined {
  if (!files.length) return undefined;
  const n = modelInputs(model).length;
  if (files.length !== n) throw new UsageError(`--input: ${model.name} has ${n} input${n > 1 ? 's' : ''}; give --input once per input, in the model's input order (${files.length} given)`);
  // Sized here, where the file is known: the first input in the model's input encoding, the others int8.
  return files.map((f, i) => {
    const bytes = readInput(f, '--input');
    const shape = model.tensors[modelInputs(model)[i]!]!.shape;
    const want = i === 0 ? encodedInputBytes(model) : tensorBytes(shape);
    const what = `${shape.join('x')} ${i === 0 ? encodingName(model.inputEncoding) : 'int8'}`;
    if (bytes.length !== want) throw new ModelError(`--input ${f}: ${bytes.length} bytes but ${model.name} expects ${want} (${what}) as input ${i}; give that tensor's raw bytes`);
    return bytes;
  });
}

export function writeRunOutputs(r: Pick<RunReport, 'outputs'>, output?: string, outputDir?: string): void {
  if (output) writeOutput(output, Buffer.concat(r.outputs.map((o) => o.bytes)), '--output');
  if (outputDir) {
    makeDirectory(outputDir, '--output-dir');
    r.outputs.forEach((o, j) => writeOutput(join(outputDir, `out_${j}.bin`), o.bytes, '--output-dir'));
  }
}

export const outputsJson = (r: RunReport) => r.outputs.map((o) => ({ shape: o.shape, dtype: o.dtype, bytes: o.bytes.length, sha256: o.sha256 }));
