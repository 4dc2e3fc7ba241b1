// A typed, zero-cost view of a layer descriptor (desc.ts holds the field indices, the one source of
// the layout) and the geometry every window kernel derives from it. `layer(desc).inH` compiles to
// the same single load as dget(desc, D_IN_H); the helpers are @inline so that hot loops stay free of
// calls.

import {
  dget, D_IN_H, D_IN_W, D_IN_C, D_OUT_H, D_OUT_W, D_OUT_C, D_KH, D_KW, D_SH, D_SW, D_PAD_T, D_PAD_L,
  D_DEPTH_MULT, D_WEIGHTS, D_BIAS, D_MULT, D_SHIFT, D_IN_OFFSET, D_OUT_OFFSET, D_ACT_MIN, D_ACT_MAX,
} from './desc';
import { requantize } from './requantize';

@unmanaged export class Layer {
  // @ts-ignore: decorator
  @inline get inH(): i32 { return dget(changetype<usize>(this), D_IN_H); }
  // @ts-ignore: decorator
  @inline get inW(): i32 { return dget(changetype<usize>(this), D_IN_W); }
  // @ts-ignore: decorator
  @inline get inC(): i32 { return dget(changetype<usize>(this), D_IN_C); }
  // @ts-ignore: decorator
  @inline get outH(): i32 { return dget(changetype<usize>(this), D_OUT_H); }
  // @ts-ignore: decorator
  @inline get outW(): i32 { return dget(changetype<usize>(this), D_OUT_W); }
  // @ts-ignore: decorator
  @inline get outC(): i32 { return dget(changetype<usize>(this), D_OUT_C); }
  // @ts-ignore: decorator
  @inline get kh(): i32 { return dget(changetype<usize>(this), D_KH); }
  // @ts-ignore: decorator
  @inline get kw(): i32 { return dget(changetype<usize>(this), D_KW); }
  // @ts-ignore: decorator
  @inline get sh(): i32 { return dget(changetype<usize>(this), D_SH); }
  // @ts-ignore: decorator
  @inline get sw(): i32 { return dget(changetype<usize>(this), D_SW); }
  // @ts-ignore: decorator
  @inline get padT(): i32 { return dget(changetype<usize>(this), D_PAD_T); }
  // @ts-ignore: decorator
  @inline get padL(): i32 { return dget(changetype<usize>(this), D_PAD_L); }
  // @ts-ignore: decorator
  @inline get depthMult(): i32 { return dget(changetype<usize>(this), D_DEPTH_MULT); }
  // @ts-ignore: decorator
  @inline get weights(): usize { return <usize>dget(changetype<usize>(this), D_WEIGHTS); }
  // @ts-ignore: decorator
  @inline get bias(): usize { return <usize>dget(changetype<usize>(this), D_BIAS); }
  // @ts-ignore: decorator
  @inline get mults(): usize { return <usize>dget(changetype<usize>(this), D_MULT); }
  // @ts-ignore: decorator
  @inline get shifts(): usize { return <usize>dget(changetype<usize>(this), D_SHIFT); }
  // @ts-ignore: decorator
  @inline get inOffset(): i32 { return dget(changetype<usize>(this), D_IN_OFFSET); }
  // @ts-ignore: decorator
  @inline get outOffset(): i32 { return dget(changetype<usize>(this), D_OUT_OFFSET); }
  // @ts-ignore: decorator
  @inline get actMin(): i32 { return dget(changetype<usize>(this), D_ACT_MIN); }
  // @ts-ignore: decorator
  @inline get actMax(): i32 { return dget(changetype<usize>(this), D_ACT_MAX); }
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

/** Byte offset of pixel (row, col) in a buffer of `cols` columns of `c` channels starting at (row0, col0). */
// @ts-ignore: decorator
@inline export function pixel(row: i32, col: i32, row0: i32, col0: i32, cols: i32, c: i32): usize {
  return <usize>(((row - row0) * cols + (col - col0)) * c);
}

/**
 * The per-output-channel tail of conv2d, depthwise and fully-connected: add the bias (0: none),
 * requantise with channel oc's multiplier and shift, clamp, store the int8 at out[oc].
 */
// @ts-ignore: decorator
@inline export function storeChannel(
  out: usize, oc: i32, acc: i32, bias: usize, mults: usize, shifts: usize, outOffset: i32, actMin: i32, actMax: i32,
): void {
  const at = <usize>oc << 2;
  if (bias != 0) acc += load<i32>(bias + at);
  store<i8>(out + <usize>oc, <i8>requantize(acc, load<i32>(mults + at), load<i32>(shifts + at), outOffset, actMin, actMax));
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
