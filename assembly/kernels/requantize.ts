// Fixed-point requantisation as TensorFlow Lite Micro does it in its default build
// (TFLITE_SINGLE_ROUNDING off): gemmlowp's SaturatingRoundingDoublingHighMul followed by a rounding
// right shift ("double rounding"). Every int8 kernel ends here.
//
// Integer semantics follow the C code they mirror: int32 products and sums wrap, which is what
// Wasm's i32 arithmetic does.

import { D_ACT_MAX, D_ACT_MIN, D_MULT, D_OUT_C, D_OUT_OFFSET, D_SHIFT, D_REQ_MODE, REQ_FAST4, REQ_SCALAR, REQ_SIMD4, REQ_UNKNOWN, dget, dset } from './desc';

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

// ---- Four lanes at a time (Wasm SIMD) ----
//
// requantize4 computes requantize() for four accumulators with per-lane multipliers and shifts and
// gives bit-identical results (every step below is exact):
// - left shift: x * 2^ls with 2^ls built from float bits (exact for ls in [0, 31]; 2^31 converts
//   unsigned to 0x80000000, the wrapping product the scalar code forms);
// - SaturatingRoundingDoublingHighMul: for ab >= 0 the scalar quotient is (ab + 2^30) >> 31; for
//   ab < 0, truncating (ab + 1 - 2^30) / 2^31 toward zero equals flooring (ab + 2^30) / 2^31, so
//   both are floor((ab + 2^30) / 2^31): the high word of (ab + 2^30) << 1, in i64x2 lanes;
// - RoundingDivideByPOT by a per-lane exponent e in [0, 31] (Wasm has no per-lane shift): in f64,
//   t * 2^-e is exact, adding +-0.5 (the sign of t) stays exact (at most 32 significant bits), and
//   truncation then rounds half away from zero, which is what the integer formula does.
// Requires every shift in [-31, 31] and an int8 clamp range (requantize4Applies checks it).

/** Whether requantize4 applies to channels [0, n): shifts within [-31, 31], clamp inside int8. */
export function requantize4Applies(shifts: usize, n: i32, actMin: i32, actMax: i32): bool {
  if (actMin < -128 || actMax > 127) return false;
  let i = 0;
  let bad = v128.splat<i32>(0);
  const lo = i32x4.splat(-31);
  const hi = i32x4.splat(31);
  for (; i + 4 <= n; i += 4) {
    const s = v128.load(shifts + (<usize>i << 2));
    bad = v128.or(bad, v128.or(i32x4.lt_s(s, lo), i32x4.gt_s(s, hi)));
  }
  if (v128.any_true(bad)) return false;
  for (; i < n; i++) {
    const s = load<i32>(shifts + (<usize>i << 2));
    if (s < -31 || s > 31) return false;
  }
  return true;
}

/** requantize() of four lanes (see above); outOffset, actMin, actMax splatted. Result: i32x4. */
// @ts-ignore: decorator
@inline export function requantize4(acc: v128, mult: v128, shift: v128, outOffset: v128, actMin: v128, actMax: v128): v128 {
  const ls = i32x4.max_s(shift, i32x4.splat(0));
  const rs = i32x4.sub(ls, shift);
  const x = i32x4.mul(acc, i32x4.trunc_sat_f32x4_u(i32x4.shl(i32x4.add(ls, i32x4.splat(127)), 23)));
  // SaturatingRoundingDoublingHighMul
  const nudge = i64x2.splat(<i64>1 << 30);
  const pLo = i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(x, mult), nudge), 1);
  const pHi = i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(x, mult), nudge), 1);
  const minV = i32x4.splat(INT32_MIN);
  const overflow = v128.and(i32x4.eq(x, minV), i32x4.eq(mult, minV));
  const t = v128.bitselect(i32x4.splat(INT32_MAX), v128.shuffle<i32>(pLo, pHi, 1, 3, 5, 7), overflow);
  // RoundingDivideByPOT(t, rs): scale by 2^-rs (f64 exponent bits), add +-0.5, truncate
  const bias = i64x2.splat(1023);
  const sLo = i64x2.shl(i64x2.sub(bias, i64x2.extend_low_i32x4_s(rs)), 52);
  const sHi = i64x2.shl(i64x2.sub(bias, i64x2.extend_high_i32x4_s(rs)), 52);
  const fLo = f64x2.mul(f64x2.convert_low_i32x4_s(t), sLo);
  const fHi = f64x2.mul(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(t, t, 2, 3, 2, 3)), sHi);
  const sign = i64x2.splat(i64.MIN_VALUE);
  const half = f64x2.splat(0.5);
  const rLo = i32x4.trunc_sat_f64x2_s_zero(f64x2.trunc(f64x2.add(fLo, v128.or(v128.and(fLo, sign), half))));
  const rHi = i32x4.trunc_sat_f64x2_s_zero(f64x2.trunc(f64x2.add(fHi, v128.or(v128.and(fHi, sign), half))));
  const r = i32x4.add(v128.shuffle<i32>(rLo, rHi, 0, 1, 4, 5), outOffset);
  return i32x4.min_s(i32x4.max_s(r, actMin), actMax);
}

