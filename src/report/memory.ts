/**
 * What a plan needs on the device, in the words every report uses:
 * - arena: the one static buffer holding every activation, column cache and scratch (the cost
 *   model's peak; under the exact model, what the executor and the emitted C allocate);
 * - total SRAM: the arena plus the network's int8 input and output buffers (all of them, for a model
 *   with several), which the caller owns (`msf_model_run(in, out)`) and so live outside it;
 * - flash: weights, biases, quantisation and lookup tables (executable models only).
 * An MCU must hold the total SRAM, the stack and a reserve (see mcuArenaBudget).
 */
import { type Model, modelInputs, modelOutputs, tensorBytes } from '../model/ir.js';

export interface SramFigures {
  arenaBytes: number;
  inputBytes: number;
  outputBytes: number;
  /** arenaBytes + inputBytes + outputBytes. */
  totalSramBytes: number;
}

/** Bytes of the caller's buffers: every network input, every network output. */
const callerBytes = (model: Model, tensors: readonly number[]): number => tensors.reduce((a, t) => a + tensorBytes(model.tensors[t]!.shape), 0);

export function sramFigures(model: Model, arenaBytes: number): SramFigures {
  const inputBytes = callerBytes(model, modelInputs(model));
  const outputBytes = callerBytes(model, modelOutputs(model));
  return { arenaBytes, inputBytes, outputBytes, totalSramBytes: arenaBytes + inputBytes + outputBytes };
}

/**
 * The stack the emitted C may use: every function's frame from `arm-none-eabi-gcc -fstack-usage`
 * summed (an upper bound of any call chain: the code has no recursion) is about 2.6 KiB since the
 * fast kernels (src/emit/c/msf_*_fast.c) sit beside the reference ones (1,160 B before);
 * test/memory.test.ts measures it again for every emitted program and checks it stays below this.
 */
export const MCU_STACK_BYTES = 3072;

/**
 * SRAM kept free on an MCU besides the plan's total and the stack: the C runtime's own data
 * (libc, startup code) and interrupt frames.
 */
export const MCU_RESERVE_BYTES = 2048;

/**
 * The largest arena a part can take for this model: its SRAM minus the input and output buffers,
 * the stack and MCU_RESERVE_BYTES. May be negative (nothing fits).
 */
export function mcuArenaBudget(sramBytes: number, model: Model, stackBytes: number): number {
  const { inputBytes, outputBytes } = sramFigures(model, 0);
  return sramBytes - inputBytes - outputBytes - stackBytes - MCU_RESERVE_BYTES;
}
