// A typed, zero-cost view of a layer descriptor and the geometry every window kernel derives from
// it. Layer overlays the descriptor's first words (desc.ts holds the field indices, the one source of
// the layout; the check below aborts at instantiation if the two ever disagree): `layer(desc).inH`
// compiles to the same single load as dget(desc, D_IN_H). The helpers are @inline so that hot loops
// stay free of calls.

import { D_ACT_MAX, D_IN_H, D_PAD_L, D_WEIGHTS } from './desc';
import { requantize } from './requantize';

@unmanaged export class Layer {
  op: i32;
  inH: i32; inW: i32; inC: i32;
  outH: i32; outW: i32; outC: i32;
  kh: i32; kw: i32; sh: i32; sw: i32; padT: i32; padL: i32;
  depthMult: i32;
  weights: usize; bias: usize; mults: usize; shifts: usize;
  inOffset: i32; outOffset: i32; actMin: i32; actMax: i32;
}

// Every member is 4 bytes: matching offsets at the group boundaries pin the whole overlay.
if (offsetof<Layer>('inH') != <usize>D_IN_H << 2 || offsetof<Layer>('padL') != <usize>D_PAD_L << 2 ||
  offsetof<Layer>('weights') != <usize>D_WEIGHTS << 2 || offsetof<Layer>('actMax') != <usize>D_ACT_MAX << 2) {
  abort('layer.ts: the Layer overlay does not match desc.ts');
}

// @ts-ignore: decorator
@inline export function layer(desc: usize): Layer {
  return changetype<Layer>(desc);
}

/** First filter tap of an output whose window starts at input coordinate `origin` (taps in the padding are skipped). */
// @ts-ignore: decorator
@inline export function tapStart(origin: i32): i32 {
  return max(0, -origin);
}

/** One past the last filter tap inside an input axis of `size` for a window starting at `origin`. */
// @ts-ignore: decorator
@inline export function tapEnd(origin: i32, k: i32, size: i32): i32 {
  return min(k, size - origin);
}

/**
 * The per-output-channel tail of conv2d, depthwise and fully-connected: add the bias (0: none),
 * requantise with channel oc's multiplier and shift, clamp to the layer's activation range, store
 * the int8 at out[oc].
 */
// @ts-ignore: decorator
@inline export function storeChannel(out: usize, oc: i32, acc: i32, d: Layer): void {
  const at = <usize>oc << 2;
  if (d.bias != 0) acc += load<i32>(d.bias + at);
  store<i8>(out + <usize>oc, <i8>requantize(acc, load<i32>(d.mults + at), load<i32>(d.shifts + at), d.outOffset, d.actMin, d.actMax));
}

/** storeChannel for the four channels oc..oc+3 of `acc4` (bias already added). */
// @ts-ignore: decorator
@inline export function storeChannels4(
  out: usize, oc: i32, acc4: v128, mults: usize, shifts: usize, outOffset: i32, actMin: i32, actMax: i32,
): void {
  const q = mults + (<usize>oc << 2);
  const s = shifts + (<usize>oc << 2);
  const o = out + <usize>oc;
  store<i8>(o, <i8>requantize(i32x4.extract_lane(acc4, 0), load<i32>(q), load<i32>(s), outOffset, actMin, actMax));
  store<i8>(o, <i8>requantize(i32x4.extract_lane(acc4, 1), load<i32>(q, 4), load<i32>(s, 4), outOffset, actMin, actMax), 1);
  store<i8>(o, <i8>requantize(i32x4.extract_lane(acc4, 2), load<i32>(q, 8), load<i32>(s, 8), outOffset, actMin, actMax), 2);
  store<i8>(o, <i8>requantize(i32x4.extract_lane(acc4, 3), load<i32>(q, 12), load<i32>(s, 12), outOffset, actMin, actMax), 3);
}
