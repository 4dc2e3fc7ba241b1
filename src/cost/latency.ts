/**
 * Estimated instructions of the emitted C for a plan: a per-operator model of the kernel library
 * (src/emit/c, the fast path) on a Cortex-M4 built with the README's arm-none-eabi-gcc -O2 line.
 *
 *   instructions = sum over every kernel call of  perMac[op] * MACs + perOutput[op] * output bytes
 *                                                 + perPixel[op] * output pixels
 *                                                 + perFilterRow[op] * output bytes x filter rows + perCall
 *                                                 + perCallChannel[op] * output channels
 *                                                 + perSingleMac * MACs of a convolution's odd pixel
 *                                                 + perSlideByte * bytes a column cache moves
 *
 * A layer by layer edge is one call per layer. In a fusion block the walker produces the last
 * layer's output row by row and column by column: for each of its rows, every layer of the block
 * computes the rows it needs (recomputation included) one column per call, so a block costs its
 * recomputed MACs and outputs plus one call per layer, row of the last layer and column. The
 * per-channel term is what a call spends on each output channel besides its MACs (its
 * requantisation constants and kernel sums: a long call works them out once for all its pixels, a
 * block's call of one to three pixels where it uses them); a convolution takes its pixels in pairs,
 * and a call with an odd number of them (a block's one-pixel columns) computes the last one alone,
 * at its own per-MAC cost. perCall holds both the kernel's per-call setup and the walker's.
 *
 * The coefficients come from bench/mcu.ts (`npm run bench -- mcu`), fitted by least squares on
 * single layers and generated models under qemu (instructions counted as the bench counts them),
 * never on the shared models, which the bench uses to state the error. An instruction count is not
 * a cycle count; milliseconds assume one instruction per cycle at the core's clock.
 */
import { InfeasibleError } from '../errors.js';
import { groupDigits } from '../report/digits.js';
import type { Model } from '../model/ir.js';
import { type ExactLayers, exactLayers } from './exact.js';

/** Kernel families with their own coefficients. */
export type OpClass = 'conv1x1' | 'conv' | 'depthwise3x3' | 'depthwise' | 'depthwiseMult' | 'fc' | 'pool' | 'add' | 'mean' | 'softmax' | 'pad' | 'other';

export interface LatencyCoefficients {
  /** Where the figures were measured. */
  target: string;
  perMac: Record<OpClass, number>;
  perOutput: Record<OpClass, number>;
  perPixel: Record<OpClass, number>;
  /** One filter row of one output byte (a convolution's inner loop is set up once per filter row). */
  perFilterRow: Record<OpClass, number>;
  /** One kernel call (its setup and window check); a block calls once per layer, row and column. */
  perCall: number;
  /** One output channel of one kernel call (its per-channel setup), by kernel family. */
  perCallChannel: Record<OpClass, number>;
  /** The extra of one MAC of a convolution pixel computed alone (no partner in its call). */
  perSingleMac: number;
  /** One byte a block's column cache moves when the window slides one column. */
  perSlideByte: number;
}

/** What a plan makes the kernels do, per operator class (the model's regressors). */
export interface Work {
  macs: Record<OpClass, number>;
  /**
   * Of those, the MACs of taps in the padding that the kernel skips: a depthwise layer with a
   * multiplier loops over each pixel's valid taps only (on a small input with a tall kernel most
   * pixels are border pixels). The per-MAC term counts macs - skippedMacs.
   */
  skippedMacs: Record<OpClass, number>;
  outputs: Record<OpClass, number>;
  pixels: Record<OpClass, number>;
  /** output bytes x filter rows, of the convolutions with a kernel taller than one row */
  filterRows: Record<OpClass, number>;
  calls: number;
  /** sum over the calls of the output channels of their layer, by kernel family */
  callChannels: Record<OpClass, number>;
  /** MACs of the convolution pixels computed alone: one pixel of every call with an odd number of them */
  singleMacs: number;
  /** bytes the walker's column caches move (memmove of the kept columns, per row and column) */
  slideBytes: number;
  /** output bytes of each layer (recomputation included) */
  layerOutputs: number[];
}

const CLASSES: readonly OpClass[] = ['conv1x1', 'conv', 'depthwise3x3', 'depthwise', 'depthwiseMult', 'fc', 'pool', 'add', 'mean', 'softmax', 'pad', 'other'];
const zeros = (): Record<OpClass, number> => Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<OpClass, number>;

