/**
 * The memory schedule of a streaming plan (issue #14): for each edge, the choice behind it (line
 * buffers or column caches per layer, in place or not), and every buffer's arena offset: the
 * tensors it reads and makes, the rings and column caches of its block, a reducer's accumulators,
 * a single layer's scratch. The one place these offsets come from: the streaming executor
 * (src/runtime/stream-exec.ts) runs on them and the replay check (test/helpers/stream-replay.ts)
 * replays on them. Buffers are sized by the specification (src/cost/stream-sim.ts) and placed by
 * the project's allocator (placement.ts), as src/plan/schedule.ts does for ordinary plans.
 *
 * A ring of a tensor of C channels holds its pixel q at slot q mod (bytes / C); a column cache of
 * layer l holds its input pixel (r, c) at slot (r - first row of the step) * kw + c mod kw.
 *
 * The network inputs are the caller's buffers, or (inputInArena) arena tensors the caller writes
 * before the first edge runs: taken with it, freed after their last reader (or, when the first edge
 * writes in place, kept as its output's buffer). Model outputs are always the caller's.
 */
import { type ArenaOptions, exactLayers, outsideArena } from '../cost/exact.js';
import { type StreamedBlock, streamedBlockCost } from '../cost/stream-sim.js';
import type { StreamTable } from '../cost/stream.js';
import { type Model, modelInputs, tensorBytes } from '../model/ir.js';
import type { FrontPoint } from './engine.js';
import { type Buffer, type EdgeBuffers, type Placed, placeBuffers } from './placement.js';

/** One edge of a streaming plan: layers m..n, its table figures and its choice. */
export interface StreamEdge { m: number; n: number; mem: number; macs: number; inPlace: boolean; holds: Uint8Array }

/** The table edge behind each block of a front point: within its peak, fewest MACs, then fewest bytes. */
export function chosenEdges(t: StreamTable, p: FrontPoint): StreamEdge[] {
  return p.blocks.map(([m, n]) => {
    let best = -1;
    for (let e = t.start[n + 1]!; e < t.start[n + 2]!; e++) {
      if (t.from[e] !== m || t.mem[e]! > p.peakBytes) continue;
      if (best < 0 || t.macs[e]! < t.macs[best]! || (t.macs[e] === t.macs[best] && t.mem[e]! < t.mem[best]!)) best = e;
    }
    if (best < 0) throw new RangeError(`block [${m}, ${n}] has no option within ${p.peakBytes} B`);
    return { m, n, mem: t.mem[best]!, macs: t.macs[best]!, inPlace: t.inPlace[best] === 1, holds: t.holds[best]! };
  });
}

/** A tensor made inside a block and held in a ring, or in the column cache of the layer reading it. */
export interface Held { buffer: Placed; kind: 'ring' | 'cache'; /** the CACHE layer (caches) */ layer: number }

export interface StreamStep {
  edge: StreamEdge;
  /** The specification's figures for the block (null: a single layer that does not stream, run whole). */
  cost: StreamedBlock | null;
  /** The holds to walk the block with (undefined for a single layer). */
  holds: Uint8Array | undefined;
  held: Map<number, Held>;
  /** int32 sums of the block's reducers (global pooling), or a single layer's scratch. */
  accumulators: Placed | null;
  scratch: Placed | null;
  takes: Placed[];
  /** Network inputs in the arena, written by the caller when this (the first) step starts; also in takes. */
  preloaded: Placed[];
  release: Placed[];
}

export interface StreamSchedule {
  model: Model;
  arenaBytes: number;
  steps: StreamStep[];
  /** The arena buffer of a materialised tensor (an in-place output shares its input's), null for the caller's. */
  tensorAt(t: number): Placed | null;
  /** Most bytes the allocator holds during any edge (the buffers' lifetimes). */
  livePeakBytes: number;
  /** Highest byte the placement uses. */
  highWater: number;
}

