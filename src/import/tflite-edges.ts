/**
 * The model edges of a TFLite file: legacy uint8 weights are refused, and a leading QUANTIZE
 * (float32 / uint8 -> int8) or trailing DEQUANTIZE / QUANTIZE (int8 -> float32 / uint8) becomes the
 * model's input / output encoding. QUANTIZE int8 -> int8 inside the network is a layer
 * (src/import/tflite-lower.ts); every other conversion is refused with why.
 */
import { ModelError } from '../errors.js';
import type { EdgeEncoding, QuantParams } from '../model/ir.js';
import type { TfliteModel, TfliteOperator, TfliteTensor } from './tflite.js';
import { tfliteAliases } from './tflite-lower.js';

const CONVERSIONS = new Set(['QUANTIZE', 'DEQUANTIZE']);

/** Ops whose input 1 is a weight tensor. */
const WEIGHTED = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']);

/**
 * Legacy fully-uint8 models (TFLite's old asymmetric scheme: uint8 weights with a non-zero weight
 * zero point, uint8 activations): refused at the first layer with uint8 weights.
 */
export function refuseUint8Weights(tf: TfliteModel, name: string): void {
  for (const op of tf.operators) {
    if (!WEIGHTED.has(op.opcode)) continue;
    const w = tf.tensors[op.inputs[1] ?? -1];
    if (!w || w.dtype !== 'uint8') continue;
    const zp = w.quant?.zeroPoint ?? [];
    throw new ModelError(
      `${name}: op ${op.index} (${op.opcode}) has uint8 weights (tensor ${w.index} '${w.name}'${zp.length ? `, zero point ${zp.length === 1 ? zp[0] : `[${zp.slice(0, 4).join(', ')}${zp.length > 4 ? ', ...' : ''}]`}` : ''}): ` +
        'a legacy uint8-quantised model (asymmetric uint8 weights and activations). msf-cnn runs TensorFlow Lite Micro\'s int8 arithmetic ' +
        '(int8 weights with zero point 0, int8 activations); re-convert the model with full-integer int8 quantisation ' +
        '(TFLiteConverter with a representative dataset and TFLITE_BUILTINS_INT8; a uint8 or float32 model input/output is fine, it becomes a QUANTIZE/DEQUANTIZE at the edge)',
    );
  }
}

export interface EdgeConversions {
  /** The leading QUANTIZE, its int8 output and the encoding of the caller's input. */
  input?: { op: TfliteOperator; int8: number; encoding: EdgeEncoding };
  output?: { op: TfliteOperator; int8: number; encoding: EdgeEncoding };
  /** QUANTIZE / DEQUANTIZE ops that are not edge conversions, with the reason. */
  refused: string[];
}

/**
 * Finds the edge conversions: a QUANTIZE float32/uint8 -> int8 reading the model input, a
 * DEQUANTIZE int8 -> float32 or QUANTIZE int8 -> uint8 producing the model output (RESHAPE /
 * SQUEEZE aliases in between allowed). Every other QUANTIZE / DEQUANTIZE is refused with why.
 */
/** The message of the first check that fails, in order, or undefined when all pass. */
function firstRefusal(...checks: [failed: boolean, message: string][]): string | undefined {
  return checks.find(([failed]) => failed)?.[1];
}

