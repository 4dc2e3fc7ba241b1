/**
 * stream-sim.ts's streamGraphTable, fast: the chain table of stream-fast.ts plus the fully streamed
 * and in-place options, with the same edges, bytes, MACs, holds and in-place flags (tested).
 *
 * On a chain segment without reducers the fully streamed block is the all-line option the chain
 * table already has (stream-sim.ts proves them equal), so only its in-place flag is new, and cheap
 * tests rule most blocks out (a tensor outside the arena, sizes that differ, a later reader). What
 * remains needs the walk's order, not its pixels' times: the call writing output pixel k starts once
 * layer m has produced D_m(k) pixels, a composition of per-layer pull counts (pulls only move
 * forward, so each is a running maximum over a row-major order); input pixel r is dead then when
 * its last reader (the largest needed row, then column, whose window holds it) is among them.
 * Other blocks (residual branches, reducers, other pixel ops) are played by stream-sim.ts itself.
 */
import { type ArenaOptions, type ExactLayers, exactEdgeCost, exactLayers, outsideArena, tensorLifetimes } from './exact.js';
import { type BlockEnd, streamTableFast } from './stream-fast.js';
import { fullMacs, readsWholeInput } from './stream-prune.js';
import { streamedBlockCost, kindOf, type Kind } from './stream-sim.js';
import { LINE, type StreamOption, type StreamTable } from './stream.js';
import { type Model, modelOutputs, tensorBytes } from '../model/ir.js';

/** With `prune`, blocks none of whose options can be on the front are left out (stream-prune.ts). */
export function streamGraphTableFast(model: Model, maxLayers = 32, options: ArenaOptions = {}, prune = false): StreamTable {
  const L = exactLayers(model, options);
  const N = L.n;
  const life = tensorLifetimes(model);
  const kinds: (Kind | null)[] = model.layers.map((l) => kindOf(model, l));
  const viewed = model.layers.map((l) => l.views?.some((v) => v) ?? false);
  const viewedBefore = new Int32Array(N + 1); // viewed layers among 0..l-1
  for (let l = 0; l < N; l++) viewedBefore[l + 1] = viewedBefore[l]! + (viewed[l] ? 1 : 0);
  const reducersBefore = new Int32Array(N + 1);
  for (let l = 0; l < N; l++) reducersBefore[l + 1] = reducersBefore[l]! + (kinds[l] === 'reduce' ? 1 : 0);
  // A member m..n-1 must feed only the block: its output is not the model's, has readers, all <= n.
  const outputs = new Set(modelOutputs(model));
  const lastReader = model.layers.map((layer) => {
    const { users } = life[layer.output]!;
    return outputs.has(layer.output) || users.length === 0 ? Infinity : Math.max(...users);
  });
  const bytesOf = (t: number) => tensorBytes(model.tensors[t]!.shape);
  // Candidates for in-place: the pair's tensors are the arena's and the input dies in the block.
  const inPlaceMayFit = (m: number, n: number) => {
    const blockIn = model.layers[m]!.inputs[0]!;
    const out = model.layers[n]!.output;
    return !outsideArena(model, blockIn, L) && !outsideArena(model, out, L) && life[blockIn]!.lastUse <= n && bytesOf(blockIn) === bytesOf(out);
  };
  // blockIn is read by layer m only (once): the order alone then decides in place.
  const onlyFirstReads = (m: number, n: number) => {
    const blockIn = model.layers[m]!.inputs[0]!;
    if (model.layers[m]!.inputs.filter((t) => t === blockIn).length > 1) return false;
    for (let l = m + 1; l <= n; l++) if (model.layers[l]!.inputs.includes(blockIn)) return false;
    return true;
  };
  // The first m for which m..n has no null kind and every member m..n-1 feeds only the block.
  const firstCandidate = (n: number) => {
    if (kinds[n] === null) return n + 1;
    let m = n;
    while (m > 0 && n - (m - 1) + 1 <= maxLayers && kinds[m - 1] !== null && lastReader[m - 1]! <= n) m--;
    return m;
  };
  // Every window layer reads its whole input: then a fully streamed block computes every pixel of
  // its members once (MACs = full), and its options need at least the input and what lives across
  // the cut, so a pruned table may skip playing a block whose figures cannot be useful.
  const wholeReads = kinds.every((k, l) => k !== 'window' || readsWholeInput(L, l));
  const { prefix } = fullMacs(L);
  const mayBeUseful = (m: number, n: number, useful: (bytes: number, macs: number) => boolean) =>
    !wholeReads || useful(L.liveAcross[m]! + L.inMaterial[m]!, prefix[n + 1]! - prefix[m]!);
  let candidateFrom = 0;
  let orders: PullOrders | null = null;
  const fullCounts: Int32Array[] = [];
  return streamTableFast(L, (m, n, g, useful) => {
    if (m === n) {
      candidateFrom = firstCandidate(n);
      orders = null;
    }
    if (m < candidateFrom) return [];
    const reducer = reducersBefore[n + 1]! - reducersBefore[m]! > 0;
    const own = m === n ? exactEdgeCost(L, m, n) : m >= g.lo && !reducer ? null : undefined;
    if (own !== undefined) {
      // Chain segment or single layer: only the in-place option is new.
      if (!inPlaceMayFit(m, n)) return [];
      const holds = new Uint8Array(n - m + 1).fill(LINE);
      // A window op or ADD (geometry.ts's window layers) read only by layer m: the order decides.
      if (L.window[n] && kinds[n] !== 'reduce' && onlyFirstReads(m, n)) {
        const c = m === n ? own! : chainFigures(L, g, m, n);
        const bytes = c.mem - L.outMaterial[n]!;
        if (!useful(bytes, c.macs)) return []; // left out of a pruned table whether in place or not
        orders ??= new PullOrders(L, g, fullCounts);
        if (!orders.inPlace(m)) return [];
        return [{ bytes, macs: c.macs, holds, inPlace: true }];
      }
      if (!mayBeUseful(m, n, useful)) return [];
      const c = streamedBlockCost(model, L, m, n);
      if (!c?.inPlace) return [];
      return [{ bytes: (own ?? c).mem - L.outMaterial[n]!, macs: c.macs, holds, inPlace: true }];
    }
    if (!mayBeUseful(m, n, useful)) return [];
    const c = streamedBlockCost(model, L, m, n);
    if (!c) return [];
    const holds = new Uint8Array(n - m + 1).fill(LINE);
    const out: StreamOption[] = [{ bytes: c.mem, macs: c.macs, holds }];
    if (c.inPlace) out.push({ bytes: c.mem - L.outMaterial[n]!, macs: c.macs, holds, inPlace: true });
    return out;
  }, (m, n) => viewedBefore[n + 1]! - viewedBefore[m]! === 0, (n) => Math.max(0, n - maxLayers + 1), prune);
}

