/**
 * Seeded model generators: random chains for property tests, and MobileNet-like chains of any depth
 * for large-model benchmarks (`msf gen`). Deterministic for a given seed.
 */
import type { ChainLayerSpec, ChainSpec } from './chain.js';
import { windowOut } from './ir.js';

/** xorshift32: small, fast, and the same generator the conformance inputs use. */
export class Rng {
  private x: number;
  constructor(seed: number) {
    this.x = seed >>> 0 || 0x9e3779b9;
  }
  nextU32(): number {
    let x = this.x;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.x = x;
    return x;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + (this.nextU32() % (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
}

/** A random valid square chain of `layers` window layers (paper-cost-model compatible). */
export function randomChain(seed: number, layers: number, maxInput = 48): ChainSpec {
  const rng = new Rng(seed);
  const size = rng.int(4, maxInput);
  let h = size;
  let c = rng.int(1, 8);
  const specs: ChainLayerSpec[] = [];
  while (specs.length < layers) {
    const op = rng.pick(['conv2d', 'conv2d', 'depthwise_conv2d', 'depthwise_conv2d', 'avg_pool2d', 'max_pool2d'] as const);
    const k = rng.pick([1, 1, 3, 3, 5, 7]);
    const s = rng.pick([1, 1, 1, 2, 3]);
    const p = rng.int(0, k - 1);
    const out = windowOut(h, k, s, p, p);
    if (k > h + 2 * p || out < 1) {
      // Too small to shrink further: a 1x1 stride-1 layer always fits.
      specs.push({ op: 'conv2d', filters: rng.int(1, 24), kernel: 1, stride: 1, padding: 0 });
      c = (specs[specs.length - 1] as { filters: number }).filters;
      continue;
    }
    if (op === 'conv2d') {
      c = rng.int(1, 24);
      specs.push({ op, filters: c, kernel: k, stride: s, padding: p });
    } else specs.push({ op, kernel: k, stride: s, padding: p });
    h = out;
  }
  return { name: `random-${seed}-${layers}`, input: [size, size, rng.int(1, 4)], layers: specs };
}

/**
 * A MobileNetV2-like chain: a stride-2 stem, then inverted-residual triples (1x1 expand, 3x3 depthwise,
 * 1x1 project) with the resolution halved at evenly spaced stages until it reaches about 7x7.
 */
export function mobilenetLike(layers: number, input: number, seed = 1): ChainSpec {
  if (!Number.isInteger(layers) || layers < 1) throw new RangeError('layers must be a positive integer');
  const rng = new Rng(seed);
  const specs: ChainLayerSpec[] = [{ op: 'conv2d', filters: 16, kernel: 3, stride: 2, padding: 1 }];
  let h = Math.ceil(input / 2);
  let stagesLeft = 0;
  for (let x = h; x > 7; x = Math.ceil(x / 2)) stagesLeft++;
  const triples = Math.floor((layers - 1) / 3);
  const perStage = Math.max(1, Math.floor(triples / (stagesLeft + 1)));
  let width = 16;
  for (let t = 0; t < triples; t++) {
    const down = stagesLeft > 0 && t > 0 && t % perStage === 0;
    if (down) {
      stagesLeft--;
      width = Math.min(width * 2, 320);
    }
    const expand = width * rng.pick([3, 4, 6]);
    specs.push({ op: 'conv2d', filters: expand, kernel: 1, stride: 1, padding: 0 });
    specs.push({ op: 'depthwise_conv2d', kernel: 3, stride: down ? 2 : 1, padding: 1 });
    specs.push({ op: 'conv2d', filters: width, kernel: 1, stride: 1, padding: 0 });
    if (down) h = Math.ceil(h / 2);
  }
  while (specs.length < layers) specs.push({ op: 'conv2d', filters: width, kernel: 1, stride: 1, padding: 0 });
  return { name: `mobilenet-like-${layers}-r${input}`, input: [input, input, 3], layers: specs };
}
