/**
 * Fully streamed blocks over graphs (issue #14, items 2 and 3): a block m..n in which every tensor
 * made inside the block lives in a ring, read by any number of in-block consumers (a residual branch
 * and its join share one ring: only the rows still in flight between them are held), and which may end
 * in a streaming tail (global pooling accumulating int32 sums pixel by pixel, then a fully connected
 * layer or softmax over the pooled 1x1 map). Every needed pixel is computed once.
 *
 * The cost is defined by playing the block's pull-based walk pixel by pixel, so it is exact for any
 * branch structure: layer n's output pixels are produced in row-major order; producing a pixel of a
 * layer first makes its producers write (in row-major order over their needed pixels, each row
 * completed before the next) every input pixel its window reads, then reads them. A ring of R pixels
 * stores pixel q at (q mod R) * C; R is the largest span, at any write, from the oldest pixel still
 * to be read to the pixel being written (a two-pass play: last reads first, then the spans).
 * With `holds`, layers may keep column caches instead (stream.ts's CACHE): a cached sub-block
 * steps its last layer's rows, each step pulling its layers' produced columns left to right and
 * recomputing their row ranges; a cache holds kw columns x the most rows a step needs. For chains
 * this is src/cost/stream.ts's accounting for every choice, to the byte (tested).
 */
import { type Layer, type Model, inputShape, isDilated, modelOutputs, outputShape, tensorBytes } from '../model/ir.js';
import { type ArenaOptions, type ExactLayers, exactEdgeCost, exactLayers, outsideArena, tensorLifetimes } from './exact.js';
import { CACHE, LINE, type StreamOption, type StreamTable, chainStart, rowWindow, streamTableOf } from './stream.js';

/** How a member layer reads its operands. */
export type Kind = 'window' | 'pixel' | 'reduce';

/** A layer that only maps each pixel to a pixel (ADD, channel PAD; FC / softmax over a 1x1 map), a window op, or a global reducer. */
export function kindOf(model: Model, layer: Layer): Kind | null {
  // An operand read through another shape (a folded RESHAPE) has other pixels than its tensor's:
  // not streamed (its block stays out of the streaming table, see streamGraphTable).
  if (layer.views?.some((v) => v)) return null;
  const [h, w] = inputShape(model, layer);
  switch (layer.op) {
    case 'conv2d':
    case 'depthwise_conv2d':
      return isDilated(layer) ? null : 'window'; // a dilated convolution runs alone over whole tensors
    case 'max_pool2d':
      return 'window';
    case 'avg_pool2d': {
      const [oh, ow] = outputShape(model, layer);
      const whole = h * w > 1 && oh === 1 && ow === 1 && layer.kernel[0] === h && layer.kernel[1] === w && layer.padding.every((p) => p === 0);
      return whole ? 'reduce' : 'window';
    }
    case 'global_avg_pool2d':
      return 'reduce';
    case 'add':
      return 'pixel';
    case 'pad': {
      // A channel PAD maps each pixel to a pixel; a spatial one moves pixels: not streamed.
      const [oh, ow] = outputShape(model, layer);
      return oh === h && ow === w && layer.padding.every((p) => p === 0) ? 'pixel' : null;
    }
    case 'fully_connected':
    case 'softmax':
      return h === 1 && w === 1 ? 'pixel' : null;
    case 'lut':
      return layer.inputs.length === 1 ? 'pixel' : null;
    default:
      return null; // elementwise with broadcasting, transpose: not streamed
  }
}

export interface StreamedBlock {
  mem: number;
  macs: number;
  /** Ring bytes per tensor made inside the block and held in a ring (tensor id -> bytes). */
  rings: Map<number, number>;
  /** Column cache bytes per CACHE layer (layer index -> bytes). */
  caches: Map<number, number>;
  /** int32 accumulators of the reducers. */
  scratch: number;
  /** The output may overwrite the block's input in place (then mem less the output's bytes; see inPlaceFits). */
  inPlace: boolean;
}

/**
 * Cost of the fully streamed block m..n, or null when it is not a candidate: every member streams,
 * every tensor made in m..n-1 is read only inside the block, and layer n's output is the block's.
 */
/**
 * One step of the walk, for checkers: a read or a write of pixel q of tensor t (reads of materialised
 * operands included); `slot` is the pixel's place in a column cache (CACHE layers), else undefined.
 */
