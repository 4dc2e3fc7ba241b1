// int8 FULLY_CONNECTED, the Wasm SIMD path (fully_connected.ts holds the scalar reference and picks
// the path): four output channels per step (dot4Simd shares the widened input), the rest one at a
// time (dotSimd). The same bytes as the reference.

import { layer, storeChannel, storeChannels4 } from './layer';
import { dotSimd, dot4Simd } from './dot';

export function fullyConnectedSimd(desc: usize, input: usize, out: usize): void {
  const d = layer(desc);
  const accumDepth = d.inC, outputDepth = d.outC, weights = d.weights, bias = d.bias;
  const mults = d.mults, shifts = d.shifts, inOffset = d.inOffset;
  const outOffset = d.outOffset, actMin = d.actMin, actMax = d.actMax;
  const rowBytes = <usize>accumDepth;

  let oc = 0;
  for (; oc + 4 <= outputDepth; oc += 4) {
    let acc4 = dot4Simd(input, weights + <usize>oc * rowBytes, rowBytes, accumDepth, inOffset);
    if (bias != 0) acc4 = i32x4.add(acc4, v128.load(bias + (<usize>oc << 2)));
    storeChannels4(out, oc, acc4, mults, shifts, outOffset, actMin, actMax);
  }
  for (; oc < outputDepth; oc++) {
    const acc = dotSimd(input, weights + <usize>oc * rowBytes, accumDepth, inOffset);
    storeChannel(out, oc, acc, d);
  }
}
