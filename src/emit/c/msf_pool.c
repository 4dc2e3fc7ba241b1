/*
 * msf_pool.c - AVERAGE_POOL_2D and MAX_POOL_2D. Port of assembly/kernels/pool.ts.
 */
#include "msf_internal.h"

/*
 * AVERAGE_POOL_2D / MAX_POOL_2D (TFLM reference_integer_ops::AveragePool / MaxPool): the window is
 * clipped to the input; the average divides by the number of positions inside it, rounding to
 * nearest with ties away from zero; an empty max window leaves -128. Only the activation clamp
 * applies (input and output share quantisation).
 */
int msf_pool(const msf_layer *d, int is_max, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
             int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
             int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t depth = d->in_c;
    int32_t oy, ox, c, fy, fx;
    for (oy = oy0; oy < oy1; oy++) {
        const msf_taps ty = msf_taps_of(oy, d->sh, d->pad_t, d->kh, d->in_h);
        const int32_t in_y_origin = ty.origin, fy_start = ty.start, fy_end = ty.end;
        for (ox = ox0; ox < ox1; ox++) {
            const msf_taps tx = msf_taps_of(ox, d->sw, d->pad_l, d->kw, d->in_w);
            const int32_t in_x_origin = tx.origin, fx_start = tx.start, fx_end = tx.end;
            const int32_t filter_count = (fy_end - fy_start) * (fx_end - fx_start);
            int8_t *o = out + ((oy - out_row0) * out_cols + (ox - out_col0)) * depth;
            if (!is_max && (fy_end <= fy_start || fx_end <= fx_start)) return MSF_ERR_EMPTY_POOL;
            for (c = 0; c < depth; c++) {
                int32_t acc = is_max ? -128 : 0;
                for (fy = fy_start; fy < fy_end; fy++) {
                    const int32_t row = (in_y_origin + fy - in_row0) * in_cols;
                    for (fx = fx_start; fx < fx_end; fx++) {
                        const int32_t v = in[(row + in_x_origin + fx - in_col0) * depth + c];
                        if (is_max) acc = msf_max(acc, v);
                        else acc += v;
                    }
                }
                if (!is_max)
                    acc = acc > 0 ? (acc + filter_count / 2) / filter_count : (acc - filter_count / 2) / filter_count;
                acc = msf_max(acc, d->act_min);
                acc = msf_min(acc, d->act_max);
                o[c] = (int8_t)acc;
            }
        }
    }
    return MSF_OK;
}