export type StreamEvent = (kind: 'read' | 'write', t: number, q: number, slot?: number) => void;

/**
 * What an executor does along the walk (src/runtime/stream-exec.ts): `compute` when layer l makes
 * its output rows [y0, y1) of column x (every operand pixel it reads is in place, read just before;
 * the writes follow), `accumulate` when reducer l adds pixel q of its in-block operand to its sums.
 */
export interface StreamActions {
  compute(l: number, y0: number, y1: number, x: number): void;
  accumulate(l: number, q: number): void;
}

/**
 * holds (relative to m, as in stream.ts): CACHE for a layer that keeps a column cache of its input
 * (its producer recomputes rows per step of the sub-block), LINE (default) for a ring.
 */
export function streamedBlockCost(
  model: Model, L: ExactLayers, m: number, n: number, trace?: StreamEvent, holds?: Uint8Array, act?: StreamActions,
): StreamedBlock | null {
  const life = tensorLifetimes(model);
  const members = model.layers.slice(m, n + 1);
  const kinds = members.map((l) => kindOf(model, l));
  if (kinds.some((k) => k === null)) return null;
  // A cached layer reads layer l-1 (its only in-block operand) through a window or pixel by pixel.
  const cached = (l: number) => l > m && holds !== undefined && holds[l - m] === CACHE;
  for (let l = m + 1; l <= n; l++) if (cached(l) && (kinds[l - m] === 'reduce' || kinds[l - 1 - m] === 'reduce')) return null;
  for (const layer of members.slice(0, -1)) {
    const { users } = life[layer.output]!;
    if (modelOutputs(model).includes(layer.output) || users.length === 0 || users.some((u) => u > n)) return null;
  }
  const producerIn = (t: number) => {
    const p = life[t]!.producer;
    return p >= m && p <= n ? p : -1;
  };

  // Needed pixels: all of n's; for an in-block producer, the union over its in-block readers
  // (columns exactly, rows as one contiguous range, as in stream.ts).
  const needRows: Uint8Array[] = [];
  const needCols: Uint8Array[] = [];
  for (let l = n; l >= m; l--) {
    const [h, w] = outputShape(model, model.layers[l]!);
    needRows[l - m] = new Uint8Array(h);
    needCols[l - m] = new Uint8Array(w);
  }
  needRows[n - m]!.fill(1);
  needCols[n - m]!.fill(1);
  for (let l = n; l >= m; l--) {
    const layer = model.layers[l]!;
    const rows = needRows[l - m]!;
    const cols = needCols[l - m]!;
    if (rows.indexOf(1) < 0) continue;
    layer.inputs.forEach((t) => {
      const p = producerIn(t);
      if (p < 0) return;
      const [r, c] = [needRows[p - m]!, needCols[p - m]!];
      const kind = kinds[l - m]!;
      if (kind === 'reduce') {
        r.fill(1);
        c.fill(1);
      } else if (kind === 'pixel') {
        rows.forEach((on, y) => on && (r[y] = 1));
        cols.forEach((on, x) => on && (c[x] = 1));
      } else {
        const [a, b] = rowWindow(L, l, rows.indexOf(1), rows.lastIndexOf(1) + 1);
        r.fill(1, a, b);
        cols.forEach((on, x) => {
          if (!on) return;
          const c0 = x * L.sw[l]! - L.pl[l]!;
          c.fill(1, Math.max(0, c0), Math.min(L.wIn[l]!, c0 + L.kw[l]!));
        });
      }
      // Rows as a contiguous range.
      const lo = r.indexOf(1);
      if (lo >= 0) r.fill(1, lo, r.lastIndexOf(1) + 1);
    });
  }

  // Pass 1: play the walk, logging each ring's writes and the last read of every pixel.
  let time = 0;
  const W = (l: number) => outputShape(model, model.layers[l]!)[1];
  const lastRead: Float64Array[] = [];
  const writes: Int32Array[] = []; // positions in write order (times are their indices' events)
  const writeTimes: Float64Array[] = [];
  const writeCount = new Int32Array(n - m + 1);
  const order: Int32Array[] = []; // needed pixels of each member, row-major
  for (let l = m; l <= n; l++) {
    const [h, w] = outputShape(model, model.layers[l]!);
    lastRead[l - m] = new Float64Array(h * w).fill(-1);
    const list: number[] = [];
    needRows[l - m]!.forEach((ry, y) => ry && needCols[l - m]!.forEach((cx, x) => cx && list.push(y * w + x)));
    order[l - m] = Int32Array.from(list);
    writes[l - m] = new Int32Array(list.length);
    writeTimes[l - m] = new Float64Array(list.length);
  }
  const done = new Int32Array(n - m + 1); // how many of order[] each member has produced
  // When the current kernel call began its reads; per output pixel of layer n, that time (in place).
  let callStart = 0;
  const outStarts = new Float64Array(order[n - m]!.length);
  const blockIn = model.layers[m]!.inputs[0]!;
  const inReads = new Float64Array(tensorBytes(model.tensors[blockIn]!.shape) / model.tensors[blockIn]!.shape[2]).fill(-1);
  let macs = 0;
  const perPixelMacs = members.map((layer, j) => outputShape(model, layer)[2] * L.perElementMacs[m + j]!);

  const read = (p: number, q: number) => {
    lastRead[p - m]![q] = time++;
    trace?.('read', model.layers[p]!.output, q);
  };
  const pullTo = (p: number, q: number) => {
    const list = order[p - m]!;
    while (done[p - m]! < list.length && list[done[p - m]!]! <= q) produce(p, list[done[p - m]!]!);
  };
  // Cached sub-blocks: the current step (output row of the sub-block's last layer) and, per layer,
  // its output row range in the step and how many of its produced columns it has computed.
  const first = (j: number) => {
    let i = j;
    while (cached(i)) i--;
    return i;
  };
  const stepRow = new Int32Array(n - m + 1).fill(-1);
  const rangeA = new Int32Array(n - m + 1);
  const rangeB = new Int32Array(n - m + 1);
  const nextCol = new Int32Array(n - m + 1);
  const cacheRows = new Int32Array(n - m + 1);
  const colList = needCols.map((c) => Int32Array.from(Array.from(c).flatMap((on, x) => (on ? [x] : []))));
  const slotOf = (l: number, r: number, c: number) => (r - rangeA[l - 1 - m]!) * L.kw[l]! + (c % L.kw[l]!);
  /** Computes column x of layer l (a member of a cached sub-block) for the step's rows of l. */
  const computeColumn = (l: number, x: number, last: number): void => {
    const layer = model.layers[l]!;
    const a = rangeA[l - m]!;
    const b = rangeB[l - m]!;
    const [ra, rb] = kinds[l - m] === 'pixel' ? [a, b] : rowWindow(L, l, a, b);
    const [c0, c1] = kinds[l - m] === 'pixel' ? [x, x + 1] : [Math.max(0, x * L.sw[l]! - L.pl[l]!), Math.min(L.wIn[l]!, x * L.sw[l]! - L.pl[l]! + L.kw[l]!)];
    if (cached(l)) {
      // The cache must hold the window's columns of layer l-1 for this step's rows.
      const list = colList[l - 1 - m]!;
      while (nextCol[l - 1 - m]! < list.length && list[nextCol[l - 1 - m]!]! < c1) computeColumn(l - 1, list[nextCol[l - 1 - m]!++]!, last);
    }
    // Every in-block operand is made before any is read: the kernel reads them all at once.
    if (rb > ra && c1 > c0) {
      for (const t of layer.inputs) {
        const p = producerIn(t);
        if (p >= 0 && !(cached(l) && p === l - 1)) pullTo(p, (rb - 1) * model.tensors[t]!.shape[1] + c1 - 1);
      }
    }
    callStart = time;
    for (const t of layer.inputs) {
      const p = producerIn(t);
      if (cached(l) && p === l - 1) {
        const w = W(l - 1);
        for (let r = ra; r < rb; r++) for (let c = c0; c < c1; c++) trace?.('read', t, r * w + c, slotOf(l, r, c));
        continue;
      }
      if (rb <= ra || c1 <= c0) continue;
      const tw = model.tensors[t]!.shape[1];
      if (p < 0) {
        for (let r = ra; r < rb; r++) {
          for (let c = c0; c < c1; c++) {
            if (t === blockIn) inReads[r * tw + c] = time++;
            trace?.('read', t, r * tw + c);
          }
        }
      } else for (let r = ra; r < rb; r++) for (let c = c0; c < c1; c++) read(p, r * tw + c);
    }
    act?.compute(l, a, b, x);
    // Writes (after the kernel call's reads, which began at callStart): into layer l+1's cache, or (the sub-block's last layer) as an ordinary pixel.
    const w = W(l);
    for (let r = a; r < b; r++) {
      macs += perPixelMacs[l - m]!;
      if (l < last) trace?.('write', layer.output, r * w + x, slotOf(l + 1, r, x));
      else record(l, r * w + x);
    }
  };
  const produceCached = (j: number, q: number): void => {
    const w = W(j);
    const y = Math.floor(q / w);
    const i = first(j);
    if (stepRow[j - m] !== y) {
      stepRow[j - m] = y;
      let [a, b] = [y, y + 1];
      for (let l = j; l >= i; l--) {
        rangeA[l - m] = a;
        rangeB[l - m] = b;
        nextCol[l - m] = 0;
        if (l < j) cacheRows[l + 1 - m] = Math.max(cacheRows[l + 1 - m]!, b - a);
        if (kinds[l - m] !== 'pixel') [a, b] = rowWindow(L, l, a, b);
      }
    }
    computeColumn(j, q % w, j);
  };
  const record = (l: number, q: number) => {
    trace?.('write', model.layers[l]!.output, q);
    const k = done[l - m]!++;
    if (l === n) outStarts[k] = callStart;
    writes[l - m]![k] = q;
    writeTimes[l - m]![k] = time++;
    writeCount[l - m] = k + 1;
  };
  const produce = (l: number, q: number): void => {
    if (cached(l)) return produceCached(l, q);
    const layer = model.layers[l]!;
    const w = W(l);
    const y = Math.floor(q / w);
    const x = q % w;
    const kind = kinds[l - m]!;
    const region = (t: number): [number, number, number, number] => {
      const [th, tw] = model.tensors[t]!.shape;
      if (kind === 'pixel') return [y, y + 1, x, x + 1];
      if (kind === 'window') {
        const [a, b] = rowWindow(L, l, y, y + 1);
        return [a, b, Math.max(0, x * L.sw[l]! - L.pl[l]!), Math.min(L.wIn[l]!, x * L.sw[l]! - L.pl[l]! + L.kw[l]!)];
      }
      return [0, th, 0, tw];
    };
    // Every in-block operand is made before any is read: the kernel reads them all at once.
    if (kind !== 'reduce') {
      for (const t of layer.inputs) {
        const p = producerIn(t);
        const [a, b, c0, c1] = region(t);
        if (p >= 0 && b > a && c1 > c0) pullTo(p, (b - 1) * model.tensors[t]!.shape[1] + c1 - 1);
      }
    }
    callStart = time;
    for (const t of layer.inputs) {
      const p = producerIn(t);
      if (p < 0 && t !== blockIn && !trace) continue; // materialised before the block, read in place
      const tw = model.tensors[t]!.shape[1];
      const [a, b, c0, c1] = region(t);
      if (b <= a || c1 <= c0) continue;
      if (p < 0) {
        // The block's input: when its last read is known, a block output may overwrite it (in place).
        for (let r = a; r < b; r++) {
          for (let c = c0; c < c1; c++) {
            if (t === blockIn) inReads[r * tw + c] = time++;
            trace?.('read', t, r * tw + c);
          }
        }
      } else if (kind === 'reduce') {
        for (const r of order[p - m]!) {
          pullTo(p, r);
          read(p, r);
          act?.accumulate(l, r);
        }
      } else for (let r = a; r < b; r++) for (let c = c0; c < c1; c++) read(p, r * tw + c);
    }
    if (kind === 'reduce') callStart = time; // its output is made from its sums alone
    act?.compute(l, y, y + 1, x);
    record(l, q);
    macs += kind === 'reduce' ? tensorBytes(inputShape(model, layer)) : perPixelMacs[l - m]!;
  };
  for (const q of order[n - m]!) pullTo(n, q);

  // Pass 2: each ring's span at every write.
  const rings = new Map<number, number>();
  let ringBytes = 0;
  let scratch = 0;
  let cacheBytes = 0;
  const caches = new Map<number, number>();
  for (let l = m + 1; l <= n; l++) {
    if (!cached(l)) continue;
    caches.set(l, L.kw[l]! * cacheRows[l - m]! * L.cIn[l]!);
    cacheBytes += caches.get(l)!;
  }
  for (let l = m; l < n; l++) {
    if (cached(l + 1)) continue; // held in l+1's column cache
    const c = outputShape(model, model.layers[l]!)[2];
    const dead = lastRead[l - m]!;
    const ws = writes[l - m]!;
    const ts = writeTimes[l - m]!;
    let oldest = 0;
    let span = 0;
    for (let k = 0; k < writeCount[l - m]!; k++) {
      const q = ws[k]!;
      while (oldest < q && dead[oldest]! < ts[k]!) oldest++;
      span = Math.max(span, q - oldest + 1);
    }
    rings.set(model.layers[l]!.output, span * c);
    ringBytes += span * c;
  }
  for (let l = m; l <= n; l++) if (kinds[l - m] === 'reduce') scratch += 4 * outputShape(model, model.layers[l]!)[2];
  const mem = L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]! + ringBytes + cacheBytes + scratch;
  return { mem, macs, rings, caches, scratch, inPlace: inPlaceFits(model, L, m, n, life, inReads, writes[n - m]!, outStarts) };
}

