// A 4-D gather: TRANSPOSE (TFLM's reference_ops::Transpose moves the same bytes) and the slices of
// SPLIT / SPLIT_V / UNPACK. D_AUX holds the output dims [d0..d3], per output axis the input's element
// stride along the axis it comes from, and the offset of the first element read:
//   out[i0][i1][i2][i3] = in[base + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3]
import { D_AUX, dget } from './desc';

export function gather(desc: usize, input: usize, out: usize): void {
  const p = <usize>dget(desc, D_AUX);
  const d0 = load<i32>(p), d1 = load<i32>(p + 4), d2 = load<i32>(p + 8), d3 = load<i32>(p + 12);
  const s0 = load<i32>(p + 16), s1 = load<i32>(p + 20), s2 = load<i32>(p + 24), s3 = load<i32>(p + 28);
  const base = input + <usize>load<i32>(p + 32);
  let o = out;
  for (let i0 = 0; i0 < d0; i0++)
    for (let i1 = 0; i1 < d1; i1++)
      for (let i2 = 0; i2 < d2; i2++) {
        let q = base + <usize>(i0 * s0 + i1 * s1 + i2 * s2);
        for (let i3 = 0; i3 < d3; i3++) {
          store<i8>(o, load<i8>(q));
          o++;
          q += <usize>s3;
        }
      }
}