/**
 * Fitted by bench/mcu.ts on single layers (conv, depthwise 3x3, k x 1 and with a multiplier, pools,
 * 1x1 convolutions of one pixel for FULLY_CONNECTED, which runs the same code), residual graphs
 * (ADD), and the walker's terms on the fused plans of two zoo models, seven generated chains and
 * three residual graphs, layer by layer from their profiles (each layer's row weighted by its
 * count; a term the fit makes negative is 0). A 3x3 depthwise layer always does 9 MACs per output,
 * so its per-MAC figure carries its per-output cost. MEAN, SOFTMAX and PAD are per-element guesses,
 * not fitted (well under 1% of every shared model's count).
 */
export const CORTEX_M4_DSP: LatencyCoefficients = {
  target: 'Cortex-M4 (DSP), arm-none-eabi-gcc 12.2 -O2, qemu 7.2 mps2-an386 (bench/mcu.ts calibration, 39 cases)',
  perMac: { conv1x1: 1.29, conv: 1.464, depthwise3x3: 7.044, depthwise: 4.51, depthwiseMult: 2.234, fc: 1.508, pool: 16.275, add: 0, mean: 0, softmax: 0, pad: 0, other: 0 },
  perOutput: { conv1x1: 43.606, conv: 25.323, depthwise3x3: 0, depthwise: 63.703, depthwiseMult: 134.596, fc: 38.392, pool: 62.741, add: 136.635, mean: 40, softmax: 400, pad: 2, other: 20 },
  perPixel: { conv1x1: 0, conv: 0, depthwise3x3: 0, depthwise: 0, depthwiseMult: 0, fc: 0, pool: 0, add: 0, mean: 0, softmax: 0, pad: 10, other: 0 },
  perFilterRow: { conv1x1: 0, conv: 13.594, depthwise3x3: 0, depthwise: 0, depthwiseMult: 0, fc: 0, pool: 0, add: 0, mean: 0, softmax: 0, pad: 0, other: 0 },
  perCallChannel: { conv1x1: 0, conv: 0, depthwise3x3: 20.198, depthwise: 20.198, depthwiseMult: 20.198, fc: 0, pool: 0, add: 0, mean: 0, softmax: 0, pad: 0, other: 0 },
  perCall: 100.3,
  perSingleMac: 0.322,
  perSlideByte: 1.306,
};

export function classOf(model: Model, l: number): OpClass {
  const layer = model.layers[l]!;
  switch (layer.op) {
    case 'conv2d': {
      if (layer.kernel[0] !== 1 || layer.kernel[1] !== 1) return 'conv';
      // a 1x1 convolution of one pixel runs the fully connected code
      const [h, w] = model.tensors[layer.output]!.shape;
      return h === 1 && w === 1 ? 'fc' : 'conv1x1';
    }
    case 'depthwise_conv2d':
      // a depth multiplier > 1 runs its own loops (one input byte against m filter bytes)
      if ((layer.multiplier ?? 1) > 1) return 'depthwiseMult';
      return layer.kernel[0] === 3 && layer.kernel[1] === 3 ? 'depthwise3x3' : 'depthwise';
    case 'avg_pool2d':
    case 'max_pool2d':
      return 'pool';
    case 'fully_connected':
      return 'fc';
    case 'global_avg_pool2d':
      return 'mean';
    case 'add':
    case 'softmax':
    case 'pad':
      return layer.op;
    default:
      return 'other'; // operators the C library has no kernel for yet (lut, elementwise, transpose)
  }
}

/** Sum over the outputs [o0, o1) of one axis of the kernel taps inside the input (not in the padding). */
function validTaps(k: number, stride: number, pad: number, size: number, o0: number, o1: number): number {
  let taps = 0;
  for (let o = o0; o < o1; o++) {
    const i = o * stride - pad;
    taps += Math.max(0, Math.min(k, size - i) - Math.max(0, -i));
  }
  return taps;
}