/** The all-line block m..n of a chain segment: every layer l > m reads a ring (stream.ts). */
function chainFigures(L: ExactLayers, g: BlockEnd, m: number, n: number): { mem: number; macs: number } {
  let bytes = 0;
  let macs = g.macsOne[m]!;
  for (let l = m + 1; l <= n; l++) {
    bytes += g.ringOne[l]!;
    macs += g.macsOne[l]!;
  }
  return { mem: L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]! + bytes, macs };
}

/**
 * The pull walk's order on a chain segment ending at g.n, for blocks m..n taken with m descending:
 * done[k] = pixels of layer m made before the call writing output pixel k begins.
 */
class PullOrders {
  private done: Int32Array;
  private at: number;
  /** fullCounts[l]: pull counts of layer l when all its pixels and its producer's are produced (shared across block ends). */
  constructor(private readonly L: ExactLayers, private readonly g: BlockEnd, private readonly fullCounts: Int32Array[]) {
    const n = g.n;
    this.done = new Int32Array(L.hOut[n]! * L.wOut[n]!).map((_, k) => k);
    this.at = n;
  }

  private neededOf = new Map<number, { cols: Int32Array; rank: Int32Array }>();

  /** Needed pixels of layer l in row-major order: its produced columns, and how many lie left of x. */
  private needed(l: number): { cols: Int32Array; rank: Int32Array } {
    const known = this.neededOf.get(l);
    if (known) return known;
    const c = this.g.cols[l]!;
    const cols: number[] = [];
    const rank = new Int32Array(c.length + 1); // produced columns < x
    for (let x = 0; x < c.length; x++) {
      rank[x + 1] = rank[x]! + c[x]!;
      if (c[x]) cols.push(x);
    }
    const out = { cols: Int32Array.from(cols), rank };
    this.neededOf.set(l, out);
    return out;
  }

