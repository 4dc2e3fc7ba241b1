/**
 * The msf-CNN paper's analytical cost model, exactly as ../shared/reference/paper-cost-model.md
 * states it, quirks included: padding is ignored in the tile size, caches are measured at the last
 * tile, and the network input/output are not counted by the edges at the ends.
 *
 * The paper states it for square chains of window ops with symmetric padding. Other models (real
 * .tflite graphs) get the same accounting, generalised so that it reduces to the paper's formulas
 * on square chains (see paperDomainNote): rows and columns apart (the tile and the cache height
 * follow the rows, the cache width is the kernel's width, the columns per row are the layer's output
 * width), top and bottom padding apart, fully connected, pooling to 1x1, pad and softmax only as
 * single layers (input + output), fusion blocks only along chain segments of window ops and ADDs
 * (an ADD as a 1x1 stride-1 unpadded window whose other operand is a skip tensor produced before the
 * block: the exact model's blocks, see src/cost/exact.ts), and tensors live across a cut (skip
 * connections) counted in every edge they span. `joins` carries the ADD rule: the producer p of an
 * ADD l's other operand lies before any block containing l past its start, because a p inside the
 * block would need chainsToNext[p] (p's output feeding only p + 1), which l's read contradicts.
 */
import { type Model, WINDOW_OPS, inputShape, isChain, isDilated, layerMacs, macsPerElement, outputShape, tensorBytes } from '../model/ir.js';
import { exactLayers } from './exact.js';
import { type EdgeTable, EdgeTableBuilder } from './table.js';

/** Per-layer scalars the paper's formulas read, in flat arrays (the Wasm engine gets the same). */
export interface PaperLayers {
  n: number;
  /** Kernel height, row stride, top padding (the paper's k, s, p on square layers). */
  k: Int32Array;
  s: Int32Array;
  p: Int32Array;
  /** Bottom padding and kernel width (= p and k on square layers). */
  pb: Int32Array;
  kw: Int32Array;
  /** Output columns of the layer (the paper's floor((H + 2p - k) / s) + 1 on square layers). */
  cols: Float64Array;
  /** Bytes live across the cut before the layer besides its own input (skip tensors; 0 in chains). */
  live: Float64Array;
  /** 1 when layers l and l + 1 may be in one fusion block (window ops, l's output feeds only l + 1). */
  joins: Int32Array;
  hIn: Int32Array;
  cIn: Int32Array;
  cOut: Int32Array;
  perElementMacs: Float64Array;
  inBytes: Float64Array;
  outBytes: Float64Array;
  layerMacs: Float64Array;
}

/** Why a model is outside the paper's own domain (its accounting is then generalised), or null. */
export function paperDomainNote(model: Model): string | null {
  if (!isChain(model)) return 'a graph with skip connections';
  for (const layer of model.layers) {
    const inS = inputShape(model, layer);
    const [t, b, l, r] = layer.padding;
    const where = `layer ${layer.index} (${layer.op})`;
    if (!WINDOW_OPS.has(layer.op)) return `${where} is not a window op`;
    if (isDilated(layer)) return `${where} is a dilated convolution`;
    if (inS[0] !== inS[1]) return `${where} has a non-square input ${inS[0]}x${inS[1]}`;
    if (layer.kernel[0] !== layer.kernel[1] || layer.stride[0] !== layer.stride[1]) return `${where} has a non-square kernel or stride`;
    if (!(t === b && b === l && l === r)) return `${where} has asymmetric padding [${layer.padding.join(', ')}]`;
  }
  return null;
}

/** Extracts the per-layer scalars of the paper's formulas (generalised off its domain, see above). */
export function paperLayers(model: Model): PaperLayers {
  const n = model.layers.length;
  const i32 = () => new Int32Array(n);
  const f64 = () => new Float64Array(n);
  const out: PaperLayers = {
    n, k: i32(), s: i32(), p: i32(), pb: i32(), kw: i32(), cols: f64(), live: f64(), joins: i32(),
    hIn: i32(), cIn: i32(), cOut: i32(), perElementMacs: f64(), inBytes: f64(), outBytes: f64(), layerMacs: f64(),
  };
  const E = exactLayers(model);
  model.layers.forEach((layer, i) => {
    const inS = inputShape(model, layer);
    const outS = outputShape(model, layer);
    // ADD counts as a 1x1 stride-1 unpadded window (E holds that geometry for it).
    out.k[i] = E.kh[i]!;
    out.kw[i] = E.kw[i]!;
    out.s[i] = E.sh[i]!;
    out.p[i] = E.pt[i]!;
    out.pb[i] = layer.op === 'add' ? 0 : layer.padding[1];
    out.cols[i] = outS[1];
    out.live[i] = E.liveAcross[i]!;
    out.joins[i] = E.window[i] && E.chainsToNext[i] && E.window[i + 1] ? 1 : 0;
    out.hIn[i] = inS[0];
    out.cIn[i] = inS[2];
    out.cOut[i] = outS[2];
    out.perElementMacs[i] = macsPerElement(model, layer);
    out.inBytes[i] = tensorBytes(inS);
    out.outBytes[i] = tensorBytes(outS);
    out.layerMacs[i] = layerMacs(model, layer);
  });
  return out;
}

/**
 * Memory and MACs of the fusion block m..n (m < n) whose one-pixel tile at layer m's input is T rows
 * high with accumulated stride St (see paperTableOf), or null when T exceeds that input.
 */
function paperBlockCost(L: PaperLayers, m: number, n: number, T: number, St: number): { mem: number; macs: number } | null {
  const H0 = L.hIn[m]!;
  if (T > H0) return null;
  const iStar = Math.floor((H0 - T) / St) * St;
  let h = T;
  let cs = 1;
  let cache = 0;
  for (let l = m; l <= n; l++) {
    const k = L.k[l]!;
    const s = L.s[l]!;
    cs *= s;
    const r = Math.floor(iStar / cs);
    let o = h - k;
    if (r === 0) o += L.p[l]!;
    if (r + h >= L.hIn[l]!) o += L.pb[l]!;
    cache += L.kw[l]! * h * L.cIn[l]!;
    h = Math.floor(o / s) + 1;
  }
  let t = T;
  let st = St;
  let macs = 0;
  for (let l = m; l <= n; l++) {
    const k = L.k[l]!;
    const s = L.s[l]!;
    const rowsOuter = Math.floor((L.hIn[l]! + L.p[l]! + L.pb[l]! - t) / st) + 1;
    const rowsInner = Math.floor((t - k) / s) + 1;
    // Off the paper's domain (asymmetric padding, strides that do not tile the input) the formula can
    // drop rows; a block still computes every output of each layer at least once.
    macs += Math.max(rowsOuter * L.cols[l]! * rowsInner * L.cOut[l]! * L.perElementMacs[l]!, L.layerMacs[l]!);
    t = Math.floor((t - k) / s) + 1;
    st = Math.floor(st / s);
  }
  return { mem: cache + L.inBytes[m]! + L.outBytes[n]!, macs };
}

/** Memory and MACs of the edge m -> n+1 with the end rules applied, plus the skip tensors live across it. */
function endRules(L: PaperLayers, m: number, n: number, c: { mem: number; macs: number }): { mem: number; macs: number } {
  let mem = c.mem;
  if (m === 0) mem -= L.inBytes[0]!;
  if (n === L.n - 1) mem -= L.outBytes[L.n - 1]!;
  return { mem: mem + L.live[m]!, macs: c.macs };
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
    for (let m = n - 1; m >= 0 && L.joins[m]; m--) {
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
