/**
 * Typed errors. Every error a user can cause carries a stable `code`, a message that says what is
 * wrong, where, and what to do, and the CLI exit code it maps to (README.md, "CLI": exit codes).
 */
import { groupDigits } from './report/digits.js';

export const EXIT = { ok: 0, usage: 2, model: 3, infeasible: 4, internal: 1 } as const;

export class MsfError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad command-line arguments or API options. */
export class UsageError extends MsfError {
  constructor(message: string) {
    super('USAGE', message, EXIT.usage);
  }
}

/** The model cannot be read, is malformed, or uses something we do not support. */
export class ModelError extends MsfError {
  constructor(message: string, code = 'MODEL') {
    super(code, message, EXIT.model);
  }
}

/** A model file whose bytes are malformed (truncated, bad offsets, bad enums...). */
export class ModelFormatError extends ModelError {
  constructor(message: string) {
    super(message, 'MODEL_FORMAT');
  }
}

/** No plan meets the constraints; the message names the best reachable figure. */
export class InfeasibleError extends MsfError {
  constructor(message: string) {
    super('INFEASIBLE', message, EXIT.infeasible);
  }
}

/** A Wasm trap or abort, turned into something readable. The engine stays usable afterwards. */
export class WasmError extends MsfError {
  constructor(message: string) {
    super('WASM', message, EXIT.internal);
  }
}

/**
 * A buffer does not fit in the arena (placement, or the McuArena at run time). `planBytes`: the
 * arena the plan needs (its predicted peak), known where a caller's capacity is checked against a
 * plan (scheduleOf); the advice then names it.
 */
export class ArenaOverflowError extends MsfError {
  constructor(
    readonly buffer: string,
    readonly needed: number,
    readonly available: number,
    readonly capacity: number,
    readonly planBytes?: number,
  ) {
    const f = groupDigits;
    const size = planBytes !== undefined && planBytes > capacity
      ? `this plan needs at least ${f(planBytes)} B: give --arena ${planBytes} or more (or no --arena: the arena is then the plan's peak)`
      : `the arena must be larger than ${f(capacity)} B: give a larger --arena`;
    super(
      'ARENA_OVERFLOW',
      `arena overflow: ${buffer} needs ${f(needed)} B but only ${f(available)} B are free in the ${f(capacity)} B arena; ${size}, or plan for ${f(capacity)} B with --ram ${capacity}`,
      EXIT.infeasible,
    );
  }
}

/** A model or option past what an engine can hold (Wasm memory, layer counts): the message names the limit and the way out. */
export class EngineLimitError extends MsfError {
  constructor(message: string) {
    super('ENGINE_LIMIT', message, EXIT.infeasible);
  }
}
