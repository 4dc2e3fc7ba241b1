/**
 * The `msf` command: a thin shell over the library (src/index.ts). Exit codes: 0 ok, 2 usage,
 * 3 model error, 4 infeasible (ARCHITECTURE.md).
 */
import { Command, CommanderError } from 'commander';
import { EXIT, MsfError, UsageError } from '../errors.js';
import { baselineMacs, tensorBytes } from '../model/ir.js';
import { buildChain } from '../model/chain.js';
import { mobilenetLike, randomChain } from '../model/generate.js';
import { loadModel } from '../import/load.js';
import { DEFAULT_MODEL, ZOO_IDS, zooDescription, zooModel } from '../model/zoo.js';
import { paperCostTable } from '../cost/paper.js';
import { vanilla } from '../plan/problems.js';
import { planModel } from '../plan/planner.js';
import { planHtml } from '../report/html.js';
import { planJson } from '../report/json.js';
import { planText } from '../report/text.js';
import { MCUS } from '../runtime/mcu.js';
import { runModel } from '../runtime/run.js';
import '../runtime/wasm-node.js'; // registers the Wasm engine, the default
import { readInput, writeOutput } from './files.js';
import { addInspectCommand } from './inspect-command.js';
import { type Out, type PlanFlags, ReportedError, addPlanOptions, executableTarget, parseArena, parseSeed, planOptions } from './options.js';
import type { ProgressStream } from './progress.js';
import { addSweepCommand } from './sweep-command.js';
import { addEmitCommand } from './emit-command.js';

let jsonErrors = false;


