/*
 * msf_arg.c - ARG_MAX / ARG_MIN along one axis. Port of assembly/kernels/arg.ts. aux: outer, axis
 * size, inner; the indices are written as little-endian int32 (the tensor's bytes on any target).
 */
#include "msf_internal.h"

int msf_arg_min_max(const msf_layer *d, const int8_t *in, int8_t *out, int is_max)
{
    const int32_t *w = d->aux;
    unsigned char *o = (unsigned char *)out;
    int32_t a, i, k;
    if (!w) return MSF_ERR_OP;
    for (a = 0; a < w[0]; a++)
        for (i = 0; i < w[2]; i++) {
            const int8_t *base = in + a * w[1] * w[2] + i;
            int32_t best = base[0], index = 0;
            for (k = 1; k < w[1]; k++) {
                const int32_t v = base[k * w[2]];
                if (is_max ? v > best : v < best) {
                    best = v;
                    index = k;
                }
            }
            for (k = 0; k < 4; k++) *o++ = (unsigned char)((uint32_t)index >> (8 * k));
        }
    return MSF_OK;
}
