/**
 * The per-row and per-column source coordinates of a resize, computed once when the model is
 * lowered, with TensorFlow Lite Micro's arithmetic:
 * - nearest (reference_ops::GetNearestNeighbor, float32): scale = in / out, or (in - 1) / (out - 1)
 *   with align_corners (out > 1); v = (i + 0.5 if half_pixel_centers) * scale; the source index is
 *   round(v) (half away from zero) with align_corners, else floor(v), at most in - 1 (and >= 0);
 * - bilinear (reference_ops::ResizeBilinearInteger, 10 fractional bits): scale_10 =
 *   (1024 * in + out / 2) / out, or (1024 * (in - 1) + (out - 1) / 2) / (out - 1) with
 *   align_corners; scaled = i * scale_10 (+ scale_10 / 2 - 512 with half_pixel_centers); lower =
 *   max(scaled / 1024, 0), upper = min((scaled + 1023) / 1024, in - 1) (C division, truncating), and
 *   the weight of `upper` is scaled - 1024 * lower.
 */
import { ModelError } from '../errors.js';

const f = Math.fround;
const div = (a: number, b: number) => Math.trunc(a / b);

export function nearestIndices(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): number[] {
  const scale = alignCorners && outSize > 1 ? f(f(inSize - 1) / f(outSize - 1)) : f(f(inSize) / f(outSize));
  const offset = halfPixelCenters ? 0.5 : 0;
  return Array.from({ length: outSize }, (_, i) => {
    const v = f(f(i + offset) * scale);
    const r = Math.min(alignCorners ? Math.floor(v + 0.5) : Math.floor(v), inSize - 1);
    return halfPixelCenters ? Math.max(0, r) : r;
  });
}

/** Per output index: [lower, upper, weight of upper (of 1024)]. */
export function bilinearTaps(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean, where: string): number[] {
  const scale = alignCorners && outSize > 1 ? div(1024 * (inSize - 1) + div(outSize - 1, 2), outSize - 1) : div(1024 * inSize + div(outSize, 2), outSize);
  const taps: number[] = [];
  for (let i = 0; i < outSize; i++) {
    const scaled = halfPixelCenters ? i * scale + div(scale, 2) - 512 : i * scale;
    const lower = Math.max(div(scaled, 1024), 0);
    const upper = Math.min(div(scaled + 1023, 1024), inSize - 1);
    // TFLM would read outside the input here (it never clamps the lower tap).
    if (lower > inSize - 1) throw new ModelError(`${where}: output index ${i} maps to input ${lower} of ${inSize}; TensorFlow Lite Micro would read outside the input`);
    taps.push(lower, upper, scaled - 1024 * lower);
  }
  return taps;
}
