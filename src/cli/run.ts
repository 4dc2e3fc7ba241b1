/** `msf run`: plan, execute in the simulated arena, report predicted vs measured and total SRAM. */
import { ArenaOverflowError, MsfError } from '../errors.js';
import { sramFigures, sramTerms, stackBudget } from '../report/memory.js';
import { SCHEMA_VERSION } from '../report/schema.js';
import { flashBytes } from '../runtime/lower.js';
import { runModel } from '../runtime/run.js';
import '../runtime/wasm-node.js'; // registers the Wasm engine, the default
import { outputsJson, readRunInputs, writeRunOutputs } from './run-io.js';
import { type Out, type PlanFlags, parseArena, planOptions } from './options.js';
import { checkSramFit, executableTarget, fitLine } from './target.js';
import { groupDigits } from '../report/digits.js';
import { streamRunAction } from './run-stream.js';

export interface RunFlags extends PlanFlags {
  seed: string;
  mcu?: string;
  arena?: string;
  input: string[];
  output?: string;
  outputDir?: string;
  stream?: boolean;
}

/** An overflow of the arena the user sized (--arena) says so: the error's own advice names --arena and --ram. */
function withArenaAdvice<T>(arenaGiven: boolean, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (!arenaGiven || !(e instanceof ArenaOverflowError)) throw e;
    throw new MsfError(e.code, `--arena: ${e.message}`, e.exitCode);
  }
}

export function runAction(modelRef: string, flags: RunFlags, out: Out): void {
  const options = planOptions(flags);
  const { model, seed, mcu } = executableTarget(modelRef, flags, options);
  if (flags.stream) return streamRunAction(model, seed, options, flags, out, mcu);
  const inputs = readRunInputs(flags.input ?? [], model);
  const capacity = flags.arena ? parseArena(flags.arena) : undefined;
  const r = withArenaAdvice(capacity !== undefined, () => runModel(model, { ...options, seed, ...(inputs ? { inputs } : {}), ...(capacity !== undefined ? { capacity } : {}) }));
  const inArena = options.inputInArena === true;
  const fit = mcu ? checkSramFit(mcu, model, r.arenaBytes, stackBudget(undefined, mcu), inArena) : undefined;
  writeRunOutputs(r, flags.output, flags.outputDir);
  const sram = sramFigures(model, r.arenaBytes, inArena);
  const flash = flashBytes(model);
  const json = {
    schemaVersion: SCHEMA_VERSION,
    model: r.model, costModel: r.costModel, predictedPeakBytes: r.predictedPeakBytes, measuredPeakBytes: r.measuredPeakBytes,
    paperPeakBytes: r.paperPeakBytes, arenaBytes: r.arenaBytes, inputBytes: sram.inputBytes, outputBytes: sram.outputBytes,
    totalSramBytes: sram.totalSramBytes, flashBytes: flash, macs: r.macs, predictedMacs: r.predictedMacs, blocks: r.blocks,
    outputSha256: r.outputSha256, outputs: outputsJson(r), ms: Math.round(r.ms * 1000) / 1000, ...(mcu ? { mcu: mcu.id, fit } : {}),
    ...(r.inputEncoding !== 'int8' || r.outputEncoding !== 'int8' ? { inputEncoding: r.inputEncoding, outputEncoding: r.outputEncoding } : {}),
  };
  if (flags.json) return out(JSON.stringify(json, null, 2));
  const f = groupDigits;
  out([
    `model ${r.model}: ${r.blocks.length} blocks (cost model ${r.costModel})${mcu ? ` on ${mcu.name}` : ''}`,
    `peak RAM   predicted ${f(r.predictedPeakBytes)} B, measured ${f(r.measuredPeakBytes)} B ${r.predictedPeakBytes === r.measuredPeakBytes ? '(identical)' : '(MISMATCH)'}; arena ${f(r.arenaBytes)} B${inArena ? ' (the network input lives in it)' : ''}`,
    `total SRAM ${f(sram.totalSramBytes)} B = ${sramTerms(sram, inArena).replace(/^arena/, `arena ${f(r.arenaBytes)}`)}`,
    `flash      ${f(flash)} B of weights and constants`,
    ...(mcu && fit ? [fitLine(mcu, fit)] : []),
    `paper's accounting of the same blocks: ${r.paperPeakBytes === null ? 'n/a (model outside the paper\'s cost model)' : `${f(r.paperPeakBytes)} B`}`,
    `MACs       ${f(r.macs)} (predicted ${f(r.predictedMacs)})`,
    // A float32 / uint8 output is converted from the int8 buffer the total SRAM counts: say both sizes.
    ...r.outputs.map((o, j) => `output${r.outputs.length > 1 ? ` ${j}` : '  '}   ${o.shape.join('x')} ${o.dtype}, ${f(o.bytes.length)} B${o.dtype === 'int8' ? '' : ` (converted from the ${f(o.shape.reduce((a, b) => a * b, 1))} B int8 output buffer)`}, sha256 ${o.sha256}`),
    ...(flags.output ? [`written    ${flags.output}`] : []),
    ...(flags.outputDir ? [`written    ${flags.outputDir}/out_<j>.bin`] : []),
    `time       ${r.ms.toFixed(1)} ms`,
  ].join('\n'));
}
