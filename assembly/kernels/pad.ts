// TFLite Micro's int8 PAD with no explicit constant: every padded element takes the output zero
// point. Spatial padding: D_PAD_T / D_PAD_L (bottom/right follow from the output size); channel
// padding: D_CH_PAD_BEFORE channels before the input's, the rest after.
import { D_CH_PAD_BEFORE, D_IN_C, D_IN_H, D_IN_W, D_OUT_C, D_OUT_H, D_OUT_OFFSET, D_OUT_W, D_PAD_L, D_PAD_T, dget } from './desc';

export function pad(desc: usize, input: usize, out: usize): void {
  const inH = dget(desc, D_IN_H);
  const inW = dget(desc, D_IN_W);
  const inC = dget(desc, D_IN_C);
  const outH = dget(desc, D_OUT_H);
  const outW = dget(desc, D_OUT_W);
  const outC = dget(desc, D_OUT_C);
  const padT = dget(desc, D_PAD_T);
  const padL = dget(desc, D_PAD_L);
  const chBefore = dget(desc, D_CH_PAD_BEFORE);
  const fill = <u8>dget(desc, D_OUT_OFFSET);
  // 1. everything takes the pad value
  memory.fill(out, fill, <usize>(outH * outW * outC));
  // 2. the input pixels are copied into place, channel block by channel block
  for (let y = 0; y < inH; y++) {
    for (let x = 0; x < inW; x++) {
      const src = input + <usize>((y * inW + x) * inC);
      const dst = out + <usize>(((y + padT) * outW + (x + padL)) * outC + chBefore);
      memory.copy(dst, src, <usize>inC);
    }
  }
}
