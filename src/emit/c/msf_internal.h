/*
 * msf_internal.h - what the files of the kernel library share and a firmware does not call:
 * int32 helpers (spelled out where C leaves the behaviour to the implementation), the
 * requantisation of one accumulator, and the reference window kernels msf_window dispatches to.
 */
#ifndef MSF_INTERNAL_H
#define MSF_INTERNAL_H

#include "msf_kernels.h"

#include <stddef.h>

#define MSF_INT32_MIN (-2147483647 - 1)
#define MSF_INT32_MAX 2147483647

static inline int32_t msf_min(int32_t a, int32_t b) { return a < b ? a : b; }
static inline int32_t msf_max(int32_t a, int32_t b) { return a > b ? a : b; }

/*
 * The taps of a window along one axis that fall inside the input, for output index o: the input
 * index of tap 0 (origin, may be negative) and the taps [start, end) that read real input.
 */
typedef struct msf_taps {
    int32_t origin, start, end;
} msf_taps;

static inline msf_taps msf_taps_of(int32_t o, int32_t stride, int32_t pad, int32_t k, int32_t in_size)
{
    msf_taps t;
    t.origin = o * stride - pad;
    t.start = msf_max(0, -t.origin);
    t.end = msf_min(k, in_size - t.origin);
    return t;
}

/*
 * Along one axis, the outputs of [o0, o1) whose window lies wholly inside the input (no padding
 * tap): [*a, *b), empty when *a == *b.
 */
static inline void msf_inner(int32_t o0, int32_t o1, int32_t stride, int32_t pad, int32_t k, int32_t in_size,
                             int32_t *a, int32_t *b)
{
    const int32_t first = pad > 0 ? (pad + stride - 1) / stride : 0;
    const int32_t room = in_size - k + pad; /* the last window's origin plus pad */
    const int32_t end = room >= 0 ? room / stride + 1 : 0;
    *a = msf_max(o0, first);
    *b = msf_max(*a, msf_min(o1, end));
}

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

/*
 * (a * b * 2) / 2^32 rounded to nearest, saturating the single overflow case a == b == INT32_MIN.
 * gemmlowp adds a nudge of 2^30 (1 - 2^30 for a negative product) and truncates the 64-bit
 * quotient by 2^31 toward zero; for either sign that equals floor((a * b + 2^30) / 2^31), computed
 * here on the unsigned pattern (bits 31..62 of the sum, which is the int32 result).
 */
