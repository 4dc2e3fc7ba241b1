/*
 * msf_reduce.c - MEAN and REDUCE_MAX over any axes of a rank <= 4 tensor. Port of
 * assembly/kernels/reduce.ts.
 */
#include "msf_internal.h"

#include <string.h>

/*
 * aux: input dims [d0..d3], per input axis the output element stride (0 on a reduced axis), n
 * inputs per output. One pass in input order: the max into out (max = 1) or the int32 sum into the
 * scratch accumulators (any alignment).
 */
static void msf_reduce_walk(const int32_t *w, const int8_t *in, uint8_t *acc, int8_t *out, int max)
{
    int32_t i0, i1, i2, i3;
    for (i0 = 0; i0 < w[0]; i0++)
        for (i1 = 0; i1 < w[1]; i1++)
            for (i2 = 0; i2 < w[2]; i2++) {
                int32_t o = i0 * w[4] + i1 * w[5] + i2 * w[6];
                for (i3 = 0; i3 < w[3]; i3++, o += w[7]) {
                    const int32_t v = *in++;
                    if (max) {
                        if (v > out[o]) out[o] = (int8_t)v;
                    } else {
                        int32_t s;
                        memcpy(&s, acc + 4 * o, 4);
                        s = msf_wrap((uint32_t)s + (uint32_t)v);
                        memcpy(acc + 4 * o, &s, 4);
                    }
                }
            }
}

/*
 * TFLM's int8 MEAN (QuantizedMeanOrSum): MultiplyByQuantizedMultiplier(sum - input_zp * n) with
 * 1 / n folded into out_mult / out_shift, plus the output zero point, clamped.
 */
int msf_reduce_mean(const msf_layer *d, const int8_t *in, uint8_t *scratch, int8_t *out)
{
    const int32_t count = d->out_h * d->out_w * d->out_c;
    const int32_t *w = d->aux;
    int32_t o, n;
    if (!w || !scratch) return MSF_ERR_OP;
    n = w[8];
    if (n <= 0) return MSF_ERR_SHAPE;
    memset(scratch, 0, 4 * (size_t)count);
    msf_reduce_walk(w, in, scratch, out, 0);
    for (o = 0; o < count; o++) {
        int32_t sum, v;
        memcpy(&sum, scratch + 4 * o, 4);
        v = msf_mbqm(msf_wrap((uint32_t)sum - (uint32_t)(-d->in_offset) * (uint32_t)n), d->out_mult, d->out_shift) + d->out_offset;
        out[o] = (int8_t)msf_min(msf_max(v, -128), 127);
    }
    return MSF_OK;
}

/* TFLM's int8 REDUCE_MAX (input and output share quantisation): the raw maximum, from -128. */
int msf_reduce_max(const msf_layer *d, const int8_t *in, int8_t *out)
{
    if (!d->aux) return MSF_ERR_OP;
    memset(out, 0x80, (size_t)(d->out_h * d->out_w * d->out_c));
    msf_reduce_walk(d->aux, in, NULL, out, 1);
    return MSF_OK;
}