/** Stores the four int8 values of an i32x4 already clamped to int8 at p. */
// @ts-ignore: decorator
@inline export function store4(p: usize, v: v128): void {
  const h = i16x8.narrow_i32x4_s(v, v);
  v128.store32_lane(p, i8x16.narrow_i16x8_s(h, h), 0);
}

/** Stores the eight int8 values of two i32x4 already clamped to int8 at p (lo first). */
// @ts-ignore: decorator
@inline export function store8(p: usize, lo: v128, hi: v128): void {
  const h = i16x8.narrow_i32x4_s(lo, hi);
  v128.store64_lane(p, i8x16.narrow_i16x8_s(h, h), 0);
}

// ---- The common case, cheaper: requantize4Fast ----
//
// When every shift is in [-14, -1] (a right shift e = -shift in [1, 14], no left shift), no
// multiplier is INT32_MIN (so the doubling high multiply cannot saturate), |outOffset| <= 256 and
// the clamp lies inside int8, RoundingDivideByPOT can run in f32 lanes:
// - while |t| <= 2^(e+9) (results within +-512), t is exact in f32 (|t| <= 2^23), t * 2^-e is
//   exact and so is adding +-0.5 (at most e + 10 <= 24 significant bits), and the conversion's
//   truncation toward zero then rounds half away from zero like the integer formula;
// - beyond, every step is monotone and t = +-2^(e+9) gives exactly +-512, so both computations
//   land at or beyond +-512, where adding |outOffset| <= 256 and clamping to int8 gives the same
//   bound (and no int32 sum can wrap: |result| <= 2^30 + 1).

/** Whether requantize4Fast applies to channels [0, n) (see above). */
export function requantize4FastApplies(mults: usize, shifts: usize, n: i32, outOffset: i32, actMin: i32, actMax: i32): bool {
  if (actMin < -128 || actMax > 127 || outOffset < -256 || outOffset > 256) return false;
  // Per lane: shift + 14 in [0, 13] as unsigned, multiplier != INT32_MIN. Kernels run this once per
  // call (in the fused executor: once per column), so it is vectorised.
  let bad = i32x4.splat(0);
  const fourteen = i32x4.splat(14);
  const thirteen = i32x4.splat(13);
  const minV = i32x4.splat(INT32_MIN);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const s0 = v128.load(shifts + o);
    const s1 = v128.load(shifts + o, 16);
    const m0 = v128.load(mults + o);
    const m1 = v128.load(mults + o, 16);
    bad = v128.or(bad, v128.or(i32x4.gt_u(i32x4.add(s0, fourteen), thirteen), i32x4.gt_u(i32x4.add(s1, fourteen), thirteen)));
    bad = v128.or(bad, v128.or(i32x4.eq(m0, minV), i32x4.eq(m1, minV)));
  }
  if (v128.any_true(bad)) return false;
  for (; i < n; i++) {
    const s = load<i32>(shifts + (<usize>i << 2));
    if (s < -14 || s > -1 || load<i32>(mults + (<usize>i << 2)) == INT32_MIN) return false;
  }
  return true;
}

// requantize4Fast's constants as static data: read with a load (which V8 folds into the using
// instruction) instead of being rebuilt from immediates at every use inside the kernels' loops.
const RQ_FAST: usize = memory.data<i32>([
  1 << 30, 0, 1 << 30, 0, // i64x2 rounding nudge 2^30
  127, 127, 127, 127, // f32 exponent bias
  INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN, // f32 sign bits
  0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000, // f32 0.5
], 16);

/** requantize4 under the conditions of requantize4FastApplies (same result). */
// @ts-ignore: decorator
@inline export function requantize4Fast(acc: v128, mult: v128, shift: v128, outOffset: v128, actMin: v128, actMax: v128): v128 {
  return i32x4.min_s(i32x4.max_s(requantize4FastRaw(acc, mult, shift, outOffset), actMin), actMax);
}

