/**
 * Seeded int8 convolution layers for the kernel benches (bench/kernels.ts, bench/before-after.ts):
 * one linear congruential generator, so every run times the same bytes.
 */
import type { ConvLayer } from '../test/reference/kernels.js';

let seed = 12345;
/** Restarts the sequence (the same input for every variant of a case). */
export const reseed = (s = 12345): void => {
  seed = s;
};
export function rand(lo: number, hi: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return lo + ((seed >>> 8) % (hi - lo + 1));
}
export const i8 = (n: number): Int8Array => Int8Array.from({ length: n }, () => rand(-128, 127));

export interface BenchCase {
  id: string;
  kind: 'conv2d' | 'depthwise';
  layer: ConvLayer;
  macs: number;
}

/** An h x w layer with k x k SAME windows, stride 1, seeded weights, bias and multipliers. */
export function convCase(id: string, kind: BenchCase['kind'], h: number, w: number, inC: number, outC: number, k: number): BenchCase {
  const pad = (k - 1) >> 1;
  const layer: ConvLayer = {
    inH: h, inW: w, inC, outH: h, outW: w, outC, kh: k, kw: k, sh: 1, sw: 1, padT: pad, padL: pad, depthMult: 1,
    weights: i8(kind === 'conv2d' ? outC * k * k * inC : k * k * outC),
    bias: Int32Array.from({ length: outC }, () => rand(-5000, 5000)),
    mult: Int32Array.from({ length: outC }, () => rand(2 ** 30, 2 ** 31 - 1)),
    shift: new Int32Array(outC).fill(kind === 'conv2d' ? -10 : -7),
    inOffset: 128, outOffset: -128, actMin: -128, actMax: 127,
  };
  const macs = h * w * outC * k * k * (kind === 'conv2d' ? inC : 1);
  return { id, kind, layer, macs };
}
