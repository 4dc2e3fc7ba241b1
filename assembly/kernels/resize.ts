// int8 RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR (TFLM's reference_ops::ResizeNearestNeighbor and
// ResizeBilinearInteger) over [N][H][W][C]. D_AUX: N, IN_H, IN_W, C, OUT_H, OUT_W, then per output
// row and per output column its source coordinates, computed when the model is lowered
// (src/runtime/resize-tables.ts):
//   nearest:  one source index; the output pixel is a copy of the source pixel.
//   bilinear: lower, upper and d = the weight of upper in 1/1024ths; per channel
//     s = v(y0,x0)(1024-dy)(1024-dx) + v(y1,x0) dy (1024-dx) + v(y0,x1)(1024-dy) dx + v(y1,x1) dy dx
//     out = (s + (s > 0 ? 2^19 : -2^19)) / 2^20   (64-bit, truncating: TFLM's double rounding build)
import { D_AUX, dget } from './desc';

export function resizeNearest(desc: usize, input: usize, out: usize): void {
  const p = <usize>dget(desc, D_AUX);
  const n = load<i32>(p), inH = load<i32>(p + 4), inW = load<i32>(p + 8), c = load<i32>(p + 12);
  const outH = load<i32>(p + 16), outW = load<i32>(p + 20);
  const rows = p + 24;
  const cols = rows + (<usize>outH << 2);
  let o = out;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < outH; y++) {
      const row = input + <usize>((b * inH + load<i32>(rows + (<usize>y << 2))) * inW * c);
      for (let x = 0; x < outW; x++) {
        memory.copy(o, row + <usize>(load<i32>(cols + (<usize>x << 2)) * c), <usize>c);
        o += <usize>c;
      }
    }
}

export function resizeBilinear(desc: usize, input: usize, out: usize): void {
  const p = <usize>dget(desc, D_AUX);
  const n = load<i32>(p), inH = load<i32>(p + 4), inW = load<i32>(p + 8), c = load<i32>(p + 12);
  const outH = load<i32>(p + 16), outW = load<i32>(p + 20);
  const rows = p + 24;
  const cols = rows + <usize>(outH * 12);
  const rowBytes = inW * c;
  let o = out;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < outH; y++) {
      const ry = rows + <usize>(y * 12);
      const r0 = input + <usize>((b * inH + load<i32>(ry)) * rowBytes);
      const r1 = input + <usize>((b * inH + load<i32>(ry + 4)) * rowBytes);
      const dy = <i64>load<i32>(ry + 8);
      for (let x = 0; x < outW; x++) {
        const cx = cols + <usize>(x * 12);
        const x0 = <usize>(load<i32>(cx) * c);
        const x1 = <usize>(load<i32>(cx + 4) * c);
        const dx = <i64>load<i32>(cx + 8);
        const w00 = (1024 - dy) * (1024 - dx), w10 = dy * (1024 - dx), w01 = (1024 - dy) * dx, w11 = dy * dx;
        for (let k: usize = 0; k < <usize>c; k++) {
          const s: i64 =
            <i64>load<i8>(r0 + x0 + k) * w00 + <i64>load<i8>(r1 + x0 + k) * w10 + <i64>load<i8>(r0 + x1 + k) * w01 + <i64>load<i8>(r1 + x1 + k) * w11;
          store<i8>(o, <i8>((s + (s > 0 ? <i64>(1 << 19) : -<i64>(1 << 19))) / <i64>(1 << 20)));
          o++;
        }
      }
    }
}
