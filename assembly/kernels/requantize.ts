// Fixed-point requantisation as TensorFlow Lite Micro does it in its default build
// (TFLITE_SINGLE_ROUNDING off): gemmlowp's SaturatingRoundingDoublingHighMul followed by a rounding
// right shift ("double rounding"). Every int8 kernel ends here.
//
// Integer semantics follow the C code they mirror: int32 products and sums wrap, which is what
// Wasm's i32 arithmetic does.

const INT32_MIN: i32 = i32.MIN_VALUE;
const INT32_MAX: i32 = i32.MAX_VALUE;

/**
 * (a * b * 2) / 2^32, rounded to nearest, saturating the single overflow case
 * a == b == INT32_MIN. Ties: the nudge is +2^30 for a non-negative product and 1 - 2^30 for a
 * negative one, and the 64-bit quotient is truncated toward zero.
 */
// @ts-ignore: decorator
@inline export function saturatingRoundingDoublingHighMul(a: i32, b: i32): i32 {
  // 1. the only product that does not fit: (-2^31) * (-2^31) * 2 = 2^63
  const overflow = a == b && a == INT32_MIN;
  // 2. the exact 64-bit product
  const ab: i64 = <i64>a * <i64>b;
  // 3. the rounding nudge, depending on the sign of the product
  const nudge: i64 = ab >= 0 ? <i64>(1 << 30) : <i64>(1 - (1 << 30));
  // 4. divide by 2^31, truncating toward zero (C++ '/')
  const high: i32 = <i32>((ab + nudge) / (<i64>1 << 31));
  return overflow ? INT32_MAX : high;
}

/**
 * x / 2^exponent rounded to nearest, ties away from zero (gemmlowp's RoundingDivideByPOT),
 * 0 <= exponent <= 31.
 */
// @ts-ignore: decorator
@inline export function roundingDivideByPOT(x: i32, exponent: i32): i32 {
  // 1. the bits shifted out
  const mask: i32 = <i32>((<i64>1 << exponent) - 1);
  const remainder: i32 = x & mask;
  // 2. half of the divisor; one more for negative x so that ties go away from zero
  const threshold: i32 = (mask >> 1) + (x < 0 ? 1 : 0);
  // 3. arithmetic shift (floor) plus the rounding increment
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * TFLM's MultiplyByQuantizedMultiplier(int32 x, int32 multiplier, int shift), double-rounding
 * variant: shift > 0 multiplies x by 2^shift first (wrapping, as the C int product does), shift < 0
 * rounds the high product right by -shift.
 */
// @ts-ignore: decorator
@inline export function multiplyByQuantizedMultiplier(x: i32, multiplier: i32, shift: i32): i32 {
  const leftShift: i32 = shift > 0 ? shift : 0;
  const rightShift: i32 = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
}

/**
 * The common tail of conv2d, depthwise and fully-connected: scale the int32 accumulator (bias
 * already added) to the output scale, add the output zero point, clamp to the activation range.
 */
// @ts-ignore: decorator
@inline export function requantize(acc: i32, multiplier: i32, shift: i32, outOffset: i32, actMin: i32, actMax: i32): i32 {
  let v = multiplyByQuantizedMultiplier(acc, multiplier, shift);
  v += outOffset;
  v = v < actMin ? actMin : v;
  v = v > actMax ? actMax : v;
  return v;
}

// Exported (not inlined) entry points so that tests can check the rounding against hand-worked
// values and the TypeScript reference.
export function srdhm(a: i32, b: i32): i32 {
  return saturatingRoundingDoublingHighMul(a, b);
}
export function rdbpot(x: i32, exponent: i32): i32 {
  return roundingDivideByPOT(x, exponent);
}
export function mbqm(x: i32, multiplier: i32, shift: i32): i32 {
  return multiplyByQuantizedMultiplier(x, multiplier, shift);
}
