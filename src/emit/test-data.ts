/**
 * The test data `msf emit` and the web page's "Download C" write beside the C program: the seeded
 * int8 input of every model input and the executor's output for it, `input.bin` / `expected.bin`
 * for one input and one output, `input_<i>.bin` / `expected_<j>.bin` when there are several (the
 * names main.c reads). One function for both, so the page's archive and `msf emit` hold the same files;
 * the emitted README names them through ioFileNames.
 * A streamed program's expected output is the layer-by-layer run's (layerByLayer): the streaming
 * executor is the slow pixel-by-pixel one, and both give the same bytes (test/emit-stream.test.ts).
 */
import { type Model, modelInputs, modelOutputs, tensorBytes } from '../model/ir.js';
import { seededInput } from '../model/seeded.js';
import type { Block } from '../plan/engine.js';
import type { Executor, RunOptions } from '../runtime/executor.js';

/**
 * The harness's files and the test data's: with one input and one output input.bin, output.bin (what
 * main.c writes by default) and expected.bin; with several (msf_model.h then defines MSF_INPUTS)
 * input_<i>.bin, output_<j>.bin and expected_<j>.bin, in the model's order.
 */
export function ioFileNames(model: Model): { inputs: string[]; outputs: string[]; expected: string[] } {
  const nIn = modelInputs(model).length;
  const nOut = modelOutputs(model).length;
  const many = nIn > 1 || nOut > 1;
  const names = (stem: string, n: number) => Array.from({ length: n }, (_, k) => (many ? `${stem}_${k}.bin` : `${stem}.bin`));
  return { inputs: names('input', nIn), outputs: names('output', nOut), expected: names('expected', nOut) };
}

/** Every layer alone: the blocks of the run a streamed program's expected output comes from. */
export const layerByLayer = (model: Model): Block[] => model.layers.map((_, i) => [i, i] as Block);

/**
 * `exe`: Node's executor or the browser's (the page's worker). `run`: the plan's own arena options
 * (inputInArena): its blocks are placed as planned, not for another accounting they may not fit.
 */
export function emitTestData(exe: Executor, model: Model, blocks: Block[], seed: number, run: Pick<RunOptions, 'inputInArena'> = {}): { files: Map<string, Uint8Array>; measuredPeakBytes: number } {
  const ins = modelInputs(model).map((t) => seededInput(tensorBytes(model.tensors[t]!.shape), seed));
  const r = exe.run(model, blocks, ins, run);
  const names = ioFileNames(model);
  const files = new Map<string, Uint8Array>();
  ins.forEach((b, i) => files.set(names.inputs[i]!, b));
  r.outputs.forEach((b, j) => files.set(names.expected[j]!, b));
  return { files, measuredPeakBytes: r.measuredPeakBytes };
}
