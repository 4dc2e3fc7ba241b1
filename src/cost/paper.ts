/**
 * The msf-CNN paper's analytical cost model, exactly as ../shared/reference/paper-cost-model.md
 * states it, quirks included: padding is ignored in the tile size, caches are measured at the last
 * tile, and the network input/output are not counted by the edges at the ends.
 */
import { ModelError } from '../errors.js';
import { type Model, WINDOW_OPS, inputShape, isChain, layerMacs, macsPerElement, outputShape, tensorBytes } from '../model/ir.js';
import { type EdgeTable, EdgeTableBuilder } from './table.js';

/** Per-layer scalars the paper's formulas read, in flat arrays (the Wasm engine gets the same). */
export interface PaperLayers {
  n: number;
  k: Int32Array;
  s: Int32Array;
  p: Int32Array;
  hIn: Int32Array;
  cIn: Int32Array;
  cOut: Int32Array;
  perElementMacs: Float64Array;
  inBytes: Float64Array;
  outBytes: Float64Array;
  layerMacs: Float64Array;
}

/** Checks that the paper's model applies (square chain) and extracts its per-layer scalars. */
export function paperLayers(model: Model): PaperLayers {
  const where = (i: number) => `${model.name} layer ${i} (${model.layers[i]!.op})`;
  if (!isChain(model))
    throw new ModelError(`${model.name}: the paper cost model handles plain chains only; use --cost exact for graphs with skip connections`);
  const n = model.layers.length;
  const out: PaperLayers = {
    n,
    k: new Int32Array(n),
    s: new Int32Array(n),
    p: new Int32Array(n),
    hIn: new Int32Array(n),
    cIn: new Int32Array(n),
    cOut: new Int32Array(n),
    perElementMacs: new Float64Array(n),
    inBytes: new Float64Array(n),
    outBytes: new Float64Array(n),
    layerMacs: new Float64Array(n),
  };
  model.layers.forEach((layer, i) => {
    if (!WINDOW_OPS.has(layer.op)) throw new ModelError(`${where(i)}: the paper cost model has no rule for ${layer.op}; use --cost exact`);
    const inS = inputShape(model, layer);
    const [kh, kw] = layer.kernel;
    const [sh, sw] = layer.stride;
    const [t, b, l, r] = layer.padding;
    const problem =
      inS[0] !== inS[1] ? `input ${inS[0]}x${inS[1]} is not square`
      : kh !== kw ? `kernel ${kh}x${kw} is not square`
      : sh !== sw ? `stride ${sh}x${sw} is not square`
      : !(t === b && b === l && l === r) ? `padding [${layer.padding.join(', ')}] is not symmetric`
      : null;
    if (problem)
      throw new ModelError(`${where(i)}: ${problem}; the paper cost model accepts only square inputs, square kernels and symmetric padding (use --cost exact)`);
    out.k[i] = kh;
    out.s[i] = sh;
    out.p[i] = t;
    out.hIn[i] = inS[0];
    out.cIn[i] = inS[2];
    out.cOut[i] = outputShape(model, layer)[2];
    out.perElementMacs[i] = macsPerElement(model, layer);
    out.inBytes[i] = tensorBytes(inS);
    out.outBytes[i] = tensorBytes(outputShape(model, layer));
    out.layerMacs[i] = layerMacs(model, layer);
  });
  return out;
}

/**
 * Memory and MACs of the fusion block m..n (m < n) whose one-pixel tile at layer m's input is T rows
 * high with accumulated stride St (see paperTableOf), or null when T exceeds that input.
 */
export function paperBlockCost(L: PaperLayers, m: number, n: number, T: number, St: number): { mem: number; macs: number } | null {
  const H0 = L.hIn[m]!;
  if (T > H0) return null;
  const iStar = Math.floor((H0 - T) / St) * St;
  let h = T;
  let cs = 1;
  let cache = 0;
  for (let l = m; l <= n; l++) {
    const k = L.k[l]!;
    const s = L.s[l]!;
    const p = L.p[l]!;
    cs *= s;
    const r = Math.floor(iStar / cs);
    let o = h - k;
    if (r === 0) o += p;
    if (r + h >= L.hIn[l]!) o += p;
    cache += k * h * L.cIn[l]!;
    h = Math.floor(o / s) + 1;
  }
  let t = T;
  let st = St;
  let macs = 0;
  for (let l = m; l <= n; l++) {
    const k = L.k[l]!;
    const s = L.s[l]!;
    const p = L.p[l]!;
    const H = L.hIn[l]!;
    const rowsOuter = Math.floor((H + 2 * p - t) / st) + 1;
    const cols = Math.floor((H + 2 * p - k) / s) + 1;
    const rowsInner = Math.floor((t - k) / s) + 1;
    macs += rowsOuter * cols * rowsInner * L.cOut[l]! * L.perElementMacs[l]!;
    t = Math.floor((t - k) / s) + 1;
    st = Math.floor(st / s);
  }
  return { mem: cache + L.inBytes[m]! + L.outBytes[n]!, macs };
}

/** Memory and MACs of the edge m -> n+1 with the end rules applied. */
function endRules(L: PaperLayers, m: number, n: number, c: { mem: number; macs: number }): { mem: number; macs: number } {
  let mem = c.mem;
  if (m === 0) mem -= L.inBytes[0]!;
  if (n === L.n - 1) mem -= L.outBytes[L.n - 1]!;
  return { mem, macs: c.macs };
}

/** The whole fusion DAG under the paper's cost model. */
export function paperCostTable(model: Model): EdgeTable {
  return paperTableOf(paperLayers(model));
}

export function paperTableOf(L: PaperLayers): EdgeTable {
  const b = new EdgeTableBuilder(L.n);
  let baseline = 0;
  for (let i = 0; i < L.n; i++) baseline += L.layerMacs[i]!;
  for (let n = 0; n < L.n; n++) {
    const single = endRules(L, n, n, { mem: L.inBytes[n]! + L.outBytes[n]!, macs: L.layerMacs[n]! });
    b.add(n, n + 1, single.mem, single.macs);
    // Grow the block backwards: T(m) = (T(m+1) - 1) * s_m + k_m. Once T exceeds layer m's input,
    // it exceeds every earlier layer's input too (T(m-1) - H_in(m-1) >= 1 + 2p by the output-size
    // formula), so no longer block ending at n is valid.
    let T = L.k[n]!;
    let St = L.s[n]!;
    for (let m = n - 1; m >= 0; m--) {
      T = (T - 1) * L.s[m]! + L.k[m]!;
      St *= L.s[m]!;
      const c = paperBlockCost(L, m, n, T, St);
      if (!c) break;
      const e = endRules(L, m, n, c);
      b.add(m, n + 1, e.mem, e.macs);
    }
  }
  return b.build(baseline);
}
