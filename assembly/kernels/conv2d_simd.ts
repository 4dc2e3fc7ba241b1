// int8 CONV_2D, the Wasm SIMD path (conv2d.ts holds the scalar reference and picks the path).
//
// Layout: for a fixed filter row ky, the valid taps kx in [kxStart, kxEnd) read
// (kxEnd - kxStart) * inC consecutive bytes of the input row and of the filter row, so the
// channel inner product of a row is one contiguous run; this path computes four output
// channels per run (dot4Simd, masked tail), sharing the widened input, and requantises them together
// (requantize4Fast / requantize4, bit-identical to requantize). Runs of at most 16 bytes (1x1 with
// few channels, the 3x3 RGB stem) take inline masked loads instead, and a whole 3x3x3 window is
// packed into 32 lanes. Results never depend on the path: int32 sums wrap exactly as the scalar
// code's, whatever their order.
import { REQ_FAST4, REQ_SCALAR, REQ_SIMD4 } from './desc';
import { Window } from './window';
import { layer, storeChannel, storeChannels4 } from './layer';
import { requantMode, requantizeStore4, requantizeStore8 } from './requantize';
import { dotSimd, dot4Simd, loadOffset8, sumLanes4 } from './dot';

/** conv2d with Wasm SIMD (the window is checked by the caller). */
export function conv2dSimd(desc: usize, win: Window): void {
  const d = layer(desc);
  // Four output channels per step with SIMD requantisation; a channel count that is not a multiple
  // of four ends with a group overlapping the previous one (the same values are stored twice).
  // fast4 (the usual case) implies the conditions of requantize4, so its check comes first.
  const mode = d.outC >= 4 ? requantMode(desc) : REQ_SCALAR;
  const fast4 = mode == REQ_FAST4;
  const simd4 = mode >= REQ_SIMD4;
  const limit = <usize>memory.size() << 16; // bytes readable by the masked 8-lane tail
  const outOffset4 = i32x4.splat(d.outOffset);
  const actMin4 = i32x4.splat(d.actMin);
  const actMax4 = i32x4.splat(d.actMax);
  const actMin8 = i8x16.splat(<i8>d.actMin); // used only when fast4 (clamp inside int8)
  const actMax8 = i8x16.splat(<i8>d.actMax);

  const filterSize = d.kh * d.kw * d.inC; // bytes of one output channel's filter
  const inRowStride = <usize>(win.inCols * d.inC); // bytes between two rows of the input buffer
  const filterRowStride = <usize>(d.kw * d.inC); // bytes between two rows of one filter
  // Narrow rows (d.kw * d.inC <= 16: 1x1 with few channels, the RGB stem): every row run fits one
  // 8- or 16-byte load, read in place with the lanes past the run masked to zero (the loads may read
  // up to 15 bytes past the input buffer and past the filters, checked against the memory size
  // here), and the four channels are reduced once per pixel instead of once per row.
  // 1x1 kernels read one row: runs up to 32 bytes (four 8-lane loads) take the one-row path.
  const oneRow32 = simd4 && d.kh == 1 && d.kw == 1 && d.inC <= 32 &&
    win.inPtr + <usize>(win.inRows * win.inCols * d.inC) + 32 <= limit && d.weights + <usize>(d.outC * filterSize) + 32 <= limit;
  const narrow = simd4 && d.kw * d.inC <= 16 &&
    win.inPtr + <usize>(win.inRows * win.inCols * d.inC) + 16 <= limit && d.weights + <usize>(d.outC * filterSize) + 16 <= limit;
  const lane = i16x8(0, 1, 2, 3, 4, 5, 6, 7);
  const offset16 = i16x8.splat(<i16>d.inOffset);
  // Packed windows (2 to 4 filter rows, the whole filter at most 32 bytes: the 3x3 RGB stem): at a
  // pixel whose window lies wholly inside the input, the d.kh row runs are gathered with byte
  // swizzles into 32 consecutive lanes, matching the filter's own contiguous [ky][kx][ic] bytes, so
  // a channel takes four i16 dot products instead of two per row. sel{Lo,Hi}{r} pick row r's bytes
  // for lanes [0, 16) and [16, 32) (index 0xff gives 0); lanes from filterSize on are masked.
  const packed = narrow && d.kh >= 2 && d.kh <= 4 && filterSize <= 32 && d.weights + <usize>(d.outC * filterSize) + 32 <= limit;
  const runFull = d.kw * d.inC;
  const zero = i32x4.splat(0);
  let selLo0 = zero, selHi0 = zero, selLo1 = zero, selHi1 = zero, selLo2 = zero, selHi2 = zero, selLo3 = zero, selHi3 = zero;
  let pm0 = zero, pm1 = zero, pm2 = zero, pm3 = zero;
  if (packed) { // set up only when used: this runs once per call, i.e. per column in a fused block
    const bytesLo = i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const bytesHi = i8x16.add(bytesLo, i8x16.splat(16));
    selLo0 = rowSelect(bytesLo, 0, runFull); selHi0 = rowSelect(bytesHi, 0, runFull);
    selLo1 = rowSelect(bytesLo, 1, runFull); selHi1 = rowSelect(bytesHi, 1, runFull);
    selLo2 = rowSelect(bytesLo, 2, runFull); selHi2 = rowSelect(bytesHi, 2, runFull);
    selLo3 = rowSelect(bytesLo, 3, runFull); selHi3 = rowSelect(bytesHi, 3, runFull);
    pm0 = i16x8.lt_s(lane, i16x8.splat(<i16>filterSize));
    pm1 = i16x8.lt_s(lane, i16x8.splat(<i16>(filterSize - 8)));
    pm2 = i16x8.lt_s(lane, i16x8.splat(<i16>(filterSize - 16)));
    pm3 = i16x8.lt_s(lane, i16x8.splat(<i16>(filterSize - 24)));
  }

  for (let oy = win.oy0; oy < win.oy1; oy++) {
    win.row(d, oy);
    for (let ox = win.ox0; ox < win.ox1; ox++) {
      win.col(d, ox);
      // Valid filter rows and the length of the contiguous run each of them reads.
      const rows = win.kyEnd > win.kyStart && win.kxEnd > win.kxStart ? win.kyEnd - win.kyStart : 0;
      const run = (win.kxEnd - win.kxStart) * d.inC;
      // First input byte and first filter byte (of output channel 0) of the first valid row.
      const inFirst = win.inAt(win.inY + win.kyStart, win.inX + win.kxStart, d.inC);
      const filterFirst = d.weights + <usize>((win.kyStart * d.kw + win.kxStart) * d.inC);
      const out = win.outAt(oy, ox, d.outC);

      let oc = 0;
      // The narrow paths: either the whole window as one run of at most 32 offset input lanes in
      // v0..v3 (a packed window, or one row), or up to d.kh narrow rows read per group (v0, v1 their masks).
      let v0 = zero, v1 = zero, v2 = zero, v3 = zero;
      let oneRun = 0; // lanes of the one run; 0: the rows path
      let rowsPath = false;
      if (packed && rows == d.kh && run == runFull) {
        // rows == d.kh and run == d.kw * inC: the window is whole, kyStart == kxStart == 0.
        let lo = v128.swizzle(v128.load(inFirst), selLo0);
        let hi = v128.swizzle(v128.load(inFirst), selHi0);
        const x1 = v128.load(inFirst + inRowStride);
        lo = v128.or(lo, v128.swizzle(x1, selLo1));
        hi = v128.or(hi, v128.swizzle(x1, selHi1));
        if (d.kh > 2) {
          const x2 = v128.load(inFirst + 2 * inRowStride);
          lo = v128.or(lo, v128.swizzle(x2, selLo2));
          hi = v128.or(hi, v128.swizzle(x2, selHi2));
        }
        if (d.kh > 3) {
          const x3 = v128.load(inFirst + 3 * inRowStride);
          lo = v128.or(lo, v128.swizzle(x3, selLo3));
          hi = v128.or(hi, v128.swizzle(x3, selHi3));
        }
        v0 = v128.and(i16x8.add(i16x8.extend_low_i8x16_s(lo), offset16), pm0);
        v1 = v128.and(i16x8.add(i16x8.extend_high_i8x16_s(lo), offset16), pm1);
        v2 = v128.and(i16x8.add(i16x8.extend_low_i8x16_s(hi), offset16), pm2);
        v3 = v128.and(i16x8.add(i16x8.extend_high_i8x16_s(hi), offset16), pm3);
        oneRun = filterSize;
      } else if ((narrow || oneRow32) && rows == 1) {
        // One row (1x1 kernels): the input is widened once for all output channels.
        v0 = v128.and(loadOffset8(inFirst, offset16), i16x8.lt_s(lane, i16x8.splat(<i16>run)));
        v1 = v128.and(loadOffset8(inFirst + 8, offset16), i16x8.lt_s(lane, i16x8.splat(<i16>(run - 8))));
        // Lanes 16..31 (runs over 16 bytes only).
        if (run > 16) {
          v2 = v128.and(loadOffset8(inFirst + 16, offset16), i16x8.lt_s(lane, i16x8.splat(<i16>(run - 16))));
          v3 = v128.and(loadOffset8(inFirst + 24, offset16), i16x8.lt_s(lane, i16x8.splat(<i16>(run - 24))));
        }
        oneRun = run;
      } else if (narrow) {
        v0 = i16x8.lt_s(lane, i16x8.splat(<i16>run));
        v1 = i16x8.lt_s(lane, i16x8.splat(<i16>(run - 8)));
        rowsPath = true;
      }
      if (oneRun > 0 || rowsPath) {
        const fs = <usize>filterSize;
        while (oc < d.outC) {
          const g = min(oc, d.outC - 4); // the last group overlaps the previous one when d.outC % 4 != 0
          const q = <usize>g << 2;
          const w = filterFirst + <usize>(g * filterSize);
          let acc4 = rowsPath
            ? narrowRows(inFirst, inRowStride, w, filterRowStride, fs, rows, run, offset16, v0, v1)
            : narrowRow(v0, v1, v2, v3, w, fs, oneRun);
          if (d.bias != 0) acc4 = i32x4.add(acc4, v128.load(d.bias + q));
          if (fast4 && g + 8 <= d.outC) {
            // Eight channels: saturated and clamped together in int8, one 8-byte store.
            const wB = w + (fs << 2);
            let accB = rowsPath
              ? narrowRows(inFirst, inRowStride, wB, filterRowStride, fs, rows, run, offset16, v0, v1)
              : narrowRow(v0, v1, v2, v3, wB, fs, oneRun);
            if (d.bias != 0) accB = i32x4.add(accB, v128.load(d.bias + q, 16));
            requantizeStore8(out, g, acc4, accB, d.mults, d.shifts, outOffset4, actMin8, actMax8);
            oc = g + 8;
            continue;
          }
          requantizeStore4(out, g, acc4, d.mults, d.shifts, fast4, outOffset4, actMin4, actMax4);
          oc = g + 4;
        }
      } else if (simd4) {
        while (oc < d.outC) {
          const g = min(oc, d.outC - 4);
          let acc4 = i32x4.splat(0);
          const filter = filterFirst + <usize>(g * filterSize);
          for (let r = 0; r < rows; r++) {
            acc4 = i32x4.add(acc4, dot4Simd(
              inFirst + <usize>r * inRowStride, filter + <usize>r * filterRowStride, <usize>filterSize, run, d.inOffset, limit));
          }
          const q = <usize>g << 2;
          if (d.bias != 0) acc4 = i32x4.add(acc4, v128.load(d.bias + q));
          requantizeStore4(out, g, acc4, d.mults, d.shifts, fast4, outOffset4, actMin4, actMax4);
          oc = g + 4;
        }
      } else {
        // Four output channels at a time.
        for (; oc + 4 <= d.outC; oc += 4) {
          let acc4 = i32x4.splat(0);
          const filter = filterFirst + <usize>(oc * filterSize);
          for (let r = 0; r < rows; r++) {
            acc4 = i32x4.add(acc4, dot4Simd(
              inFirst + <usize>r * inRowStride, filter + <usize>r * filterRowStride, <usize>filterSize, run, d.inOffset));
          }
          if (d.bias != 0) acc4 = i32x4.add(acc4, v128.load(d.bias + (<usize>oc << 2)));
          storeChannels4(out, oc, acc4, d.mults, d.shifts, d.outOffset, d.actMin, d.actMax);
        }
      }
      // Remaining output channels, one at a time.
      for (; oc < d.outC; oc++) {
        let acc: i32 = 0;
        const filter = filterFirst + <usize>(oc * filterSize);
        for (let r = 0; r < rows; r++) {
          const x = inFirst + <usize>r * inRowStride;
          const w = filter + <usize>r * filterRowStride;
          acc += dotSimd(x, w, run, d.inOffset);
        }
        storeChannel(out, oc, acc, d);
      }
    }
  }
}


