/*
 * msf_arith.c - the fixed-point arithmetic of TensorFlow Lite Micro (gemmlowp, double rounding).
 * Port of assembly/kernels/requantize.ts (scalar functions).
 */
#include "msf_internal.h"

/*
 * (a * b * 2) / 2^32 rounded to nearest, saturating the single overflow case a == b == INT32_MIN.
 * The nudge is +2^30 for a non-negative product and 1 - 2^30 for a negative one, and the 64-bit
 * quotient truncates toward zero (C99 '/').
 */
int32_t msf_saturating_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    int64_t ab;
    int64_t nudge;
    if (a == b && a == MSF_INT32_MIN) return MSF_INT32_MAX;
    ab = (int64_t)a * (int64_t)b;
    nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero (gemmlowp's RoundingDivideByPOT). */
int32_t msf_rounding_divide_by_pot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return msf_asr(x, exponent) + (remainder > threshold ? 1 : 0);
}

/*
 * TFLM's MultiplyByQuantizedMultiplier: shift > 0 multiplies x by 2^shift first (wrapping, as the
 * int32 product does), shift < 0 rounds the high product right by -shift.
 */
int32_t msf_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t left_shift = shift > 0 ? shift : 0;
    const int32_t right_shift = shift > 0 ? 0 : -shift;
    const int32_t shifted = msf_wrap((uint32_t)x << left_shift);
    return msf_rounding_divide_by_pot(msf_saturating_rounding_doubling_high_mul(shifted, multiplier), right_shift);
}
