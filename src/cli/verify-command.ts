/**
 * `msf verify <model> --input f ... --expected f ... [plan options]`: runs the model (planned as
 * `msf run` plans it, and layer by layer) on the user's inputs, one file per model input in the
 * model's order, and compares every output with reference bytes the user brings (e.g. from
 * TensorFlow Lite Micro on their machine or board), one file per output. Prints, per output, "same"
 * or the first differing element (index, ours, theirs, as the output's dtype). Exit 0 when every
 * output matches, 3 (model error) when one differs, 2 for usage errors.
 */
import { EXIT, MsfError, UsageError } from '../errors.js';
import { modelInputs, modelOutputs } from '../model/ir.js';
import type { Block } from '../plan/engine.js';
import { type RunOutput, runModel } from '../runtime/run.js';
import '../runtime/wasm-node.js'; // registers the Wasm engine, the default
import { readInput } from './files.js';
import { readRunInputs } from './run-io.js';
import { type Out, type PlanFlags, ReportedError, planOptions } from './options.js';
import { SCHEMA_VERSION } from '../report/schema.js';
import { executableTarget } from './target.js';

interface VerifyFlags extends PlanFlags {
  seed: string;
  input: string[];
  expected: string[];
}

/** The first element where `ours` and `theirs` differ, read as `dtype`, or null when they are equal. */
export function firstDifference(ours: Uint8Array, theirs: Uint8Array, dtype: string): { index: number; ours: number; theirs: number } | null {
  const width = dtype === 'float32' || dtype === 'int32' ? 4 : 1;
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset);
  const read = (b: Uint8Array, i: number) =>
    dtype === 'float32' ? view(b).getFloat32(4 * i, true) : dtype === 'int32' ? view(b).getInt32(4 * i, true) : dtype === 'uint8' ? b[i]! : (b[i]! << 24) >> 24;
  for (let i = 0; i * width < ours.length; i++) {
    const a = ours.subarray(i * width, (i + 1) * width);
    const b = theirs.subarray(i * width, (i + 1) * width);
    if (!Buffer.from(a).equals(Buffer.from(b))) return { index: i, ours: read(ours, i), theirs: read(theirs, i) };
  }
  return null;
}

class MismatchError extends MsfError {
  constructor(message: string) {
    super('MISMATCH', message, EXIT.model);
  }
}


export function verifyAction(modelRef: string, flags: VerifyFlags, out: Out): void {
  const options = planOptions(flags);
  const { model, seed } = executableTarget(modelRef, flags, options);
  const nIn = modelInputs(model).length;
  const nOut = modelOutputs(model).length;
  if (flags.input.length !== nIn) throw new UsageError(`verify: ${model.name} has ${nIn} input${nIn > 1 ? 's' : ''}: give --input once per input (${flags.input.length} given)`);
  if (flags.expected.length !== nOut) throw new UsageError(`verify: ${model.name} has ${nOut} output${nOut > 1 ? 's' : ''}: give --expected once per output (${flags.expected.length} given)`);
  // Sized as `msf run --input` sizes them (same error, same exit code); the count is checked above.
  const inputs = readRunInputs(flags.input, model)!;
  const expected = flags.expected.map((f) => readInput(f, '--expected'));
  const planned = runModel(model, { ...options, seed, inputs });
  const layerByLayer = runModel(model, { ...options, seed, inputs, blocks: model.layers.map((_, i) => [i, i] as Block) });
  const check = (o: RunOutput, j: number) => {
    if (o.bytes.length !== expected[j]!.length)
      return { output: j, same: false, message: `${flags.expected[j]} has ${expected[j]!.length} bytes, output ${j} has ${o.bytes.length} (${o.shape.join('x')} ${o.dtype})` };
    const d = firstDifference(o.bytes, expected[j]!, o.dtype);
    return d ? { output: j, same: false, message: `first difference at element ${d.index}: ours ${d.ours}, expected ${d.theirs} (${o.dtype})`, ...d } : { output: j, same: true, message: 'same' };
  };
  const results = planned.outputs.map(check);
  // The plan and layer by layer must agree with each other whatever the reference says.
  const consistent = planned.outputs.every((o, j) => Buffer.from(o.bytes).equals(Buffer.from(layerByLayer.outputs[j]!.bytes)));
  if (flags.json) out(JSON.stringify({ schemaVersion: SCHEMA_VERSION, model: model.name, blocks: planned.blocks, consistent, outputs: results.map((r, j) => ({ ...r, shape: planned.outputs[j]!.shape, dtype: planned.outputs[j]!.dtype })) }, null, 2));
  else out(results.map((r) => `output ${r.output} (${planned.outputs[r.output]!.shape.join('x')} ${planned.outputs[r.output]!.dtype}): ${r.message}`).join('\n'));
  // With --json the document above is the whole answer: the exit code alone says it failed.
  const fail = (m: string) => (flags.json ? new ReportedError('MISMATCH', m, EXIT.model) : new MismatchError(m));
  if (!consistent) throw fail(`${model.name}: the planned run and the layer-by-layer run differ (an internal error: please report it)`);
  const bad = results.filter((r) => !r.same).length;
  if (bad) throw fail(`${model.name}: ${bad} of ${results.length} output${results.length > 1 ? 's' : ''} differ from the expected bytes`);
}
