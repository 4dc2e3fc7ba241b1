/*
 * msf_pad.c - PAD. Port of assembly/kernels/pad.ts.
 */
#include "msf_internal.h"

#include <string.h>

/* PAD with the output zero point: spatial (pad_t, pad_l) and channel (ch_pad_before) padding. */
int msf_pad(const msf_layer *d, const int8_t *in, int8_t *out)
{
    int32_t y, x;
    memset(out, (int)(uint8_t)(int8_t)d->out_offset, (size_t)(d->out_h * d->out_w * d->out_c));
    for (y = 0; y < d->in_h; y++)
        for (x = 0; x < d->in_w; x++)
            memcpy(out + ((y + d->pad_t) * d->out_w + (x + d->pad_l)) * d->out_c + d->ch_pad_before,
                   in + (y * d->in_w + x) * d->in_c, (size_t)d->in_c);
    return MSF_OK;
}
