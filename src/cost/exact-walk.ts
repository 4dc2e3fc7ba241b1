/**
 * The exact cost model's table by one walk per block end: the same figures as exactTableOf
 * (src/cost/exact.ts, the reference definition, which costs every edge on its own), in the
 * algorithm of the Wasm engine (assembly/search/exact.ts) so that the TypeScript engine stays an
 * honest baseline for it.
 *
 * For a block m..n, a layer's recomputed rows, cache height and produced columns depend on n and the
 * layer only, not on m: walk n once down to its earliest candidate start, then the blocks ending at
 * n are suffix sums of per-layer terms. The terms are integers, so the sums equal the per-edge sums
 * bit for bit while they stay below 2^53; otherwise the per-edge MACs are used.
 */
import { type ExactLayers, exactBlockCost } from './exact.js';
import { type EdgeTable, EdgeTableBuilder } from './table.js';

const EXACT = 2 ** 53;

/** The earliest m such that every block m..n is a candidate (ADDs included), stopping at the first that is not. */
function lowestStart(L: ExactLayers, n: number): number {
  if (!L.window[n]) return n;
  let T = L.kh[n]!;
  let m = n;
  // The latest producer of an ADD's materialised operand in m+1..n: starts must come after it.
  let bound = -1;
  while (m > 0) {
    const c = m - 1;
    if (!L.window[c] || !L.chainsToNext[c]) break;
    bound = Math.max(bound, L.otherProducer[m]!);
    if (c <= bound) break;
    T = (T - 1) * L.sh[c]! + L.kh[c]!;
    if (!(T <= L.hIn[c]!)) break;
    m = c;
  }
  return m;
}

export function exactTableWalk(L: ExactLayers): EdgeTable {
  const b = new EdgeTableBuilder(L.n);
  const out = (l: number) => L.hOut[l]! * L.wOut[l]! * L.cOut[l]!;
  let baseline = 0;
  for (let l = 0; l < L.n; l++) baseline += out(l) * L.perElementMacs[l]!;
  const rows = new Int32Array(L.n);
  const span = new Int32Array(L.n);
  const produced = new Int32Array(L.n);
  for (let n = 0; n < L.n; n++) {
    const lo = lowestStart(L, n);
    rows.fill(0, lo, n + 1);
    span.fill(0, lo, n + 1);
    for (let y = 0; y < L.hOut[n]!; y++) {
      let a = y;
      let z = y + 1;
      for (let l = n; l >= lo; l--) {
        span[l] = span[l]! + (z - a);
        a = Math.max(0, a * L.sh[l]! - L.pt[l]!);
        z = Math.min(L.hIn[l]!, (z - 1) * L.sh[l]! - L.pt[l]! + L.kh[l]!);
        if (z - a > rows[l]!) rows[l] = z - a;
      }
    }
    let mine = new Uint8Array(L.wOut[n]!).fill(1);
    produced[n] = mine.length;
    for (let l = n; l > lo; l--) {
      const need = new Uint8Array(L.wOut[l - 1]!);
      const wIn = Math.min(L.wIn[l]!, need.length);
      for (let x = 0; x < mine.length; x++) {
        if (!mine[x]) continue;
        const c0 = x * L.sw[l]! - L.pl[l]!;
        for (let c = Math.max(0, c0); c < Math.min(wIn, c0 + L.kw[l]!); c++) need[c] = 1;
      }
      produced[l - 1] = need.reduce((s, v) => s + v, 0);
      mine = need;
    }
    let magnitude = 0;
    let exact = true;
    for (let l = lo; l <= n; l++) {
      const pem = L.perElementMacs[l]!;
      if (!Number.isInteger(pem) || pem < 0) exact = false;
      magnitude += span[l]! * produced[l]! * L.cOut[l]! * pem;
    }
    exact &&= magnitude < EXACT;
    let cache = 0;
    let macs = 0;
    for (let m = n; m >= lo; m--) {
      const tensors = L.liveAcross[m]! + L.inMaterial[m]! + L.outMaterial[n]!;
      macs += span[m]! * produced[m]! * L.cOut[m]! * L.perElementMacs[m]!;
      if (m === n) {
        b.add(m, n + 1, tensors + L.scratch[n]!, out(n) * L.perElementMacs[n]!);
      } else {
        cache += L.kw[m + 1]! * rows[m + 1]! * L.cIn[m + 1]!;
        b.add(m, n + 1, tensors + cache, exact ? macs : exactBlockCost(L, m, n).macs);
      }
    }
  }
  return b.build(baseline);
}
