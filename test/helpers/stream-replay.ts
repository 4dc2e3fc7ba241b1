/**
 * Replays a streaming plan (src/cost/stream-sim.ts's walk) on a real arena of the predicted size,
 * with the schedule the streaming executor runs on (src/plan/stream-schedule.ts: the project's
 * allocator places every tensor, ring and scratch), and a
 * per-byte shadow map of which pixel each arena byte holds and how many reads it still owes: a write
 * over a byte still to be read, or a read of a byte that does not hold the expected pixel (or the
 * expected value), fails. Values are the true tensors of a layer-by-layer run of the Wasm executor
 * (bit-exact with TFLite Micro), so the replay checks the memory schedule, not the arithmetic.
 *
 * Every plan of the streaming table replays: single layers, and blocks of line buffers and column
 * caches (the walk of stream-sim.ts with the block's holds), in place or not. A recomputed pixel is a
 * new version: the shadow map tracks the reads each written version still owes.
 */
import { type ArenaOptions, exactLayers, outsideArena } from '../../src/cost/exact.js';
import { type StreamEvent, streamedBlockCost } from '../../src/cost/stream-sim.js';
import { type Model, modelInputs, tensorBytes } from '../../src/model/ir.js';
import { type StreamEdge, streamScheduleOf } from '../../src/plan/stream-schedule.js';
import { seededInput } from '../../src/model/seeded.js';
import { getExecutor } from '../../src/runtime/run.js';

/** Every tensor of a layer-by-layer run of the Wasm executor on a seeded input: the values a replay checks. */
export function layerByLayerTensors(model: Model, seed = 7): Map<number, Uint8Array> {
  const inputs = modelInputs(model).map((t, i) => seededInput(tensorBytes(model.tensors[t]!.shape), seed + i));
  const truth = new Map<number, Uint8Array>(modelInputs(model).map((t, i) => [t, inputs[i]!]));
  getExecutor().run(model, model.layers.map((_, i) => [i, i]), inputs, { onTensor: (t, bytes) => truth.set(t, bytes.slice()) });
  return truth;
}

/** The model inputs of a layer-by-layer run's tensors, in the model's input order. */
export const inputsOf = (model: Model, truth: Map<number, Uint8Array>): Uint8Array[] => modelInputs(model).map((t) => truth.get(t)!);

export { chosenEdges } from '../../src/plan/stream-schedule.js';
export type ChosenEdge = StreamEdge;

export interface Replay {
  /** Most bytes the allocator holds during any edge (its buffers' lifetimes). */
  measuredPeakBytes: number;
  /** Highest byte the placement uses. */
  highWater: number;
  reads: number;
  writes: number;
}

/** Throws on an unsupported block, an allocator overflow or a shadow-map violation. */
export function replayStreamPlan(model: Model, edges: ChosenEdge[], truth: Map<number, Uint8Array>, capacity: number, options: ArenaOptions = {}): Replay {
  const L = exactLayers(model, options);
  const size = (t: number) => tensorBytes(model.tensors[t]!.shape);
  const chans = (t: number) => model.tensors[t]!.shape[2];
  const caller = (t: number) => outsideArena(model, t, options);
  // 1. The buffers of each edge, placed by the project's allocator in `capacity` bytes (src/plan/stream-schedule.ts).
  const schedule = streamScheduleOf(model, edges, capacity, options);
  const plans = schedule.steps.map((step) => {
    const { m, n } = step.edge;
    const members = model.layers.slice(m, n + 1);
    const out = members[members.length - 1]!.output;
    // Events: the streamed walk, or (a layer that does not stream) every read, then every write.
    // Network inputs in the arena: the caller writes every pixel before the first edge.
    const preload = (trace: StreamEvent) => {
      for (const b of step.preloaded) {
        const t = modelInputs(model).find((x) => schedule.tensorAt(x) === b)!;
        for (let q = 0; q < size(t) / chans(t); q++) trace('write', t, q);
      }
    };
    const events = step.cost
      ? (trace: StreamEvent) => void (preload(trace), streamedBlockCost(model, L, m, n, trace, step.holds))
      : (trace: StreamEvent) => {
          preload(trace);
          for (const t of members[0]!.inputs) for (let q = 0; q < size(t) / chans(t); q++) trace('read', t, q);
          for (let q = 0; q < size(out) / chans(out); q++) trace('write', out, q);
        };
    return { step, events };
  });
  const { livePeakBytes: measuredPeakBytes, highWater } = schedule;

  // 2. Shadow map. Every write makes a new version of its pixel; a dry run counts the reads each
  // version owes (reads go to the latest version), the replay then checks every byte.
  const key = (t: number, q: number) => t * 2 ** 24 + q;
  const owed: number[] = [];
  {
    const latest = new Map<number, number>();
    for (const p of plans) {
      p.events((kind, t, q) => {
        if (caller(t)) return;
        if (kind === 'write') {
          latest.set(key(t, q), owed.length);
          owed.push(0);
        } else owed[latest.get(key(t, q))!]!++;
      });
    }
  }
  const arena = new Uint8Array(capacity);
  const owner = new Float64Array(capacity).fill(-1); // the version a byte holds, -1: dead
  const latest = new Map<number, number>();
  let version = 0;
  let reads = 0;
  let writes = 0;
  plans.forEach((p, k) => {
    const where = (t: number, q: number, slot?: number): number => {
      const held = p.step.held.get(t);
      const C = chans(t);
      if (held) return held.buffer.offset + (slot ?? q % (held.buffer.size / C)) * C;
      return schedule.tensorAt(t)!.offset + q * C;
    };
    p.events((kind, t, q, slot) => {
      if (caller(t)) return; // the caller's buffers are outside the arena
      const C = chans(t);
      const at = where(t, q, slot);
      const want = truth.get(t)!;
      const fail = (what: string) => new Error(`edge ${k} [${p.step.edge.m}, ${p.step.edge.n}]: ${what} (tensor ${t} pixel ${q})`);
      if (kind === 'write') {
        writes++;
        const v = version++;
        latest.set(key(t, q), v);
        for (let ch = 0; ch < C; ch++) {
          if (owner[at + ch] !== -1) throw fail(`writing over a byte still to be read (version ${owner[at + ch]})`);
          arena[at + ch] = want[q * C + ch]!;
          if (owed[v]! > 0) owner[at + ch] = v;
        }
      } else {
        reads++;
        const v = latest.get(key(t, q))!;
        for (let ch = 0; ch < C; ch++) if (owner[at + ch] !== v || arena[at + ch] !== want[q * C + ch]) throw fail('the pixel is not where it should be');
        if (--owed[v]! === 0) owner.fill(-1, at, at + C);
      }
    });
  });
  return { measuredPeakBytes, highWater, reads, writes };
}
