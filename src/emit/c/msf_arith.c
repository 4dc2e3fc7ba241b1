/*
 * msf_arith.c - the fixed-point arithmetic of TensorFlow Lite Micro (gemmlowp, double rounding).
 * Port of assembly/kernels/requantize.ts (scalar functions); the arithmetic itself is inline in
 * msf_internal.h, where every kernel's requantisation uses it.
 */
#include "msf_internal.h"

/* Out-of-line forms of msf_internal.h's inline arithmetic (the public interface of msf_kernels.h). */
int32_t msf_saturating_rounding_doubling_high_mul(int32_t a, int32_t b) { return msf_srdhm(a, b); }
int32_t msf_rounding_divide_by_pot(int32_t x, int32_t exponent) { return msf_rdbp(x, exponent); }
int32_t msf_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) { return msf_mbqm(x, multiplier, shift); }
