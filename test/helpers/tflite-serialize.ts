/**
 * Writes a decoded TfliteModel (src/import/tflite.ts) back to .tflite bytes, for tests that edit a
 * real model structurally (shapes, quantisation, options, op order) and feed the result to our
 * reader and to TensorFlow Lite Micro's runner. Field ids come from src/import/tflite-schema.ts;
 * the options written are the ones the reader decodes.
 */
import { Builder } from 'flatbuffers';
import { ACTIVATION, BUILTIN_OPERATORS, FC_WEIGHTS_FORMAT, FIELD, OPTIONS_TYPE, PADDING, TENSOR_TYPES } from '../../src/import/tflite-schema.js';
import type { TfliteModel, TfliteOperator, TfliteOptionValue } from '../../src/import/tflite.js';
import { vectorWriters } from './tflite-writer.js';

type Opts = Record<string, TfliteOptionValue>;
type Field = [id: number, kind: 'i8' | 'i32' | 'f32' | 'bool' | 'ints', value: number | boolean | number[]];

const enumIndex = (names: readonly string[], v: TfliteOptionValue | undefined): number => Math.max(0, names.indexOf(String(v)));

/** Options table fields per opcode: [union type, fields]. */
function optionFields(op: TfliteOperator): [number, Field[]] | null {
  const o: Opts = op.options;
  const act = (id: number): Field => [id, 'i8', enumIndex(ACTIVATION, o.fusedActivation)];
  const n = (k: string, d = 0): number => (o[k] === undefined ? d : Number(o[k]));
  switch (op.opcode) {
    case 'CONV_2D': {
      const F = FIELD.Conv2DOptions;
      return [OPTIONS_TYPE.Conv2DOptions, [[F.padding, 'i8', enumIndex(PADDING, o.padding)], [F.strideW, 'i32', n('strideW')], [F.strideH, 'i32', n('strideH')], act(F.fusedActivation), [F.dilationW, 'i32', n('dilationW', 1)], [F.dilationH, 'i32', n('dilationH', 1)]]];
    }
    case 'DEPTHWISE_CONV_2D': {
      const F = FIELD.DepthwiseConv2DOptions;
      return [OPTIONS_TYPE.DepthwiseConv2DOptions, [[F.padding, 'i8', enumIndex(PADDING, o.padding)], [F.strideW, 'i32', n('strideW')], [F.strideH, 'i32', n('strideH')], [F.depthMultiplier, 'i32', n('depthMultiplier')], act(F.fusedActivation), [F.dilationW, 'i32', n('dilationW', 1)], [F.dilationH, 'i32', n('dilationH', 1)]]];
    }
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D': {
      const F = FIELD.Pool2DOptions;
      return [OPTIONS_TYPE.Pool2DOptions, [[F.padding, 'i8', enumIndex(PADDING, o.padding)], [F.strideW, 'i32', n('strideW')], [F.strideH, 'i32', n('strideH')], [F.filterWidth, 'i32', n('filterWidth')], [F.filterHeight, 'i32', n('filterHeight')], act(F.fusedActivation)]];
    }
    case 'FULLY_CONNECTED': {
      const F = FIELD.FullyConnectedOptions;
      return [OPTIONS_TYPE.FullyConnectedOptions, [act(F.fusedActivation), [F.weightsFormat, 'i8', enumIndex(FC_WEIGHTS_FORMAT, o.weightsFormat)], [F.keepNumDims, 'bool', Boolean(o.keepNumDims)], [F.asymmetricQuantizeInputs, 'bool', Boolean(o.asymmetricQuantizeInputs)]]];
    }
    case 'ADD':
      return [OPTIONS_TYPE.AddOptions, [act(FIELD.AddOptions.fusedActivation), [FIELD.AddOptions.potScaleInt16, 'bool', o.potScaleInt16 !== false]]];
    case 'SUB':
      return [OPTIONS_TYPE.SubOptions, [act(FIELD.SubOptions.fusedActivation), [FIELD.SubOptions.potScaleInt16, 'bool', o.potScaleInt16 !== false]]];
    case 'MUL':
      return [OPTIONS_TYPE.MulOptions, [act(FIELD.MulOptions.fusedActivation)]];
    case 'CONCATENATION':
      return [OPTIONS_TYPE.ConcatenationOptions, [[FIELD.ConcatenationOptions.axis, 'i32', n('axis')], act(FIELD.ConcatenationOptions.fusedActivation)]];
    case 'STRIDED_SLICE': {
      const F = FIELD.StridedSliceOptions;
      return [OPTIONS_TYPE.StridedSliceOptions, [[F.beginMask, 'i32', n('beginMask')], [F.endMask, 'i32', n('endMask')], [F.ellipsisMask, 'i32', n('ellipsisMask')], [F.newAxisMask, 'i32', n('newAxisMask')], [F.shrinkAxisMask, 'i32', n('shrinkAxisMask')], [F.offset, 'bool', Boolean(o.offset)]]];
    }
    case 'PACK':
      return [OPTIONS_TYPE.PackOptions, [[FIELD.PackOptions.valuesCount, 'i32', n('valuesCount')], [FIELD.PackOptions.axis, 'i32', n('axis')]]];
    case 'UNPACK':
      return [OPTIONS_TYPE.UnpackOptions, [[FIELD.UnpackOptions.num, 'i32', n('num')], [FIELD.UnpackOptions.axis, 'i32', n('axis')]]];
    case 'LEAKY_RELU':
      return [OPTIONS_TYPE.LeakyReluOptions, [[FIELD.LeakyReluOptions.alpha, 'f32', n('alpha')]]];
    case 'SOFTMAX':
      return [OPTIONS_TYPE.SoftmaxOptions, [[FIELD.SoftmaxOptions.beta, 'f32', n('beta')]]];
    case 'MEAN':
      return [OPTIONS_TYPE.ReducerOptions, [[FIELD.ReducerOptions.keepDims, 'bool', Boolean(o.keepDims)]]];
    case 'RESHAPE':
      return [OPTIONS_TYPE.ReshapeOptions, Array.isArray(o.newShape) ? [[FIELD.ReshapeOptions.newShape, 'ints', o.newShape]] : []];
    case 'SQUEEZE':
      return [OPTIONS_TYPE.SqueezeOptions, [[FIELD.SqueezeOptions.squeezeDims, 'ints', (o.squeezeDims as number[] | undefined) ?? []]]];
    case 'PAD':
      return [OPTIONS_TYPE.PadOptions, []];
    case 'QUANTIZE':
      return [OPTIONS_TYPE.QuantizeOptions, []];
    case 'DEQUANTIZE':
      return [OPTIONS_TYPE.DequantizeOptions, []];
    default:
      return null;
  }
}

