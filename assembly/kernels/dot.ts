// Inner products of int8 data, scalar and Wasm SIMD, and the module-wide SIMD switch.
//
// Every product is (x + inOffset) * w with x, w int8 and inOffset = -(input zero point) in
// [-127, 128]: the offset input fits in int16 ([-255, 255]) and so does each product
// (|p| <= 255 * 128 = 32640), so the SIMD versions widen to i16x8, add the offset in i16 and use
// i32x4.dot_i16x8_s (pairwise products summed into i32 lanes). Sums wrap in int32 exactly like the
// scalar code, so both give identical results.

let simdOn: bool = true;

/** Switches the SIMD inner loops on or off for every kernel (results are identical either way). */
export function setSimd(on: bool): void {
  simdOn = on;
}

/** Whether the SIMD inner loops are in use. */
export function simdEnabled(): bool {
  return simdOn;
}

/** Σ_{i<n} (x[i] + inOffset) * w[i], scalar. */
// @ts-ignore: decorator
@inline export function dotScalar(x: usize, w: usize, n: i32, inOffset: i32): i32 {
  let acc: i32 = 0;
  for (let i = 0; i < n; i++) {
    const inputVal: i32 = <i32>load<i8>(x + <usize>i);
    const filterVal: i32 = <i32>load<i8>(w + <usize>i);
    acc += filterVal * (inputVal + inOffset);
  }
  return acc;
}

/** Horizontal sum of the four i32 lanes. */
// @ts-ignore: decorator
@inline export function sumLanes(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/**
 * Reduces four i32x4 accumulators to one vector of their four horizontal sums:
 * [Σa, Σb, Σc, Σd].
 */
// @ts-ignore: decorator
@inline export function sumLanes4(a: v128, b: v128, c: v128, d: v128): v128 {
  // [a0+a2, b0+b2, a1+a3, b1+b3]
  const ab = i32x4.add(v128.shuffle<i32>(a, b, 0, 4, 1, 5), v128.shuffle<i32>(a, b, 2, 6, 3, 7));
  // [c0+c2, d0+d2, c1+c3, d1+d3]
  const cd = i32x4.add(v128.shuffle<i32>(c, d, 0, 4, 1, 5), v128.shuffle<i32>(c, d, 2, 6, 3, 7));
  // [Σa, Σb, Σc, Σd]
  return i32x4.add(v128.shuffle<i32>(ab, cd, 0, 1, 4, 5), v128.shuffle<i32>(ab, cd, 2, 3, 6, 7));
}

/** 8 int8 at p, sign-extended to i16x8, plus the input offset (already splatted as i16x8). */
// @ts-ignore: decorator
@inline export function loadOffset8(p: usize, offset16: v128): v128 {
  return i16x8.add(v128.load8x8_s(p), offset16);
}

/** Σ_{i<n} (x[i] + inOffset) * w[i] with SIMD (16, then 8 lanes at a time, scalar tail). */
export function dotSimd(x: usize, w: usize, n: i32, inOffset: i32): i32 {
  const off = i16x8.splat(<i16>inOffset);
  let acc = i32x4.splat(0);
  let i: i32 = 0;
  for (; i + 16 <= n; i += 16) {
    const xv = v128.load(x + <usize>i);
    const wv = v128.load(w + <usize>i);
    const xLo = i16x8.add(i16x8.extend_low_i8x16_s(xv), off);
    const xHi = i16x8.add(i16x8.extend_high_i8x16_s(xv), off);
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(xLo, i16x8.extend_low_i8x16_s(wv)));
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(xHi, i16x8.extend_high_i8x16_s(wv)));
  }
  if (i + 8 <= n) {
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(loadOffset8(x + <usize>i, off), v128.load8x8_s(w + <usize>i)));
    i += 8;
  }
  let tail: i32 = 0;
  for (; i < n; i++) {
    tail += <i32>load<i8>(w + <usize>i) * (<i32>load<i8>(x + <usize>i) + inOffset);
  }
  return sumLanes(acc) + tail;
}

