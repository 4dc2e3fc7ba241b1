/**
 * The `msf` command: a thin shell over the library (src/index.ts). This module only declares the
 * commands and their options; each command's work lives in its own module, imported when the command
 * runs, so `msf --version`, `--help` and `msf plan` load nothing they do not use (the TFLite reader,
 * the executor, the C emitter, the HTML report). Exit codes: 0 ok, 1 internal, 2 usage, 3 model
 * error, 4 infeasible.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, MsfError } from '../errors.js';
import { DEFAULT_MODEL, ZOO_IDS } from '../model/zoo.js';
import { MCUS } from '../runtime/mcu.js';
import { type Out, ReportedError, addPlanOptions } from './options.js';
import type { ProgressStream } from './progress.js';
import { packageVersion } from './version.js';
import { groupDigits } from '../report/digits.js';
import { SCHEMA_VERSION } from '../report/schema.js';

const MODEL_ARG = `zoo id (${ZOO_IDS.join(', ')}), chain .json or .tflite file`;
const MCU_IDS = MCUS.map((m) => m.id).join(', ');
const KiB = (n: number) => `${groupDigits((n / 1024))} KiB`;

/** Printed after every help: what a model can be and every MCU profile with its sizes. */
function helpFooter(): string {
  const w = Math.max(...MCUS.map((m) => m.id.length));
  return [
    '',
    'Models ([model]):',
    `  zoo ids          ${ZOO_IDS.map((id) => (id === DEFAULT_MODEL ? `${id} (default)` : id)).join(', ')}`,
    '  chain .json      a layer chain (README, "Chain model JSON"); `msf gen` writes one',
    '  .tflite          an int8 TensorFlow Lite model (README, "Real models")',
    '',
    'Microcontrollers (--mcu): SRAM must hold the arena, the input and output buffers, the stack and a reserve',
    ...MCUS.map((m) => `  ${m.id.padEnd(w)}  ${KiB(m.sramBytes).padStart(9)} SRAM  ${KiB(m.flashBytes).padStart(9)} flash  ${m.name}, ${m.core}`),
    '',
    'Exit codes: 0 ok, 1 internal error, 2 usage error, 3 model error, 4 infeasible. JSON formats: README, "JSON output".',
  ].join('\n');
}
import { collectFiles } from './run-io.js';

let jsonErrors = false;

/** With --json, an error is a JSON document too (README, "JSON output"). */
const errorJson = (code: string, message: string): string => JSON.stringify({ schemaVersion: SCHEMA_VERSION, error: { code, message } });

