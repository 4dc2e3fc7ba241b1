/*
 * msf_softmax.c - SOFTMAX. Port of assembly/kernels/softmax.ts.
 */
#include "msf_internal.h"

/* ---- SOFTMAX: gemmlowp fixed point, as TFLM's reference_ops::Softmax<int8_t, int8_t> ---- */

static int32_t msf_add_wrap(int32_t a, int32_t b) { return msf_wrap((uint32_t)a + (uint32_t)b); }
static int32_t msf_sub_wrap(int32_t a, int32_t b) { return msf_wrap((uint32_t)a - (uint32_t)b); }

/* gemmlowp's SaturatingRoundingMultiplyByPOT for exponent > 0: a saturating left shift. */
static int32_t msf_saturating_shift_left(int32_t x, int32_t exponent)
{
    const int32_t threshold = (int32_t)(((uint32_t)1 << (31 - exponent)) - 1u);
    if (x > threshold) return MSF_INT32_MAX;
    if (x < -threshold) return MSF_INT32_MIN;
    return msf_wrap((uint32_t)x << exponent);
}

/* exp(a) for a in [-1/4, 0), a and the result in Q0.31: Taylor expansion around -1/8. */
static int32_t msf_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a)
{
    const int32_t constant_term = 1895147668;  /* exp(-1/8) in Q0.31 */
    const int32_t constant_1_over_3 = 715827883; /* 1/3 in Q0.31 */
    const int32_t x = msf_add_wrap(a, 1 << 28);  /* a + 1/8 */
    const int32_t x2 = msf_srdhm(x, x);
    const int32_t x3 = msf_srdhm(x2, x);
    const int32_t x4 = msf_srdhm(x2, x2);
    const int32_t x4_over_4 = msf_rdbp(x4, 2);
    const int32_t poly = msf_rdbp(
        msf_add_wrap(msf_srdhm(msf_add_wrap(x4_over_4, x3), constant_1_over_3), x2), 1);
    return msf_add_wrap(constant_term, msf_srdhm(constant_term, msf_add_wrap(x, poly)));
}

/* exp(a) for a <= 0 in Q5.26; the result in Q0.31. */
static int32_t msf_exp_on_negative_values(int32_t a)
{
    const int32_t fractional_bits = 26;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t mask = one_quarter - 1;
    const int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
    const int32_t remainder = msf_sub_wrap(a_mod_quarter_minus_one_quarter, a);
    int32_t result = msf_exp_on_interval_between_negative_one_quarter_and_0_excl(
        msf_saturating_shift_left(a_mod_quarter_minus_one_quarter, 5));
    /* multiply by exp(-2^k) for every bit 2^k (k = -2 .. 4) set in the remainder */
    if (remainder & ((int32_t)1 << (fractional_bits - 2))) result = msf_srdhm(result, 1672461947);
    if (remainder & ((int32_t)1 << (fractional_bits - 1))) result = msf_srdhm(result, 1302514674);
    if (remainder & ((int32_t)1 << fractional_bits)) result = msf_srdhm(result, 790015084);
    if (remainder & ((int32_t)1 << (fractional_bits + 1))) result = msf_srdhm(result, 290630308);
    if (remainder & ((int32_t)1 << (fractional_bits + 2))) result = msf_srdhm(result, 39332535);
    if (remainder & ((int32_t)1 << (fractional_bits + 3))) result = msf_srdhm(result, 720401);
    if (remainder & ((int32_t)1 << (fractional_bits + 4))) result = msf_srdhm(result, 242);
    return a == 0 ? MSF_INT32_MAX : result;
}

/* (a + b) / 2 rounded to nearest, ties away from zero (gemmlowp's RoundingHalfSum). */
static int32_t msf_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    const int64_t sign = sum >= 0 ? 1 : -1;
    return (int32_t)((sum + sign) / 2);
}

