/** Layer tables: `msf inspect` (op, shapes, quantisation, bytes, MACs) and a plan's per-step memory (what is live). */
import { type ArenaOptions, exactLayers } from '../cost/exact.js';
import { blockCost } from '../cost/geometry.js';
import { type EdgeEncoding, type Layer, type Model, type Shape, describeLayer, layerMacs, tensorBytes } from '../model/ir.js';
import { groupDigits } from './digits.js';

export interface LayerRow {
  index: number;
  name: string;
  op: string;
  activation: string;
  inputs: Shape[];
  output: Shape;
  /** Output quantisation, when the model is executable. */
  outputQuant: { scale: number; zeroPoint: number } | null;
  /** 'per-channel (n)', 'per-tensor' or null (no weights). */
  weightQuant: string | null;
  weightBytes: number;
  outputBytes: number;
  macs: number;
}

function weightQuant(layer: Layer): string | null {
  const s = layer.params?.weightScales;
  if (!s) return null;
  return s.length === 1 ? 'per-tensor' : `per-channel (${s.length})`;
}

export function layerRows(model: Model): LayerRow[] {
  return model.layers.map((layer) => {
    const out = model.tensors[layer.output]!;
    const w = layer.params?.weights?.length ?? 0;
    const b = (layer.params?.bias?.length ?? 0) * 4;
    return {
      index: layer.index,
      name: layer.name,
      op: describeLayer(layer),
      activation: layer.params?.activation ?? 'none',
      inputs: layer.inputs.map((t) => model.tensors[t]!.shape),
      // An int32 tensor (ARG_MAX / ARG_MIN indices): its shape in elements, no quantisation.
      output: out.dtype === 'int32' ? [out.shape[0], out.shape[1], out.shape[2] / 4] : out.shape,
      outputQuant: out.quant && out.dtype !== 'int32' ? { scale: out.quant.scale, zeroPoint: out.quant.zeroPoint } : null,
      weightQuant: weightQuant(layer),
      weightBytes: w + b,
      outputBytes: tensorBytes(out.shape),
      macs: layerMacs(model, layer),
    };
  });
}

const fmt = groupDigits;
const shape = (s: Shape): string => s.join('x');

/** How the caller's side of an edge is encoded, e.g. "float32 (QUANTIZE op 0)"; null for int8. */
export function encodingText(e: EdgeEncoding | undefined): string | null {
  if (!e) return null;
  const q = e.quant ? `, scale ${e.quant.scale.toPrecision(4)}, zp ${e.quant.zeroPoint}` : '';
  return `${e.dtype}${q}${e.op ? `, converted by ${e.op.opcode} (op ${e.op.index})` : ''}`;
}

export function layersText(model: Model): string {
  const rows = layerRows(model);
  const input = model.tensors[model.input]!;
  const header = ['#', 'op', 'act', 'input', 'output', 'out scale / zp', 'weights', 'w bytes', 'out bytes', 'MACs'];
  const cells = rows.map((r) => [
    String(r.index),
    r.op,
    r.activation === 'none' ? '' : r.activation,
    r.inputs.map(shape).join(' + '),
    shape(r.output),
    r.outputQuant ? `${r.outputQuant.scale.toPrecision(4)} / ${r.outputQuant.zeroPoint}` : '-',
    r.weightQuant ?? '',
    r.weightBytes ? fmt(r.weightBytes) : '',
    fmt(r.outputBytes),
    fmt(r.macs),
  ]);
  const all = [header, ...cells];
  const right = new Set([0, 7, 8, 9]);
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const lines = all.map((r) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  const totalMacs = rows.reduce((a, r) => a + r.macs, 0);
  const totalWeights = rows.reduce((a, r) => a + r.weightBytes, 0);
  const largest = rows.reduce((a, r) => Math.max(a, r.outputBytes), 0);
  const edges = [['input', encodingText(model.inputEncoding)], ['output', encodingText(model.outputEncoding)]]
    .filter(([, t]) => t)
    .map(([side, t]) => `${side} encoding: ${t} (msf run reads/writes it; the network itself is int8)`);
  return [
    `model ${model.name}: ${rows.length} layers, input ${shape(input.shape)}${input.quant ? ` (scale ${input.quant.scale.toPrecision(4)}, zp ${input.quant.zeroPoint})` : ''}`,
    ...edges,
    ...lines,
    `total: ${fmt(totalMacs)} MACs, ${fmt(totalWeights)} B of weights and biases, largest activation ${fmt(largest)} B`,
  ].join('\n');
}

/** What is live in the arena while one step (a layer or a fusion block) of a plan runs, exact cost model. */
export interface StepMemory {
  first: number;
  last: number;
  /** The step's input tensor, when materialised in the arena (0: the caller's input buffer). */
  inputBytes: number;
  /** The step's output tensor, when materialised (0: the caller's output buffer). */
  outputBytes: number;
  /** Tensors produced earlier and still needed later (skip connections). */
  skipBytes: number;
  /** Column caches of a fusion block, or a single layer's scratch (global pooling's accumulators). */
  cacheBytes: number;
  /** The sum: the arena's high-water mark during this step. */
  totalBytes: number;
}

/** One row per step of `blocks`, exact cost model (the input in the arena with options.inputInArena); the largest totalBytes is the plan's arena. */
export function stepMemory(model: Model, blocks: readonly (readonly [number, number])[], options: ArenaOptions = {}): StepMemory[] {
  const L = exactLayers(model, options);
  return blocks.map(([m, n]) => {
    const inputBytes = L.inMaterial[m]!;
    const outputBytes = L.outMaterial[n]!;
    const skipBytes = L.liveAcross[m]!;
    const cacheBytes = m === n ? L.scratch[n]! : blockCost(L, m, n).cache;
    return { first: m, last: n, inputBytes, outputBytes, skipBytes, cacheBytes, totalBytes: inputBytes + outputBytes + skipBytes + cacheBytes };
  });
}
