// int8 ARG_MAX / ARG_MIN along one axis (TFLM's reference_ops::ArgMinMax): for each (outer, inner),
// the index of the first value along the axis that no later value beats strictly (ties: the lowest
// index). D_AUX: outer, axis size, inner. The output is little-endian int32, one per (outer, inner).
import { D_AUX, dget } from './desc';

export function argMinMax(desc: usize, input: usize, out: usize, isMax: bool): void {
  const p = <usize>dget(desc, D_AUX);
  const outer = load<i32>(p), size = load<i32>(p + 4), inner = load<i32>(p + 8);
  let o = out;
  for (let a = 0; a < outer; a++)
    for (let i = 0; i < inner; i++) {
      const base = input + <usize>(a * size * inner + i);
      let best = <i32>load<i8>(base);
      let index = 0;
      for (let k = 1; k < size; k++) {
        const v = <i32>load<i8>(base + <usize>(k * inner));
        if (isMax ? v > best : v < best) {
          best = v;
          index = k;
        }
      }
      store<i32>(o, index);
      o += 4;
    }
}
