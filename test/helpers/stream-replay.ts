/**
 * Replays a streaming plan (src/cost/stream-sim.ts's walk) on a real arena of the predicted size,
 * with the project's allocator (src/plan/placement.ts) placing every tensor, ring and scratch, and a
 * per-byte shadow map of which pixel each arena byte holds and how many reads it still owes: a write
 * over a byte still to be read, or a read of a byte that does not hold the expected pixel (or the
 * expected value), fails. Values are the true tensors of a layer-by-layer run of the Wasm executor
 * (bit-exact with TFLite Micro), so the replay checks the memory schedule, not the arithmetic.
 *
 * Supported plans: single layers and blocks whose every layer holds a line buffer (the fully
 * streamed walk, in place or not); blocks with column caches are reported as unsupported.
 */
import { exactLayers } from '../../src/cost/exact.js';
import { type StreamEvent, streamedBlockCost } from '../../src/cost/stream-sim.js';
import { LINE, type StreamTable } from '../../src/cost/stream.js';
import { type Model, tensorBytes } from '../../src/model/ir.js';
import type { FrontPoint } from '../../src/plan/engine.js';
import { type Buffer, type EdgeBuffers, type Placed, placeBuffers } from '../../src/plan/placement.js';
import { getExecutor, seededInput } from '../../src/runtime/run.js';

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
    const line = m === n || Array.from(e.holds).slice(1).every((h) => h === LINE);
    if (!line) throw new Error(`replay: block [${m}, ${n}] has column caches (not replayed)`);
    const c = streamedBlockCost(model, L, m, n);
    const head = members[0]!.inputs[0]!;
    const materialised = new Set<number>();
    for (const l of members) for (const t of l.inputs) if ((producer.get(t) ?? -1) < m && !caller(t) && t !== head) materialised.add(t);
    const rings = new Map<number, string>();
    const caches: (Buffer & { layer: number })[] = [];
    if (c && m < n) {
      for (const [t, bytes] of c.rings) {
        rings.set(t, `ring of tensor ${t} (block ${m}-${n})`);
        caches.push({ name: rings.get(t)!, size: bytes, layer: producer.get(t)! });
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
      ? (trace: StreamEvent) => void streamedBlockCost(model, L, m, n, trace)
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

  // 2. Shadow map: reads each pixel still owes, counted by a dry run of every edge's events.
  const owed = new Map<number, Int32Array>();
  const owedOf = (t: number) => {
    let o = owed.get(t);
    if (!o) owed.set(t, (o = new Int32Array(size(t) / chans(t))));
    return o;
  };
  for (const p of plans) p.events((kind, t, q) => { if (kind === 'read' && !caller(t)) owedOf(t)[q] = owedOf(t)[q]! + 1; });
  const arena = new Uint8Array(capacity);
  const owner = new Float64Array(capacity).fill(-1); // t * 2^24 + q of the pixel a byte holds, -1: dead
  let reads = 0;
  let writes = 0;
  plans.forEach((p, k) => {
    const where = (t: number, q: number): number => {
      const ring = p.rings.get(t);
      const C = chans(t);
      if (ring) {
        const b = offsetOf.get(ring)!;
        return b.offset + (q % (b.size / C)) * C;
      }
      return offsetOf.get(bufOf(t).name)!.offset + q * C;
    };
    p.events((kind, t, q) => {
      if (caller(t)) return; // the caller's buffers are outside the arena
      const C = chans(t);
      const at = where(t, q);
      const tag = t * 2 ** 24 + q;
      const want = truth.get(t)!;
      if (kind === 'write') {
        writes++;
        for (let ch = 0; ch < C; ch++) {
          if (owner[at + ch] !== -1) throw new Error(`edge ${k} [${p.buffers.first}, ${p.buffers.last}]: writing tensor ${t} pixel ${q} over a byte still to be read (${owner[at + ch]})`);
          arena[at + ch] = want[q * C + ch]!;
          if (owedOf(t)[q]! > 0) owner[at + ch] = tag;
        }
      } else {
        reads++;
        for (let ch = 0; ch < C; ch++) {
          if (owner[at + ch] !== tag || arena[at + ch] !== want[q * C + ch]) throw new Error(`edge ${k} [${p.buffers.first}, ${p.buffers.last}]: tensor ${t} pixel ${q} is not where it should be`);
        }
        if (--owedOf(t)[q]! === 0) owner.fill(-1, at, at + C);
      }
    });
  });
  return { measuredPeakBytes, highWater, reads, writes };
}
