/*
 * msf_fully_connected.c - FULLY_CONNECTED. Port of assembly/kernels/fully_connected.ts (the scalar
 * reference).
 */
#include "msf_internal.h"

/* FULLY_CONNECTED (TFLM FullyConnected / FullyConnectedPerChannel) of one input vector of in_c. */
int msf_fully_connected(const msf_layer *d, const int8_t *in, int8_t *out)
{
    int32_t oc, i;
    for (oc = 0; oc < d->out_c; oc++) {
        const int8_t *w = d->weights + oc * d->in_c;
        int32_t acc = 0;
        for (i = 0; i < d->in_c; i++) acc += (int32_t)w[i] * ((int32_t)in[i] + d->in_offset);
        if (d->bias) acc += d->bias[oc];
        out[oc] = msf_requantize(acc, d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
    }
    return MSF_OK;
}
