/*
 * msf_fast.h - the building blocks of the fast kernels (msf_conv_fast.c, msf_depthwise_fast.c):
 * blocked int8 dot products with the input offset folded into a per-layer kernel sum
 * (kernel_sum[oc] = bias[oc] + in_offset * sum of the filter, generated with the model), and the
 * exact requantisation of msf_internal.h from per-channel constants the emitter works out (rq). Selected at compile time:
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

/*
 * The two dot-product loops of msf_conv_fast.c in inline assembly (GNU syntax): the 2x2 one needs
 * 14 registers, so only where the compiler optimises (and so leaves r7 free of the frame pointer).
 * Define MSF_NO_ASM to use the plain loops (e.g. with -fno-omit-frame-pointer).
 */
#if MSF_DSP && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(MSF_NO_ASM)
#define MSF_ASM 1
#else
#define MSF_ASM 0
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

/* Four bytes stored at any alignment, byte 0 of v first (the order of the output channels). */
static inline void msf_put_word(int8_t *p, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 4);
#else
    p[0] = (int8_t)(v & 0xffu);
    p[1] = (int8_t)((v >> 8) & 0xffu);
    p[2] = (int8_t)((v >> 16) & 0xffu);
    p[3] = (int8_t)(v >> 24);
#endif
}

/*
 * Two pixels x two output channels: a[0..3] (pixel a ch 0, a ch 1, b ch 0, b ch 1) +=
 * sum_{i<n} xa/xb[i] * w0/w1[i], pixel b at xa + dx, channel 1 at w0 + dw (two base pointers and
 * two offsets keep the loop within the core's registers). Accumulators are uint32 in plain C
 * (wrap-around is defined).
 */
#if MSF_ASM
/*
 * Four bytes of two pixels (x, y) and two filters (w, w + dw), the pointers advanced: the two
 * filter words unpacked first, then each pixel's word in the same two registers, so that the step
 * needs 14 registers; the compiler's own scheduling of the same intrinsics needs more and spills
 * every iteration.
 */
#define MSF_DOT_2X2_STEP                                                                                 \
    "ldr %[o1], [%[w], %[dw]]\n\t"                                                                       \
    "ldr %[o0], [%[w]], #4\n\t"                                                                         \
    "ldr %[xo], [%[x]], #4\n\t"                                                                         \
    "sxtb16 %[e0], %[o0]\n\t"                                                                           \
    "sxtb16 %[o0], %[o0], ror #8\n\t"                                                                   \
    "sxtb16 %[e1], %[o1]\n\t"                                                                           \
    "sxtb16 %[o1], %[o1], ror #8\n\t"                                                                   \
    "sxtb16 %[xe], %[xo]\n\t"                                                                           \
    "sxtb16 %[xo], %[xo], ror #8\n\t"                                                                   \
    "smlad %[a0], %[xe], %[e0], %[a0]\n\t"                                                              \
    "smlad %[a0], %[xo], %[o0], %[a0]\n\t"                                                              \
    "smlad %[a1], %[xe], %[e1], %[a1]\n\t"                                                              \
    "smlad %[a1], %[xo], %[o1], %[a1]\n\t"                                                              \
    "ldr %[xo], [%[y]], #4\n\t"                                                                         \
    "sxtb16 %[xe], %[xo]\n\t"                                                                           \
    "sxtb16 %[xo], %[xo], ror #8\n\t"                                                                   \
    "smlad %[b0], %[xe], %[e0], %[b0]\n\t"                                                              \
    "smlad %[b0], %[xo], %[o0], %[b0]\n\t"                                                              \
    "smlad %[b1], %[xe], %[e1], %[b1]\n\t"                                                              \
    "smlad %[b1], %[xo], %[o1], %[b1]\n\t"
#define MSF_DOT_2X2_OPERANDS                                                                             \
    : [a0] "+r"(a0), [a1] "+r"(a1), [b0] "+r"(b0), [b1] "+r"(b1), [x] "+r"(x), [y] "+r"(y), [w] "+r"(w), \
      [e0] "=&r"(e0), [o0] "=&r"(o0), [e1] "=&r"(e1), [o1] "=&r"(o1), [xe] "=&r"(xe), [xo] "=&r"(xo)    \
    : [dw] "r"(dw)                                                                                       \
    : "memory"
