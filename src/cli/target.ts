/**
 * The model as `run` and `emit` execute it, and the --mcu checks: seeded weights (--seed) where the
 * model has none; with --mcu, the RAM budget is what the part's SRAM leaves after the input and
 * output buffers, the stack and the reserve (unless --ram says otherwise), and flash is checked.
 */
import { InfeasibleError } from '../errors.js';
import type { Model } from '../model/ir.js';
import { loadModel } from '../import/load.js';
import type { PlanOptions } from '../plan/planner.js';
import { MCU_RESERVE_BYTES, MCU_STACK_BYTES, mcuArenaBudget, sramFigures } from '../report/memory.js';
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
    const budget = mcuArenaBudget(mcu.sramBytes, model, MCU_STACK_BYTES);
    if (budget <= 0) throw new InfeasibleError(mcuMessage(mcu, model, null));
    if (options.ramLimit === undefined) options.ramLimit = budget;
  }
  return { model, seed, ...(mcu ? { mcu } : {}) };
}

/** Refuses an arena that, with the buffers, the stack and the reserve, does not fit the part's SRAM. */
export function checkSramFit(mcu: McuProfile, model: Model, arenaBytes: number): void {
  if (arenaBytes > mcuArenaBudget(mcu.sramBytes, model, MCU_STACK_BYTES)) throw new InfeasibleError(mcuMessage(mcu, model, arenaBytes));
}

function mcuMessage(mcu: McuProfile, model: Model, arenaBytes: number | null): string {
  const f = groupDigits;
  const s = sramFigures(model, arenaBytes ?? 0);
  const needs = `input ${f(s.inputBytes)} B + output ${f(s.outputBytes)} B + stack ${f(MCU_STACK_BYTES)} B + reserve ${f(MCU_RESERVE_BYTES)} B`;
  return arenaBytes === null
    ? `the ${mcu.name} has ${f(mcu.sramBytes)} B of SRAM: ${needs} leave no room for the arena; choose a larger part or a smaller model`
    : `the plan needs an arena of ${f(arenaBytes)} B + ${needs} = ${f(s.totalSramBytes + MCU_STACK_BYTES + MCU_RESERVE_BYTES)} B, but the ${mcu.name} has ${f(mcu.sramBytes)} B of SRAM; lower --ram or choose a larger part`;
}
