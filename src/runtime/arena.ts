/**
 * The simulated MCU arena: one contiguous region of `capacity` bytes. Every buffer of a plan gets an
 * offset before execution (placement), the executor then takes and releases them as it runs, and
 * the arena records what was really used: its high-water mark is the measured peak.
 */
import { ArenaOverflowError } from '../errors.js';
import type { Placed } from '../plan/placement.js';

export class McuArena {
  private live = new Map<string, Placed & { used: number }>();
  private liveUsed = 0;
  /** Most bytes in use at once, counting what each buffer really held. */
  highWater = 0;
  constructor(readonly capacity: number) {}

  /** Takes a placed buffer; `used` defaults to its size and may be lowered by `recordUse`. */
  take(b: Placed): void {
    if (b.offset < 0 || b.offset + b.size > this.capacity)
      throw new ArenaOverflowError(b.name, b.size, Math.max(0, this.capacity - b.offset), this.capacity);
    for (const o of this.live.values())
      if (b.offset < o.offset + o.size && o.offset < b.offset + b.size)
        throw new Error(`internal: ${b.name} overlaps live buffer ${o.name}`);
    this.live.set(b.name, { ...b, used: b.size });
    this.liveUsed += b.size;
  }

  /** Lowers a live buffer's recorded use to what the executor measured it needed (<= its size). */
  recordUse(name: string, used: number): void {
    const b = this.live.get(name)!;
    if (used > b.size) throw new Error(`internal: ${name} used ${used} B of ${b.size} B`);
    this.liveUsed -= b.size - used;
    b.used = used;
  }

  /** Closes a step: its live buffers' measured uses count towards the high-water mark. */
  settle(): void {
    this.highWater = Math.max(this.highWater, this.liveUsed);
  }

  release(name: string): void {
    const b = this.live.get(name);
    if (!b) throw new Error(`internal: release of ${name}, which is not live`);
    this.liveUsed -= b.used;
    this.live.delete(name);
  }
}
