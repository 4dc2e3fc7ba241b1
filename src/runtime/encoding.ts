/**
 * The model's edge encodings (IR `Model.inputEncoding` / `outputEncoding`): the caller's buffers in
 * float32 or uint8, converted to and from the int8 network input / output exactly as TensorFlow Lite
 * Micro's reference QUANTIZE and DEQUANTIZE kernels do (micro/kernels/quantize_common.cc,
 * dequantize_common.cc, reference/quantize.h, requantize.h, dequantize.h):
 * - QUANTIZE float32 -> int8 (AffineQuantize): q = round(x / scale) + zero point, the division in
 *   float32 (scale cast to float), round = std::round (half away from zero), clamped to [-128, 127].
 *   Out of the int32 range and NaN are undefined behaviour in TFLM's cast; here they saturate (NaN
 *   gives the zero point).
 * - QUANTIZE uint8 -> int8 and int8 -> uint8 (Requantize): the multiplier and shift of
 *   QuantizeMultiplier(double(in scale) / double(out scale)), then
 *   MultiplyByQuantizedMultiplier(q - in zero point) + out zero point, clamped. (TFLM's fast path for
 *   equal scales and a zero-point difference of 128, an XOR with 0x80, gives the same bytes.)
 * - DEQUANTIZE int8 -> float32: float(double(scale) * (q - zero point)) (exact product, one rounding:
 *   the same as the float32 product).
 * Float32 buffers are little-endian.
 */
import { ModelError } from '../errors.js';
import { Rng } from '../model/generate.js';
import { type EdgeEncoding, type Model, type QuantParams, tensorBytes } from '../model/ir.js';
import { quantizeMultiplier, roundHalfAway } from './quantize.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** Bytes per element of the caller's buffer. */
export const encodingElementBytes = (e: EdgeEncoding | undefined): number => (e?.dtype === 'float32' ? 4 : 1);

/** 'int8', 'float32' or 'uint8'. */
export const encodingName = (e: EdgeEncoding | undefined): string => e?.dtype ?? 'int8';

/** Bytes of the caller's input buffer. */
export function encodedInputBytes(model: Model): number {
  return tensorBytes(model.tensors[model.input]!.shape) * encodingElementBytes(model.inputEncoding);
}
/** Bytes of the caller's output buffer. */
export function encodedOutputBytes(model: Model): number {
  return tensorBytes(model.tensors[model.output]!.shape) * encodingElementBytes(model.outputEncoding);
}

function quantOf(model: Model, id: number): QuantParams {
  const q = model.tensors[id]!.quant;
  if (!q) throw new ModelError(`${model.name}: tensor ${id} has no quantisation; it cannot have a float32 or uint8 encoding`);
  return q;
}

/** gemmlowp's SaturatingRoundingDoublingHighMul (int32). */
function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // C++ integer division truncates, as BigInt does
}

/** gemmlowp's RoundingDivideByPOT (int32, 0 <= exponent <= 31). */
function rdbpot(x: number, exponent: number): number {
  const mask = exponent === 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLM's MultiplyByQuantizedMultiplier(int32 x, multiplier, shift) (double-rounding build). */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbpot(srdhm(Math.imul(x, 2 ** left), multiplier), right);
}

/**
 * The requantisation table of a QUANTIZE between two 8-bit tensors: entry i is the output for the
 * input byte i (read as `inSigned` int8 or uint8); every output written as its byte.
 */
export function requantizeTable(from: QuantParams, to: QuantParams, inSigned: boolean, outSigned: boolean): Uint8Array {
  const { multiplier, shift } = quantizeMultiplier(Math.fround(from.scale) / Math.fround(to.scale));
  const [lo, hi] = outSigned ? [-128, 127] : [0, 255];
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    const q = inSigned ? (b << 24) >> 24 : b;
    const v = multiplyByQuantizedMultiplier(q - from.zeroPoint, multiplier, shift) + to.zeroPoint;
    table[b] = (v < lo ? lo : v > hi ? hi : v) & 0xff;
  }
  return table;
}

/** TFLM's AffineQuantize of one float32 value to int8. */
export function quantizeFloat(x: number, q: QuantParams): number {
  const scaled = Math.fround(Math.fround(x) / Math.fround(q.scale));
  if (Number.isNaN(scaled)) return Math.max(-128, Math.min(127, q.zeroPoint));
  const r = roundHalfAway(scaled);
  const v = (r < INT32_MIN ? INT32_MIN : r > INT32_MAX ? INT32_MAX : r) + q.zeroPoint;
  return v < -128 ? -128 : v > 127 ? 127 : v;
}

/** TFLM's Dequantize of one int8 value to float32. */
export const dequantizeInt8 = (v: number, q: QuantParams): number => Math.fround(Math.fround(q.scale) * (v - q.zeroPoint));

/** The caller's input buffer (the model's input encoding) -> the int8 network input bytes. */
export function encodeInput(model: Model, bytes: Uint8Array): Uint8Array {
  const e = model.inputEncoding;
  const n = tensorBytes(model.tensors[model.input]!.shape);
  const expected = n * encodingElementBytes(e);
  if (bytes.length !== expected)
    throw new ModelError(`input has ${bytes.length} bytes but ${model.name} expects ${expected} (${model.tensors[model.input]!.shape.join('x')} ${encodingName(e)})`);
  if (!e) return bytes;
  const q = quantOf(model, model.input);
  const out = new Uint8Array(n);
  if (e.dtype === 'uint8') {
    const table = requantizeTable(e.quant!, q, false, true);
    for (let i = 0; i < n; i++) out[i] = table[bytes[i]!]!;
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = quantizeFloat(view.getFloat32(4 * i, true), q) & 0xff;
  return out;
}

/** The int8 network output bytes -> the caller's output buffer (the model's output encoding). */
export function decodeOutput(model: Model, int8: Uint8Array): Uint8Array {
  const e = model.outputEncoding;
  if (!e) return int8;
  const q = quantOf(model, model.output);
  const n = int8.length;
  if (e.dtype === 'uint8') {
    const table = requantizeTable(q, e.quant!, true, false);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = table[int8[i]!]!;
    return out;
  }
  const out = new Uint8Array(4 * n);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) view.setFloat32(4 * i, dequantizeInt8((int8[i]! << 24) >> 24, q), true);
  return out;
}

/**
 * The seeded default input in the model's own encoding: int8 and uint8 are the seeded xorshift32
 * bytes (as in ../shared/conformance); float32 is uniform over the real range the int8 input
 * represents, [(-128 - zp) * scale, (127 - zp) * scale], from the same generator.
 */
export function seededEncodedInput(model: Model, seed: number): Uint8Array {
  const n = tensorBytes(model.tensors[model.input]!.shape);
  const rng = new Rng(seed);
  const e = model.inputEncoding;
  if (e?.dtype !== 'float32') {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = rng.nextU32() & 0xff;
    return out;
  }
  const q = quantOf(model, model.input);
  const lo = (-128 - q.zeroPoint) * q.scale;
  const hi = (127 - q.zeroPoint) * q.scale;
  const out = new Uint8Array(4 * n);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) view.setFloat32(4 * i, Math.fround(lo + (hi - lo) * (rng.nextU32() / 2 ** 32)), true);
  return out;
}
