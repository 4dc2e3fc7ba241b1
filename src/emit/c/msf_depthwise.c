/*
 * msf_depthwise.c - DEPTHWISE_CONV_2D, portable C99. Port of assembly/kernels/depthwise_conv2d.ts
 * (the scalar reference).
 */
#include "msf_internal.h"

/*
 * DEPTHWISE_CONV_2D (TFLM reference_integer_ops::DepthwiseConvPerChannel, dilation 1) at one
 * pixel: output channel oc = ic * depth_mult + m reads input channel ic only; filter layout
 * [kh][kw][out_c]. With depth multiplier 1, channels are processed MSF_DW_CHUNK at a time (the
 * same sums, int32 addition being associative) so that every tap reads contiguous bytes.
 */
#define MSF_DW_CHUNK 16

int msf_depthwise_px(const msf_layer *d, const msf_px *p, int32_t arg)
{
    const int32_t in_c = d->in_c;
    const int32_t out_c = d->out_c;
    const int32_t kw = d->kw;
    const int32_t in_offset = d->in_offset;
    int32_t ic, m, ky, kx;
    (void)arg;
    if (d->depth_mult == 1) {
        /* MSF_DW_CHUNK channels side by side: contiguous input and filter bytes per tap */
        for (ic = 0; ic < in_c; ic += MSF_DW_CHUNK) {
            const int32_t n = msf_min(MSF_DW_CHUNK, in_c - ic);
            int32_t acc[MSF_DW_CHUNK];
            int32_t c;
            for (c = 0; c < n; c++) acc[c] = 0;
            for (ky = p->ty.start; ky < p->ty.end; ky++) {
                for (kx = p->tx.start; kx < p->tx.end; kx++) {
                    const int8_t *x = msf_px_tap(p, ky - p->ty.start, kx - p->tx.start, in_c) + ic;
                    const int8_t *w = d->weights + (ky * kw + kx) * out_c + ic;
                    for (c = 0; c < n; c++) acc[c] += (int32_t)w[c] * ((int32_t)x[c] + in_offset);
                }
            }
            for (c = 0; c < n; c++) p->out[ic + c] = msf_conv_out(d, ic + c, acc[c]);
        }
        return MSF_OK;
    }
    for (ic = 0; ic < in_c; ic++) {
        for (m = 0; m < d->depth_mult; m++) {
            const int32_t oc = ic * d->depth_mult + m;
            int32_t acc = 0;
            for (ky = p->ty.start; ky < p->ty.end; ky++) {
                for (kx = p->tx.start; kx < p->tx.end; kx++) {
                    const int32_t input_val = msf_px_tap(p, ky - p->ty.start, kx - p->tx.start, in_c)[ic];
                    const int32_t filter_val = d->weights[(ky * kw + kx) * out_c + oc];
                    acc += filter_val * (input_val + in_offset);
                }
            }
            p->out[oc] = msf_conv_out(d, oc, acc);
        }
    }
    return MSF_OK;
}