/** acc + the 16 products of the offset input halves (xl, xh: i16x8) with the 16 int8 weights at w. */
// @ts-ignore: decorator
@inline function dot16(acc: v128, xl: v128, xh: v128, w: usize): v128 {
  return i32x4.add(acc, i32x4.add(i32x4.dot_i16x8_s(xl, v128.load8x8_s(w)), i32x4.dot_i16x8_s(xh, v128.load8x8_s(w, 8))));
}

/**
 * Swizzle indices that move row r of a packed window into place: lane L (of `lanes`, the byte
 * positions 0..15 or 16..31) takes byte L - r * run of row r's load when L lies in
 * [r * run, (r + 1) * run), else 0xff (swizzle gives 0).
 */
// @ts-ignore: decorator
@inline function rowSelect(lanes: v128, r: i32, run: i32): v128 {
  const start = i8x16.splat(<i8>(r * run));
  const inRow = v128.and(i8x16.ge_u(lanes, start), i8x16.lt_u(lanes, i8x16.splat(<i8>((r + 1) * run))));
  return v128.bitselect(i8x16.sub(lanes, start), i8x16.splat(-1), inRow);
}

/**
 * The four channel sums (before bias) of a window read as one run of <= 32 bytes (one row, or a
 * packed window), the offset input in xl, xh, xl2, xh2 (lanes 0..7, 8..15, 16..23, 24..31, masked
 * past the run): filters at wp, wp + fs, ...
 */