/**
 * In-place reuse without drift: the block's output, of the same size as its materialised input, may
 * take the input's bytes when, for every output pixel q, the output's first q + 1 pixels fit in the
 * input's dead prefix (the input pixels before the oldest one still to be read) as it was when the
 * kernel call writing q began its reads: a call reads its whole window before and while it writes
 * (channel by channel), so q may not land on a pixel that very call reads. The pair
 * then takes one buffer's bytes, and the output never moves: the allocator keeps one buffer for both.
 */
function inPlaceFits(
  model: Model, L: ExactLayers, m: number, n: number, life: ReturnType<typeof tensorLifetimes>,
  inReads: Float64Array, outWrites: Int32Array, outStarts: Float64Array,
): boolean {
  const blockIn = model.layers[m]!.inputs[0]!;
  const out = model.layers[n]!.output;
  // Both in the arena (a network input only with inputInArena), the input read by no later edge.
  if (outsideArena(model, blockIn, L) || outsideArena(model, out, L) || life[blockIn]!.lastUse > n) return false;
  // Same size only: a smaller output would leave the input's tail as a gap that later edges (which
  // count the output's bytes) do not pay for, wherever the allocator put the pair.
  if (tensorBytes(model.tensors[blockIn]!.shape) !== tensorBytes(model.tensors[out]!.shape)) return false;
  const ci = model.tensors[blockIn]!.shape[2];
  const co = model.tensors[out]!.shape[2];
  let dead = 0;
  for (let k = 0; k < outWrites.length; k++) {
    while (dead < inReads.length && inReads[dead]! < outStarts[k]!) dead++;
    if ((outWrites[k]! + 1) * co > dead * ci) return false;
  }
  return true;
}

