/**
 * What a plan needs on the device, in the words every report uses:
 * - arena: the one static buffer holding every activation, column cache and scratch (the cost
 *   model's peak; under the exact model, what the executor and the emitted C allocate);
 * - total SRAM: the arena plus the network's int8 input and output buffers (all of them, for a model
 *   with several), which the caller owns (`msf_model_run(in, out)`) and so live outside it;
 * - flash: weights, biases, quantisation and lookup tables (executable models only).
 * An MCU must hold the total SRAM, the stack and a reserve (see mcuArenaBudget, sramFit).
 */
import { type Model, modelInputs, modelOutputs, tensorBytes } from '../model/ir.js';
import type { McuProfile } from '../runtime/mcu.js';
import type { CodeMeasure } from './code.js';
import { groupDigits } from './digits.js';

export interface SramFigures {
  arenaBytes: number;
  inputBytes: number;
  outputBytes: number;
  /** arenaBytes + inputBytes + outputBytes. */
  totalSramBytes: number;
}

/** Bytes of the caller's buffers: every network input, every network output. */
const callerBytes = (model: Model, tensors: readonly number[]): number => tensors.reduce((a, t) => a + tensorBytes(model.tensors[t]!.shape), 0);

/** inputInArena: the network inputs live in the arena (counted there), no input buffer outside it. */
export function sramFigures(model: Model, arenaBytes: number, inputInArena = false): SramFigures {
  const inputBytes = inputInArena ? 0 : callerBytes(model, modelInputs(model));
  const outputBytes = callerBytes(model, modelOutputs(model));
  return { arenaBytes, inputBytes, outputBytes, totalSramBytes: arenaBytes + inputBytes + outputBytes };
}

/**
 * The terms of the total SRAM, as every report writes them: `arena + input 3,072 B + output 10 B
 * (the caller's buffers)`, or `arena (with the input) + output 10 B (the caller's buffer)`.
 */
export function sramTerms(s: SramFigures, inputInArena = false): string {
  const f = groupDigits;
  return inputInArena
    ? `arena (with the input) + output ${f(s.outputBytes)} B (the caller's buffer)`
    : `arena + input ${f(s.inputBytes)} B + output ${f(s.outputBytes)} B (the caller's buffers)`;
}

/**
 * The stack allowed for the emitted C where it was not measured (`msf run`, `msf emit --no-build`,
 * no compiler for the part's core): the worst call path of `msf_model_run` measured with
 * `arm-none-eabi-gcc -fstack-usage` is below it for every program the tests emit (about 1.1-1.6 KiB
 * on a Cortex-M4 with the fast kernels, 2.4-2.5 KiB for streamed C; src/emit/measure.ts), and so is
 * the sum of the frames of every function an ordinary plan's code can call (about 4.0 KiB).
 */
export const MCU_STACK_BYTES = 4096;

/**
 * SRAM kept free on an MCU besides the plan's total and the stack: the C runtime's own data
 * (libc, startup code) and interrupt frames.
 */
export const MCU_RESERVE_BYTES = 2048;

/**
 * The largest arena a part can take for this model: its SRAM minus the input and output buffers,
 * the stack and MCU_RESERVE_BYTES (with inputInArena the input is the arena's to hold). May be negative (nothing fits).
 */
export function mcuArenaBudget(sramBytes: number, model: Model, stackBytes: number, inputInArena = false): number {
  const { inputBytes, outputBytes } = sramFigures(model, 0, inputInArena);
  return sramBytes - inputBytes - outputBytes - stackBytes - MCU_RESERVE_BYTES;
}

/** The stack an --mcu check counts, and where the figure comes from. */
export interface StackBudget {
  bytes: number;
  /** `measured`: the emitted code's worst call path, built for the part's core; `allowance`: MCU_STACK_BYTES. */
  source: 'measured' | 'allowance';
  /** Why the allowance is used (not built, built for another core, stack not bounded). */
  why?: string;
}

/** The measured stack when the code was built for this part's core and bounded, else the allowance (saying why). */
export function stackBudget(code: CodeMeasure | undefined, mcu: McuProfile): StackBudget {
  if (!code) return { bytes: MCU_STACK_BYTES, source: 'allowance', why: 'no C was built' };
  if (!code.built) return { bytes: MCU_STACK_BYTES, source: 'allowance', why: `not built: ${code.reason}` };
  if (code.core !== mcu.core) return { bytes: MCU_STACK_BYTES, source: 'allowance', why: `built with ${code.compiler} for ${code.machine}, not for the ${mcu.name}'s ${mcu.core}` };
  if (code.stack.bytes === null) return { bytes: MCU_STACK_BYTES, source: 'allowance', why: `stack not measured: ${code.stack.reason}` };
  return { bytes: code.stack.bytes, source: 'measured' };
}

/** An --mcu SRAM check, every term named: total SRAM + stack + reserve against the part's SRAM. */
export interface SramFit extends SramFigures {
  mcu: string;
  sramBytes: number;
  stackBytes: number;
  stackSource: StackBudget['source'];
  /** Why the allowance stands in for a measurement. */
  stackWhy?: string;
  reserveBytes: number;
  /** The network inputs live in the arena (inputBytes 0). */
  inputInArena?: true;
  /** totalSramBytes + stackBytes + reserveBytes. */
  neededBytes: number;
  fits: boolean;
}

export function sramFit(mcu: McuProfile, model: Model, arenaBytes: number, stack: StackBudget, inputInArena = false): SramFit {
  const s = sramFigures(model, arenaBytes, inputInArena);
  const neededBytes = s.totalSramBytes + stack.bytes + MCU_RESERVE_BYTES;
  return {
    mcu: mcu.id, sramBytes: mcu.sramBytes, ...s, stackBytes: stack.bytes, stackSource: stack.source, ...(stack.why ? { stackWhy: stack.why } : {}),
    reserveBytes: MCU_RESERVE_BYTES, ...(inputInArena ? { inputInArena: true as const } : {}), neededBytes, fits: neededBytes <= mcu.sramBytes,
  };
}

/** `total SRAM 81,196 B + stack 1,272 B (measured) + reserve 2,048 B = 84,516 B`. */
export function fitSum(fit: SramFit): string {
  const f = groupDigits;
  const stack = fit.stackSource === 'measured' ? 'measured' : `allowance; ${fit.stackWhy}`;
  const terms = fit.inputInArena ? `arena ${f(fit.arenaBytes)} with the input + output ${f(fit.outputBytes)}` : `arena ${f(fit.arenaBytes)} + input ${f(fit.inputBytes)} + output ${f(fit.outputBytes)}`;
  return `total SRAM ${f(fit.totalSramBytes)} B (${terms}) + stack ${f(fit.stackBytes)} B (${stack}) + reserve ${f(fit.reserveBytes)} B = ${f(fit.neededBytes)} B`;
}
