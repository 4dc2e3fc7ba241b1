/*
 * msf_elementwise.c - element-wise int8 ops: the 256-entry tables of the unary ones (LOGISTIC, TANH,
 * RELU, RELU6, LEAKY_RELU, QUANTIZE int8 -> int8; computed by msf-cnn with TFLM's arithmetic) and
 * ADD / SUB / MUL / MINIMUM / MAXIMUM with broadcasting. Port of assembly/kernels/lut.ts and
 * assembly/kernels/elementwise.ts.
 */
#include "msf_internal.h"

int msf_lut(const msf_layer *d, const int8_t *in, int8_t *out)
{
    const int32_t count = d->out_h * d->out_w * d->out_c;
    int32_t i;
    for (i = 0; i < count; i++) out[i] = d->weights[(uint8_t)in[i]];
    return MSF_OK;
}

/* One element (TFLM's AddFunc / SubFunc / MulElementwise; MINIMUM / MAXIMUM of the raw values). */
static int8_t msf_binary(const msf_layer *d, int32_t kind, int32_t x, int32_t y)
{
    int32_t v;
    if (kind == MSF_ELT_MUL) {
        const int32_t p = msf_wrap((uint32_t)(x + d->in_offset) * (uint32_t)(y + d->in2_offset));
        v = msf_multiply_by_quantized_multiplier(p, d->out_mult, d->out_shift) + d->out_offset;
    } else if (kind == MSF_ELT_ADD || kind == MSF_ELT_SUB) {
        const int32_t sx = msf_multiply_by_quantized_multiplier(msf_wrap((uint32_t)(x + d->in_offset) << d->left_shift), d->in1_mult, d->in1_shift);
        const int32_t sy = msf_multiply_by_quantized_multiplier(msf_wrap((uint32_t)(y + d->in2_offset) << d->left_shift), d->in2_mult, d->in2_shift);
        const int32_t raw = msf_wrap(kind == MSF_ELT_ADD ? (uint32_t)sx + (uint32_t)sy : (uint32_t)sx - (uint32_t)sy);
        v = msf_multiply_by_quantized_multiplier(raw, d->out_mult, d->out_shift) + d->out_offset;
    } else {
        return (int8_t)(kind == MSF_ELT_MIN ? msf_min(x, y) : msf_max(x, y));
    }
    return (int8_t)msf_min(d->act_max, msf_max(d->act_min, v));
}

/*
 * aux: the output dims [d0..d3], then per operand its element stride along each output axis (0 where
 * it broadcasts). The constant operand, if any, is weights (operand 1 with MSF_ELT_CONST_FIRST).
 */
int msf_elementwise(const msf_layer *d, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    const int32_t kind = d->subop & 255;
    const int32_t *w = d->aux;
    const int8_t *a = in1;
    const int8_t *b = in2;
    int32_t i0, i1, i2, i3;
    if (d->subop & MSF_ELT_CONST_FIRST) {
        a = d->weights;
        b = in1;
    } else if (!b) {
        b = d->weights;
    }
    if (!a || !b || !w || kind < MSF_ELT_ADD || kind > MSF_ELT_MAX) return MSF_ERR_OP;
    for (i0 = 0; i0 < w[0]; i0++)
        for (i1 = 0; i1 < w[1]; i1++)
            for (i2 = 0; i2 < w[2]; i2++) {
                const int8_t *pa = a + i0 * w[4] + i1 * w[5] + i2 * w[6];
                const int8_t *pb = b + i0 * w[8] + i1 * w[9] + i2 * w[10];
                for (i3 = 0; i3 < w[3]; i3++) *out++ = msf_binary(d, kind, pa[i3 * w[7]], pb[i3 * w[11]]);
            }
    return MSF_OK;
}
