/**
 * Lowers an executable model to what the Wasm kernels read: one descriptor per layer
 * (src/runtime/desc.ts) plus its constants (weights, bias, per-channel multipliers and shifts), with
 * TensorFlow Lite Micro's prepare-time arithmetic (src/runtime/quantize.ts).
 */
import { ModelError } from '../errors.js';
import { type Layer, type Model, inputShape, isDilated, outputShape } from '../model/ir.js';
import { DESC_BYTES, type LayerDesc, OP_ADD, OP_ARG_MAX, OP_ARG_MIN, OP_AVG_POOL, OP_CONV2D, OP_CONV2D_DILATED, OP_DEPTHWISE, OP_DEPTHWISE_DILATED, OP_ELEMENTWISE, OP_CONCAT, OP_FC, OP_GATHER, OP_LUT, OP_MAX_POOL, OP_MEAN, OP_PAD, OP_REDUCE_MAX, OP_REDUCE_MEAN, OP_RESIZE_BILINEAR, OP_RESIZE_NEAREST, OP_SOFTMAX, writeDesc } from './desc.js';
import { activationRange, addParams, convPerChannelMultipliers, fullyConnectedMultipliers, meanParams } from './quantize.js';
import { lowerElementwiseOp } from './lower-ops.js';
import { softmaxDesc } from './softmax-desc.js';
import type { WasmHeap } from './wasm-heap.js';

export interface LoweredLayer {
  desc: Partial<LayerDesc>;
  weights: Int8Array | null;
  bias: Int32Array | null;
  mult: Int32Array | null;
  shift: Int32Array | null;
  /** Further int32 words the kernel reads (D_AUX), or null. */
  aux: Int32Array | null;
  /** Places constants and the descriptor in Wasm memory; returns the descriptor's address. */
  writeTo(heap: WasmHeap): number;
  /** Bytes of constant data (flash on the MCU). */
  flashBytes: number;
}

const OP_CODES: Record<Layer['op'], number> = {
  conv2d: OP_CONV2D,
  depthwise_conv2d: OP_DEPTHWISE,
  avg_pool2d: OP_AVG_POOL,
  max_pool2d: OP_MAX_POOL,
  add: OP_ADD,
  fully_connected: OP_FC,
  global_avg_pool2d: OP_MEAN,
  pad: OP_PAD,
  softmax: OP_SOFTMAX,
  lut: OP_LUT,
  elementwise: OP_ELEMENTWISE,
  transpose: OP_GATHER,
  slice: OP_GATHER,
  concat: OP_CONCAT,
  reduce: OP_REDUCE_MEAN, // OP_REDUCE_MAX for REDUCE_MAX
  resize: OP_RESIZE_NEAREST, // OP_RESIZE_BILINEAR for RESIZE_BILINEAR
  arg: OP_ARG_MAX, // OP_ARG_MIN for ARG_MIN
};

/** The kernel a layer runs: its op's, or the variant its parameters select. */
function opCode(layer: Layer): number {
  const p = layer.params;
  if (isDilated(layer)) return layer.op === 'conv2d' ? OP_CONV2D_DILATED : OP_DEPTHWISE_DILATED;
  if (p?.reduce?.fn === 'max') return OP_REDUCE_MAX;
  if (p?.resize?.mode === 'bilinear') return OP_RESIZE_BILINEAR;
  if (p?.arg?.fn === 'min') return OP_ARG_MIN;
  return OP_CODES[layer.op];
}