/** Places every buffer of the plan's edges in `capacity` bytes; throws on a block that does not stream or an overflow. */
export function streamScheduleOf(model: Model, edges: readonly StreamEdge[], capacity: number, options: ArenaOptions = {}): StreamSchedule {
  const L = exactLayers(model, options);
  const producer = new Map(model.layers.map((l) => [l.output, l.index]));
  const size = (t: number) => tensorBytes(model.tensors[t]!.shape);
  const caller = (t: number) => outsideArena(model, t, options);
  const alias = new Map<number, number>(); // tensor -> tensor whose buffer it lives in (in place)
  const home = (t: number) => alias.get(t) ?? t;
  const bufOf = (t: number): Buffer => ({ name: `tensor ${home(t)}`, size: size(home(t)) });

  const plans: { edge: StreamEdge; cost: StreamedBlock | null; buffers: EdgeBuffers; held: Map<number, { name: string; kind: Held['kind']; layer: number }>; acc: string | null }[] = [];
  for (const e of edges) {
    const { m, n } = e;
    const members = model.layers.slice(m, n + 1);
    const holds = m < n ? e.holds : undefined;
    const c = streamedBlockCost(model, L, m, n, undefined, holds);
    if (!c && m !== n) throw new Error(`stream schedule: block [${m}, ${n}] does not stream`);
    const head = members[0]!.inputs[0]!;
    const materialised = new Set<number>();
    for (const l of members) for (const t of l.inputs) if ((producer.get(t) ?? -1) < m && !caller(t) && t !== head) materialised.add(t);
    const held = new Map<number, { name: string; kind: Held['kind']; layer: number }>();
    const caches: (Buffer & { layer: number })[] = [];
    let acc: string | null = null;
    if (c && m < n) {
      for (const [t, bytes] of c.rings) {
        const name = `ring of tensor ${t} (block ${m}-${n})`;
        held.set(t, { name, kind: 'ring', layer: producer.get(t)! });
        caches.push({ name, size: bytes, layer: producer.get(t)! });
      }
      for (const [l, bytes] of c.caches) {
        const name = `cache of layer ${l} (block ${m}-${n})`;
        held.set(model.layers[l - 1]!.output, { name, kind: 'cache', layer: l });
        caches.push({ name, size: bytes, layer: l });
      }
      if (c.scratch) caches.push({ name: (acc = `accumulators (block ${m}-${n})`), size: c.scratch, layer: n });
    }
    const out = members[members.length - 1]!.output;
    // A single layer keeps the exact model's buffers (global pooling's accumulators as its scratch).
    const scratch = m === n && L.scratch[m]! > 0 ? { name: `scratch of layer ${m}`, size: L.scratch[m]! } : null;
    const buffers: EdgeBuffers = {
      first: m, last: n, input: caller(head) ? null : bufOf(head),
      others: [...materialised].map((t) => ({ ...bufOf(t), tensor: home(t) })),
      output: null, caches, scratch,
      // (an input no layer reads holds nothing: exact.ts does not count it either)
      ...(plans.length === 0 ? { preloaded: modelInputs(model).filter((t) => !caller(t) && model.layers.some((l) => l.inputs.includes(t))).map(bufOf) } : {}),
    };
    if (e.inPlace) alias.set(out, home(head));
    else if (!caller(out)) buffers.output = bufOf(out);
    plans.push({ edge: e, cost: c, buffers, held, acc });
  }
  const placed = placeBuffers(plans.map((p) => p.buffers), capacity);
  const offsetOf = new Map<string, Placed>();
  for (const p of placed) for (const b of [...p.preloaded, p.input, p.output, p.input2, ...p.caches, p.scratch]) if (b) offsetOf.set(b.name, b);

  // Lifetimes: a buffer lives from the edge that makes it to the last edge that reads it.
  const life = new Map<string, { size: number; from: number; to: number }>();
  plans.forEach(({ buffers: b }, k) => {
    for (const x of [...(b.preloaded ?? []), b.output, ...b.caches, b.scratch]) if (x) life.set(x.name, { size: x.size, from: k, to: k });
    for (const x of [b.input, ...(b.others ?? [])]) if (x) life.get(x.name)!.to = k;
  });
  let livePeakBytes = 0;
  plans.forEach((_, k) => {
    let live = 0;
    for (const l of life.values()) if (l.from <= k && k <= l.to) live += l.size;
    livePeakBytes = Math.max(livePeakBytes, live);
  });
  let highWater = 0;
  for (const b of offsetOf.values()) highWater = Math.max(highWater, b.offset + b.size);

  const steps = plans.map((p, k): StreamStep => {
    const pl = placed[k]!;
    const held = new Map<number, Held>();
    for (const [t, h] of p.held) held.set(t, { buffer: offsetOf.get(h.name)!, kind: h.kind, layer: h.layer });
    return {
      edge: p.edge, cost: p.cost, holds: p.edge.m < p.edge.n ? p.edge.holds : undefined, held,
      accumulators: p.acc ? offsetOf.get(p.acc)! : null, scratch: pl.scratch,
      takes: [...pl.preloaded, ...(pl.output ? [pl.output] : []), ...pl.caches, ...(pl.scratch ? [pl.scratch] : [])],
      preloaded: pl.preloaded,
      release: pl.release,
    };
  });
  const tensorAt = (t: number): Placed | null => (caller(t) ? null : (offsetOf.get(bufOf(t).name) ?? null));
  return { model, arenaBytes: capacity, steps, tensorAt, livePeakBytes, highWater };
}
