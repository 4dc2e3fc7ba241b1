/**
 * `msf emit <model> [plan options] --out <dir>`: plans like `msf run` (exact cost model by default),
 * then writes the C99 program (src/emit) and, as a check for the build, the seeded input and the Wasm
 * executor's output for it. Unless --no-build, the C is built in a temporary directory and measured
 * (src/emit/measure.ts: .text, flash, the stack of msf_model_run's worst call path); --mcu then checks
 * the measured stack, or the allowance when it was not built for the part's core. Everything is
 * computed first: a refusal (--mcu too small: exit 4) or any other error leaves the directory as it was.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { emitProgram, emitReadme } from '../emit/emit-c.js';
import { measureCode } from '../emit/measure.js';
import { type CodeMeasure, codeJson, codeLines } from '../report/code.js';
import { problemNote } from '../plan/problems.js';
import { paperNote } from '../report/json.js';
import type { Block } from '../plan/engine.js';
import { type PlanResult, planWithStream } from '../plan/planner.js';
import { type SramFit, sramFigures, sramTerms, stackBudget } from '../report/memory.js';
import { SCHEMA_VERSION } from '../report/schema.js';
import { getExecutor } from '../runtime/run.js';
import { emitTestData, layerByLayer } from '../emit/test-data.js';
import '../runtime/wasm-node.js'; // registers the Wasm engine, the default
import { makeDirectory, refuseNonEmptyDirectory, writeOutput } from './files.js';
import { type Out, type PlanFlags, planOptions } from './options.js';
import { checkCodeFlash, checkSramFit, executableTarget, fitLine } from './target.js';
import { groupDigits } from '../report/digits.js';
import { emitStreamedProgram } from '../emit/stream-c.js';
import { type StreamPlan, streamPlanNote } from '../plan/stream-plan.js';

interface EmitFlags extends PlanFlags {
  seed: string;
  mcu?: string;
  out?: string;
  force?: boolean;
  vanilla?: boolean;
  stream?: boolean;
  testData: boolean;
  build: boolean;
}

export async function emitAction(modelRef: string, flags: EmitFlags, out: Out): Promise<void> {
  if (!flags.out) throw new UsageError('emit: --out <dir> is required (the directory to write the C files to)');
  refuseNonEmptyDirectory(flags.out, '--out', Boolean(flags.force));
  const options = planOptions(flags);
  const { model, seed, mcu } = executableTarget(modelRef, flags, options);

  let blocks: Block[];
  let planNote: string;
  let plan: PlanResult | undefined;
  let stream: StreamPlan | undefined;
  if (flags.vanilla && flags.report) throw new UsageError('--report: the report is of a plan; --vanilla emits without planning (drop one of them)');
  if (flags.vanilla && flags.stream) throw new UsageError('--stream: --vanilla is not supported with --stream (it emits without planning); drop one of them');
  if (flags.vanilla) {
    blocks = layerByLayer(model);
    planNote = 'layer by layer (--vanilla)';
  } else {
    const planned = planWithStream(model, options);
    plan = planned.result;
    stream = planned.streaming ?? undefined;
    blocks = plan.solution.blocks;
    const paper = paperNote(model, plan);
    planNote = problemNote(plan.problem, plan.costModel) + (paper ? `; the paper cost model is ${paper}` : '');
    // The streaming plan `msf run --stream` runs (the same problem on the streaming front).
    if (stream) planNote = streamPlanNote(plan.problem, stream);
  }
  const inputInArena = options.inputInArena === true;
  const emitOptions = { seed, planNote, ...(mcu ? { mcu } : {}), ...(inputInArena ? { inputInArena } : {}) };
  const { files, summary } = stream ? emitStreamedProgram(model, stream.edges, emitOptions) : emitProgram(model, blocks, emitOptions);
  const sram = sramFigures(model, summary.arenaBytes, inputInArena);

  const binaries = new Map<string, Uint8Array>();
  if (flags.testData) {
    for (const [name, bytes] of emitTestData(getExecutor(), model, stream ? layerByLayer(model) : blocks, seed, stream ? {} : { inputInArena }).files) binaries.set(name, bytes);
  }

  // The directory first (a bad --out fails before a build of seconds); a refusal after the build removes what it made.
  const created = makeDirectory(flags.out, '--out');
  let code: CodeMeasure;
  let fit: SramFit | undefined;
  try {
    code = flags.build ? measureCode(files, mcu ? { mcu } : {}) : { built: false, reason: '--no-build' };
    fit = mcu ? checkSramFit(mcu, model, summary.arenaBytes, stackBudget(code, mcu), inputInArena) : undefined;
    if (mcu) checkCodeFlash(mcu, code);
  } catch (e) {
    if (created[0]) rmSync(created[0], { recursive: true, force: true });
    throw e;
  }
  // --no-build keeps emitProgram's README, the same as the library's and the web page's.
  if (flags.build) files.set('README.md', emitReadme(model, summary, { ...emitOptions, code }));
  for (const [name, data] of [...files, ...binaries]) writeOutput(join(flags.out, name), data, '--out');
  if (flags.report && plan) {
    const { planHtml } = await import('../report/html.js');
    writeOutput(flags.report, planHtml(model, plan, { constantsBytes: summary.flashBytes, code, ...(fit ? { fit } : {}), ...(mcu ? { mcuName: mcu.name } : {}) }), '--report');
  }

  const names = [...files.keys(), ...binaries.keys()];
  if (flags.json)
    return out(
      JSON.stringify(
        {
          schemaVersion: SCHEMA_VERSION, model: summary.model, costModel: options.cost, blocks: summary.blocks, arenaBytes: summary.arenaBytes,
          inputBytes: sram.inputBytes, outputBytes: sram.outputBytes, totalSramBytes: sram.totalSramBytes, flashBytes: summary.flashBytes,
          macs: summary.macs, code: codeJson(code), out: flags.out, files: names,
          ...(stream ? { stream: true, edges: stream.edges.map((e) => ({ first: e.m, last: e.n, inPlace: e.inPlace })) } : {}),
          ...(mcu ? { mcu: mcu.id, fit } : {}),
        },
        null,
        2,
      ),
    );
  const f = groupDigits;
  out(
    [
      `model ${summary.model}: ${summary.blocks.length} edges (${planNote})${mcu ? ` for the ${mcu.name}` : ''}`,
      `total SRAM ${f(sram.totalSramBytes)} B = ${sramTerms(sram, inputInArena).replace(/^arena/, `arena ${f(summary.arenaBytes)}`)}; flash ${f(summary.flashBytes)} B of constants; ${f(summary.macs)} MACs`,
      ...codeLines(code),
      ...(mcu && fit ? [fitLine(mcu, fit)] : []),
      `wrote ${names.join(', ')} to ${flags.out} (build commands in README.md)`,
      ...(flags.report ? [`report written to ${flags.report}`] : []),
    ].join('\n'),
  );
}
