/*
 * msf_fast.h - the building blocks of the fast kernels (msf_conv_fast.c, msf_depthwise_fast.c):
 * blocked int8 dot products with the input offset folded into a per-layer kernel sum
 * (kernel_sum[oc] = bias[oc] + in_offset * sum of the filter, generated with the model), and the
 * exact requantisation of msf_internal.h. Selected at compile time:
 *   - MSF_PORTABLE defined: no fast kernel, only the reference kernels (msf_conv.c, ...);
 *   - Arm cores with the DSP extension (__ARM_FEATURE_DSP and __ARM_FEATURE_SIMD32: Cortex-M4,
 *     M7, M33 with DSP): dual 16-bit MACs (SMLAD) on sign-extended byte pairs (SXTB16) through
 *     the ACLE intrinsics of arm_acle.h;
 *   - elsewhere: the same blocked loops in plain C99.
 * Every path computes the reference's bytes: sums of int32 products wrap the same way in any
 * order, and sum(w * (x + off)) = sum(w * x) + off * sum(w) in int32 arithmetic. Padding taps are
 * skipped, as in the reference: a pixel whose window leaves the input (a border pixel) adds the
 * offset tap by tap instead of using the folded sum.
 */
#ifndef MSF_FAST_H
#define MSF_FAST_H

#include "msf_internal.h"

#include <string.h>

#if !defined(MSF_PORTABLE)
#define MSF_FAST 1
#else
#define MSF_FAST 0
#endif

#if MSF_FAST && defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#define MSF_DSP 1
#include <arm_acle.h>
#else
#define MSF_DSP 0
#endif

#if MSF_FAST

/* Inlined into every caller, so that constant arguments (a folded offset of 0) specialise the loops. */
#if defined(__GNUC__)
#define MSF_INLINE static inline __attribute__((always_inline))
#else
#define MSF_INLINE static inline
#endif

