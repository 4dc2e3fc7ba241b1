/*
 * msf_depthwise.c - DEPTHWISE_CONV_2D, portable C99. Port of assembly/kernels/depthwise_conv2d.ts
 * (the scalar reference).
 */
#include "msf_internal.h"

/*
 * DEPTHWISE_CONV_2D (TFLM reference_integer_ops::DepthwiseConvPerChannel, dilation 1): output
 * channel oc = ic * depth_mult + m reads input channel ic only; filter layout [kh][kw][out_c].
 * With depth multiplier 1, channels are processed MSF_DW_CHUNK at a time (the same sums, int32
 * addition being associative) so that every tap reads contiguous bytes.
 */
#define MSF_DW_CHUNK 16

void msf_depthwise(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                   int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                   int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t in_c = d->in_c;
    const int32_t out_c = d->out_c;
    const int32_t kw = d->kw;
    const int32_t in_offset = d->in_offset;
    int32_t oy, ox, ic, m, ky, kx;
    for (oy = oy0; oy < oy1; oy++) {
        const msf_taps ty = msf_taps_of(oy, d->sh, d->pad_t, d->kh, d->in_h);
        const int32_t in_y_origin = ty.origin, ky_start = ty.start, ky_end = ty.end;
        for (ox = ox0; ox < ox1; ox++) {
            const msf_taps tx = msf_taps_of(ox, d->sw, d->pad_l, kw, d->in_w);
            const int32_t in_x_origin = tx.origin, kx_start = tx.start, kx_end = tx.end;
            int8_t *o = out + ((oy - out_row0) * out_cols + (ox - out_col0)) * out_c;
            if (d->depth_mult == 1) {
                /* MSF_DW_CHUNK channels side by side: contiguous input and filter bytes per tap */
                for (ic = 0; ic < in_c; ic += MSF_DW_CHUNK) {
                    const int32_t n = msf_min(MSF_DW_CHUNK, in_c - ic);
                    int32_t acc[MSF_DW_CHUNK];
                    int32_t c;
                    for (c = 0; c < n; c++) acc[c] = 0;
                    for (ky = ky_start; ky < ky_end; ky++) {
                        const int32_t row = (in_y_origin + ky - in_row0) * in_cols;
                        for (kx = kx_start; kx < kx_end; kx++) {
                            const int8_t *x = in + (row + in_x_origin + kx - in_col0) * in_c + ic;
                            const int8_t *w = d->weights + (ky * kw + kx) * out_c + ic;
                            for (c = 0; c < n; c++) acc[c] += (int32_t)w[c] * ((int32_t)x[c] + in_offset);
                        }
                    }
                    for (c = 0; c < n; c++) {
                        const int32_t oc = ic + c;
                        const int32_t sum = d->bias ? acc[c] + d->bias[oc] : acc[c];
                        o[oc] = msf_requantize(sum, d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
                    }
                }
                continue;
            }
            for (ic = 0; ic < in_c; ic++) {
                for (m = 0; m < d->depth_mult; m++) {
                    const int32_t oc = ic * d->depth_mult + m;
                    int32_t acc = 0;
                    for (ky = ky_start; ky < ky_end; ky++) {
                        const int32_t row = (in_y_origin + ky - in_row0) * in_cols;
                        for (kx = kx_start; kx < kx_end; kx++) {
                            const int32_t input_val = in[(row + in_x_origin + kx - in_col0) * in_c + ic];
                            const int32_t filter_val = d->weights[(ky * kw + kx) * out_c + oc];
                            acc += filter_val * (input_val + in_offset);
                        }
                    }
                    if (d->bias) acc += d->bias[oc];
                    o[oc] = msf_requantize(acc, d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
                }
            }
        }
    }
}