#endif

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
    const int32_t *bias, *kernel_sum;
    const msf_rq *rq;
    int32_t in_offset, out_offset, act_min, act_max;
} msf_q;

static inline msf_q msf_q_of(const msf_layer *d)
{
    msf_q q;
    q.weights = d->weights;
    q.bias = d->bias;
    q.kernel_sum = d->kernel_sum;
    q.rq = d->rq;
    q.in_offset = d->in_offset;
    q.out_offset = d->out_offset;
    q.act_min = d->act_min;
    q.act_max = d->act_max;
    return q;
}

/*
 * A channel outside the single multiply-accumulate form (msf_rq's right < 0): TFLM's arithmetic
 * step by step, out of line (no channel of a usual model takes it).
 */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static int8_t msf_rq_general(const msf_rq *r, const msf_q *q, uint32_t acc)
{
    return msf_requantize(msf_wrap(acc), r->mult, (int32_t)r->round, q->out_offset, q->act_min, q->act_max);
}

/*
 * The single multiply-accumulate form of msf_rq (right >= 0): the requantised value, output offset
 * included, before the clamp. The high word of S = x * mult + round - (x < 0) * 2^31, arithmetically
 * shifted right by `right` (requantTable of emit-c.ts derives the form and when it is exact). The
 * 64-bit sum without the sign term is one SMLAL on Arm; the term then only borrows from the high
 * word when the low word is below 2^31: high(S) = high - (x < 0 && !(low >> 31)), the sign bit of
 * x & ~low.
 */
MSF_INLINE int32_t msf_rq_value(const msf_rq *r, uint32_t acc)
{
    const uint64_t sum = (uint64_t)r->round + (uint64_t)((int64_t)msf_wrap(acc) * r->mult);
    const uint32_t lo = (uint32_t)sum;
    const uint32_t hi = (uint32_t)(sum >> 32) - ((acc & ~lo) >> 31);
    return msf_asr(msf_wrap(hi), r->right);
}

/*
 * msf_requantize(acc, ...) of the channel r describes (output offset included, clamped).
 * int8_range (a constant where this is inlined): the layer's clamp is the whole int8 range (no
 * fused activation), one saturation on DSP cores.
 */
MSF_INLINE int8_t msf_rq_out(const msf_rq *r, const msf_q *q, uint32_t acc, int int8_range)
{
    int32_t v;
    if (r->right < 0) return msf_rq_general(r, q, acc);
    v = msf_rq_value(r, acc);
    if (int8_range) {
#if MSF_DSP
        return (int8_t)__ssat(v, 8);
#else
        v = v < -128 ? -128 : v;
        return (int8_t)(v > 127 ? 127 : v);
#endif
    }
    v = v < q->act_min ? q->act_min : v;
    v = v > q->act_max ? q->act_max : v;
    return (int8_t)v;
}

#if MSF_DSP
/*
 * Four int8 bytes clamped to [min, max] byte by byte (bounds in each byte): SSUB8 sets each byte's
 * GE flag from the exact signed difference, SEL keeps the byte or takes the bound; max first, as
 * msf_requantize.
 */
static inline uint32_t msf_clamp4(uint32_t w, uint32_t min4, uint32_t max4)
{
    uint32_t t;
    __asm__("ssub8 %[t], %[w], %[lo]\n\t"
            "sel %[w], %[w], %[lo]\n\t"
            "ssub8 %[t], %[hi], %[w]\n\t"
            "sel %[w], %[w], %[hi]"
            : [w] "+r"(w), [t] "=&r"(t)
            : [lo] "r"(min4), [hi] "r"(max4));
    return w;
}
#endif

/*
 * The clamp of msf_rq_out4 on DSP cores, worked out once per kernel call: the bounds in each byte,
 * and wide = 0x80000000 when a bound is not an int8 value (the clamp then runs channel by channel).
 */
typedef struct msf_clamp4_of {
    uint32_t min4, max4, wide;
} msf_clamp4_of;

