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
    return msf_requantize(msf_wrap(acc), r->mult, r->round_lo, q->out_offset, q->act_min, q->act_max);
}

/*
 * msf_requantize(acc, ...) of the channel r describes, output offset included: the high word of
 * S = x * mult + round - (x < 0) * 2^31, arithmetically shifted right by `right`, clamped
 * (requantTable of emit-c.ts derives the form and when it is exact). The 64-bit sum without the
 * sign term is one SMLAL on Arm; the term then only borrows from the high word when the low word
 * is below 2^31: high(S) = high - (x < 0 && !(low >> 31)), the sign bit of x & ~low. int8_range (a
 * constant where this is inlined): the layer's clamp is the whole int8 range (no fused
 * activation), one saturation on DSP cores.
 */
MSF_INLINE int8_t msf_rq_out(const msf_rq *r, const msf_q *q, uint32_t acc, int int8_range)
{
    const int32_t right = r->right;
    uint64_t sum;
    uint32_t lo, hi;
    int32_t v;
    if (right < 0) return msf_rq_general(r, q, acc);
    sum = (((uint64_t)(uint32_t)r->round_hi << 32) | (uint32_t)r->round_lo) + (uint64_t)((int64_t)msf_wrap(acc) * r->mult);
    lo = (uint32_t)sum;
    hi = (uint32_t)(sum >> 32) - ((acc & ~lo) >> 31);
    v = msf_asr(msf_wrap(hi), right);
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

/*
 * Four consecutive output channels (constants r[0..3]) requantised into one word, channel 0 in its
 * low byte: stored with msf_put_word after all four (an int8 store may alias the tables).
 */
MSF_INLINE uint32_t msf_rq_out4(const msf_rq *r, const msf_q *q, const uint32_t *a, int int8_range)
{
    return (uint8_t)msf_rq_out(r, q, a[0], int8_range) | (uint32_t)(uint8_t)msf_rq_out(r + 1, q, a[1], int8_range) << 8 |
           (uint32_t)(uint8_t)msf_rq_out(r + 2, q, a[2], int8_range) << 16 |
           (uint32_t)(uint8_t)msf_rq_out(r + 3, q, a[3], int8_range) << 24;
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
