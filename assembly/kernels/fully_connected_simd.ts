// int8 FULLY_CONNECTED, the Wasm SIMD path (fully_connected.ts holds the scalar reference and picks
// the path): four output channels per step (dot4Simd shares the widened input), the rest one at a
// time (dotSimd). The same bytes as the reference.

import {
  dget, D_IN_C, D_OUT_C, D_WEIGHTS, D_BIAS, D_MULT, D_SHIFT, D_IN_OFFSET, D_OUT_OFFSET, D_ACT_MIN, D_ACT_MAX,
} from './desc';
import { requantize } from './requantize';
import { dotSimd, dot4Simd } from './dot';

export function fullyConnectedSimd(desc: usize, input: usize, out: usize): void {
  const accumDepth = dget(desc, D_IN_C);
  const outputDepth = dget(desc, D_OUT_C);
  const weights = <usize>dget(desc, D_WEIGHTS);
  const bias = <usize>dget(desc, D_BIAS);
  const mults = <usize>dget(desc, D_MULT);
  const shifts = <usize>dget(desc, D_SHIFT);
  const inOffset = dget(desc, D_IN_OFFSET);
  const outOffset = dget(desc, D_OUT_OFFSET);
  const actMin = dget(desc, D_ACT_MIN);
  const actMax = dget(desc, D_ACT_MAX);
  const rowBytes = <usize>accumDepth;

  let oc = 0;
  for (; oc + 4 <= outputDepth; oc += 4) {
    let acc4 = dot4Simd(input, weights + <usize>oc * rowBytes, rowBytes, accumDepth, inOffset);
    if (bias != 0) acc4 = i32x4.add(acc4, v128.load(bias + (<usize>oc << 2)));
    const q = mults + (<usize>oc << 2);
    const s = shifts + (<usize>oc << 2);
    store<i8>(out + <usize>oc, <i8>requantize(i32x4.extract_lane(acc4, 0), load<i32>(q), load<i32>(s), outOffset, actMin, actMax));
    store<i8>(out + <usize>oc, <i8>requantize(i32x4.extract_lane(acc4, 1), load<i32>(q, 4), load<i32>(s, 4), outOffset, actMin, actMax), 1);
    store<i8>(out + <usize>oc, <i8>requantize(i32x4.extract_lane(acc4, 2), load<i32>(q, 8), load<i32>(s, 8), outOffset, actMin, actMax), 2);
    store<i8>(out + <usize>oc, <i8>requantize(i32x4.extract_lane(acc4, 3), load<i32>(q, 12), load<i32>(s, 12), outOffset, actMin, actMax), 3);
  }
  for (; oc < outputDepth; oc++) {
    let acc = dotSimd(input, weights + <usize>oc * rowBytes, accumDepth, inOffset);
    if (bias != 0) acc += load<i32>(bias + (<usize>oc << 2));
    const v = requantize(acc, load<i32>(mults + (<usize>oc << 2)), load<i32>(shifts + (<usize>oc << 2)), outOffset, actMin, actMax);
    store<i8>(out + <usize>oc, <i8>v);
  }
}
