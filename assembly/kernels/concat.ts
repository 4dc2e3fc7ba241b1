// CONCATENATION / PACK of n int8 tensors along one axis (TFLM's reference_ops::Concatenation copies
// bytes; inputs and output share one quantisation). D_AUX holds n, outer (the product of the dims
// before the axis) and each input's inner size (its dims from the axis on); `operands` is a table of
// the n inputs' addresses. The output is, for each outer index, the inputs' inner runs in order.
import { D_AUX, dget } from './desc';

export function concat(desc: usize, operands: usize, out: usize): void {
  const p = <usize>dget(desc, D_AUX);
  const n = load<i32>(p);
  const outer = load<i32>(p + 4);
  let o = out;
  for (let i = 0; i < outer; i++)
    for (let k = 0; k < n; k++) {
      const inner = load<i32>(p + 8 + (<usize>k << 2));
      memory.copy(o, <usize>load<i32>(operands + (<usize>k << 2)) + <usize>(i * inner), <usize>inner);
      o += <usize>inner;
    }
}
