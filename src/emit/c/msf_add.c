/*
 * msf_add.c - ADD. Port of assembly/kernels/add.ts.
 */
#include "msf_internal.h"

/*
 * ADD (TFLM reference_integer_ops::AddFunc): both inputs are brought to a common scale with
 * left_shift bits of headroom, summed, then scaled to the output.
 */
int msf_add(const msf_layer *d, const int8_t *in1, const int8_t *in2, int8_t *out, int32_t count)
{
    int32_t i;
    for (i = 0; i < count; i++) {
        const int32_t input1_val = d->in_offset + in1[i];
        const int32_t input2_val = d->in2_offset + in2[i];
        const int32_t shifted1 = msf_wrap((uint32_t)input1_val << d->left_shift);
        const int32_t shifted2 = msf_wrap((uint32_t)input2_val << d->left_shift);
        const int32_t scaled1 = msf_mbqm(shifted1, d->in1_mult, d->in1_shift);
        const int32_t scaled2 = msf_mbqm(shifted2, d->in2_mult, d->in2_shift);
        const int32_t raw_sum = msf_wrap((uint32_t)scaled1 + (uint32_t)scaled2);
        const int32_t raw_output = msf_mbqm(raw_sum, d->out_mult, d->out_shift) + d->out_offset;
        out[i] = (int8_t)msf_min(d->act_max, msf_max(d->act_min, raw_output));
    }
    return MSF_OK;
}