function lowerLayer(model: Model, layer: Layer): LoweredLayer {
  const where = `${model.name} layer ${layer.index} (${layer.op})`;
  const p = layer.params;
  const op = opCode(layer);
  const inQ = model.tensors[layer.inputs[0]!]!.quant;
  const outQ = model.tensors[layer.output]!.quant;
  if (!p || !inQ || !outQ) throw new ModelError(`${where}: no quantisation parameters; executable models need them`);
  const [inH, inW, inC] = inputShape(model, layer);
  const [outH, outW, outC] = outputShape(model, layer);
  const { actMin, actMax } = activationRange(p.activation, outQ.scale, outQ.zeroPoint);
  const desc: Partial<LayerDesc> = {
    op, inH, inW, inC, outH, outW, outC,
    kh: layer.kernel[0], kw: layer.kernel[1], sh: layer.stride[0], sw: layer.stride[1],
    padT: layer.padding[0], padL: layer.padding[2], depthMult: layer.multiplier,
    inOffset: -inQ.zeroPoint, outOffset: outQ.zeroPoint, actMin, actMax,
  };
  let weights: Int8Array | null = null;
  let bias: Int32Array | null = null;
  let mult: Int32Array | null = null;
  let shift: Int32Array | null = null;
  let aux: Int32Array | null = null;
  if (op === OP_CONV2D || op === OP_DEPTHWISE || op === OP_FC || op === OP_CONV2D_DILATED || op === OP_DEPTHWISE_DILATED) {
    if (!p.weights || !p.weightScales) throw new ModelError(`${where}: missing weights or weight scales`);
    weights = p.weights;
    bias = p.bias ?? null;
    ({ mult, shift } =
      op === OP_FC
        ? fullyConnectedMultipliers(inQ.scale, p.weightScales, outQ.scale, outC)
        : convPerChannelMultipliers(inQ.scale, p.weightScales, outQ.scale, outC));
    if (op === OP_FC) desc.inC = inH * inW * inC; // the input is flattened
    if (layer.dilation && isDilated(layer)) aux = Int32Array.from(layer.dilation);
  } else if (op === OP_ADD) {
    const in2Q = model.tensors[layer.inputs[1]!]!.quant;
    if (!in2Q) throw new ModelError(`${where}: no quantisation on the second input`);
    Object.assign(desc, addParams(inQ, in2Q, outQ, p.activation));
    // A 1x1 stride-1 unpadded window when fused (src/cost/exact.ts).
    Object.assign(desc, { kh: 1, kw: 1, sh: 1, sw: 1, padT: 0, padL: 0 });
  } else if (op === OP_MEAN) {
    Object.assign(desc, meanParams(inQ, outQ));
  } else if (op === OP_PAD) {
    desc.chPadBefore = p.channelPad?.[0] ?? 0;
    if (p.padValue !== undefined) desc.outOffset = p.padValue; // the pad kernels fill with D_OUT_OFFSET
  } else if (op === OP_LUT || op === OP_ELEMENTWISE || op === OP_GATHER || op === OP_CONCAT || op === OP_REDUCE_MEAN || op === OP_REDUCE_MAX || op === OP_RESIZE_NEAREST || op === OP_RESIZE_BILINEAR || op === OP_ARG_MAX || op === OP_ARG_MIN) {
    const l = lowerElementwiseOp(model, layer);
    Object.assign(desc, l.desc);
    weights = l.weights;
    aux = l.aux;
  } else if (op === OP_SOFTMAX) {
    // TFLM's int8 SOFTMAX prepare refuses any other output quantisation.
    if (outQ.zeroPoint !== -128 || Math.fround(outQ.scale) !== 1 / 256)
      throw new ModelError(`${where}: an int8 softmax output must have zero point -128 and scale 1/256 (got ${outQ.zeroPoint}, ${outQ.scale})`);
    try {
      Object.assign(desc, softmaxDesc(p.beta ?? 1, inQ.scale));
    } catch (e) {
      throw new ModelError(`${where}: ${(e as Error).message}`);
    }
  }
  const flashBytes = (weights?.length ?? 0) + 4 * ((bias?.length ?? 0) + (mult?.length ?? 0) + (shift?.length ?? 0) + (aux?.length ?? 0)) + DESC_BYTES;
  return {
    desc, weights, bias, mult, shift, aux, flashBytes,
    writeTo(heap: WasmHeap): number {
      const put = (a: Int8Array | Int32Array | null): number => {
        if (!a) return 0;
        const ptr = heap.alloc(a.byteLength, 16);
        heap.u8.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ptr);
        return ptr;
      };
      const fields = { ...desc, weights: put(weights), bias: put(bias), mult: put(mult), shift: put(shift), aux: put(aux) };
      const ptr = heap.alloc(DESC_BYTES, 16);
      writeDesc(heap.i32, ptr, fields);
      return ptr;
    },
  };
}

export function lowerModel(model: Model): LoweredLayer[] {
  return model.layers.map((layer) => lowerLayer(model, layer));
}

/** Constant data the model needs in flash: weights, biases, multipliers, shifts and descriptors. */
export function flashBytes(model: Model): number {
  return lowerModel(model).reduce((s, l) => s + l.flashBytes, 0);
}
