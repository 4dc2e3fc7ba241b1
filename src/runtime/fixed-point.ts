/**
 * gemmlowp's int32 fixed-point primitives in TypeScript, for tables computed when a model is
 * prepared (src/runtime/lut.ts); the kernels have their own (assembly/kernels/requantize.ts).
 * 64-bit products are exact through BigInt; every result wraps to int32 as in C.
 */
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** SaturatingRoundingDoublingHighMul: round(a * b / 2^31), ties away from zero; saturates INT32_MIN^2. */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)) | 0; // BigInt division truncates toward zero, as C does
}

/** RoundingDivideByPOT: x / 2^e rounded to nearest, ties away from zero (0 <= e <= 31). */
export function rdbpot(x: number, e: number): number {
  const mask = (2 ** e - 1) | 0;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return ((x >> e) + (remainder > threshold ? 1 : 0)) | 0;
}

/** TFLM's MultiplyByQuantizedMultiplier (double rounding). */
export function mbqm(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbpot(srdhm(Math.imul(x, 2 ** left), multiplier), right);
}

/** SaturatingRoundingMultiplyByPOT for exponent > 0: x * 2^e, saturated to int32. */
export function satShiftLeft(x: number, e: number): number {
  const threshold = 2 ** (31 - e) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return Math.imul(x, 2 ** e);
}

const INT16_MIN = -0x8000;
const INT16_MAX = 0x7fff;

/** gemmlowp's SaturatingRoundingDoublingHighMul on int16: round(a * b / 2^15), ties away from zero. */
export function srdhm16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  const ab = a * b;
  return Math.trunc((ab + (ab >= 0 ? 1 << 14 : 1 - (1 << 14))) / 2 ** 15);
}

/** TFLite's SaturatingDoublingHighMul on int16: a * b / 2^15 truncated toward zero. */
export function sdhm16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  return Math.trunc((a * b) / 2 ** 15);
}

/** TFLite's SaturatingLeftShift on int16: v * 2^n clamped to int16. */
export function satShiftLeft16(v: number, n: number): number {
  return Math.min(INT16_MAX, Math.max(INT16_MIN, v * 2 ** n));
}

/** TFLite's DownScaleInt32ToInt16Multiplier: the top 16 bits of a Q31 multiplier, rounded. */
export function int16Multiplier(q: { multiplier: number; shift: number }): { multiplier: number; shift: number } {
  const m = q.multiplier >= INT32_MAX - (1 << 15) ? INT16_MAX : (q.multiplier + (1 << 15)) >> 16;
  return { multiplier: m, shift: q.shift };
}
