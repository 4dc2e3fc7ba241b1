/*
 * msf_move.c - ops that move bytes: the 4-D gather of TRANSPOSE and of the slices of SPLIT /
 * SPLIT_V / UNPACK, and CONCATENATION / PACK. Port of assembly/kernels/gather.ts and concat.ts.
 */
#include "msf_internal.h"

#include <string.h>

/* aux: output dims [d0..d3], the input's stride along each output axis, the first element read. */
int msf_gather(const msf_layer *d, const int8_t *in, int8_t *out)
{
    const int32_t *w = d->aux;
    int32_t i0, i1, i2, i3;
    if (!w) return MSF_ERR_OP;
    in += w[8];
    for (i0 = 0; i0 < w[0]; i0++)
        for (i1 = 0; i1 < w[1]; i1++)
            for (i2 = 0; i2 < w[2]; i2++) {
                const int8_t *q = in + i0 * w[4] + i1 * w[5] + i2 * w[6];
                for (i3 = 0; i3 < w[3]; i3++) *out++ = q[i3 * w[7]];
            }
    return MSF_OK;
}

/* aux: n, outer, then the n inputs' inner sizes: for each outer index, each input's run in turn. */
int msf_concat(const msf_layer *d, const int8_t *const *ins, int8_t *out)
{
    const int32_t *w = d->aux;
    int32_t i, k;
    if (!w || !ins) return MSF_ERR_OP;
    for (i = 0; i < w[1]; i++)
        for (k = 0; k < w[0]; k++) {
            memcpy(out, ins[k] + i * w[2 + k], (size_t)w[2 + k]);
            out += w[2 + k];
        }
    return MSF_OK;
}