/* 1 / (1 + a) for a in [0, 1), Q0.31 in and out: three Newton-Raphson steps in Q2.29. */
static int32_t msf_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    const int32_t half_denominator = msf_rounding_half_sum(a, MSF_INT32_MAX);
    const int32_t constant_48_over_17 = 1515870810;
    const int32_t constant_neg_32_over_17 = -1010580540;
    const int32_t one_q2 = (int32_t)1 << 29;
    int32_t x = msf_add_wrap(constant_48_over_17, msf_srdhm(half_denominator, constant_neg_32_over_17));
    int32_t i;
    for (i = 0; i < 3; i++) {
        const int32_t half_denominator_times_x = msf_srdhm(half_denominator, x);
        const int32_t one_minus_half_denominator_times_x = msf_sub_wrap(one_q2, half_denominator_times_x);
        x = msf_add_wrap(x, msf_saturating_shift_left(msf_srdhm(x, one_minus_half_denominator_times_x), 2));
    }
    return msf_saturating_shift_left(x, 1);
}

/* Leading zero bits of a 32-bit value (32 for 0). */
static int32_t msf_clz32(uint32_t v)
{
    int32_t n = 0;
    if (v == 0) return 32;
    while (!(v & 0x80000000u)) {
        v <<= 1;
        n++;
    }
    return n;
}

int msf_softmax(const msf_layer *d, const int8_t *in, int8_t *out, int32_t rows, int32_t depth)
{
    const int32_t input_beta_multiplier = d->in1_mult;
    const int32_t input_beta_left_shift = d->in1_shift;
    const int32_t diff_min = d->in2_mult;
    const int32_t accumulation_integer_bits = 12;
    int32_t i, c;
    for (i = 0; i < rows; i++) {
        const int8_t *row = in + i * depth;
        int8_t *o = out + i * depth;
        int32_t max_in_row = -128;
        int32_t sum_of_exps = 0;
        int32_t headroom_plus_one, num_bits_over_unit, shifted_sum_minus_one, shifted_scale, exponent;
        /* 1. the largest value of the row */
        for (c = 0; c < depth; c++) max_in_row = msf_max(max_in_row, row[c]);
        /* 2. the sum of exp(diff), Q12.19 */
        for (c = 0; c < depth; c++) {
            const int32_t input_diff = row[c] - max_in_row;
            if (input_diff >= diff_min) {
                const int32_t rescaled = msf_srdhm(
                    msf_wrap((uint32_t)input_diff << input_beta_left_shift), input_beta_multiplier);
                sum_of_exps = msf_add_wrap(sum_of_exps,
                    msf_rdbp(msf_exp_on_negative_values(rescaled), accumulation_integer_bits));
            }
        }
        /* 3. its reciprocal: sum = 2^num_bits_over_unit * (1 + f), f in [0, 1) */
        headroom_plus_one = msf_clz32((uint32_t)sum_of_exps);
        num_bits_over_unit = accumulation_integer_bits - headroom_plus_one;
        shifted_sum_minus_one = msf_wrap(((uint32_t)sum_of_exps << (headroom_plus_one & 31)) - 0x80000000u);
        shifted_scale = msf_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
        exponent = num_bits_over_unit + 31 - 8;
        if (exponent < 0 || exponent > 31) return MSF_ERR_SOFTMAX;
        /* 4. the outputs, zero point -128, scale 1/256 */
        for (c = 0; c < depth; c++) {
            const int32_t input_diff = row[c] - max_in_row;
            int32_t v = -128;
            if (input_diff >= diff_min) {
                const int32_t rescaled = msf_srdhm(
                    msf_wrap((uint32_t)input_diff << input_beta_left_shift), input_beta_multiplier);
                const int32_t exp_in_0 = msf_exp_on_negative_values(rescaled);
                const int32_t unsat = msf_rdbp(msf_srdhm(shifted_scale, exp_in_0), exponent);
                v = unsat - 128;
                v = v < -128 ? -128 : v;
                v = v > 127 ? 127 : v;
            }
            o[c] = (int8_t)v;
        }
    }
    return MSF_OK;
}
