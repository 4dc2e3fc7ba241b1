/*
 * msf_conv.c - CONV_2D, portable C99. Port of assembly/kernels/conv2d.ts (the scalar reference).
 */
#include "msf_internal.h"

/*
 * CONV_2D (TFLM reference_integer_ops::ConvPerChannel, dilation 1) at one pixel: for every output
 * channel, acc = sum over the filter taps inside the input and the input channels of
 * filter * (input + in_offset), plus bias, requantised. For a filter row, the valid taps read one
 * contiguous run of (kx_end - kx_start) * in_c bytes of the input row and of the filter row.
 */
int msf_conv_px(const msf_layer *d, const msf_px *p, int32_t arg)
{
    const int32_t in_c = d->in_c;
    const int32_t filter_size = d->kh * d->kw * in_c; /* bytes of one output channel's filter */
    const int32_t run = (p->tx.end - p->tx.start) * in_c;
    int32_t oc, ky, i;
    (void)arg;
    for (oc = 0; oc < d->out_c; oc++) {
        int32_t acc = 0;
        if (p->in) {
            for (ky = p->ty.start; ky < p->ty.end; ky++) {
                const int8_t *w = d->weights + oc * filter_size + (ky * d->kw + p->tx.start) * in_c;
                if (!p->wrap) {
                    const int8_t *x = p->in + (ky - p->ty.start) * p->row_stride;
                    for (i = 0; i < run; i++) acc += (int32_t)w[i] * ((int32_t)x[i] + d->in_offset);
                } else {
                    /* a wrapped input: the row's taps in at most two contiguous runs */
                    const int32_t n1 = msf_px_run(p, ky - p->ty.start, run / in_c) * in_c;
                    const int8_t *x = msf_px_tap(p, ky - p->ty.start, 0, in_c);
                    for (i = 0; i < n1; i++) acc += (int32_t)w[i] * ((int32_t)x[i] + d->in_offset);
                    if (n1 < run) {
                        x = msf_px_tap(p, ky - p->ty.start, n1 / in_c, in_c);
                        for (i = 0; i < run - n1; i++) acc += (int32_t)w[n1 + i] * ((int32_t)x[i] + d->in_offset);
                    }
                }
            }
        }
        p->out[oc] = msf_conv_out(d, oc, acc);
    }
    return MSF_OK;
}