export function buildProgram(out: Out, err: ProgressStream = process.stderr): Command {
  const program = new Command('msf')
    .description('msf-cnn: patch-based multi-stage fusion planner for int8 CNNs on microcontrollers')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run `msf --help` for usage)')
    .exitOverride()
    // Commander's own errors (unknown option, bad choice) in the form of every other: `msf: error: ...`.
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`msf: ${s}`) })
    .addHelpText('after', helpFooter);
  const command = (name: string, description: string) =>
    program.command(name).description(description).showHelpAfterError(`(run \`msf ${name} --help\` for usage)`).addHelpText('after', helpFooter).exitOverride();

  command('zoo', 'list the built-in models')
    .option('--json', 'machine-readable output')
    .action(async (flags) => (await import('./zoo-command.js')).zooAction(flags, out));

  addPlanOptions(
    command('plan', 'find the fusion setting: P1 (min peak RAM under --max-overhead), P2 (min MACs under --ram), or the minimum-RAM plan').argument('[model]', MODEL_ARG, DEFAULT_MODEL),
  )
    .option('--front', 'also print the whole RAM/MAC Pareto front')
    .option('--mcu <id>', `microcontroller profile: its clock turns the instruction estimates into ms (${MCUS.map((m) => m.id).join(', ')})`)
    .option('--json', 'machine-readable output (README, "JSON output")')
    .option('--report <file.html>', 'write a self-contained HTML report: the front with the budget line, the blocks, the per-layer memory table')
    .option('--stream', 'plan in the streaming search space: per layer a line buffer or a column cache, residual streams, pooling tails, in place (issue #14); exact accounting only')
    .option('--input-in-arena', 'the network input lives in the arena (the caller writes it there), freed after its last reader; with --stream the first edge may overwrite it in place')
    .action(async (ref, flags) => (await import('./plan-command.js')).planAction(ref, flags, out));

  addPlanOptions(
    command('run', 'plan, then execute the plan with bit-exact int8 kernels in a simulated MCU arena; reports predicted vs measured peak and total SRAM').argument('[model]', MODEL_ARG, DEFAULT_MODEL),
  )
    .option('--seed <n>', 'seed of the generated weights and of the default input', '1')
    .option('--mcu <id>', `microcontroller profile: plans for what its SRAM leaves after the input/output buffers, stack and reserve; checks flash (${MCU_IDS})`)
    .option('--arena <size>', 'arena capacity (default: the plan\'s predicted peak)')
    .option('--input <file>', 'raw input bytes in the model\'s input encoding: int8, or float32 little-endian / uint8 for a .tflite with a QUANTIZE input; once per model input, in its order (default: seeded inputs)', collectFiles, [])
    .option('--output <file>', 'write the raw output bytes here, in the model\'s output encoding (int8, or float32 / uint8 after a DEQUANTIZE / QUANTIZE output); several outputs: concatenated in the model\'s order')
    .option('--output-dir <dir>', 'write each output to <dir>/out_<j>.bin')
    .option('--stream', 'plan with line buffers, residual streams, pooling tails and in place (issue #14 specification, TS search) and run pixel by pixel, checked (slow); --ram / --max-overhead pick the point')
    .option('--input-in-arena', 'the network input lives in the arena (written there before the first edge), freed after its last reader; with --stream the first edge may overwrite it in place')
    .option('--json', 'machine-readable output')
    .action(async (ref, flags) => (await import('./run.js')).runAction(ref, flags, out));

  command('inspect', 'print the layer table of a model: op, shapes, quantisation, bytes, MACs')
    .argument('[model]', MODEL_ARG, DEFAULT_MODEL)
    .option('--json', 'machine-readable output')
    .action(async (ref, flags) => (await import('./inspect-command.js')).inspectAction(ref, flags, out));

  addPlanOptions(
    command('verify', 'run a model on your inputs and compare every output with reference bytes you bring (e.g. from TensorFlow Lite Micro)').argument('[model]', MODEL_ARG, DEFAULT_MODEL),
  )
    .option('--seed <n>', 'seed of the generated weights (models without weights)', '1')
    .option('--input <file>', 'raw bytes of one model input in its encoding; once per input, in the model\'s input order', collectFiles, [])
    .option('--expected <file>', 'reference bytes of one model output; once per output, in the model\'s output order', collectFiles, [])
    .option('--json', 'machine-readable output')
    .action(async (ref, flags) => (await import('./verify-command.js')).verifyAction(ref, flags, out));

  addPlanOptions(command('sweep', 'plan several models with the same options: one row each, a progress bar on a terminal').argument('<models...>', 'zoo ids, chain .json or .tflite files'))
    .option('--json', 'machine-readable output: { "schemaVersion", "rows": [...] }')
    .option('--no-progress', 'no progress bar even on a terminal')
    .action(async (refs, flags) => (await import('./sweep-command.js')).sweepAction(refs, flags, out, err));

  addPlanOptions(command('emit', 'plan, then write the plan as self-contained C99 (same arena, same output bytes as `msf run`)').argument('[model]', MODEL_ARG, DEFAULT_MODEL))
    .option('--seed <n>', 'seed of the generated weights and of input.bin', '1')
    .option('--mcu <id>', `microcontroller profile: plans for what its SRAM leaves after the input/output buffers, stack and reserve; a plan that does not fit is refused (${MCU_IDS})`)
    .option('--vanilla', 'emit the layer-by-layer plan (no fusion) instead of planning')
    .option('--stream', 'emit the streaming plan (line buffers, residual streams, pooling tails, in place; issue #14): the walk runs in C; --ram / --max-overhead pick the point as `msf run --stream` does')
    .option('--input-in-arena', 'the network input is an arena tensor (MSF_INPUT_OFFSET; msf_model_run copies it there unless it is there already), freed after its last reader')
    .option('--out <dir>', 'directory to write the C files to (created if needed; refused when not empty, unless --force)')
    .option('--force', 'write into a non-empty --out directory, overwriting files of the same name')
    .option('--no-test-data', 'do not write input.bin / expected.bin')
    .option('--no-build', 'do not compile the C to measure it (.text, flash, the stack of msf_model_run; --mcu then counts the stack allowance)')
    .option('--report <file.html>', 'also write the HTML report of the plan, with the emitted code\'s stack, .text and the --mcu fit')
    .option('--json', 'machine-readable summary')
    .action(async (ref, flags) => (await import('./emit-command.js')).emitAction(ref, flags, out));

  command('gen', 'generate a chain-model JSON: a MobileNet-like chain of any depth, or a seeded random chain')
    .argument('<kind>', 'mobilenet-like | random')
    .option('--layers <n>', 'number of layers', '200')
    .option('--input <size>', 'input height and width (mobilenet-like)', '224')
    .option('--seed <n>', 'seed', '1')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (kind, flags) => (await import('./gen-command.js')).genAction(kind, flags, out));
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting (tests call this directly). */
export async function main(argv: string[], out: Out = (s) => process.stdout.write(s + '\n'), err: ProgressStream = process.stderr): Promise<number> {
  jsonErrors = argv.includes('--json');
  try {
    await buildProgram(out, err).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT.ok;
      if (jsonErrors) out(errorJson('USAGE', e.message.replace(/^error: /, '')));
      return EXIT.usage;
    }
    if (e instanceof ReportedError) {
      if (!jsonErrors) process.stderr.write(`msf: error: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof MsfError) {
      if (jsonErrors) out(errorJson(e.code, e.message));
      else process.stderr.write(`msf: error: ${e.message}\n`);
      return e.exitCode;
    }
    const msg = e instanceof Error ? e.message : String(e);
    if (jsonErrors) out(errorJson('INTERNAL', msg));
    else process.stderr.write(`msf: internal error: ${msg}\nPlease report this with the command you ran.\n`);
    return EXIT.internal;
  }
}
