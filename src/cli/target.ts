/**
 * The model as `run` and `emit` execute it, and the --mcu checks: seeded weights (--seed) where the
 * model has none; with --mcu, the RAM budget is what the part's SRAM leaves after the input and
 * output buffers, the stack allowance and the reserve (unless --ram says otherwise), and flash is
 * checked. The final SRAM check counts the emitted code's measured stack where it was built for the
 * part (`msf emit`), the allowance otherwise, and says which.
 */
import { InfeasibleError } from '../errors.js';
import type { Model } from '../model/ir.js';
import { loadModel } from '../import/load.js';
import type { PlanOptions } from '../plan/planner.js';
import type { CodeMeasure } from '../report/code.js';
import { MCU_RESERVE_BYTES, MCU_STACK_BYTES, type SramFit, type StackBudget, fitSum, mcuArenaBudget, sramFigures, sramFit } from '../report/memory.js';
import { flashBytes } from '../runtime/lower.js';
import { type McuProfile, checkFlash, mcuProfile } from '../runtime/mcu.js';
import { executableModel } from '../model/seeded.js';
import { parseSeed } from './options.js';
import { groupDigits } from '../report/digits.js';

export function executableTarget(modelRef: string, flags: { seed: string; mcu?: string }, options: PlanOptions): { model: Model; seed: number; mcu?: McuProfile } {
  const seed = parseSeed(flags.seed);
  const mcu = flags.mcu ? mcuProfile(flags.mcu) : undefined;
  const model = executableModel(loadModel(modelRef), seed);
  if (mcu) {
    checkFlash(mcu, flashBytes(model));
    const inArena = options.inputInArena === true;
    const budget = mcuArenaBudget(mcu.sramBytes, model, MCU_STACK_BYTES, inArena);
    if (budget <= 0) throw new InfeasibleError(noRoomMessage(mcu, model, inArena));
    if (options.ramLimit === undefined) options.ramLimit = budget;
  }
  return { model, seed, ...(mcu ? { mcu } : {}) };
}

/** Refuses an arena that, with the buffers, the stack and the reserve, does not fit the part's SRAM. */
export function checkSramFit(mcu: McuProfile, model: Model, arenaBytes: number, stack: StackBudget, inputInArena = false): SramFit {
  const fit = sramFit(mcu, model, arenaBytes, stack, inputInArena);
  if (!fit.fits)
    throw new InfeasibleError(`the plan needs ${fitSum(fit)}, but the ${mcu.name} has ${groupDigits(mcu.sramBytes)} B of SRAM; lower --ram or choose a larger part`);
  return fit;
}

/** Refuses code built for the part whose flash (text + data of the linked ELF) exceeds the part's. */
export function checkCodeFlash(mcu: McuProfile, code: CodeMeasure): void {
  if (code.built && code.core === mcu.core && code.size.flashBytes > mcu.flashBytes)
    throw new InfeasibleError(
      `the emitted code needs ${groupDigits(code.size.flashBytes)} B of flash (.text ${groupDigits(code.size.textBytes)} B, .rodata ${groupDigits(code.size.rodataBytes)} B, built with ${code.compiler}), but the ${mcu.name} has ${groupDigits(mcu.flashBytes)} B; choose a larger part or a smaller model`,
    );
}

/** `fits the STM32F412ZG: total SRAM ... = N B of M B SRAM`. */
export function fitLine(mcu: McuProfile, fit: SramFit): string {
  return `fits the ${mcu.name}: ${fitSum(fit)} of ${groupDigits(mcu.sramBytes)} B SRAM`;
}

function noRoomMessage(mcu: McuProfile, model: Model, inputInArena: boolean): string {
  const f = groupDigits;
  const s = sramFigures(model, 0, inputInArena);
  return `the ${mcu.name} has ${f(mcu.sramBytes)} B of SRAM: ${inputInArena ? '' : `input ${f(s.inputBytes)} B + `}output ${f(s.outputBytes)} B + stack ${f(MCU_STACK_BYTES)} B (allowance) + reserve ${f(MCU_RESERVE_BYTES)} B leave no room for the arena; choose a larger part or a smaller model`;
}
