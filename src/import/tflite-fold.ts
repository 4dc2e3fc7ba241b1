/**
 * Integer shape subgraphs, evaluated when the model is loaded: SHAPE, STRIDED_SLICE and PACK over
 * int32 values whose only use is the shape operand of a RESHAPE (Keras' dynamic reshapes:
 * SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE). The RESHAPE itself is a view whose shape the file
 * declares; the folded value must agree with it (a -1 is inferred as TFLite does), else the model
 * is refused. Returns the indices of the ops folded away.
 */
import { ModelError } from '../errors.js';
import type { TfliteModel, TfliteOperator, TfliteTensor } from './tflite.js';

const FOLDABLE = new Set(['SHAPE', 'STRIDED_SLICE', 'PACK']);

function constInt32(t: TfliteTensor): number[] | undefined {
  if (t.dtype !== 'int32' || !t.data) return undefined;
  const v = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return Array.from({ length: t.data.byteLength >> 2 }, (_, i) => v.getInt32(i * 4, true));
}

/** A 1-D STRIDED_SLICE (begin / end masks, shrink of axis 0), as TFLM evaluates it on a vector. */
function slice1d(x: number[], begin: number, end: number, stride: number, o: TfliteOperator['options']): number[] {
  const n = x.length;
  const norm = (i: number) => (i < 0 ? i + n : i);
  const bit = (m: unknown) => (Number(m ?? 0) & 1) !== 0;
  if (bit(o.shrinkAxisMask)) return [x[norm(begin)]!];
  let b = bit(o.beginMask) ? (stride > 0 ? 0 : n - 1) : Math.min(Math.max(norm(begin), stride > 0 ? 0 : -1), stride > 0 ? n : n - 1);
  const e = bit(o.endMask) ? (stride > 0 ? n : -1) : Math.min(Math.max(norm(end), stride > 0 ? 0 : -1), stride > 0 ? n : n - 1);
  const out: number[] = [];
  for (; stride > 0 ? b < e : b > e; b += stride) out.push(x[b]!);
  return out;
}

export function foldShapeOps(tf: TfliteModel, name: string): Set<number> {
  const T = tf.tensors;
  const value = new Map<number, number[]>();
  const valueOf = (i: number) => value.get(i) ?? (T[i] ? constInt32(T[i]!) : undefined);
  const folded = new Set<number>();
  for (const op of tf.operators) {
    if (!FOLDABLE.has(op.opcode) || op.outputs.length !== 1 || T[op.outputs[0]!]?.dtype !== 'int32') continue;
    let v: number[] | undefined;
    if (op.opcode === 'SHAPE') v = T[op.inputs[0]!] ? [...T[op.inputs[0]!]!.shape] : undefined;
    else {
      const args = op.inputs.map(valueOf);
      if (args.some((a) => a === undefined)) continue;
      if (op.opcode === 'PACK') v = args.flatMap((a) => a!);
      else if (args.length === 4 && args[0]!.length === T[op.inputs[0]!]!.shape.reduce((p, d) => p * d, 1) && T[op.inputs[0]!]!.shape.length === 1 && args[1]!.length === 1)
        v = slice1d(args[0]!, args[1]![0]!, args[2]![0]!, args[3]![0]!, op.options);
    }
    if (!v) continue;
    value.set(op.outputs[0]!, v);
    folded.add(op.index);
  }
  if (!folded.size) return folded;
  // Every folded value must end as a RESHAPE's shape (or feed another folded op).
  const foldedOutputs = new Set([...folded].map((k) => tf.operators[k]!.outputs[0]!));
  for (const op of tf.operators) {
    op.inputs.forEach((i, k) => {
      if (!foldedOutputs.has(i) || folded.has(op.index)) return;
      if (op.opcode !== 'RESHAPE' || k !== 1)
        throw new ModelError(`${name}: op ${op.index} (${op.opcode}) reads the int32 tensor ${i} computed by a shape subgraph; only a RESHAPE's shape operand may be computed (the rest must be int8 activations)`);
      const want = value.get(i)!;
      const out = T[op.outputs[0]!]!.shape;
      const known = want.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
      const total = T[op.inputs[0]!]!.shape.reduce((p, d) => p * d, 1);
      const resolved = want.map((d) => (d === -1 ? total / known : d));
      if (resolved.join() !== out.join())
        throw new ModelError(`${name}: op ${op.index} (RESHAPE): its computed shape [${want.join(', ')}] gives [${resolved.join(', ')}], but the file declares [${out.join(', ')}]`);
    });
  }
  for (const o of tf.outputs) if (foldedOutputs.has(o)) throw new ModelError(`${name}: model output ${o} is an int32 shape computation; only int8 outputs are supported`);
  return folded;
}