/**
 * Four inner products sharing one input run: for k in 0..3,
 * Σ_{i<n} (x[i] + inOffset) * w[k * wStride + i]. Returns [s0, s1, s2, s3] as an i32x4.
 * The input is loaded and offset once for the four weight rows (four output channels).
 *
 * The last n mod 8 elements take one 8-lane step with the input lanes past n masked to zero (so
 * whatever the eight-byte loads read past the runs contributes 0) when those loads, up to 7 bytes
 * past the input run and past the fourth weight row, lie below `limit` (the memory size); otherwise
 * (limit 0: never) a scalar tail. Same sums (int32 wrapping) either way.
 */
export function dot4Simd(x: usize, w: usize, wStride: usize, n: i32, inOffset: i32, limit: usize = 0): v128 {
  const off = i16x8.splat(<i16>inOffset);
  const w0 = w;
  const w1 = w + wStride;
  const w2 = w1 + wStride;
  const w3 = w2 + wStride;
  let a0 = i32x4.splat(0);
  let a1 = i32x4.splat(0);
  let a2 = i32x4.splat(0);
  let a3 = i32x4.splat(0);
  let i: i32 = 0;
  for (; i + 16 <= n; i += 16) {
    // Sign-extending 8-byte loads (one instruction each) rather than 16-byte loads plus widening.
    const o = <usize>i;
    const xLo = loadOffset8(x + o, off);
    const xHi = loadOffset8(x + o + 8, off);
    a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(xLo, v128.load8x8_s(w0 + o)), i32x4.dot_i16x8_s(xHi, v128.load8x8_s(w0 + o, 8))));
    a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(xLo, v128.load8x8_s(w1 + o)), i32x4.dot_i16x8_s(xHi, v128.load8x8_s(w1 + o, 8))));
    a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(xLo, v128.load8x8_s(w2 + o)), i32x4.dot_i16x8_s(xHi, v128.load8x8_s(w2 + o, 8))));
    a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(xLo, v128.load8x8_s(w3 + o)), i32x4.dot_i16x8_s(xHi, v128.load8x8_s(w3 + o, 8))));
  }
  if (i + 8 <= n) {
    const o = <usize>i;
    const xv = loadOffset8(x + o, off);
    a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w0 + o)));
    a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w1 + o)));
    a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w2 + o)));
    a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w3 + o)));
    i += 8;
  }
  if (i < n) {
    const o = <usize>i;
    if (x + o + 8 <= limit && w3 + o + 8 <= limit) {
      // Lanes [0, n - i) are real; the rest become 0 after the offset.
      const mask = i16x8.lt_s(i16x8(0, 1, 2, 3, 4, 5, 6, 7), i16x8.splat(<i16>(n - i)));
      const xv = v128.and(loadOffset8(x + o, off), mask);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w0 + o)));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w1 + o)));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w2 + o)));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w3 + o)));
      i = n;
    }
  }
  const sums = sumLanes4(a0, a1, a2, a3);
  return i < n ? i32x4.add(sums, dot4Scalar(x, w0, w1, w2, w3, i, n, inOffset)) : sums;
}

/** Four channels' sums over elements [i, n) of one run, scalar: the tail of the SIMD dot products. */
function dot4Scalar(x: usize, w0: usize, w1: usize, w2: usize, w3: usize, i: i32, n: i32, inOffset: i32): v128 {
  let t0: i32 = 0, t1: i32 = 0, t2: i32 = 0, t3: i32 = 0;
  for (; i < n; i++) {
    const o = <usize>i;
    const xo: i32 = <i32>load<i8>(x + o) + inOffset;
    t0 += <i32>load<i8>(w0 + o) * xo;
    t1 += <i32>load<i8>(w1 + o) * xo;
    t2 += <i32>load<i8>(w2 + o) * xo;
    t3 += <i32>load<i8>(w3 + o) * xo;
  }
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(t0), 1, t1), 2, t2), 3, t3);
}
