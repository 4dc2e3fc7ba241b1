// Seeded random residual graphs (IR models without parameters) for the tests of fused ADDs: skips
// from the model input or from earlier layers, both operand orders, projection shortcuts computed
// after the branch (the ADD's two operands both made inside the graph), ADD after ADD, strides and
// pools between blocks, and sometimes an ADD as the model's output.
import { Rng } from '../../src/model/generate.js';
import { type Layer, type Model, type Shape, type Tensor, windowOut } from '../../src/model/ir.js';

export function residualGraph(seed: number, small = true): Model {
  const rng = new Rng(seed * 7919 + 17);
  const tensors: Tensor[] = [];
  const layers: Layer[] = [];
  const tensor = (shape: Shape): number => {
    tensors.push({ id: tensors.length, name: `t${tensors.length}`, shape });
    return tensors.length - 1;
  };
  const shapeOf = (t: number): Shape => tensors[t]!.shape;
  const push = (op: Layer['op'], inputs: number[], out: Shape, k = 1, s = 1, p = 0): number => {
    const output = tensor(out);
    layers.push({
      index: layers.length, op, name: `${op}${layers.length}`, inputs, output,
      kernel: [k, k], stride: [s, s], padding: [p, p, p, p], multiplier: 1,
    });
    return output;
  };
  const window = (op: Layer['op'], x: number, filters: number, k: number, s: number, p: number): number => {
    const [h, w, c] = shapeOf(x);
    const oh = windowOut(h, k, s, p, p);
    const ow = windowOut(w, k, s, p, p);
    return push(op, [x], [oh, ow, op === 'conv2d' ? filters : c], k, s, p);
  };
  /** A layer that keeps x's shape (stride 1, 'same' padding). */
  const same = (x: number): number => {
    const c = shapeOf(x)[2];
    switch (rng.int(0, 3)) {
      case 0: return window('conv2d', x, c, 1, 1, 0);
      case 1: return window('conv2d', x, c, 3, 1, 1);
      case 2: return window('depthwise_conv2d', x, c, 3, 1, 1);
      default: return window('max_pool2d', x, c, 3, 1, 1);
    }
  };
  const add = (a: number, b: number): number => push('add', rng.int(0, 1) ? [a, b] : [b, a], shapeOf(a));

  const hw = small ? rng.int(4, 12) : rng.int(12, 24);
  const input = tensor([hw, hw + rng.int(-2, 2), rng.int(1, small ? 6 : 12)]);
  let cur = input;
  // Sometimes the first residual block's skip is the model input itself.
  const blocks = rng.int(1, 4);
  for (let b = 0; b < blocks; b++) {
    if (b > 0 || rng.int(0, 2) === 0) {
      const [h] = shapeOf(cur);
      const s = h >= 6 && rng.int(0, 1) ? 2 : 1;
      const k = rng.pick([1, 3]);
      // Padding stays below the kernel (as chain.ts and TFLite's SAME require).
      cur = window('conv2d', cur, rng.int(1, small ? 8 : 16), k, s, k === 1 ? 0 : s === 2 ? 1 : rng.int(0, 1));
    }
    const x = cur;
    let y = x;
    for (let i = rng.int(1, 3); i > 0; i--) y = same(y);
    if (rng.int(0, 3) === 0) {
      // Projection shortcut computed after the branch: the ADD's in-block operand is the shortcut.
      const sc = window('conv2d', x, shapeOf(y)[2], 1, 1, 0);
      cur = add(sc, y);
    } else cur = add(y, x);
    if (rng.int(0, 4) === 0) cur = add(cur, x); // ADD right after ADD, the same skip again
  }
  if (rng.int(0, 2)) cur = same(cur);
  return { name: `residual-${seed}`, tensors, layers, input, output: cur };
}
