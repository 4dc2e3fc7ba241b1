/** Options shared by the commands that plan (plan, run, sweep, emit), and how they become PlanOptions. */
import { type Command, Option } from 'commander';
import { MsfError, UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { COST_MODELS, ENGINES, type PlanOptions } from '../plan/planner.js';
import { parseOverhead, parseSize } from '../plan/size.js';
import { mcuProfile } from '../runtime/mcu.js';

export interface PlanFlags {
  cost: string;
  engine: string;
  ram?: string;
  maxOverhead?: string;
  front?: boolean;
  maxInstructions?: string;
  maxLatency?: string;
  json?: boolean;
  report?: string;
  /** Plan in the streaming search space (issue #14). */
  stream?: boolean;
  /** With --stream: the network input lives in the arena. */
  inputInArena?: boolean;
}

export type Out = (s: string) => void;

export function planOptions(flags: PlanFlags): PlanOptions {
  if (!(COST_MODELS as readonly string[]).includes(flags.cost))
    throw new UsageError(`--cost: unknown cost model "${flags.cost}"; choose one of ${COST_MODELS.join(', ')}`);
  if (!(ENGINES as readonly string[]).includes(flags.engine))
    throw new UsageError(`--engine: unknown engine "${flags.engine}"; choose one of ${ENGINES.join(', ')}`);
  return {
    cost: flags.cost as PlanOptions['cost'],
    engine: flags.engine as PlanOptions['engine'] & string,
    ...(flags.ram !== undefined ? { ramLimit: parseSize(flags.ram) } : {}),
    ...(flags.maxOverhead !== undefined ? { maxOverhead: parseOverhead(flags.maxOverhead) } : {}),
    front: Boolean(flags.front || flags.report),
    ...latencyLimit(flags),
    ...(flags.stream ? { stream: true } : {}),
    ...(flags.inputInArena ? { inputInArena: true } : {}),
  };
}

/** --max-instructions n, or --max-latency <ms> with --mcu (its clock turns ms into instructions). */
function latencyLimit(flags: PlanFlags & { mcu?: string }): Pick<PlanOptions, 'maxInstructions' | 'clockHz'> {
  const clockHz = flags.mcu ? mcuProfile(flags.mcu).clockHz : undefined;
  const positive = (v: string, what: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${what}: expected a positive number, got "${v}"`);
    return n;
  };
  if (flags.maxInstructions !== undefined && flags.maxLatency !== undefined)
    throw new UsageError('--max-instructions and --max-latency say the same thing: give one of them');
  if (flags.maxLatency !== undefined && clockHz === undefined)
    throw new UsageError('--max-latency <ms> needs --mcu <id> (its clock turns milliseconds into instructions); or give --max-instructions');
  const maxInstructions =
    flags.maxInstructions !== undefined ? positive(flags.maxInstructions, '--max-instructions')
    : flags.maxLatency !== undefined ? (positive(flags.maxLatency, '--max-latency') / 1000) * clockHz! : undefined;
  return { ...(maxInstructions !== undefined ? { maxInstructions } : {}), ...(clockHz ? { clockHz } : {}) };
}

export function addPlanOptions(cmd: Command, defaultCost = 'exact'): Command {
  return cmd
    .addOption(new Option('--cost <model>', "cost model: exact = what the executor and the emitted C allocate; paper = the msf-CNN paper's analytical accounting, for comparison").choices([...COST_MODELS]).default(defaultCost))
    .addOption(new Option('--engine <engine>', 'search engine: Wasm (AssemblyScript) or the pure TypeScript one').choices([...ENGINES]).default(ENGINES[0]))
    .option('--ram <size>', 'RAM budget: bytes, 64k / 64kB (= 64,000) or 64KiB (= 65,536); alone: P2 (min MACs)')
    .option('--max-overhead <F|inf>', 'MAC overhead limit F (MACs <= F x baseline); alone: P1 (min peak)')
    .option('--max-instructions <n>', 'least RAM whose estimated Cortex-M4 instruction count is at most n')
    .option('--max-latency <ms>', 'with --mcu: least RAM whose estimated latency at the core clock is at most ms');
}

/**
 * A failure whose details the command has already printed (e.g. some models of a sweep failed):
 * the CLI exits with its code and prints nothing more, so `--json` output stays one document.
 */
export class ReportedError extends MsfError {
  constructor(code: string, message: string, exitCode: number) {
    super(code, message, exitCode);
  }
}

/** Seeds are decimal integers 0..MAX_SEED: within it, distinct seeds give distinct weights and inputs. */
export const MAX_SEED = 999_999;

export function parseSeed(text: string, option = '--seed'): number {
  if (!/^\d{1,6}$/.test(text)) throw new UsageError(`${option}: expected a decimal integer from 0 to ${MAX_SEED}, got "${text}"`);
  return Number(text);
}

/** `--arena <size>`: a size as for --ram, at most LIMITS.arenaBytes (the executor's Wasm memory holds it). */
export function parseArena(text: string): number {
  const bytes = parseSize(text, '--arena');
  if (bytes > LIMITS.arenaBytes) throw new UsageError(`--arena: ${bytes} bytes is more than the executor can hold; at most ${LIMITS.arenaBytes} (2 GiB)`);
  return bytes;
}
