/*
 * msf_conv.c - CONV_2D, portable C99. Port of assembly/kernels/conv2d.ts (the scalar reference).
 */
#include "msf_internal.h"

/*
 * CONV_2D (TFLM reference_integer_ops::ConvPerChannel, dilation 1): for every output pixel and
 * output channel, acc = sum over the filter taps inside the input and the input channels of
 * filter * (input + in_offset), plus bias, requantised. For a filter row, the valid taps read one
 * contiguous run of (kx_end - kx_start) * in_c bytes of the input row and of the filter row.
 */
void msf_conv2d(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
               int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
               int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t in_c = d->in_c;
    const int32_t out_c = d->out_c;
    const int32_t kw = d->kw;
    const int32_t in_offset = d->in_offset;
    const int32_t filter_size = d->kh * kw * in_c; /* bytes of one output channel's filter */
    int32_t oy, ox, oc, ky, i;
    for (oy = oy0; oy < oy1; oy++) {
        const msf_taps ty = msf_taps_of(oy, d->sh, d->pad_t, d->kh, d->in_h);
        const int32_t in_y_origin = ty.origin, ky_start = ty.start, ky_end = ty.end;
        for (ox = ox0; ox < ox1; ox++) {
            const msf_taps tx = msf_taps_of(ox, d->sw, d->pad_l, kw, d->in_w);
            const int32_t in_x_origin = tx.origin, kx_start = tx.start, kx_end = tx.end;
            const int32_t run = (kx_end - kx_start) * in_c;
            int8_t *o = out + ((oy - out_row0) * out_cols + (ox - out_col0)) * out_c;
            for (oc = 0; oc < out_c; oc++) {
                int32_t acc = 0;
                if (run > 0) {
                    for (ky = ky_start; ky < ky_end; ky++) {
                        const int8_t *x = in + ((in_y_origin + ky - in_row0) * in_cols + (in_x_origin + kx_start - in_col0)) * in_c;
                        const int8_t *w = d->weights + oc * filter_size + (ky * kw + kx_start) * in_c;
                        for (i = 0; i < run; i++) acc += (int32_t)w[i] * ((int32_t)x[i] + in_offset);
                    }
                }
                if (d->bias) acc += d->bias[oc];
                o[oc] = msf_requantize(acc, d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
            }
        }
    }
}
