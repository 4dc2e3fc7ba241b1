/*
 * msf_mean.c - MEAN over height and width. Port of assembly/kernels/mean.ts.
 */
#include "msf_internal.h"

#include <string.h>

/* int32 accumulator c of the scratch bytes, whatever their alignment. */
static int32_t msf_load32(const uint8_t *p, int32_t c)
{
    int32_t v;
    memcpy(&v, p + 4 * c, 4);
    return v;
}
static void msf_store32(uint8_t *p, int32_t c, int32_t v)
{
    memcpy(p + 4 * c, &v, 4);
}

/*
 * MEAN over height and width (TFLM EvalIntegerMean): QuantizedMeanOrSum with 1 / n folded into the
 * multiplier, n = H * W (TFLM takes it for every int8 MEAN, shared quantisation included).
 */
int msf_mean(const msf_layer *d, const int8_t *in, uint8_t *scratch, int8_t *out)
{
    int32_t c;
    for (c = 0; c < d->in_c; c++) msf_store32(scratch, c, 0);
    msf_mean_sum(d, in, scratch, d->in_h * d->in_w);
    return msf_mean_finish(d, scratch, out);
}

void msf_mean_sum(const msf_layer *d, const int8_t *in, uint8_t *scratch, int32_t pixels)
{
    const int32_t depth = d->in_c;
    int32_t p, c;
    for (p = 0; p < pixels; p++)
        for (c = 0; c < depth; c++)
            msf_store32(scratch, c, msf_wrap((uint32_t)msf_load32(scratch, c) + (uint32_t)(int32_t)in[p * depth + c]));
}

int msf_mean_finish(const msf_layer *d, const uint8_t *scratch, int8_t *out)
{
    const int32_t depth = d->in_c;
    const int32_t n = d->in_h * d->in_w;
    int32_t c, shift, multiplier, out_shift;
    if (n <= 0) return MSF_OK;
    /* shift = floor(log2 n), clamped so that the product cannot overflow and the shift stays <= 31 */
    shift = 0;
    while (shift < 30 && (n >> (shift + 1)) > 0) shift++;
    shift = msf_min(shift, 31 + d->out_shift);
    if (shift < 0) return MSF_ERR_SHAPE;
    multiplier = (int32_t)(((int64_t)d->out_mult * ((int64_t)1 << shift)) / n);
    out_shift = d->out_shift - shift;
    for (c = 0; c < depth; c++) {
        /* acc - input_zero_point * n, wrapping as TFLM's int64 result narrowed to int32 */
        const int32_t shifted_sum = msf_wrap((uint32_t)msf_load32(scratch, c) - (uint32_t)(-d->in_offset) * (uint32_t)n);
        int32_t output = msf_mbqm(shifted_sum, multiplier, out_shift) + d->out_offset;
        output = msf_min(msf_max(output, -128), 127);
        out[c] = (int8_t)output;
    }
    return MSF_OK;
}
