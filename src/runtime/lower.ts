/**
 * Lowers an executable model to what the Wasm kernels read: one descriptor per layer
 * (src/runtime/desc.ts) plus its constants (weights, bias, per-channel multipliers and shifts), with
 * TensorFlow Lite Micro's prepare-time arithmetic (src/runtime/quantize.ts).
 */
import { ModelError } from '../errors.js';
import { type Layer, type Model, inputShape, outputShape } from '../model/ir.js';
import { DESC_BYTES, type LayerDesc, OP_AVG_POOL, OP_CONV2D, OP_DEPTHWISE, OP_MAX_POOL, writeDesc } from './desc.js';
import { activationRange, convPerChannelMultipliers } from './quantize.js';
import type { WasmHeap } from './wasm-heap.js';

export interface LoweredLayer {
  desc: Partial<LayerDesc>;
  weights: Int8Array | null;
  bias: Int32Array | null;
  mult: Int32Array | null;
  shift: Int32Array | null;
  /** Places constants and the descriptor in Wasm memory; returns the descriptor's address. */
  writeTo(heap: WasmHeap): number;
  /** Bytes of constant data (flash on the MCU). */
  flashBytes: number;
}

const OP_CODES: Partial<Record<Layer['op'], number>> = {
  conv2d: OP_CONV2D,
  depthwise_conv2d: OP_DEPTHWISE,
  avg_pool2d: OP_AVG_POOL,
  max_pool2d: OP_MAX_POOL,
};

export function lowerLayer(model: Model, layer: Layer): LoweredLayer {
  const where = `${model.name} layer ${layer.index} (${layer.op})`;
  const op = OP_CODES[layer.op];
  const p = layer.params;
  const inQ = model.tensors[layer.inputs[0]!]!.quant;
  const outQ = model.tensors[layer.output]!.quant;
  if (op === undefined) throw new ModelError(`${where}: the executor has no kernel for ${layer.op} yet`);
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
  if (op === OP_CONV2D || op === OP_DEPTHWISE) {
    if (!p.weights || !p.weightScales) throw new ModelError(`${where}: missing weights or weight scales`);
    weights = p.weights;
    bias = p.bias ?? null;
    ({ mult, shift } = convPerChannelMultipliers(inQ.scale, p.weightScales, outQ.scale, outC));
  }
  const flashBytes = (weights?.length ?? 0) + 4 * ((bias?.length ?? 0) + (mult?.length ?? 0) + (shift?.length ?? 0)) + DESC_BYTES;
  return {
    desc, weights, bias, mult, shift, flashBytes,
    writeTo(heap: WasmHeap): number {
      const put = (a: Int8Array | Int32Array | null): number => {
        if (!a) return 0;
        const ptr = heap.alloc(a.byteLength, 16);
        heap.u8.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ptr);
        return ptr;
      };
      const fields = { ...desc, weights: put(weights), bias: put(bias), mult: put(mult), shift: put(shift) };
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
