/**
 * Replays a streaming plan (src/cost/stream-sim.ts's walk) on a real arena of the predicted size,
 * with the project's allocator (src/plan/placement.ts) placing every tensor, ring and scratch, and a
 * per-byte shadow map of which pixel each arena byte holds and how many reads it still owes: a write
 * over a byte still to be read, or a read of a byte that does not hold the expected pixel (or the
 * expected value), fails. Values are the true tensors of a layer-by-layer run of the Wasm executor
 * (bit-exact with TFLite Micro), so the replay checks the memory schedule, not the arithmetic.
 *
 * Every plan of the streaming table replays: single layers, and blocks of line buffers and column
 * caches (the walk of stream-sim.ts with the block's holds), in place or not. A recomputed pixel is a
 * new version: the shadow map tracks the reads each written version still owes.
 */
import { exactLayers } from '../../src/cost/exact.js';
import { type StreamEvent, streamedBlockCost } from '../../src/cost/stream-sim.js';
import type { StreamTable } from '../../src/cost/stream.js';
import { type Model, tensorBytes } from '../../src/model/ir.js';
import type { FrontPoint } from '../../src/plan/engine.js';
import { type Buffer, type EdgeBuffers, type Placed, placeBuffers } from '../../src/plan/placement.js';
import { seededInput } from '../../src/model/seeded.js';
import { getExecutor } from '../../src/runtime/run.js';

/** Every tensor of a layer-by-layer run of the Wasm executor on a seeded input: the values a replay checks. */
export function layerByLayerTensors(model: Model, seed = 7): Map<number, Uint8Array> {
  const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), seed);
  const truth = new Map<number, Uint8Array>([[model.input, input]]);
  getExecutor().run(model, model.layers.map((_, i) => [i, i]), input, { onTensor: (t, bytes) => truth.set(t, bytes.slice()) });
  return truth;
}

export interface ChosenEdge { m: number; n: number; mem: number; inPlace: boolean; holds: Uint8Array }

/** The table edge behind each block of a front point: within its peak, fewest MACs, then fewest bytes. */
export function chosenEdges(t: StreamTable, p: FrontPoint): ChosenEdge[] {
  return p.blocks.map(([m, n]) => {
    let best = -1;
    for (let e = t.start[n + 1]!; e < t.start[n + 2]!; e++) {
      if (t.from[e] !== m || t.mem[e]! > p.peakBytes) continue;
      if (best < 0 || t.macs[e]! < t.macs[best]! || (t.macs[e] === t.macs[best] && t.mem[e]! < t.mem[best]!)) best = e;
    }
    return { m, n, mem: t.mem[best]!, inPlace: t.inPlace[best] === 1, holds: t.holds[best]! };
  });
}

export interface Replay {
  /** Most bytes the allocator holds during any edge (its buffers' lifetimes). */
  measuredPeakBytes: number;
  /** Highest byte the placement uses. */
  highWater: number;
  reads: number;
  writes: number;
}

