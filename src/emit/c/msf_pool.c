/*
 * msf_pool.c - AVERAGE_POOL_2D and MAX_POOL_2D. Port of assembly/kernels/pool.ts.
 */
#include "msf_internal.h"

/*
 * AVERAGE_POOL_2D / MAX_POOL_2D (TFLM reference_integer_ops::AveragePool / MaxPool) at one pixel
 * (is_max: MAX_POOL_2D): the window is clipped to the input; the average divides by the number of
 * positions inside it, rounding to nearest with ties away from zero; an empty max window leaves
 * -128. Only the activation clamp applies (input and output share quantisation).
 */
int msf_pool_px(const msf_layer *d, const msf_px *p, int32_t is_max)
{
    /* locals: the output stores could alias *p and *d for the compiler */
    const int32_t depth = d->in_c, row_stride = p->row_stride, act_min = d->act_min, act_max = d->act_max;
    const int32_t fy0 = p->ty.start, fy1 = p->ty.end, fx0 = p->tx.start, fx1 = p->tx.end;
    const int32_t filter_count = (fy1 - fy0) * (fx1 - fx0);
    const int8_t *in = p->in;
    int8_t *out = p->out;
    int32_t c, fy, fx;
    if (!is_max && !in) return MSF_ERR_EMPTY_POOL;
    for (c = 0; c < depth; c++) {
        int32_t acc = is_max ? -128 : 0;
        for (fy = in ? fy0 : fy1; fy < fy1; fy++) { /* no taps (only padding): no address */
            const int8_t *row = in + (fy - fy0) * row_stride + c;
            /* a wrapped input: the row's taps in two runs, [0, n1) and [n1, fx1 - fx0) from row2 */
            const int32_t n1 = p->wrap ? msf_px_run(p, fy - fy0, fx1 - fx0) : fx1 - fx0;
            const int8_t *row2 = p->wrap ? msf_px_tap(p, fy - fy0, n1, depth) + c : row;
            if (p->wrap) row = msf_px_tap(p, fy - fy0, 0, depth) + c;
            for (fx = 0; fx < fx1 - fx0; fx++) {
                const int32_t v = fx < n1 ? row[fx * depth] : row2[(fx - n1) * depth];
                if (is_max) acc = msf_max(acc, v);
                else acc += v;
            }
        }
        if (!is_max) acc = acc > 0 ? (acc + filter_count / 2) / filter_count : (acc - filter_count / 2) / filter_count;
        acc = msf_max(acc, act_min);
        acc = msf_min(acc, act_max);
        out[c] = (int8_t)acc;
    }
    return MSF_OK;
}
