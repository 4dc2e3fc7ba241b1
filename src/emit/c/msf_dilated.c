/*
 * msf_dilated.c - CONV_2D and DEPTHWISE_CONV_2D with dilation factors > 1, over whole tensors
 * (they never run in a fusion block). Port of assembly/kernels/dilated.ts. aux: [dh, dw].
 */
#include "msf_internal.h"

int msf_conv_dilated(const msf_layer *d, const int8_t *in, int8_t *out, int depthwise)
{
    const int32_t *dil = d->aux;
    const int32_t mult = d->depth_mult > 1 ? d->depth_mult : 1;
    int32_t oy, ox, oc, ky, kx, ic;
    if (!dil || !d->weights || !d->mult || !d->shift) return MSF_ERR_OP;
    if (depthwise && d->out_c != d->in_c * mult) return MSF_ERR_SHAPE;
    for (oy = 0; oy < d->out_h; oy++)
        for (ox = 0; ox < d->out_w; ox++) {
            const int32_t y0 = oy * d->sh - d->pad_t, x0 = ox * d->sw - d->pad_l;
            for (oc = 0; oc < d->out_c; oc++) {
                uint32_t acc = 0; /* int32 wrapping, as the int32 sum in TFLM */
                for (ky = 0; ky < d->kh; ky++) {
                    const int32_t iy = y0 + ky * dil[0];
                    if (iy < 0 || iy >= d->in_h) continue;
                    for (kx = 0; kx < d->kw; kx++) {
                        const int32_t ix = x0 + kx * dil[1];
                        const int8_t *x;
                        if (ix < 0 || ix >= d->in_w) continue;
                        x = in + (iy * d->in_w + ix) * d->in_c;
                        if (depthwise) {
                            acc += (uint32_t)((x[oc / mult] + d->in_offset) * d->weights[(ky * d->kw + kx) * d->out_c + oc]);
                        } else {
                            const int8_t *w = d->weights + ((oc * d->kh + ky) * d->kw + kx) * d->in_c;
                            for (ic = 0; ic < d->in_c; ic++) acc += (uint32_t)((x[ic] + d->in_offset) * w[ic]);
                        }
                    }
                }
                if (d->bias) acc += (uint32_t)d->bias[oc];
                out[oc] = msf_requantize(msf_wrap(acc), d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
            }
            out += d->out_c;
        }
    return MSF_OK;
}
