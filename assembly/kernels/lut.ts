// Element-wise unary int8 ops through a 256-entry table (src/runtime/lut.ts computes it with
// TFLM's arithmetic): out[i] = table[in[i] & 0xff].
import { D_WEIGHTS, dget } from './desc';

export function lut(desc: usize, input: usize, out: usize, count: i32): void {
  const table = <usize>dget(desc, D_WEIGHTS);
  for (let i = 0; i < count; i++) store<i8>(out + <usize>i, load<i8>(table + <usize>load<u8>(input + <usize>i)));
}
