/*
 * msf_internal.h - what the files of the kernel library share and a firmware does not call:
 * int32 helpers (spelled out where C leaves the behaviour to the implementation), the
 * requantisation of one accumulator, and the window kernels msf_window dispatches to.
 */
#ifndef MSF_INTERNAL_H
#define MSF_INTERNAL_H

#include "msf_kernels.h"

#include <stddef.h>

#define MSF_INT32_MIN (-2147483647 - 1)
#define MSF_INT32_MAX 2147483647

static inline int32_t msf_min(int32_t a, int32_t b) { return a < b ? a : b; }
static inline int32_t msf_max(int32_t a, int32_t b) { return a > b ? a : b; }

/* Two's-complement wrap of a 32-bit pattern to int32 (what int32 arithmetic does on every target). */
static inline int32_t msf_wrap(uint32_t u)
{
    return u <= 0x7fffffffu ? (int32_t)u : -(int32_t)(~u) - 1;
}

/* Arithmetic (flooring) right shift, also for negative x: C leaves x >> n implementation-defined. */
static inline int32_t msf_asr(int32_t x, int32_t n)
{
    return x >= 0 ? (x >> n) : ~((~x) >> n);
}

/* Scale an accumulator (bias added) to the output, add the output zero point, clamp. */
static inline int8_t msf_requantize(int32_t acc, int32_t multiplier, int32_t shift, int32_t out_offset,
                                    int32_t act_min, int32_t act_max)
{
    int32_t v = msf_multiply_by_quantized_multiplier(acc, multiplier, shift);
    v += out_offset;
    v = v < act_min ? act_min : v;
    v = v > act_max ? act_max : v;
    return (int8_t)v;
}

/*
 * The window kernels (arguments as msf_window's; the window is already checked). pool: is_max
 * selects MAX_POOL_2D; returns MSF_ERR_EMPTY_POOL for an average over no input element.
 */
void msf_conv2d(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1);
void msf_depthwise(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                   int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                   int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1);
int msf_pool(const msf_layer *d, int is_max, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
             int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
             int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1);

#endif /* MSF_INTERNAL_H */