static inline msf_clamp4_of msf_clamp4_for(const msf_q *q)
{
    msf_clamp4_of c;
    c.min4 = ((uint32_t)q->act_min & 0xffu) * 0x01010101u;
    c.max4 = ((uint32_t)q->act_max & 0xffu) * 0x01010101u;
    c.wide = (((uint32_t)q->act_min + 128u) | ((uint32_t)q->act_max + 128u)) > 255u ? 0x80000000u : 0u;
    return c;
}

/*
 * Four consecutive output channels (constants r[0..3]) requantised into one word, channel 0 in its
 * low byte: stored with msf_put_word after all four (an int8 store may alias the tables). c: the
 * layer's msf_clamp4_for (unused when int8_range).
 */
MSF_INLINE uint32_t msf_rq_out4_c(const msf_rq *r, const msf_q *q, const uint32_t *a, int int8_range, const msf_clamp4_of *c)
{
#if MSF_DSP
    /*
     * All four channels in the single multiply-accumulate form and the clamp's bounds int8 values
     * (one test: bit 31 of the OR is set by a negative `right` or by c->wide): each value saturated
     * to int8 (which the clamp then leaves as the reference's), the four packed with PKHBT / UXTB16
     * (bytes 0, 2 from channels 0, 2; 1, 3 from 1, 3), clamped byte by byte.
     */
    if (((uint32_t)(r[0].right | r[1].right | r[2].right | r[3].right) | (int8_range ? 0u : c->wide)) < 0x80000000u) {
        const uint32_t v0 = (uint32_t)__ssat(msf_rq_value(r, a[0]), 8), v1 = (uint32_t)__ssat(msf_rq_value(r + 1, a[1]), 8);
        const uint32_t v2 = (uint32_t)__ssat(msf_rq_value(r + 2, a[2]), 8), v3 = (uint32_t)__ssat(msf_rq_value(r + 3, a[3]), 8);
        uint32_t w = __uxtb16((v0 & 0xffffu) | v2 << 16) | __uxtb16((v1 & 0xffffu) | v3 << 16) << 8;
        if (!int8_range) w = msf_clamp4(w, c->min4, c->max4);
        return w;
    }
#else
    (void)c;
#endif
    return (uint8_t)msf_rq_out(r, q, a[0], int8_range) | (uint32_t)(uint8_t)msf_rq_out(r + 1, q, a[1], int8_range) << 8 |
           (uint32_t)(uint8_t)msf_rq_out(r + 2, q, a[2], int8_range) << 16 |
           (uint32_t)(uint8_t)msf_rq_out(r + 3, q, a[3], int8_range) << 24;
}

/* msf_rq_out4_c with the clamp worked out here (a caller that has not). */
MSF_INLINE uint32_t msf_rq_out4(const msf_rq *r, const msf_q *q, const uint32_t *a, int int8_range)
{
    const msf_clamp4_of c = msf_clamp4_for(q);
    return msf_rq_out4_c(r, q, a, int8_range, &c);
}

/* 1 when a layer's activation clamp is the whole int8 range (msf_rq_out's int8_range). */
static inline int msf_int8_range(const msf_q *q)
{
    return q->act_min == -128 && q->act_max == 127;
}

/* Requantises output channel oc from a wrapped accumulator (a single output). */
static inline int8_t msf_out(const msf_q *q, int32_t oc, uint32_t acc)
{
    return msf_rq_out(&q->rq[oc], q, acc, 0);
}

/* The fast kernels (arguments as the reference kernels'); msf_fully_connected_fast as msf_fully_connected. */
typedef void msf_fast_fn(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                         int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                         int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1);
msf_fast_fn msf_conv_fast, msf_depthwise_fast;
/* One pixel x four output channels (msf_conv_fast.c): a[k] += sum_{i<n} x[i] * w[k * dw + i], the offset folded. */
void msf_dot_1x4(const int8_t *x, const int8_t *w, int32_t dw, int32_t n, uint32_t *a);
void msf_fully_connected_fast(const msf_layer *d, const int8_t *in, int8_t *out);

#endif /* MSF_FAST */
#endif /* MSF_FAST_H */