/** The work of a plan (blocks as [first, last] layer ranges); with only, that layer's part of it alone. */
export function planWork(model: Model, blocks: readonly (readonly [number, number])[], L: ExactLayers = exactLayers(model), only?: number): Work {
  const w: Work = { macs: zeros(), skippedMacs: zeros(), outputs: zeros(), pixels: zeros(), filterRows: zeros(), calls: 0, callChannels: zeros(), singleMacs: 0, slideBytes: 0, layerOutputs: model.layers.map(() => 0) };
  const add = (l: number, y0: number, rows: number, cols: number, calls: number, fromCache: boolean) => {
    if (only !== undefined && l !== only) return;
    const c = classOf(model, l);
    const outputs = rows * cols * L.cOut[l]!;
    w.macs[c] += outputs * L.perElementMacs[l]!;
    if (c === 'depthwiseMult')
      w.skippedMacs[c] += outputs * L.perElementMacs[l]! - L.cOut[l]! * validTaps(L.kh[l]!, L.sh[l]!, L.pt[l]!, L.hIn[l]!, y0, y0 + rows) * validTaps(L.kw[l]!, L.sw[l]!, L.pl[l]!, L.wIn[l]!, 0, cols);
    w.outputs[c] += outputs;
    w.layerOutputs[l]! += outputs;
    w.pixels[c] += rows * cols;
    // a convolution calls its dot product once per filter row (msf_dot_2x2 in msf_conv_fast.c), once
    // when its input is as wide as the window (a block's column cache: each window one run); a
    // depthwise layer's rows are a loop inside its four-channel step, a 1x1 has one
    if (c === 'conv') w.filterRows[c] += outputs * (fromCache || L.wIn[l] === L.kw[l] ? 1 : L.kh[l]!);
    w.calls += calls;
    w.callChannels[c] += calls * L.cOut[l]!;
    // each call covers rows x (cols / calls) pixels; the odd one of a call is computed alone
    if ((c === 'conv' || c === 'conv1x1') && ((rows * cols) / calls) % 2 === 1) w.singleMacs += calls * L.cOut[l]! * L.perElementMacs[l]!;
  };
  for (const [m, n] of blocks) {
    if (m === n) {
      add(m, 0, L.hOut[m]!, L.wOut[m]!, 1, false);
      continue;
    }
    // The walker's row ranges, from the last layer back (as msf_run_block computes them).
    for (let y = 0; y < L.hOut[n]!; y++) {
      let a = y;
      let b = y + 1;
      for (let l = n; l >= m; l--) {
        add(l, a, b - a, L.wOut[l]!, L.wOut[l]!, l > m);
        const lo = Math.max(0, a * L.sh[l]! - L.pt[l]!);
        const hi = Math.min(L.hIn[l]!, (b - 1) * L.sh[l]! - L.pt[l]! + L.kh[l]!);
        // a later layer's cache (rows [lo, hi) of its input, kw columns) slides once per output column
        if (l > m && (only === undefined || l === only)) w.slideBytes += (hi - lo) * Math.max(0, L.kw[l]! - L.sw[l]!) * L.cIn[l]! * L.wOut[l]!;
        a = lo;
        b = hi;
      }
    }
  }
  return w;
}

/** Estimated instructions of the emitted C for these blocks. */
export function estimateInstructions(model: Model, blocks: readonly (readonly [number, number])[], k: LatencyCoefficients = CORTEX_M4_DSP, L?: ExactLayers): number {
  return Math.round(instructionsOf(planWork(model, blocks, L), k));
}

/** The model itself: the work's regressors times their coefficients (unrounded; the bench fits on it). */
export function instructionsOf(w: Work, k: LatencyCoefficients): number {
  let insn = w.calls * k.perCall + w.singleMacs * k.perSingleMac + w.slideBytes * k.perSlideByte;
  for (const c of CLASSES)
    insn += (w.macs[c] - w.skippedMacs[c]) * k.perMac[c] + w.outputs[c] * k.perOutput[c] + w.pixels[c] * k.perPixel[c] + w.filterRows[c] * k.perFilterRow[c] + w.callChannels[c] * k.perCallChannel[c];
  return insn;
}

/**
 * The third problem: of the front's points, the one of least peak RAM whose estimated instruction
 * count is at most maxInstructions (and peak at most ramLimit). The front holds the RAM/MAC optima,
 * so this is the best such point among them.
 */
export function leastRamWithin<P extends { peakBytes: number; blocks: readonly (readonly [number, number])[] }>(
  model: Model, front: readonly P[], maxInstructions: number, ramLimit = Infinity, k: LatencyCoefficients = CORTEX_M4_DSP,
): P {
  const L = exactLayers(model);
  let best: P | undefined;
  let fastest = Infinity;
  for (const p of front) {
    const insn = estimateInstructions(model, p.blocks, k, L);
    fastest = Math.min(fastest, insn);
    if (insn <= maxInstructions && p.peakBytes <= ramLimit && (!best || p.peakBytes < best.peakBytes)) best = p;
  }
  if (!best)
    throw new InfeasibleError(
      `no plan of ${model.name} is estimated within ${groupDigits(Math.round(maxInstructions))} instructions${ramLimit < Infinity ? ` and ${groupDigits(ramLimit)} B` : ''}; the fastest needs about ${groupDigits(fastest)}`,
    );
  return best;
}

/** Milliseconds at clockHz, one instruction per cycle (a lower bound: no wait states, no stalls). */
export const instructionsToMs = (instructions: number, clockHz: number): number => (instructions / clockHz) * 1000;

/** The operator classes, in the order the bench fits them. */
export const FIT_CLASSES = CLASSES;