export function serializeTflite(m: TfliteModel): Uint8Array {
  const b = new Builder(1 << 16);
  b.forceDefaults(true); // a mutated field keeps its value even when it equals a schema default
  const { ints, offsets } = vectorWriters(b);
  // Buffer 0 is the empty sentinel; one buffer per constant tensor (shared data views share one).
  const bufferTables: number[] = [];
  b.startObject(1);
  bufferTables.push(b.endObject());
  const bufferOf = new Map<Uint8Array, number>();
  for (const t of m.tensors) {
    if (!t.data || bufferOf.has(t.data)) continue;
    b.prep(16, t.data.length); // constant data 16-byte aligned, as the TFLite converter writes it
    const data = b.createByteVector(t.data);
    b.startObject(1);
    b.addFieldOffset(FIELD.Buffer.data, data, 0);
    bufferOf.set(t.data, bufferTables.length);
    bufferTables.push(b.endObject());
  }
  const codes = [...new Set(m.operators.map((o) => o.opcode))];
  const codeTables = codes.map((name) => {
    const custom = name.startsWith('CUSTOM:') ? b.createString(name.slice(7)) : 0;
    const code = custom ? BUILTIN_OPERATORS.indexOf('CUSTOM') : BUILTIN_OPERATORS.indexOf(name);
    if (code < 0) throw new Error(`serializeTflite: unknown opcode ${name}`);
    b.startObject(4);
    b.addFieldInt8(FIELD.OperatorCode.deprecatedBuiltinCode, Math.min(code, 127), 0);
    if (custom) b.addFieldOffset(FIELD.OperatorCode.customCode, custom, 0);
    b.addFieldInt32(FIELD.OperatorCode.builtinCode, code, 0);
    return b.endObject();
  });
  const tensorTables = m.tensors.map((t) => {
    const shape = ints(t.shape);
    const name = b.createString(t.name);
    let quant = 0;
    if (t.quant) {
      b.startVector(4, t.quant.scale.length, 4);
      for (let k = t.quant.scale.length - 1; k >= 0; k--) b.addFloat32(t.quant.scale[k]!);
      const scale = b.endVector();
      b.startVector(8, t.quant.zeroPoint.length, 8);
      for (let k = t.quant.zeroPoint.length - 1; k >= 0; k--) b.addInt64(BigInt(t.quant.zeroPoint[k]!));
      const zp = b.endVector();
      const Q = FIELD.QuantizationParameters;
      b.startObject(7);
      b.addFieldOffset(Q.scale, scale, 0);
      b.addFieldOffset(Q.zeroPoint, zp, 0);
      b.addFieldInt32(Q.quantizedDimension, t.quant.quantizedDimension, 0);
      quant = b.endObject();
    }
    const F = FIELD.Tensor;
    b.startObject(7);
    b.addFieldOffset(F.shape, shape, 0);
    b.addFieldInt8(F.type, TENSOR_TYPES.indexOf(t.dtype), 0);
    b.addFieldInt32(F.buffer, t.data ? bufferOf.get(t.data)! : 0, 0);
    b.addFieldOffset(F.name, name, 0);
    if (quant) b.addFieldOffset(F.quantization, quant, 0);
    if (t.isVariable) b.addFieldInt8(F.isVariable, 1, 0);
    return b.endObject();
  });
  const opTables = m.operators.map((op) => {
    const ins = ints(op.inputs);
    const outs = ints(op.outputs);
    const spec = optionFields(op);
    let options = 0;
    if (spec) {
      const vectors = spec[1].map(([, kind, v]) => (kind === 'ints' ? ints(v as number[]) : 0));
      b.startObject(8);
      spec[1].forEach(([id, kind, v], k) => {
        if (kind === 'i8') b.addFieldInt8(id, v as number, 0);
        else if (kind === 'i32') b.addFieldInt32(id, v as number, 0);
        else if (kind === 'f32') b.addFieldFloat32(id, v as number, 0);
        else if (kind === 'bool') b.addFieldInt8(id, v ? 1 : 0, 0);
        else b.addFieldOffset(id, vectors[k]!, 0);
      });
      options = b.endObject();
    }
    const F = FIELD.Operator;
    b.startObject(5);
    b.addFieldInt32(F.opcodeIndex, codes.indexOf(op.opcode), 0);
    b.addFieldOffset(F.inputs, ins, 0);
    b.addFieldOffset(F.outputs, outs, 0);
    if (spec) {
      b.addFieldInt8(F.builtinOptionsType, spec[0], 0);
      b.addFieldOffset(F.builtinOptions, options, 0);
    }
    return b.endObject();
  });
  const S = FIELD.SubGraph;
  const tv = offsets(tensorTables);
  const iv = ints(m.inputs);
  const ov = ints(m.outputs);
  const opv = offsets(opTables);
  b.startObject(5);
  b.addFieldOffset(S.tensors, tv, 0);
  b.addFieldOffset(S.inputs, iv, 0);
  b.addFieldOffset(S.outputs, ov, 0);
  b.addFieldOffset(S.operators, opv, 0);
  const sg = b.endObject();
  const cv = offsets(codeTables);
  const sv = offsets([sg]);
  const bv = offsets(bufferTables);
  const M = FIELD.Model;
  b.startObject(5);
  b.addFieldInt32(M.version, 3, 0);
  b.addFieldOffset(M.operatorCodes, cv, 0);
  b.addFieldOffset(M.subgraphs, sv, 0);
  b.addFieldOffset(M.buffers, bv, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}