export function buildProgram(out: Out, err: ProgressStream = process.stderr): Command {
  const program = new Command('msf')
    .description('msf-cnn: patch-based multi-stage fusion planner for int8 CNNs on microcontrollers')
    .showHelpAfterError('(run `msf --help` for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => process.stderr.write(s) });

  program
    .command('zoo')
    .description('list the built-in models')
    .option('--json', 'machine-readable output')
    .action((flags: { json?: boolean }) => {
      const rows = ZOO_IDS.map((id) => {
        const m = zooModel(id);
        const input = m.tensors[m.input]!.shape;
        return {
          id,
          layers: m.layers.length,
          input: [...input],
          baselineMacs: baselineMacs(m),
          vanillaPeakBytes: vanilla(paperCostTable(m)).peakBytes,
          inputBytes: tensorBytes(input),
          description: zooDescription(id),
        };
      });
      if (flags.json) return out(JSON.stringify(rows, null, 2));
      const header = ['id', 'layers', 'input', 'baseline MACs', 'vanilla peak (B)', 'description'];
      const cells = rows.map((r) => [r.id, String(r.layers), r.input.join('x'), r.baselineMacs.toLocaleString('en-US'), r.vanillaPeakBytes.toLocaleString('en-US'), r.description]);
      const all = [header, ...cells];
      const w = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
      out(all.map((r) => r.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd()).join('\n'));
    });

  addPlanOptions(
    program
      .command('plan')
      .description('find the fusion setting: P1 (min peak RAM under --max-overhead), P2 (min MACs under --ram), or the minimum-RAM plan')
      .argument('[model]', `zoo id (${ZOO_IDS.join(', ')}) or chain .json file`, DEFAULT_MODEL),
  )
    .option('--front', 'also print the whole RAM/MAC Pareto front')
    .option('--mcu <id>', `microcontroller profile: its clock turns the instruction estimates into ms (${MCUS.map((m) => m.id).join(', ')})`)
    .option('--json', 'machine-readable output (ARCHITECTURE.md contract)')
    .option('--report <file.html>', 'write a self-contained HTML report with the front plotted')
    .action((modelRef: string, flags: PlanFlags) => {
      jsonErrors = Boolean(flags.json);
      const options = planOptions(flags);
      const model = loadModel(modelRef);
      const result = planModel(model, options);
      if (flags.report) writeOutput(flags.report, planHtml(model, result), '--report');
      if (!flags.front) delete result.front;
      out(flags.json ? JSON.stringify(planJson(result), null, 2) : planText(model, result));
      if (flags.report && !flags.json) out(`report written to ${flags.report}`);
    });
  addPlanOptions(
    program
      .command('run')
      .description('plan, then execute the plan with bit-exact int8 kernels in a simulated MCU arena; reports predicted vs measured peak')
      .argument('[model]', `zoo id (${ZOO_IDS.join(', ')}) or chain .json file`, DEFAULT_MODEL),
    'exact',
  )
    .option('--seed <n>', 'seed of the generated weights and of the default input', '1')
    .option('--mcu <id>', `microcontroller profile: its SRAM is the RAM budget and the arena (${MCUS.map((m) => m.id).join(', ')})`)
    .option('--arena <size>', 'arena capacity (default: the plan\'s predicted peak)')
    .option('--input <file>', 'raw input bytes in the model\'s input encoding: int8, or float32 little-endian / uint8 for a .tflite with a QUANTIZE input (default: a seeded input)')
    .option('--output <file>', 'write the raw output bytes here, in the model\'s output encoding (int8, or float32 / uint8 after a DEQUANTIZE / QUANTIZE output)')
    .option('--json', 'machine-readable output')
    .action((modelRef: string, flags: PlanFlags & { seed: string; mcu?: string; arena?: string; input?: string; output?: string }) => {
      jsonErrors = Boolean(flags.json);
      const options = planOptions(flags);
      const { model, seed, mcu } = executableTarget(modelRef, flags, options);
      const input = flags.input ? readInput(flags.input, '--input') : undefined;
      const capacity = flags.arena ? parseArena(flags.arena) : mcu?.sramBytes;
      const r = runModel(model, { ...options, seed, ...(input ? { input } : {}), ...(capacity !== undefined ? { capacity } : {}) });
      if (flags.output) writeOutput(flags.output, r.output, '--output');
      const json = {
        model: r.model, costModel: r.costModel, predictedPeakBytes: r.predictedPeakBytes, measuredPeakBytes: r.measuredPeakBytes,
        paperPeakBytes: r.paperPeakBytes, arenaBytes: r.arenaBytes, macs: r.macs, predictedMacs: r.predictedMacs, blocks: r.blocks,
        outputSha256: r.outputSha256, ms: Math.round(r.ms * 1000) / 1000, ...(mcu ? { mcu: mcu.id } : {}),
        ...(r.inputEncoding !== 'int8' || r.outputEncoding !== 'int8' ? { inputEncoding: r.inputEncoding, outputEncoding: r.outputEncoding } : {}),
      };
      if (flags.json) return out(JSON.stringify(json, null, 2));
      const f = (n: number) => n.toLocaleString('en-US');
      out([
        `model ${r.model}: ${r.blocks.length} blocks (cost model ${r.costModel})${mcu ? ` on ${mcu.name}` : ''}`,
        `peak RAM   predicted ${f(r.predictedPeakBytes)} B, measured ${f(r.measuredPeakBytes)} B ${r.predictedPeakBytes === r.measuredPeakBytes ? '(identical)' : '(MISMATCH)'}; arena ${f(r.arenaBytes)} B`,
        `paper's accounting of the same blocks: ${r.paperPeakBytes === null ? 'n/a (model outside the paper\'s cost model)' : `${f(r.paperPeakBytes)} B`}`,
        `MACs       ${f(r.macs)} (predicted ${f(r.predictedMacs)})`,
        `output     ${r.output.length} B${r.outputEncoding !== 'int8' ? ` ${r.outputEncoding}` : ''}, sha256 ${r.outputSha256}${flags.output ? ` -> ${flags.output}` : ''}`,
        `time       ${r.ms.toFixed(1)} ms`,
      ].join('\n'));
    });

  addInspectCommand(program, out);
  addSweepCommand(program, out, err);
  addEmitCommand(program, out);

  program
    .command('gen')
    .description('generate a chain-model JSON: a MobileNet-like chain of any depth, or a seeded random chain')
    .argument('<kind>', 'mobilenet-like | random')
    .option('--layers <n>', 'number of layers', '200')
    .option('--input <size>', 'input height and width (mobilenet-like)', '224')
    .option('--seed <n>', 'seed', '1')
    .option('--out <file>', 'write to a file instead of stdout')
    .action((kind: string, flags: { layers: string; input: string; seed: string; out?: string }) => {
      const int = (v: string, name: string, min: number) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name}: expected an integer >= ${min}, got "${v}"`);
        return n;
      };
      const layers = int(flags.layers, 'layers', 1);
      const seed = parseSeed(flags.seed);
      let spec;
      if (kind === 'mobilenet-like') spec = mobilenetLike(layers, int(flags.input, 'input', 8), seed);
      else if (kind === 'random') spec = randomChain(seed, layers);
      else throw new UsageError(`gen: unknown kind "${kind}"; choose mobilenet-like or random`);
      buildChain(spec); // validate before writing
      const text = JSON.stringify(spec);
      if (flags.out) {
        writeOutput(flags.out, text + '\n', '--out');
        out(`wrote ${flags.out}: ${spec.layers.length} layers, input ${spec.input.join('x')}`);
      } else out(text);
    });
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
      if (jsonErrors) out(JSON.stringify({ error: { code: 'USAGE', message: e.message } }));
      return EXIT.usage;
    }
    if (e instanceof ReportedError) {
      if (!jsonErrors) process.stderr.write(`msf: error: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof MsfError) {
      if (jsonErrors) out(JSON.stringify({ error: { code: e.code, message: e.message } }));
      else process.stderr.write(`msf: error: ${e.message}\n`);
      return e.exitCode;
    }
    const msg = e instanceof Error ? e.message : String(e);
    if (jsonErrors) out(JSON.stringify({ error: { code: 'INTERNAL', message: msg } }));
    else process.stderr.write(`msf: internal error: ${msg}\nPlease report this with the command you ran.\n`);
    return EXIT.internal;
  }
}