// @ts-ignore: decorator
@inline function narrowRow(xl: v128, xh: v128, xl2: v128, xh2: v128, wp: usize, fs: usize, run: i32): v128 {
  if (run <= 8) {
    return sumLanes4(
      i32x4.dot_i16x8_s(xl, v128.load8x8_s(wp)), i32x4.dot_i16x8_s(xl, v128.load8x8_s(wp + fs)),
      i32x4.dot_i16x8_s(xl, v128.load8x8_s(wp + 2 * fs)), i32x4.dot_i16x8_s(xl, v128.load8x8_s(wp + 3 * fs)));
  }
  const z = i32x4.splat(0);
  if (run <= 16) {
    return sumLanes4(
      dot16(z, xl, xh, wp), dot16(z, xl, xh, wp + fs), dot16(z, xl, xh, wp + 2 * fs), dot16(z, xl, xh, wp + 3 * fs));
  }
  return sumLanes4(
    dot16(dot16(z, xl, xh, wp), xl2, xh2, wp + 16),
    dot16(dot16(z, xl, xh, wp + fs), xl2, xh2, wp + fs + 16),
    dot16(dot16(z, xl, xh, wp + 2 * fs), xl2, xh2, wp + 2 * fs + 16),
    dot16(dot16(z, xl, xh, wp + 3 * fs), xl2, xh2, wp + 3 * fs + 16));
}