export function edgeConversions(tf: TfliteModel): EdgeConversions {
  const T = tf.tensors;
  const alias = tfliteAliases(tf);
  const canon = (i: number) => alias.get(i) ?? i;
  const modelIn = canon(tf.inputs[0]!);
  const modelOut = canon(tf.outputs[0]!);
  const producer = new Map<number, TfliteOperator>();
  const readers = new Map<number, TfliteOperator[]>();
  for (const op of tf.operators) {
    for (const o of op.outputs) producer.set(o, op);
    for (const i of op.inputs) if (i >= 0) readers.set(canon(i), [...(readers.get(canon(i)) ?? []), op]);
  }
  const perTensor = (t: TfliteTensor | undefined) => t?.quant && t.quant.scale.length === 1 ? { scale: t.quant.scale[0]!, zeroPoint: t.quant.zeroPoint[0]! } : undefined;
  const tname = (t: TfliteTensor) => `tensor ${t.index} '${t.name}'`;
  const out: EdgeConversions = { refused: [] };
  for (const op of tf.operators) {
    if (!CONVERSIONS.has(op.opcode)) continue;
    const head = `op ${op.index} (${op.opcode})`;
    const x = T[op.inputs[0] ?? -1];
    const y = T[op.outputs[0] ?? -1];
    if (!x || !y || op.inputs.length !== 1 || op.outputs.length !== 1) {
      out.refused.push(`${head}: expected one input and one output tensor`);
      continue;
    }
    // int8 -> int8 QUANTIZE requantises: a layer like any other.
    if (op.opcode === 'QUANTIZE' && x.dtype === 'int8' && y.dtype === 'int8') continue;
    const types = `${x.dtype} -> ${y.dtype}`;
    const atInput = canon(x.index) === modelIn;
    const atOutput = canon(y.index) === modelOut;
    if (atInput && !atOutput && op.opcode === 'QUANTIZE' && !out.input) {
      const q = perTensor(y);
      const qx = perTensor(x);
      const why = firstRefusal(
        [(x.dtype !== 'float32' && x.dtype !== 'uint8') || y.dtype !== 'int8', `${head} on the model input converts ${types}; only float32 -> int8 and uint8 -> int8 are supported there`],
        [!q, `${head}: its int8 output ${tname(y)} needs per-tensor quantisation`],
        [x.dtype === 'uint8' && !qx, `${head}: its uint8 input ${tname(x)} needs per-tensor quantisation`],
      );
      if (why) out.refused.push(why);
      else out.input = { op, int8: y.index, encoding: edgeEncoding(x, qx, op, tf.inputs[0]!) };
      continue;
    }
    if (atOutput && !atInput && !out.output) {
      const okTypes = (op.opcode === 'DEQUANTIZE' && x.dtype === 'int8' && y.dtype === 'float32') || (op.opcode === 'QUANTIZE' && x.dtype === 'int8' && y.dtype === 'uint8');
      const qy = perTensor(y);
      const why = firstRefusal(
        [!okTypes, `${head} on the model output converts ${types}; only DEQUANTIZE int8 -> float32 and QUANTIZE int8 -> uint8 are supported there`],
        [!perTensor(x), `${head}: its int8 input ${tname(x)} needs per-tensor quantisation`],
        [y.dtype === 'uint8' && !qy, `${head}: its uint8 output ${tname(y)} needs per-tensor quantisation`],
        [(readers.get(canon(x.index)) ?? []).length !== 1, `${head}: its int8 input ${tname(x)} is also read by other ops; the output conversion must be the only reader`],
        [tf.outputs.some((o) => canon(o) === canon(x.index)), `${head}: its int8 input ${tname(x)} is also a model output; the output conversion must be its only use`],
      );
      if (why) out.refused.push(why);
      else out.output = { op, int8: x.index, encoding: edgeEncoding(y, qy, op, tf.outputs[0]!) };
      continue;
    }
    const from = producer.get(x.index);
    const to = readers.get(canon(y.index)) ?? [];
    const between = [
      from ? `reads ${tname(x)} from op ${from.index} (${from.opcode})` : atInput ? `reads the model input ${tname(x)}` : `reads ${tname(x)}`,
      to.length ? `feeds op ${to.map((o) => `${o.index} (${o.opcode})`).join(', op ')}` : atOutput ? 'produces the model output' : 'feeds nothing',
    ].join(' and ');
    out.refused.push(
      `${head} (${types}) is inside the network (it ${between}); QUANTIZE / DEQUANTIZE between int8 and other types are supported only as the model's input conversion ` +
        '(QUANTIZE float32/uint8 -> int8 reading the model input) and output conversion (DEQUANTIZE int8 -> float32 or QUANTIZE int8 -> uint8 producing the model output): the network itself must be int8 (QUANTIZE int8 -> int8 is supported anywhere)',
    );
  }
  return out;
}

/** The caller-side encoding of a model edge: the float32 or uint8 tensor a conversion op reads or writes. */
function edgeEncoding(t: TfliteTensor, q: QuantParams | undefined, op: TfliteOperator, sourceIndex: number): EdgeEncoding {
  return { dtype: t.dtype as EdgeEncoding['dtype'], ...(t.dtype === 'uint8' ? { quant: q! } : {}), op: { opcode: op.opcode, index: op.index }, sourceIndex };
}

