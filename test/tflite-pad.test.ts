// PAD folding: a PAD is folded into the VALID convolution it feeds only when every pad is smaller than
// the kernel (as convolution padding always is); a larger PAD stays a PAD layer. Either way the plan
// runs: fused == layer by layer, and measured == predicted, for every point of the front.
import { describe, expect, it } from 'vitest';
import { modelFromBytes } from '../src/import/from-bytes.js';
import { planModel } from '../src/plan/planner.js';
import { runModel } from '../src/runtime/run.js';
import '../src/runtime/wasm-node.js';
import { OP, TT, tflite, type T } from './helpers/tflite-writer.js';

const i32 = (v: number[]) => new Uint8Array(Int32Array.from(v).buffer);
const i8 = (n: number, seed: number) => {
  let x = seed;
  return new Uint8Array(Array.from({ length: n }, () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return ((x >>> 0) % 200) - 100;
  }).map((v) => v & 0xff));
};

/** x 6x6x2 -> 3x3 SAME conv (2) -> PAD rows 2, cols 1 -> 1x1 VALID conv (4) -> PAD 1 -> 3x3 VALID conv (3): 10x8x3. */
function model(): Uint8Array {
  const q = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint] });
  const tensors: T[] = [
    { shape: [1, 6, 6, 2], type: TT.int8, name: 'x', ...q(0.05, 3) },
    { shape: [2, 3, 3, 2], type: TT.int8, name: 'w0', scale: [0.012, 0.01], zeroPoint: [0, 0], data: i8(36, 5) },
    { shape: [2], type: TT.int32, name: 'b0', scale: [0.0006, 0.0005], data: i32([12, -9]) },
    { shape: [1, 6, 6, 2], type: TT.int8, name: 'x1', ...q(0.06, -1) },
    { shape: [4, 2], type: TT.int32, name: 'pads1', data: i32([0, 0, 2, 2, 1, 1, 0, 0]) },
    { shape: [1, 10, 8, 2], type: TT.int8, name: 'xp', ...q(0.06, -1) },
    { shape: [4, 1, 1, 2], type: TT.int8, name: 'w1', scale: [0.01, 0.02, 0.015, 0.012], zeroPoint: [0, 0, 0, 0], data: i8(8, 7) },
    { shape: [4], type: TT.int32, name: 'b1', scale: [0.0006, 0.0012, 0.0009, 0.00072], data: i32([10, -20, 30, 0]) },
    { shape: [1, 10, 8, 4], type: TT.int8, name: 'y', ...q(0.04, -5) },
    { shape: [4, 2], type: TT.int32, name: 'pads2', data: i32([0, 0, 1, 1, 1, 1, 0, 0]) },
    { shape: [1, 12, 10, 4], type: TT.int8, name: 'yp', ...q(0.04, -5) },
    { shape: [3, 3, 3, 4], type: TT.int8, name: 'w2', scale: [0.011, 0.009, 0.013], zeroPoint: [0, 0, 0], data: i8(108, 11) },
    { shape: [3], type: TT.int32, name: 'b2', scale: [0.00044, 0.00036, 0.00052], data: i32([5, -7, 9]) },
    { shape: [1, 10, 8, 3], type: TT.int8, name: 'z', ...q(0.07, 2) },
  ];
  return tflite(tensors, [
    { code: OP.CONV_2D, inputs: [0, 1, 2], outputs: [3], conv: { padding: 0, stride: 1, activation: 0 } },
    { code: OP.PAD, inputs: [3, 4], outputs: [5] },
    { code: OP.CONV_2D, inputs: [5, 6, 7], outputs: [8], conv: { padding: 1, stride: 1, activation: 0 } },
    { code: OP.PAD, inputs: [8, 9], outputs: [10] },
    { code: OP.CONV_2D, inputs: [10, 11, 12], outputs: [13], conv: { padding: 1, stride: 1, activation: 1 } },
  ], [0], [13]);
}

describe('PAD folding', () => {
  const m = modelFromBytes('pads.tflite', model());

  it('folds a PAD smaller than the kernel, keeps a larger one as a layer', () => {
    expect(m.layers.map((l) => l.op)).toEqual(['conv2d', 'pad', 'conv2d', 'conv2d']);
    expect(m.layers[2]!.padding).toEqual([0, 0, 0, 0]); // 1x1 conv: its 2-row PAD was not folded
    expect(m.layers[3]!.padding).toEqual([1, 1, 1, 1]); // 3x3 conv: its 1-pixel PAD was
  });

  it('every front point runs: fused == layer by layer, measured == predicted, exact MACs', () => {
    const lbl = runModel(m, { cost: 'exact', blocks: m.layers.map((_, i) => [i, i]), seed: 3 });
    const front = planModel(m, { cost: 'exact', front: true }).front!;
    expect(front.some((p) => p.blocks.some(([a, b]) => a < b))).toBe(true);
    for (const p of front) {
      const r = runModel(m, { cost: 'exact', blocks: p.blocks, seed: 3 });
      expect([r.measuredPeakBytes, r.macs]).toEqual([r.predictedPeakBytes, r.predictedMacs]);
      expect(Buffer.from(r.output).equals(Buffer.from(lbl.output))).toBe(true);
    }
    expect(new Set(lbl.output).size).toBeGreaterThan(8);
  });
});