/**
 * requantize4Fast before the clamp (the int32 sum with the output offset, |value| <= 2^30 + 257).
 * store8Clamped narrows two of them with saturation and clamps in int8: since the clamp range lies
 * inside int8, clamping after saturating gives the same bytes as clamping first.
 */
// @ts-ignore: decorator
@inline export function requantize4FastRaw(acc: v128, mult: v128, shift: v128, outOffset: v128): v128 {
  // SaturatingRoundingDoublingHighMul (no saturation possible): floor((acc * mult + 2^30) / 2^31)
  const nudge = v128.load(RQ_FAST);
  const pLo = i64x2.shl(i64x2.add(i64x2.extmul_low_i32x4_s(acc, mult), nudge), 1);
  const pHi = i64x2.shl(i64x2.add(i64x2.extmul_high_i32x4_s(acc, mult), nudge), 1);
  const t = v128.shuffle<i32>(pLo, pHi, 1, 3, 5, 7);
  // RoundingDivideByPOT(t, -shift) in f32: 2^shift from exponent bits, +-0.5, truncating conversion
  const f = f32x4.mul(f32x4.convert_i32x4_s(t), i32x4.shl(i32x4.add(shift, v128.load(RQ_FAST, 16)), 23));
  const halfSigned = v128.or(v128.and(f, v128.load(RQ_FAST, 32)), v128.load(RQ_FAST, 48));
  return i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.add(f, halfSigned)), outOffset);
}

/** Saturates lo, hi (i32x4) to int8, clamps them to [actMin, actMax] (splatted i8x16) and stores 8 bytes at p. */
// @ts-ignore: decorator
@inline export function store8Clamped(p: usize, lo: v128, hi: v128, actMin: v128, actMax: v128): void {
  const h = i16x8.narrow_i32x4_s(lo, hi);
  const b = i8x16.narrow_i16x8_s(h, h);
  v128.store64_lane(p, i8x16.min_s(i8x16.max_s(b, actMin), actMax), 0);
}

/**
 * The requantisation path a descriptor allows (REQ_FAST4 implies REQ_SIMD4's conditions), worked out
 * on the first call and kept in the descriptor: its multipliers, shifts and clamps never change.
 */
export function requantMode(desc: usize): i32 {
  let mode = dget(desc, D_REQ_MODE);
  if (mode == REQ_UNKNOWN) {
    const mults = <usize>dget(desc, D_MULT), shifts = <usize>dget(desc, D_SHIFT), outC = dget(desc, D_OUT_C);
    const outOffset = dget(desc, D_OUT_OFFSET), actMin = dget(desc, D_ACT_MIN), actMax = dget(desc, D_ACT_MAX);
    mode = requantize4FastApplies(mults, shifts, outC, outOffset, actMin, actMax) ? REQ_FAST4
      : requantize4Applies(shifts, outC, actMin, actMax) ? REQ_SIMD4 : REQ_SCALAR;
    dset(desc, D_REQ_MODE, mode);
  }
  return mode;
}

/**
 * Requantises eight channels' sums on the fast path (lo: channels g..g+3, hi: g+4..g+7), saturates
 * and clamps them together in int8 and stores them at out + g.
 */
// @ts-ignore: decorator
@inline export function requantizeStore8(out: usize, g: i32, lo: v128, hi: v128, mults: usize, shifts: usize, outOffset4: v128, actMin8: v128, actMax8: v128): void {
  const q = <usize>g << 2;
  store8Clamped(out + <usize>g,
    requantize4FastRaw(lo, v128.load(mults + q), v128.load(shifts + q), outOffset4),
    requantize4FastRaw(hi, v128.load(mults + q, 16), v128.load(shifts + q, 16), outOffset4),
    actMin8, actMax8);
}

/** Requantises four channels' sums (the fast or the general path) and stores them at out + g. */
// @ts-ignore: decorator
@inline export function requantizeStore4(out: usize, g: i32, acc: v128, mults: usize, shifts: usize, fast: bool, outOffset4: v128, actMin4: v128, actMax4: v128): void {
  const q = <usize>g << 2;
  const m4 = v128.load(mults + q);
  const s4 = v128.load(shifts + q);
  store4(out + <usize>g, fast ? requantize4Fast(acc, m4, s4, outOffset4, actMin4, actMax4) : requantize4(acc, m4, s4, outOffset4, actMin4, actMax4));
}
