/**
 * `msf emit <model> [plan options] --out <dir>`: plans like `msf run` (exact cost model by default),
 * then writes the C99 program (src/emit) and, as a check for the build, the seeded input and the Wasm
 * executor's output for it. Everything is computed first: a refusal (--mcu too small: exit 4) or any
 * other error leaves the directory untouched.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { emitProgram } from '../emit/emit-c.js';
import { problemNote } from '../plan/problems.js';
import { paperNote } from '../report/json.js';
import { modelInputs, tensorBytes } from '../model/ir.js';
import type { Block } from '../plan/engine.js';
import { planModel } from '../plan/planner.js';
import { sramFigures } from '../report/memory.js';
import { SCHEMA_VERSION } from '../report/schema.js';
import { getExecutor, seededInput } from '../runtime/run.js';
import '../runtime/wasm-node.js'; // registers the Wasm engine, the default
import { makeDirectory, refuseNonEmptyDirectory, writeOutput } from './files.js';
import { type Out, type PlanFlags, planOptions } from './options.js';
import { checkSramFit, executableTarget } from './target.js';
import { groupDigits } from '../report/digits.js';

interface EmitFlags extends PlanFlags {
  seed: string;
  mcu?: string;
  out?: string;
  force?: boolean;
  vanilla?: boolean;
  testData: boolean;
}

export function emitAction(modelRef: string, flags: EmitFlags, out: Out): void {
  if (!flags.out) throw new UsageError('emit: --out <dir> is required (the directory to write the C files to)');
  refuseNonEmptyDirectory(flags.out, '--out', Boolean(flags.force));
  const options = planOptions(flags);
  const { model, seed, mcu } = executableTarget(modelRef, flags, options);

  let blocks: Block[];
  let planNote: string;
  if (flags.vanilla) {
    blocks = model.layers.map((_, i) => [i, i] as Block);
    planNote = 'layer by layer (--vanilla)';
  } else {
    const plan = planModel(model, options);
    blocks = plan.solution.blocks;
    const paper = paperNote(model, plan);
    planNote = problemNote(plan.problem, plan.costModel) + (paper ? `; the paper cost model is ${paper}` : '');
  }
  const { files, summary } = emitProgram(model, blocks, { seed, planNote, ...(mcu ? { mcu } : {}) });
  if (mcu) checkSramFit(mcu, model, summary.arenaBytes);
  const sram = sramFigures(model, summary.arenaBytes);

  const binaries = new Map<string, Uint8Array>();
  if (flags.testData) {
    // One file per input and output when there are several (main.c reads input_<i>.bin).
    const ins = modelInputs(model).map((t) => seededInput(tensorBytes(model.tensors[t]!.shape), seed));
    const r = getExecutor().run(model, blocks, ins);
    const many = ins.length > 1 || r.outputs.length > 1;
    ins.forEach((b, i) => binaries.set(many ? `input_${i}.bin` : 'input.bin', b));
    r.outputs.forEach((b, j) => binaries.set(many ? `expected_${j}.bin` : 'expected.bin', b));
  }

  makeDirectory(flags.out, '--out');
  for (const [name, data] of [...files, ...binaries]) writeOutput(join(flags.out, name), data, '--out');

  const names = [...files.keys(), ...binaries.keys()];
  if (flags.json)
    return out(
      JSON.stringify(
        {
          schemaVersion: SCHEMA_VERSION, model: summary.model, costModel: options.cost, blocks: summary.blocks, arenaBytes: summary.arenaBytes,
          inputBytes: summary.inputBytes, outputBytes: summary.outputBytes, totalSramBytes: sram.totalSramBytes, flashBytes: summary.flashBytes,
          macs: summary.macs, out: flags.out, files: names,
          ...(mcu ? { mcu: mcu.id } : {}),
        },
        null,
        2,
      ),
    );
  const f = groupDigits;
  out(
    [
      `model ${summary.model}: ${summary.blocks.length} edges (${planNote})${mcu ? ` for the ${mcu.name}` : ''}`,
      `total SRAM ${f(sram.totalSramBytes)} B = arena ${f(summary.arenaBytes)} + input ${f(sram.inputBytes)} + output ${f(sram.outputBytes)}; flash ${f(summary.flashBytes)} B of constants; ${f(summary.macs)} MACs`,
      `wrote ${names.join(', ')} to ${flags.out} (build commands in README.md)`,
    ].join('\n'),
  );
}