  /** Steps the order back from layer `at` to `at - 1`: pixels of at-1 made once at has made d pixels. */
  private stepBack(): void {
    const { L, g } = this;
    const l = this.at;
    const p = l - 1;
    const me = this.needed(l);
    const prev = this.needed(p);
    const W = L.wOut[p]!;
    const pa = g.rowA[p]!;
    const pb = g.rowB[p]!;
    const nc = prev.cols.length;
    const count = (q: number) => {
      if (q < 0) return 0;
      const y = Math.floor(q / W);
      if (y < pa) return 0;
      if (y >= pb) return (pb - pa) * nc;
      return (y - pa) * nc + prev.rank[(q % W) + 1]!;
    };
    const rows = g.rowB[l]! - g.rowA[l]!;
    const mine = me.cols.length;
    // With every pixel of l and of l-1 produced, the counts are the same for every block end.
    const full = rows === L.hOut[l] && mine === L.wOut[l] && pb - pa === L.hOut[p] && nc === L.wOut[p];
    const known = full ? this.fullCounts[l] : undefined;
    const F = known ?? new Int32Array(rows * mine + 1);
    if (full) this.fullCounts[l] = F;
    let most = -1;
    for (let d = 0; !known && d < rows * mine; d++) {
      const y = g.rowA[l]! + Math.floor(d / mine);
      const x = me.cols[d % mine]!;
      const a = Math.max(0, y * L.sh[l]! - L.pt[l]!);
      const b = Math.min(L.hIn[l]!, y * L.sh[l]! - L.pt[l]! + L.kh[l]!);
      const c0 = Math.max(0, x * L.sw[l]! - L.pl[l]!);
      const c1 = Math.min(L.wIn[l]!, x * L.sw[l]! - L.pl[l]! + L.kw[l]!);
      if (b > a && c1 > c0) most = Math.max(most, (b - 1) * W + c1 - 1);
      F[d + 1] = count(most);
    }
    // done counted pixels of l before the call; those pulls include the call's own (one more pixel started).
    const first = l === g.n;
    const done = this.done;
    for (let k = 0; k < done.length; k++) done[k] = F[first ? done[k]! + 1 : done[k]!]!;
    this.at = p;
  }

  /** stream-sim.ts's inPlaceFits for the all-line chain block m..g.n (sizes already equal). */
  inPlace(m: number): boolean {
    while (this.at > m) this.stepBack();
    const { L, g } = this;
    const me = this.needed(m);
    const mine = me.cols.length;
    // Last reader of input pixel (yr, xr): the largest needed row, then column, whose window holds it.
    const H = L.hIn[m]!;
    const W = L.wIn[m]!;
    const lastRow = new Int32Array(H).fill(-1);
    for (let y = g.rowA[m]!; y < g.rowB[m]!; y++) {
      const a = Math.max(0, y * L.sh[m]! - L.pt[m]!);
      const b = Math.min(H, y * L.sh[m]! - L.pt[m]! + L.kh[m]!);
      for (let r = a; r < b; r++) lastRow[r] = y - g.rowA[m]!;
    }
    const lastCol = new Int32Array(W).fill(-1);
    me.cols.forEach((x, rank) => {
      const c0 = Math.max(0, x * L.sw[m]! - L.pl[m]!);
      const c1 = Math.min(W, x * L.sw[m]! - L.pl[m]! + L.kw[m]!);
      for (let c = c0; c < c1; c++) lastCol[c] = rank;
    });
    const lastRead = (r: number) => {
      const y = lastRow[Math.floor(r / W)]!;
      const x = lastCol[r % W]!;
      return y < 0 || x < 0 ? -1 : y * mine + x;
    };
    const ci = L.cIn[m]!;
    const co = L.cOut[g.n]!;
    // At m == n the call of pixel k starts after k pixels of m; the order's first step added the pull.
    const done = m === g.n ? null : this.done;
    let dead = 0;
    for (let k = 0; k < L.hOut[g.n]! * L.wOut[g.n]!; k++) {
      const d = done ? done[k]! : k;
      while (dead < H * W && lastRead(dead) < d) dead++;
      if ((k + 1) * co > dead * ci) return false;
    }
    return true;
  }
}
