/**
 * `msf emit <model> [plan options] --out <dir>`: plans like `msf run` (exact cost model by default),
 * then writes the C99 program (src/emit) and, as a check for the build, the seeded input and the Wasm
 * executor's output for it. Everything is computed first: a refusal (--mcu too small: exit 4) or any
 * other error leaves the directory untouched.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { emitProgram } from '../emit/emit-c.js';
import { problemNote } from '../plan/problems.js';
import { DEFAULT_MODEL, ZOO_IDS } from '../model/zoo.js';
import { modelInputs, tensorBytes } from '../model/ir.js';
import type { Block } from '../plan/engine.js';
import { planModel } from '../plan/planner.js';
import { MCUS } from '../runtime/mcu.js';
import { getExecutor, seededInput } from '../runtime/run.js';
import { makeDirectory, refuseNonEmptyDirectory, writeOutput } from './files.js';
import { type Out, type PlanFlags, addPlanOptions, executableTarget, planOptions } from './options.js';

interface EmitFlags extends PlanFlags {
  seed: string;
  mcu?: string;
  out?: string;
  force?: boolean;
  vanilla?: boolean;
  testData: boolean;
}

export function addEmitCommand(program: Command, out: Out): void {
  addPlanOptions(
    program
      .command('emit')
      .description('plan, then write the plan as self-contained C99 (same arena, same output bytes as `msf run`)')
      .argument('[model]', `zoo id (${ZOO_IDS.join(', ')}), chain .json or .tflite file`, DEFAULT_MODEL),
    'exact',
  )
    .option('--seed <n>', 'seed of the generated weights and of input.bin', '1')
    .option('--mcu <id>', `microcontroller profile: its SRAM is the RAM budget; a plan that does not fit is refused (${MCUS.map((m) => m.id).join(', ')})`)
    .option('--vanilla', 'emit the layer-by-layer plan (no fusion) instead of planning')
    .option('--out <dir>', 'directory to write the C files to (created if needed; refused when not empty, unless --force)')
    .option('--force', 'write into a non-empty --out directory, overwriting files of the same name')
    .option('--no-test-data', 'do not write input.bin / expected.bin')
    .option('--json', 'machine-readable summary')
    .action((modelRef: string, flags: EmitFlags) => {
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
        planNote = problemNote(plan.problem, plan.costModel);
      }
      const { files, summary } = emitProgram(model, blocks, { seed, planNote, ...(mcu ? { mcu } : {}) });

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
              model: summary.model, costModel: options.cost, blocks: summary.blocks, arenaBytes: summary.arenaBytes, flashBytes: summary.flashBytes,
              macs: summary.macs, inputBytes: summary.inputBytes, outputBytes: summary.outputBytes, out: flags.out, files: names,
              ...(mcu ? { mcu: mcu.id } : {}),
            },
            null,
            2,
          ),
        );
      const f = (n: number) => n.toLocaleString('en-US');
      out(
        [
          `model ${summary.model}: ${summary.blocks.length} edges (${planNote})${mcu ? ` for the ${mcu.name}` : ''}`,
          `arena ${f(summary.arenaBytes)} B, constants ${f(summary.flashBytes)} B, ${f(summary.macs)} MACs`,
          `wrote ${names.join(', ')} to ${flags.out} (build commands in README.md)`,
        ].join('\n'),
      );
    });
}
