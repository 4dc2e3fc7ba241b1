/**
 * The executor's checking mode (RunOptions.check): a per-byte shadow map of the arena, driven by the
 * plan's schedule (src/plan/schedule.ts). Each arena byte is owned by the tensor whose live bytes it
 * holds, or by nothing. Around every step it checks that
 *   - every arena byte the step reads (its operands, a fused ADD's other operand) holds a live byte
 *     of that very tensor: never a dead byte, never another tensor's;
 *   - every buffer the step takes (output, column caches, scratch) covers no live byte: a live
 *     tensor is still to be read (it is released after its last reader);
 *   - the step changed no arena byte outside the buffers it took (a snapshot comparison, so this
 *     checks what the Wasm kernels really wrote).
 * After the step its output is live, its caches and scratch dead, its released tensors dead.
 * Reads of bytes a step wrote itself (caches) happen inside Wasm; that they are never read before
 * being written is checked by running with two different poison values (the same output follows).
 */
import { EXIT, MsfError } from '../errors.js';
import type { Step, TensorAt } from '../plan/schedule.js';

/** The arena schedule or a kernel broke the memory discipline: an internal error (exit 1). */
export class ShadowError extends MsfError {
  constructor(message: string) {
    super('SHADOW', message, EXIT.internal);
  }
}

const DEAD = -1;

export class ShadowArena {
  private readonly owner: Int32Array;
  private snapshot: Uint8Array | null = null;

  constructor(
    capacity: number,
    private readonly modelName: string,
  ) {
    this.owner = new Int32Array(capacity).fill(DEAD);
  }

  private fail(step: Step, what: string): never {
    throw new ShadowError(`${this.modelName}: step [${step.first}, ${step.last}] ${what}`);
  }

  /** A network input written into the arena before the first step: its bytes are live. */
  preload(t: TensorAt): void {
    this.owner.fill(t.tensor, t.offset, t.offset + t.size);
  }

  /** Call before the step runs, with a view of the arena's bytes. */
  before(step: Step, arena: Uint8Array): void {
    const reads: TensorAt[] = [step.input, ...(step.input2 ? [step.input2] : []), ...step.stages.flatMap((s) => (s.other ? [s.other.operand] : []))];
    for (const r of reads) {
      if (r.at !== 'arena') continue;
      for (let b = r.offset; b < r.offset + r.size; b++) {
        const o = this.owner[b]!;
        if (o !== r.tensor)
          this.fail(step, `reads arena byte ${b} as tensor ${r.tensor}, but it holds ${o === DEAD ? 'no live data' : `live tensor ${o}`}`);
      }
    }
    for (const t of step.takes)
      for (let b = t.offset; b < t.offset + t.size; b++) {
        const o = this.owner[b]!;
        if (o !== DEAD) this.fail(step, `takes ${t.name} over arena byte ${b} of live tensor ${o}, which is still to be read`);
      }
    this.snapshot = arena.slice();
  }

  /** Call after the step ran (before its releases). */
  after(step: Step, arena: Uint8Array): void {
    const taken = new Uint8Array(this.owner.length);
    for (const t of step.takes) taken.fill(1, t.offset, t.offset + t.size);
    const s = this.snapshot!;
    for (let b = 0; b < arena.length; b++)
      if (!taken[b] && arena[b] !== s[b]) this.fail(step, `wrote arena byte ${b}, outside the buffers it took`);
    for (const t of step.takes) this.owner.fill(DEAD, t.offset, t.offset + t.size);
    if (step.output.at === 'arena') this.owner.fill(step.output.tensor, step.output.offset, step.output.offset + step.output.size);
    for (const r of step.release) this.owner.fill(DEAD, r.offset, r.offset + r.size);
  }
}