static inline int32_t msf_srdhm(int32_t a, int32_t b)
{
    uint64_t sum;
    if (a == b && a == MSF_INT32_MIN) return MSF_INT32_MAX;
    sum = (uint64_t)((int64_t)a * (int64_t)b) + ((uint64_t)1 << 30);
    return msf_wrap((uint32_t)(sum >> 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero (gemmlowp's RoundingDivideByPOT). */
static inline int32_t msf_rdbp(int32_t x, int32_t exponent)
{
    const uint32_t mask = ~(~0u << exponent);
    const int32_t remainder = (int32_t)((uint32_t)x & mask);
    const int32_t threshold = (int32_t)((mask >> 1) + ((uint32_t)x >> 31));
    return msf_asr(x, exponent) + (remainder > threshold ? 1 : 0);
}

/*
 * TFLM's MultiplyByQuantizedMultiplier: shift > 0 multiplies x by 2^shift first (wrapping, as the
 * int32 product does), shift < 0 rounds the high product right by -shift.
 */
static inline int32_t msf_mbqm(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t left_shift = shift > 0 ? shift : 0;
    const int32_t right_shift = shift > 0 ? 0 : -shift;
    return msf_rdbp(msf_srdhm(msf_wrap((uint32_t)x << left_shift), multiplier), right_shift);
}

/* Scale an accumulator (bias added) to the output, add the output zero point, clamp. */
static inline int8_t msf_requantize(int32_t acc, int32_t multiplier, int32_t shift, int32_t out_offset,
                                    int32_t act_min, int32_t act_max)
{
    int32_t v = msf_mbqm(acc, multiplier, shift);
    v += out_offset;
    v = v < act_min ? act_min : v;
    v = v > act_max ? act_max : v;
    return (int8_t)v;
}

/* A convolution's output channel oc from its sum of products (reference kernels): bias added, requantised. */
static inline int8_t msf_conv_out(const msf_layer *d, int32_t oc, int32_t acc)
{
    if (d->bias) acc += d->bias[oc];
    return msf_requantize(acc, d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
}

/*
 * One output pixel of a window call (the window already checked), as the reference kernels see it: the taps of its window that
 * fall inside the input (ty, tx), the input at the first of them (channel 0; NULL when there is
 * none), the bytes between two input rows, and its output (channel 0).
 */
typedef struct msf_px {
    msf_taps ty, tx;
    const int8_t *in;
    int32_t row_stride;
    int8_t *out;
    /* a wrapped input (streamed blocks, msf_stream.c), else NULL; y, x: the first tap's row, column */
    const struct msf_wrapped *wrap;
    int32_t y, x;
} msf_px;

/*
 * A wrapped input buffer (streamed blocks): logical pixel p = (row - row0) * cols + (col - col0)
 * at slot p mod ring (ring > 0: a line buffer), columns at (col - col0) mod col_ring (col_ring > 0:
 * a column cache). Read tap by tap (msf_px_tap) by the reference kernels.
 */
typedef struct msf_wrapped {
    const int8_t *buf;
    int32_t row0, col0, cols, ring, col_ring;
} msf_wrapped;

/* Channel 0 of the tap dy rows, dx columns after the first tap inside the input (c channels a pixel). */
static inline const int8_t *msf_px_tap(const msf_px *p, int32_t dy, int32_t dx, int32_t c)
{
    const msf_wrapped *w = p->wrap;
    int32_t col, q;
    if (!w) return p->in + dy * p->row_stride + dx * c;
    col = p->x + dx - w->col0;
    if (w->col_ring) col %= w->col_ring;
    q = (p->y + dy - w->row0) * w->cols + col;
    if (w->ring) q %= w->ring;
    return w->buf + q * c;
}

/* How many of the n taps from tap (dy, 0) on lie one after the other in a wrapped buffer (at most two runs make a row). */
static inline int32_t msf_px_run(const msf_px *p, int32_t dy, int32_t n)
{
    const msf_wrapped *w = p->wrap;
    const int32_t room = w->col_ring ? w->col_ring - (p->x - w->col0) % w->col_ring
                                     : w->ring - ((p->y + dy - w->row0) * w->cols + p->x - w->col0) % w->ring;
    return room < n ? room : n;
}

/*
 * A reference kernel's work on one pixel; arg is the kernel's own (pool: 1 for MAX_POOL_2D). The
 * average pool returns MSF_ERR_EMPTY_POOL for a window without any input element.
 */
int msf_conv_px(const msf_layer *d, const msf_px *p, int32_t arg);      /* CONV_2D */
int msf_depthwise_px(const msf_layer *d, const msf_px *p, int32_t arg); /* DEPTHWISE_CONV_2D */
int msf_pool_px(const msf_layer *d, const msf_px *p, int32_t is_max);   /* the two pools */

/*
 * Runs the reference kernel of d->op on every output pixel of [oy0, oy1) x [ox0, ox1) (window call
 * arguments as msf_window's; out_depth bytes per output pixel), row by row; stops at and returns
 * the first error. wrap: a wrapped input (in is then ignored), else NULL.
 */
int msf_each_pixel(const msf_layer *d, int32_t out_depth, const int8_t *in, int32_t in_row0, int32_t in_col0,
                   int32_t in_cols, int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                   int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1, int32_t arg, const msf_wrapped *wrap);

/*
 * msf_window without its checks, for a caller that has made sure the region is inside both
 * buffers and non-empty, and that a depthwise layer's channels agree (the block walker, once per
 * block): the kernel of d->op (a window op, else MSF_ERR_OP).
 */
int msf_window_in(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                  int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                  int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1);

/* MEAN in two parts (global pooling streamed pixel by pixel): adds pixels input pixels to the int32 sums, then requantises them. */
void msf_mean_sum(const msf_layer *d, const int8_t *in, uint8_t *scratch, int32_t pixels);
int msf_mean_finish(const msf_layer *d, const uint8_t *scratch, int8_t *out);

/*
 * Profiling hooks of the bench (bench/mcu/count_main.c defines them when built with -DMSF_PROFILE):
 * around each kernel call of layer d (what 0) and each cache slide (what 1). Nothing otherwise.
 */
#if defined(MSF_PROFILE)
void msf_profile_enter(const msf_layer *d, int32_t what);
void msf_profile_leave(const msf_layer *d, int32_t what);
#else
#define msf_profile_enter(d, what) ((void)0)
#define msf_profile_leave(d, what) ((void)0)
#endif

#endif /* MSF_INTERNAL_H */