/** Throws on an unsupported block, an allocator overflow or a shadow-map violation. */
export function replayStreamPlan(model: Model, edges: ChosenEdge[], truth: Map<number, Uint8Array>, capacity: number): Replay {
  const L = exactLayers(model);
  const producer = new Map(model.layers.map((l) => [l.output, l.index]));
  const size = (t: number) => tensorBytes(model.tensors[t]!.shape);
  const chans = (t: number) => model.tensors[t]!.shape[2];
  const caller = (t: number) => t === model.input || t === model.output;
  const alias = new Map<number, number>(); // tensor -> tensor whose buffer it lives in (in place)
  const home = (t: number) => alias.get(t) ?? t;
  const bufOf = (t: number): Buffer => ({ name: `tensor ${home(t)}`, size: size(home(t)) });

  // 1. The buffers of each edge, placed by the project's allocator in `capacity` bytes.
  const plans: { buffers: EdgeBuffers; rings: Map<number, string>; events: (trace: StreamEvent) => void }[] = [];
  for (const e of edges) {
    const { m, n } = e;
    const members = model.layers.slice(m, n + 1);
    const c = streamedBlockCost(model, L, m, n, undefined, m < n ? e.holds : undefined);
    const head = members[0]!.inputs[0]!;
    const materialised = new Set<number>();
    for (const l of members) for (const t of l.inputs) if ((producer.get(t) ?? -1) < m && !caller(t) && t !== head) materialised.add(t);
    const rings = new Map<number, string>(); // tensor -> its ring or column cache in this edge
    const caches: (Buffer & { layer: number })[] = [];
    if (c && m < n) {
      for (const [t, bytes] of c.rings) {
        rings.set(t, `ring of tensor ${t} (block ${m}-${n})`);
        caches.push({ name: rings.get(t)!, size: bytes, layer: producer.get(t)! });
      }
      for (const [l, bytes] of c.caches) {
        rings.set(model.layers[l - 1]!.output, `cache of layer ${l} (block ${m}-${n})`);
        caches.push({ name: rings.get(model.layers[l - 1]!.output)!, size: bytes, layer: l });
      }
      if (c.scratch) caches.push({ name: `accumulators (block ${m}-${n})`, size: c.scratch, layer: n });
    } else if (m !== n) throw new Error(`replay: block [${m}, ${n}] does not stream`);
    const out = members[members.length - 1]!.output;
    // A single layer keeps the exact model's buffers (global pooling's accumulators as its scratch).
    const single = m === n && L.scratch[m]! > 0 ? { name: `scratch of layer ${m}`, size: L.scratch[m]! } : null;
    const input = caller(head) ? null : bufOf(head);
    const buffers: EdgeBuffers = {
      first: m, last: n, input, others: [...materialised].map((t) => ({ ...bufOf(t), tensor: home(t) })),
      output: null, caches, scratch: single,
    };
    if (e.inPlace) alias.set(out, home(head));
    else if (!caller(out)) buffers.output = bufOf(out);
    // Events: the streamed walk, or (a layer that does not stream) every read, then every write.
    const events = c
      ? (trace: StreamEvent) => void streamedBlockCost(model, L, m, n, trace, m < n ? e.holds : undefined)
      : (trace: StreamEvent) => {
          for (const t of members[0]!.inputs) for (let q = 0; q < size(t) / chans(t); q++) trace('read', t, q);
          for (let q = 0; q < size(out) / chans(out); q++) trace('write', out, q);
        };
    plans.push({ buffers, rings, events });
  }
  const placed = placeBuffers(plans.map((p) => p.buffers), capacity);
  const offsetOf = new Map<string, Placed>();
  for (const p of placed) for (const b of [p.input, p.output, p.input2, ...p.caches, p.scratch]) if (b) offsetOf.set(b.name, b);

  // Lifetimes: a buffer lives from the edge that makes it to the last edge that reads it.
  const life = new Map<string, { size: number; from: number; to: number }>();
  plans.forEach(({ buffers: b }, k) => {
    for (const x of [b.output, ...b.caches, b.scratch]) if (x) life.set(x.name, { size: x.size, from: k, to: k });
    for (const x of [b.input, ...(b.others ?? [])]) if (x) life.get(x.name)!.to = k;
  });
  let measuredPeakBytes = 0;
  plans.forEach((_, k) => {
    let live = 0;
    for (const l of life.values()) if (l.from <= k && k <= l.to) live += l.size;
    measuredPeakBytes = Math.max(measuredPeakBytes, live);
  });
  let highWater = 0;
  for (const b of offsetOf.values()) highWater = Math.max(highWater, b.offset + b.size);

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
      const buffer = p.rings.get(t);
      const C = chans(t);
      if (buffer) {
        const b = offsetOf.get(buffer)!;
        return b.offset + (slot ?? q % (b.size / C)) * C;
      }
      return offsetOf.get(bufOf(t).name)!.offset + q * C;
    };
    p.events((kind, t, q, slot) => {
      if (caller(t)) return; // the caller's buffers are outside the arena
      const C = chans(t);
      const at = where(t, q, slot);
      const want = truth.get(t)!;
      const fail = (what: string) => new Error(`edge ${k} [${p.buffers.first}, ${p.buffers.last}]: ${what} (tensor ${t} pixel ${q})`);
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
