/**
 * Deterministic pseudo-random int8 parameters for models that come without weights (the zoo and
 * chain JSON), so that they can be executed and emitted (`--seed`, default 1). Scales are chosen so
 * that activations stay spread over the int8 range instead of saturating.
 */
import { Rng } from './generate.js';
import { type Model, inputShape, macsPerElement, outputShape } from './ir.js';

export const DEFAULT_SEED = 1;

export function withSeededParams(model: Model, seed = DEFAULT_SEED): Model {
  const rng = new Rng(seed * 2654435761 + 12345);
  const unit = () => rng.nextU32() / 4294967296; // [0, 1)
  const tensors = model.tensors.map((t) => ({
    ...t,
    quant: t.quant ?? { scale: 0.02 + 0.03 * unit(), zeroPoint: rng.int(-20, 20) },
  }));
  const layers = model.layers.map((layer) => {
    if (layer.params) return layer;
    const inQ = tensors[layer.inputs[0]!]!.quant!;
    const outQ = tensors[layer.output]!.quant!;
    const outC = outputShape(model, layer)[2];
    const fanIn = macsPerElement(model, layer);
    if (layer.op === 'avg_pool2d' || layer.op === 'max_pool2d') {
      // TFLite pooling keeps the input's quantisation.
      tensors[layer.output] = { ...tensors[layer.output]!, quant: { ...inQ } };
      return { ...layer, params: { activation: 'none' as const } };
    }
    const weightCount =
      layer.op === 'conv2d' ? outC * layer.kernel[0] * layer.kernel[1] * inputShape(model, layer)[2] : layer.kernel[0] * layer.kernel[1] * outC;
    const weights = new Int8Array(weightCount);
    for (let i = 0; i < weightCount; i++) weights[i] = rng.int(-127, 127);
    // Aim the accumulator's spread (about 73 * sqrt(fanIn) * 50 in integer units) at ~40 output steps.
    const target = 40 / (73 * Math.sqrt(fanIn) * 50);
    const weightScales = new Float64Array(outC);
    for (let c = 0; c < outC; c++) weightScales[c] = (target * outQ.scale * (0.7 + 0.6 * unit())) / inQ.scale;
    const bias = new Int32Array(outC);
    for (let c = 0; c < outC; c++) bias[c] = rng.int(-2000, 2000);
    const activation = rng.pick(['none', 'relu', 'relu6'] as const);
    return { ...layer, params: { weights, bias, weightScales, activation } };
  });
  return { ...model, tensors, layers };
}