#if MSF_DSP
/* Bytes 1 and 3 of x sign-extended to two int16 lanes: SXTB16 with its own rotation (ACLE has no form of it). */
static inline uint32_t msf_sxtb16_odd(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
#endif

/* Four bytes at any alignment (one unaligned load on cores that have it). */
static inline uint32_t msf_word(const int8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/*
 * Two pixels x two output channels: a[0..3] (pixel a ch 0, a ch 1, b ch 0, b ch 1) +=
 * sum_{i<n} xa/xb[i] * w0/w1[i]. Accumulators are uint32 in plain C (wrap-around is defined).
 */
MSF_INLINE void msf_dot_2x2(const int8_t *xa, const int8_t *xb, const int8_t *w0, const int8_t *w1, int32_t n,
                            uint32_t *a)
{
    int32_t i = 0;
#if MSF_DSP
    int32_t a0 = (int32_t)a[0], a1 = (int32_t)a[1], b0 = (int32_t)a[2], b1 = (int32_t)a[3];
    for (; i + 4 <= n; i += 4) {
        const uint32_t xw = msf_word(xa + i), yw = msf_word(xb + i);
        const uint32_t v0 = msf_word(w0 + i), v1 = msf_word(w1 + i);
        const uint32_t xe = __sxtb16(xw), xo = msf_sxtb16_odd(xw);
        const uint32_t ye = __sxtb16(yw), yo = msf_sxtb16_odd(yw);
        const uint32_t e0 = __sxtb16(v0), o0 = msf_sxtb16_odd(v0);
        const uint32_t e1 = __sxtb16(v1), o1 = msf_sxtb16_odd(v1);
        a0 = __smlad(xe, e0, a0);
        a0 = __smlad(xo, o0, a0);
        a1 = __smlad(xe, e1, a1);
        a1 = __smlad(xo, o1, a1);
        b0 = __smlad(ye, e0, b0);
        b0 = __smlad(yo, o0, b0);
        b1 = __smlad(ye, e1, b1);
        b1 = __smlad(yo, o1, b1);
    }
    a[0] = (uint32_t)a0;
    a[1] = (uint32_t)a1;
    a[2] = (uint32_t)b0;
    a[3] = (uint32_t)b1;
#endif
    for (; i < n; i++) {
        const int32_t x = xa[i], y = xb[i], v0 = w0[i], v1 = w1[i];
        a[0] += (uint32_t)(x * v0);
        a[1] += (uint32_t)(x * v1);
        a[2] += (uint32_t)(y * v0);
        a[3] += (uint32_t)(y * v1);
    }
}

/*
 * One pixel x two output channels: a[0..1] += sum_{i<n} (x[i] + off) * w0/w1[i]; off = 0 when the
 * offset is already folded into the accumulators' start.
 */
MSF_INLINE void msf_dot_1x2(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, int32_t off, uint32_t *a)
{
    int32_t i = 0;
#if MSF_DSP
    const uint32_t off2 = ((uint32_t)off & 0xffffu) * 0x10001u;
    int32_t a0 = (int32_t)a[0], a1 = (int32_t)a[1];
    for (; i + 4 <= n; i += 4) {
        const uint32_t xw = msf_word(x + i), v0 = msf_word(w0 + i), v1 = msf_word(w1 + i);
        /* off is 0 (a constant where this is inlined) when the offset is folded: no adds */
        const uint32_t xe = off ? (uint32_t)__sadd16(__sxtb16(xw), off2) : (uint32_t)__sxtb16(xw);
        const uint32_t xo = off ? (uint32_t)__sadd16(msf_sxtb16_odd(xw), off2) : msf_sxtb16_odd(xw);
        a0 = __smlad(xe, __sxtb16(v0), a0);
        a0 = __smlad(xo, msf_sxtb16_odd(v0), a0);
        a1 = __smlad(xe, __sxtb16(v1), a1);
        a1 = __smlad(xo, msf_sxtb16_odd(v1), a1);
    }
    a[0] = (uint32_t)a0;
    a[1] = (uint32_t)a1;
#endif
    for (; i < n; i++) {
        const int32_t v = x[i] + off;
        a[0] += (uint32_t)(v * w0[i]);
        a[1] += (uint32_t)(v * w1[i]);
    }
}

/* One pixel x one channel (the odd channel left over): sum_{i<n} (x[i] + off) * w[i]. */
static inline uint32_t msf_dot_1x1(const int8_t *x, const int8_t *w, int32_t n, int32_t off)
{
    uint32_t a = 0;
    int32_t i;
    for (i = 0; i < n; i++) a += (uint32_t)((x[i] + off) * w[i]);
    return a;
}

/*
 * A layer's constants copied out of its msf_layer: the kernels store int8 outputs, which the
 * compiler must assume may alias the table, so fields read through the pointer would be reloaded
 * after every store.
 */
typedef struct msf_q {
    const int8_t *weights;
    const int32_t *bias, *kernel_sum, *mult, *shift;
    int32_t in_offset, out_offset, act_min, act_max;
} msf_q;

static inline msf_q msf_q_of(const msf_layer *d)
{
    msf_q q;
    q.weights = d->weights;
    q.bias = d->bias;
    q.kernel_sum = d->kernel_sum;
    q.mult = d->mult;
    q.shift = d->shift;
    q.in_offset = d->in_offset;
    q.out_offset = d->out_offset;
    q.act_min = d->act_min;
    q.act_max = d->act_max;
    return q;
}

/* Requantises output channel oc from a wrapped accumulator. */
static inline int8_t msf_out(const msf_q *q, int32_t oc, uint32_t acc)
{
    return msf_requantize(msf_wrap(acc), q->mult[oc], q->shift[oc], q->out_offset, q->act_min, q->act_max);
}

/* The fast kernels (arguments as the reference kernels'); msf_fully_connected_fast as msf_fully_connected. */
void msf_conv_fast(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                   int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                   int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1);
void msf_fully_connected_fast(const msf_layer *d, const int8_t *in, int8_t *out);
void msf_depthwise_fast(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                        int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                        int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1);

#endif /* MSF_FAST */
#endif /* MSF_FAST_H */