/** The four channel sums (before bias) over `rows` narrow rows (run <= 16): filters at filter, filter + fs, ... */
// @ts-ignore: decorator
@inline function narrowRows(
  inFirst: usize, inRowStride: usize, filter: usize, filterRowStride: usize, fs: usize, rows: i32, run: i32,
  offset16: v128, maskLo: v128, maskHi: v128,
): v128 {
  let a0 = i32x4.splat(0);
  let a1 = i32x4.splat(0);
  let a2 = i32x4.splat(0);
  let a3 = i32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const xp = inFirst + <usize>r * inRowStride;
    const wp = filter + <usize>r * filterRowStride;
    if (run <= 8) {
      const xv = v128.and(loadOffset8(xp, offset16), maskLo);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xv, v128.load8x8_s(wp)));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xv, v128.load8x8_s(wp + fs)));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xv, v128.load8x8_s(wp + 2 * fs)));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xv, v128.load8x8_s(wp + 3 * fs)));
    } else {
      const xl = v128.and(loadOffset8(xp, offset16), maskLo);
      const xh = v128.and(loadOffset8(xp + 8, offset16), maskHi);
      a0 = dot16(a0, xl, xh, wp);
      a1 = dot16(a1, xl, xh, wp + fs);
      a2 = dot16(a2, xl, xh, wp + 2 * fs);
      a3 = dot16(a3, xl, xh, wp + 3 * fs);
    }
  }
  return sumLanes4(a0, a1, a2, a3);
}

