/**
 * Deterministic pseudo-random int8 parameters for models that come without weights (the zoo and
 * chain JSON), so that they can be executed and emitted (`--seed`, default 1). Scales are chosen so
 * that activations stay spread over the int8 range instead of saturating.
 */
import { Rng } from './generate.js';
import { type Model, inputShape, isExecutable, macsPerElement, outputShape } from './ir.js';

export const DEFAULT_SEED = 1;

const seeded = new WeakMap<Model, Map<number, Model>>();

/**
 * The one step that makes a model executable at the boundary (run, emit, the web page's Download C):
 * the model itself when it has parameters, else its seeded version, made once per (model, seed) so
 * that every consumer sees the same object (the executor prepares its constants once per object).
 */
export function executableModel(model: Model, seed = DEFAULT_SEED): Model {
  if (isExecutable(model)) return model;
  let bySeed = seeded.get(model);
  if (!bySeed) seeded.set(model, (bySeed = new Map()));
  let exe = bySeed.get(seed);
  if (!exe) bySeed.set(seed, (exe = withSeededParams(model, seed)));
  return exe;
}

export function withSeededParams(model: Model, seed = DEFAULT_SEED): Model {
  const rng = new Rng(seed * 2654435761 + 12345);
  const unit = () => rng.nextU32() / 4294967296; // [0, 1)
  const tensors = model.tensors.map((t) => ({
    ...t,
    quant: t.quant ?? { scale: 0.02 + 0.03 * unit(), zeroPoint: rng.int(-20, 20) },
  }));
  // Root-mean-square of (q - zeroPoint) per tensor, propagated so that every layer's output spreads
  // over about OUT_RMS quantisation steps whatever its fan-in (the seeded input is uniform bytes).
  const OUT_RMS = 32;
  const rms = new Float64Array(model.tensors.length).fill(74);
  const layers = model.layers.map((layer) => {
    if (layer.params) return layer;
    const inQ = tensors[layer.inputs[0]!]!.quant!;
    const outQ = tensors[layer.output]!.quant!;
    const outC = outputShape(model, layer)[2];
    const fanIn = macsPerElement(model, layer);
    if (layer.op === 'avg_pool2d' || layer.op === 'max_pool2d') {
      // TFLite pooling keeps the input's quantisation.
      tensors[layer.output] = { ...tensors[layer.output]!, quant: { ...inQ } };
      rms[layer.output] = rms[layer.inputs[0]!]!;
      return { ...layer, params: { activation: 'none' as const } };
    }
    const weightCount =
      layer.op === 'conv2d' ? outC * layer.kernel[0] * layer.kernel[1] * inputShape(model, layer)[2] : layer.kernel[0] * layer.kernel[1] * outC;
    const weights = new Int8Array(weightCount);
    for (let i = 0; i < weightCount; i++) weights[i] = rng.int(-127, 127);
    // Uniform int8 weights have an RMS of about 73, so the accumulator spreads over ~accRms steps.
    const accRms = rms[layer.inputs[0]!]! * 73 * Math.sqrt(fanIn);
    const weightScales = new Float64Array(outC);
    for (let c = 0; c < outC; c++) weightScales[c] = ((OUT_RMS / accRms) * outQ.scale * (0.8 + 0.4 * unit())) / inQ.scale;
    const bias = new Int32Array(outC);
    for (let c = 0; c < outC; c++) bias[c] = Math.round((unit() - 0.5) * accRms);
    const activation = rng.pick(['none', 'none', 'relu', 'relu6'] as const);
    rms[layer.output] = activation === 'none' ? OUT_RMS : OUT_RMS / Math.SQRT2;
    return { ...layer, params: { weights, bias, weightScales, activation } };
  });
  return { ...model, tensors, layers };
}

/** The seeded test input: xorshift32 bytes, as in ../shared/conformance (in_k.bin with k = seed). */
export function seededInput(bytes: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = rng.nextU32() & 0xff;
  return out;
}
