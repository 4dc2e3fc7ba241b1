/*
 * msf_resize.c - RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR. Port of assembly/kernels/resize.ts.
 * aux: N, in_h, in_w, C, out_h, out_w, then per output row and per output column the source index
 * (nearest) or lower, upper and the weight of upper in 1/1024ths (bilinear).
 */
#include "msf_internal.h"

#include <string.h>

int msf_resize_nearest(const msf_layer *d, const int8_t *in, int8_t *out)
{
    const int32_t *w = d->aux;
    int32_t b, y, x;
    const int32_t *rows, *cols;
    if (!w) return MSF_ERR_OP;
    rows = w + 6;
    cols = rows + w[4];
    for (b = 0; b < w[0]; b++)
        for (y = 0; y < w[4]; y++) {
            const int8_t *row = in + ((b * w[1] + rows[y]) * w[2]) * w[3];
            for (x = 0; x < w[5]; x++) {
                memcpy(out, row + cols[x] * w[3], (size_t)w[3]);
                out += w[3];
            }
        }
    return MSF_OK;
}

/* TFLM's ResizeBilinearInteger: 10-bit weights, 64-bit sum, rounded half away from zero by 2^20. */
int msf_resize_bilinear(const msf_layer *d, const int8_t *in, int8_t *out)
{
    const int32_t *w = d->aux;
    int32_t b, y, x, k;
    const int32_t *rows, *cols;
    if (!w) return MSF_ERR_OP;
    rows = w + 6;
    cols = rows + 3 * w[4];
    for (b = 0; b < w[0]; b++)
        for (y = 0; y < w[4]; y++) {
            const int32_t *ry = rows + 3 * y;
            const int8_t *r0 = in + (b * w[1] + ry[0]) * w[2] * w[3];
            const int8_t *r1 = in + (b * w[1] + ry[1]) * w[2] * w[3];
            const int64_t dy = ry[2];
            for (x = 0; x < w[5]; x++) {
                const int32_t *cx = cols + 3 * x;
                const int32_t x0 = cx[0] * w[3], x1 = cx[1] * w[3];
                const int64_t dx = cx[2];
                const int64_t w00 = (1024 - dy) * (1024 - dx), w10 = dy * (1024 - dx), w01 = (1024 - dy) * dx, w11 = dy * dx;
                for (k = 0; k < w[3]; k++) {
                    const int64_t s = r0[x0 + k] * w00 + r1[x0 + k] * w10 + r0[x1 + k] * w01 + r1[x1 + k] * w11;
                    *out++ = (int8_t)((s + (s > 0 ? ((int64_t)1 << 19) : -((int64_t)1 << 19))) / ((int64_t)1 << 20));
                }
            }
        }
    return MSF_OK;
}