/**
 * The streaming DAG of a graph: stream.ts's per-block choices on chain segments, plus, for every block
 * of at most maxLayers layers that streams, the fully streamed option (in-block residual branches,
 * channel PADs, streaming tails) and, where it fits, the same with the output over the input in place.
 * With `inputInArena` the network inputs count as arena tensors (exact.ts) and a first edge may
 * overwrite its input in place.
 */
export function streamGraphTable(model: Model, maxLayers = 32, options: ArenaOptions = {}): StreamTable {
  const L = exactLayers(model, options);
  const viewed = model.layers.map((l) => l.views?.some((v) => v) ?? false);
  return streamTableOf(L, (m, n) => {
    if (n - m + 1 > maxLayers) return [];
    const c = streamedBlockCost(model, L, m, n);
    if (!c) return [];
    const holds = new Uint8Array(n - m + 1).fill(LINE);
    // A single layer or a chain segment already has its own all-line option (the same figures).
    const own = m === n ? exactEdgeCost(L, m, n) : m >= chainStart(L, n) && !hasReducer(model, m, n) ? { mem: c.mem, macs: c.macs } : null;
    const out: StreamOption[] = own ? [] : [{ bytes: c.mem, macs: c.macs, holds }];
    if (c.inPlace) out.push({ bytes: (own ?? c).mem - L.outMaterial[n]!, macs: c.macs, holds, inPlace: true });
    return out;
  }, (m, n) => !viewed.slice(m, n + 1).some(Boolean));
}

const hasReducer = (model: Model, m: number, n: number) => model.layers.slice(m, n + 1).some((l) => kindOf(model, l) === 'reduce');
