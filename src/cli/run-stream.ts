/** `msf run --stream`: the streaming plan (issue #14) run for real, labelled layer by layer. */
import { UsageError } from '../errors.js';
import type { Model } from '../model/ir.js';
import type { PlanOptions } from '../plan/planner.js';
import { groupDigits } from '../report/digits.js';
import { sramFigures, sramTerms, stackBudget } from '../report/memory.js';
import type { McuProfile } from '../runtime/mcu.js';
import { checkSramFit, fitLine } from './target.js';
import { SCHEMA_VERSION } from '../report/schema.js';
import { refuseWithStream, streamEdgeLines } from '../plan/stream-plan.js';
import { runStreamedModel } from '../runtime/stream-run.js';
import { readRunInputs, writeRunOutputs } from './run-io.js';
import type { Out } from './options.js';
import type { RunFlags } from './run.js';

export function streamRunAction(model: Model, seed: number, options: PlanOptions, flags: RunFlags, out: Out, mcu?: McuProfile): void {
  refuseWithStream(options);
  for (const [flag, given] of [['--arena', flags.arena], ['--report', flags.report]] as const)
    if (given) throw new UsageError(`--stream: ${flag} is not supported with --stream yet; drop ${flag} (${flag === '--arena' ? 'the arena is the streaming plan\'s predicted peak; --ram limits it' : '`msf plan --stream --report` writes the streaming plan\'s report'})`);
  const inputs = readRunInputs(flags.input ?? [], model);
  const r = runStreamedModel(model, {
    seed, check: true, ...(inputs ? { inputs } : {}), ...(options.inputInArena ? { inputInArena: true } : {}), ...(options.engine ? { engine: options.engine } : {}),
    ...(options.ramLimit !== undefined ? { ramLimit: options.ramLimit } : {}), ...(options.maxOverhead !== undefined ? { maxOverhead: options.maxOverhead } : {}),
  });
  // --mcu: planned within the part's budget (executableTarget); no C is built, so the fit counts the stack allowance.
  const fit = mcu ? checkSramFit(mcu, model, r.arenaBytes, stackBudget(undefined, mcu), options.inputInArena === true) : undefined;
  writeRunOutputs(r, flags.output, flags.outputDir);
  const sram = sramFigures(model, r.arenaBytes, options.inputInArena);
  const json = {
    schemaVersion: SCHEMA_VERSION, model: r.model, stream: true,
    predictedPeakBytes: r.predictedPeakBytes, measuredPeakBytes: r.measuredPeakBytes, arenaBytes: r.arenaBytes,
    inputBytes: sram.inputBytes, outputBytes: sram.outputBytes, totalSramBytes: sram.totalSramBytes,
    macs: r.macs, predictedMacs: r.predictedMacs, baselineMacs: r.baselineMacs, edges: r.edges, outputSha256: r.outputSha256,
    searchMs: Math.round(r.searchMs), runMs: Math.round(r.runMs), ...(mcu ? { mcu: mcu.id, fit } : {}),
  };
  if (flags.json) return out(JSON.stringify(json, null, 2));
  const f = groupDigits;
  out([
    `model ${r.model}: streaming plan (issue #14 specification), ${r.edges.length} edges, run pixel by pixel with checking on`,
    `peak RAM   predicted ${f(r.predictedPeakBytes)} B, measured ${f(r.measuredPeakBytes)} B ${r.predictedPeakBytes === r.measuredPeakBytes ? '(identical)' : '(MISMATCH)'}; arena ${f(r.arenaBytes)} B${options.inputInArena ? ' (the network input lives in it)' : ''}`,
    `total SRAM ${f(sram.totalSramBytes)} B = ${sramTerms(sram, options.inputInArena)}`,
    ...(mcu && fit ? [fitLine(mcu, fit)] : []),
    `MACs       ${f(r.macs)} (predicted ${f(r.predictedMacs)}, F ${(r.macs / r.baselineMacs).toFixed(3)})`,
    'edges:',
    ...streamEdgeLines(r.edges),
    `output     sha256 ${r.outputSha256}`,
    ...(flags.output ? [`written    ${flags.output}`] : []),
    ...(flags.outputDir ? [`written    ${flags.outputDir}/out_<j>.bin`] : []),
    `time       search ${r.searchMs.toFixed(0)} ms (streaming table and front), run ${r.runMs.toFixed(0)} ms (TS driver, one Wasm kernel call per pixel)`,
  ].join('\n'));
}
