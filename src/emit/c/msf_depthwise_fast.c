/*
 * msf_depthwise_fast.c - DEPTHWISE_CONV_2D, the fast path (msf_fast.h; msf_depthwise.c is the
 * reference). Depth multiplier 1: four channels side by side, one word of input and one of filter
 * per tap (on DSP cores two SXTB16 each and four 16 x 16 MACs), from the folded kernel sum at
 * interior pixels. Depth multiplier m > 1 (an input channel feeds m consecutive output channels):
 * each tap's input byte meets m consecutive filter bytes, four at a time. Border pixels add the
 * offset over their valid taps and start from the bias.
 */
#include "msf_fast.h"

#if MSF_FAST

/* Start of output channel oc's accumulator: the folded kernel sum inside, the bias (or 0) at the border. */
static inline uint32_t msf_dw_start(const msf_q *q, int32_t oc, int interior)
{
    if (interior) return (uint32_t)q->kernel_sum[oc];
    return q->bias ? (uint32_t)q->bias[oc] : 0u;
}

/*
 * Four output channels of one pixel: taps [ky0, ky1) x [kx0, kx1), x at the input byte of tap
 * (ky0, kx0), w at the first channel's filter byte of that tap, off added to every input byte.
 * one_input (a constant where this is inlined): the four channels read the same input channel
 * (multiplier > 1), one byte per tap; otherwise four consecutive ones (multiplier 1), one word.
 */
static inline void msf_dw4(const int8_t *x, const int8_t *w, int32_t in_c, int32_t out_c, int32_t row_stride, int32_t w_row,
                           int32_t taps_y, int32_t taps_x, int32_t off, int one_input, uint32_t *a)
{
    int32_t ky, kx;
#if MSF_DSP
    const uint32_t off2 = ((uint32_t)off & 0xffffu) * 0x10001u;
    int32_t a0 = (int32_t)a[0], a1 = (int32_t)a[1], a2 = (int32_t)a[2], a3 = (int32_t)a[3];
    for (ky = 0; ky < taps_y; ky++) {
        const int8_t *xp = x + ky * row_stride;
        const int8_t *wp = w + ky * w_row;
        for (kx = 0; kx < taps_x; kx++) {
            const uint32_t ww = msf_word(wp);
            const uint32_t we = __sxtb16(ww), wo = msf_sxtb16_odd(ww);
            if (one_input) {
                const int32_t v = *xp + off;
                a0 = __smlabb((int32_t)we, v, a0);
                a2 = __smlatb((int32_t)we, v, a2);
                a1 = __smlabb((int32_t)wo, v, a1);
                a3 = __smlatb((int32_t)wo, v, a3);
            } else {
                const uint32_t xw = msf_word(xp);
                const uint32_t xe = off ? (uint32_t)__sadd16(__sxtb16(xw), off2) : (uint32_t)__sxtb16(xw);
                const uint32_t xo = off ? (uint32_t)__sadd16(msf_sxtb16_odd(xw), off2) : msf_sxtb16_odd(xw);
                a0 = __smlabb((int32_t)xe, (int32_t)we, a0);
                a2 = __smlatt((int32_t)xe, (int32_t)we, a2);
                a1 = __smlabb((int32_t)xo, (int32_t)wo, a1);
                a3 = __smlatt((int32_t)xo, (int32_t)wo, a3);
            }
            xp += in_c;
            wp += out_c;
        }
    }
    a[0] = (uint32_t)a0;
    a[1] = (uint32_t)a1;
    a[2] = (uint32_t)a2;
    a[3] = (uint32_t)a3;
#else
    uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    for (ky = 0; ky < taps_y; ky++) {
        const int8_t *xp = x + ky * row_stride;
        const int8_t *wp = w + ky * w_row;
        for (kx = 0; kx < taps_x; kx++) {
            a0 += (uint32_t)((xp[0] + off) * wp[0]);
            a1 += (uint32_t)((xp[one_input ? 0 : 1] + off) * wp[1]);
            a2 += (uint32_t)((xp[one_input ? 0 : 2] + off) * wp[2]);
            a3 += (uint32_t)((xp[one_input ? 0 : 3] + off) * wp[3]);
            xp += in_c;
            wp += out_c;
        }
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
#endif
}

#if MSF_DSP
/*
 * One tap of four channels: the sign-extended input words xe (channels 0 and 2) and xo (1 and 3)
 * against the filter's we and wo, into the accumulators a0..a3 of the enclosing function.
 */
#define MSF_DW_MAC(xe, xo, we, wo)                                                        \
    do {                                                                                  \
        a0 = __smlabb((int32_t)(xe), (int32_t)(we), a0);                                  \
        a2 = __smlatt((int32_t)(xe), (int32_t)(we), a2);                                  \
        a1 = __smlabb((int32_t)(xo), (int32_t)(wo), a1);                                  \
        a3 = __smlatt((int32_t)(xo), (int32_t)(wo), a3);                                  \
    } while (0)

/*
 * Channels [c0, c0 + 4) of an interior pixel of a 3x3 layer with multiplier 1: x at channel c0 of
 * tap (0, 0), step bytes between two taps of a row, the nine filter words of those channels
 * already sign-extended (we: channels c0 and c0 + 2, wo: c0 + 1 and c0 + 3), the window unrolled.
 */
MSF_INLINE void msf_dw3x3(const int8_t *x, const uint32_t *we, const uint32_t *wo, int32_t step, int32_t row_stride,
                          uint32_t *a)
{
    int32_t a0 = (int32_t)a[0], a1 = (int32_t)a[1], a2 = (int32_t)a[2], a3 = (int32_t)a[3];
#define MSF_DW_TAP(xp, k)                                                                 \
    do {                                                                                  \
        const uint32_t xw = msf_word(xp);                                                 \
        MSF_DW_MAC(__sxtb16(xw), msf_sxtb16_odd(xw), we[k], wo[k]);                       \
    } while (0)
#define MSF_DW_ROW(k)                                                                     \
    do {                                                                                  \
        MSF_DW_TAP(x, k);                                                                 \
        MSF_DW_TAP(x + step, k + 1);                                                      \
        MSF_DW_TAP(x + 2 * step, k + 2);                                                  \
    } while (0)
    MSF_DW_ROW(0);
    x += row_stride;
    MSF_DW_ROW(3);
    x += row_stride;
    MSF_DW_ROW(6);
#undef MSF_DW_ROW
#undef MSF_DW_TAP
    a[0] = (uint32_t)a0;
    a[1] = (uint32_t)a1;
    a[2] = (uint32_t)a2;
    a[3] = (uint32_t)a3;
}

#if MSF_ASM
/*
 * One filter row (taps k .. k + 2) of two horizontally adjacent interior pixels of a 3x3 layer with
 * stride 1 and multiplier 1, four channels: a0..a3 (the left pixel) and b0..b3 (the right one)
 * += the products, p at channel c0 of the left pixel's tap (row, 0), s bytes between two taps. The
 * right pixel's tap kx is the left one's kx + 1, so the row's four input words are each read and
 * sign-extended once for both pixels; each filter word pair (we, wo, on the stack) is read once for
 * both. p ends one tap further on. 14 registers, as msf_fast.h's MSF_DOT_2X2_STEP.
 */
#define MSF_DW_MAC4(acc0, acc1, acc2, acc3)                                                                \
    "smlabb %[" #acc0 "], %[xe], %[fe], %[" #acc0 "]\n\t"                                                 \
    "smlatt %[" #acc2 "], %[xe], %[fe], %[" #acc2 "]\n\t"                                                 \
    "smlabb %[" #acc1 "], %[xo], %[fo], %[" #acc1 "]\n\t"                                                 \
    "smlatt %[" #acc3 "], %[xo], %[fo], %[" #acc3 "]\n\t"
#define MSF_DW_UNPACK "sxtb16 %[xe], %[xo]\n\t" "sxtb16 %[xo], %[xo], ror #8\n\t"
#define MSF_DW_ROW2(k)                                                                                     \
    __asm__("ldr %[xo], [%[p]]\n\t"                                                                        \
            "ldr %[fe], %[e0]\n\t"                                                                         \
            "ldr %[fo], %[o0]\n\t" MSF_DW_UNPACK MSF_DW_MAC4(a0, a1, a2, a3)                               \
            "ldr %[xo], [%[p], %[s]]\n\t" MSF_DW_UNPACK MSF_DW_MAC4(b0, b1, b2, b3)                        \
            "ldr %[fe], %[e1]\n\t"                                                                         \
            "ldr %[fo], %[o1]\n\t" MSF_DW_MAC4(a0, a1, a2, a3)                                             \
            "ldr %[xo], [%[p], %[s], lsl #1]\n\t" MSF_DW_UNPACK MSF_DW_MAC4(b0, b1, b2, b3)                \
            "ldr %[fe], %[e2]\n\t"                                                                         \
            "ldr %[fo], %[o2]\n\t" MSF_DW_MAC4(a0, a1, a2, a3)                                             \
            "add %[p], %[p], %[s]\n\t"                                                                     \
            "ldr %[xo], [%[p], %[s], lsl #1]\n\t" MSF_DW_UNPACK MSF_DW_MAC4(b0, b1, b2, b3)                \
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [b0] "+r"(b0), [b1] "+r"(b1),   \
              [b2] "+r"(b2), [b3] "+r"(b3), [p] "+r"(p), [xe] "=&r"(xe), [xo] "=&r"(xo), [fe] "=&r"(fe),   \
              [fo] "=&r"(fo)                                                                               \
            : [s] "r"(step), [e0] "m"(we[k]), [o0] "m"(wo[k]), [e1] "m"(we[k + 1]), [o1] "m"(wo[k + 1]),   \
              [e2] "m"(we[k + 2]), [o2] "m"(wo[k + 2])                                                     \
            : "memory")

/* The two pixels' window (msf_dw3x3 for a pair): a[0..3] the left pixel's channels, b[0..3] the right one's. */
MSF_INLINE void msf_dw3x3_pair(const int8_t *x, const uint32_t *we, const uint32_t *wo, int32_t step, int32_t row_stride,
                               uint32_t *a, uint32_t *b)
{
    uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
    uint32_t xe, xo, fe, fo;
    const int8_t *p = x;
    MSF_DW_ROW2(0);
    p += row_stride - step;
    MSF_DW_ROW2(3);
    p += row_stride - step;
    MSF_DW_ROW2(6);
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
    b[0] = b0;
    b[1] = b1;
    b[2] = b2;
    b[3] = b3;
}
#undef MSF_DW_ROW2
#undef MSF_DW_UNPACK
#undef MSF_DW_MAC4
#endif

#if MSF_ASM
/*
 * msf_dw3x3_w (the C version below) in assembly: one filter row a statement, the input and filter words of each tap read and
 * sign-extended into four registers, the compiler's own scheduling of the same steps spills.
 */
#define MSF_DW_TAP1(off)                                                                                   \
    "ldr %[xo], [%[p]" off "]\n\t"                                                                         \
    "ldr %[fo], [%[q]" off "]\n\t"                                                                         \
    "sxtb16 %[xe], %[xo]\n\t"                                                                              \
    "sxtb16 %[xo], %[xo], ror #8\n\t"                                                                      \
    "sxtb16 %[fe], %[fo]\n\t"                                                                              \
    "sxtb16 %[fo], %[fo], ror #8\n\t"                                                                      \
    "smlabb %[a0], %[xe], %[fe], %[a0]\n\t"                                                                \
    "smlatt %[a2], %[xe], %[fe], %[a2]\n\t"                                                                \
    "smlabb %[a1], %[xo], %[fo], %[a1]\n\t"                                                                \
    "smlatt %[a3], %[xo], %[fo], %[a3]\n\t"
#define MSF_DW_ROW1()                                                                                      \
    __asm__(MSF_DW_TAP1("") MSF_DW_TAP1(", %[s]") MSF_DW_TAP1(", %[s], lsl #1")                            \
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xe] "=&r"(xe), [xo] "=&r"(xo),  \
              [fe] "=&r"(fe), [fo] "=&r"(fo)                                                               \
            : [p] "r"(x), [q] "r"(w), [s] "r"(step)                                                        \
            : "memory")

MSF_INLINE void msf_dw3x3_w(const int8_t *x, const int8_t *w, int32_t step, int32_t row_stride, uint32_t *a)
{
    uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    uint32_t xe, xo, fe, fo;
    MSF_DW_ROW1();
    x += row_stride;
    w += 3 * step;
    MSF_DW_ROW1();
    x += row_stride;
    w += 3 * step;
    MSF_DW_ROW1();
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
}
#undef MSF_DW_ROW1
#undef MSF_DW_TAP1
#else
/*
 * msf_dw3x3 with the filter words read and sign-extended at each tap (w at channel c0 of tap
 * (0, 0), step bytes between two taps as in the input: the layer's channels): for a call of few pixels, where unpacking them once per
 * call would cost more than it saves.
 */
MSF_INLINE void msf_dw3x3_w(const int8_t *x, const int8_t *w, int32_t step, int32_t row_stride, uint32_t *a)
{
    const int32_t w_step = step;
    int32_t a0 = (int32_t)a[0], a1 = (int32_t)a[1], a2 = (int32_t)a[2], a3 = (int32_t)a[3];
#define MSF_DW_TAP(xp, wp)                                                                \
    do {                                                                                  \
        const uint32_t xw = msf_word(xp), ww = msf_word(wp);                              \
        const uint32_t xe = __sxtb16(xw), xo = msf_sxtb16_odd(xw);                        \
        MSF_DW_MAC(xe, xo, __sxtb16(ww), msf_sxtb16_odd(ww));                             \
    } while (0)
#define MSF_DW_ROW()                                                                      \
    do {                                                                                  \
        MSF_DW_TAP(x, w);                                                                 \
        MSF_DW_TAP(x + step, w + w_step);                                                 \
        MSF_DW_TAP(x + 2 * step, w + 2 * w_step);                                         \
    } while (0)
    MSF_DW_ROW();
    x += row_stride;
    w += 3 * w_step;
    MSF_DW_ROW();
    x += row_stride;
    w += 3 * w_step;
    MSF_DW_ROW();
    a[0] = (uint32_t)a0;
    a[1] = (uint32_t)a1;
    a[2] = (uint32_t)a2;
    a[3] = (uint32_t)a3;
#undef MSF_DW_ROW
#undef MSF_DW_TAP
}
#endif /* MSF_ASM */
#endif

/* Calls of at most this many interior pixels (a fusion block's) work out each channel's constants where they use them. */
#define MSF_FEW_PIXELS 3

/*
 * Multiplier 1, channels [0, channels) of a call of few interior pixels: for each pixel, four
 * channels at a time, their requantisation constants worked out right where they are used (held
 * across the pixels, they would be spilled to the stack).
 */
MSF_INLINE void msf_dw_few_in(const msf_q *q, const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0,
                              int32_t in_cols, int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                              int32_t ya, int32_t yb, int32_t xa, int32_t xb, int32_t channels, int int8_range)
{
    const int32_t c = d->in_c, kh = d->kh, kw = d->kw;
    const int32_t row_stride = in_cols * c;
    const msf_clamp4_of cl = msf_clamp4_for(q);
    int32_t ic, oy, ox, k;
    for (oy = ya; oy < yb; oy++)
        for (ox = xa; ox < xb; ox++) {
            const int8_t *x = in + (oy * d->sh - d->pad_t - in_row0) * row_stride + (ox * d->sw - d->pad_l - in_col0) * c;
            int8_t *o = out + ((oy - out_row0) * out_cols + (ox - out_col0)) * c;
            for (ic = 0; ic < channels; ic += 4) {
                uint32_t a[4];
                for (k = 0; k < 4; k++) a[k] = (uint32_t)q->kernel_sum[ic + k];
#if MSF_DSP
                if (kh == 3 && kw == 3) msf_dw3x3_w(x + ic, q->weights + ic, c, row_stride, a);
                else
#endif
                    msf_dw4(x + ic, q->weights + ic, c, c, row_stride, kw * c, kh, kw, 0, 0, a);
                msf_put_word(o + ic, msf_rq_out4_c(q->rq + ic, q, a, int8_range, &cl));
            }
        }
}

/*
 * Multiplier 1, channels [0, channels) (a multiple of 4) of the interior pixels [ya, yb) x [xa, xb):
 * four channels at a time over every pixel, so that their kernel sums and requantisation are
 * worked out once per call.
 */
MSF_INLINE void msf_dw_interior_in(const msf_q *q, const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0,
                               int32_t in_cols, int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                               int32_t ya, int32_t yb, int32_t xa, int32_t xb, int32_t channels, int int8_range)
{
    const int32_t c = d->in_c, kh = d->kh, kw = d->kw;
    const int32_t row_stride = in_cols * c, x_step = d->sw * c;
    const msf_clamp4_of cl = msf_clamp4_for(q);
#if MSF_DSP
    const int unrolled = kh == 3 && kw == 3;
#endif
    int32_t ic, oy, ox, k;
    for (ic = 0; ic < channels; ic += 4) {
        const int8_t *w = q->weights + ic;
        const msf_rq *r = q->rq + ic;
#if MSF_DSP
        uint32_t we[9], wo[9]; /* the 3x3 filter words, sign-extended once per call */
        if (unrolled)
            for (k = 0; k < 9; k++) {
                we[k] = __sxtb16(msf_word(w + k * c));
                wo[k] = msf_sxtb16_odd(msf_word(w + k * c));
            }
#endif
        for (oy = ya; oy < yb; oy++) {
            const int8_t *x = in + (oy * d->sh - d->pad_t - in_row0) * row_stride + (xa * d->sw - d->pad_l - in_col0) * c + ic;
            int8_t *o = out + ((oy - out_row0) * out_cols + (xa - out_col0)) * c + ic;
            ox = xa;
#if MSF_ASM
            /* stride 1: two pixels at a time, sharing their input words */
            if (unrolled && d->sw == 1)
                for (; ox + 2 <= xb; ox += 2) {
                    uint32_t a[4], b[4];
                    for (k = 0; k < 4; k++) a[k] = b[k] = (uint32_t)q->kernel_sum[ic + k];
                    msf_dw3x3_pair(x, we, wo, c, row_stride, a, b);
                    {
                        const uint32_t wa = msf_rq_out4_c(r, q, a, int8_range, &cl), wb = msf_rq_out4_c(r, q, b, int8_range, &cl);
                        msf_put_word(o, wa);
                        msf_put_word(o + c, wb);
                    }
                    x += 2 * c;
                    o += 2 * c;
                }
#endif
            for (; ox < xb; ox++) {
                uint32_t a[4];
                for (k = 0; k < 4; k++) a[k] = (uint32_t)q->kernel_sum[ic + k];
#if MSF_DSP
                if (unrolled) msf_dw3x3(x, we, wo, c, row_stride, a);
                else
#endif
                    msf_dw4(x, w, c, c, row_stride, kw * c, kh, kw, 0, 0, a);
                msf_put_word(o, msf_rq_out4_c(r, q, a, int8_range, &cl));
                x += x_step;
                o += c;
            }
        }
    }
}

/* msf_dw_few_in compiled for both clamps; apart, so that it leaves the code of msf_dw_interior_in as it is. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void msf_dw_few(const msf_q *q, const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0,
                       int32_t in_cols, int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                       int32_t ya, int32_t yb, int32_t xa, int32_t xb, int32_t channels)
{
    if (msf_int8_range(q))
        msf_dw_few_in(q, d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, ya, yb, xa, xb, channels, 1);
    else
        msf_dw_few_in(q, d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, ya, yb, xa, xb, channels, 0);
}

/* msf_dw_interior_in compiled for both clamps. */
static void msf_dw_interior(const msf_q *q, const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0,
                            int32_t in_cols, int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                            int32_t ya, int32_t yb, int32_t xa, int32_t xb, int32_t channels)
{
    if ((yb - ya) * (xb - xa) <= MSF_FEW_PIXELS)
        msf_dw_few(q, d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, ya, yb, xa, xb, channels);
    else if (msf_int8_range(q))
        msf_dw_interior_in(q, d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, ya, yb, xa, xb, channels, 1);
    else
        msf_dw_interior_in(q, d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, ya, yb, xa, xb, channels, 0);
}

/* Output channels [oc0, oc0 + count) that all read input channel ic (count <= 4). */
static inline void msf_dw_channels(const int8_t *x, const int8_t *w, int32_t in_c, int32_t out_c, int32_t row_stride,
                                   int32_t w_row, int32_t taps_y, int32_t taps_x, int32_t off, int32_t count, uint32_t *a)
{
    int32_t ky, kx, k;
    for (ky = 0; ky < taps_y; ky++) {
        const int8_t *xp = x + ky * row_stride;
        const int8_t *wp = w + ky * w_row;
        for (kx = 0; kx < taps_x; kx++) {
            const int32_t v = *xp + off;
            for (k = 0; k < count; k++) a[k] += (uint32_t)(v * wp[k]);
            xp += in_c;
            wp += out_c;
        }
    }
}

void msf_depthwise_fast(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                        int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                        int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t in_c = d->in_c;
    const int32_t out_c = d->out_c;
    const int32_t m = d->depth_mult;
    const int32_t row_stride = in_cols * in_c;
    const int32_t w_row = d->kw * out_c;
    const int32_t kh = d->kh, kw = d->kw;
    const msf_q q = msf_q_of(d);
    const msf_clamp4_of cl = msf_clamp4_for(&q);
    int32_t ya, yb, xa, xb;
    int32_t done = 0; /* channels [0, done) of the interior pixels, computed first */
    int32_t oy, ox, ic, oc, k;
    msf_inner(oy0, oy1, d->sh, d->pad_t, kh, d->in_h, &ya, &yb);
    msf_inner(ox0, ox1, d->sw, d->pad_l, kw, d->in_w, &xa, &xb);
    if (m == 1 && ya < yb && xa < xb) {
        done = in_c - in_c % 4;
        msf_dw_interior(&q, d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, ya, yb, xa, xb, done);
        if (done == in_c && ya == oy0 && yb == oy1 && xa == ox0 && xb == ox1) return; /* no border pixel */
    }
    for (oy = oy0; oy < oy1; oy++) {
        const int32_t iy = oy * d->sh - d->pad_t;
        const int32_t ky0 = msf_max(0, -iy);
        const int32_t ky1 = msf_min(kh, d->in_h - iy);
        for (ox = ox0; ox < ox1; ox++) {
            const int32_t ix = ox * d->sw - d->pad_l;
            const int32_t kx0 = msf_max(0, -ix);
            const int32_t kx1 = msf_min(kw, d->in_w - ix);
            const int interior = ky0 == 0 && ky1 == kh && kx0 == 0 && kx1 == kw;
            const int32_t off = interior ? 0 : q.in_offset;
            const int32_t ty = msf_max(0, ky1 - ky0), tx = msf_max(0, kx1 - kx0);
            /* tap (ky0, kx0): only dereferenced when there are taps */
            const int8_t *x = ty > 0 && tx > 0 ? in + (iy + ky0 - in_row0) * row_stride + (ix + kx0 - in_col0) * in_c : in;
            const int8_t *w = q.weights + (ky0 * kw + kx0) * out_c;
            int8_t *o = out + ((oy - out_row0) * out_cols + (ox - out_col0)) * out_c;
            uint32_t a[4];
            if (ty == 0 || tx == 0) {
                for (oc = 0; oc < out_c; oc++) o[oc] = msf_out(&q, oc, msf_dw_start(&q, oc, 0));
                continue;
            }
            if (m == 1) {
                ic = interior ? done : 0;
                for (; ic + 4 <= in_c; ic += 4) {
                    for (k = 0; k < 4; k++) a[k] = msf_dw_start(&q, ic + k, interior);
                    msf_dw4(x + ic, w + ic, in_c, out_c, row_stride, w_row, ty, tx, off, 0, a);
                    msf_put_word(o + ic, msf_rq_out4_c(q.rq + ic, &q, a, 0, &cl));
                }
                for (; ic < in_c; ic++) {
                    a[0] = msf_dw_start(&q, ic, interior);
                    msf_dw_channels(x + ic, w + ic, in_c, out_c, row_stride, w_row, ty, tx, off, 1, a);
                    o[ic] = msf_out(&q, ic, a[0]);
                }
                continue;
            }
            for (ic = 0; ic < in_c; ic++) {
                for (oc = ic * m; oc < (ic + 1) * m; oc += 4) {
                    const int32_t count = msf_min(4, (ic + 1) * m - oc);
                    for (k = 0; k < count; k++) a[k] = msf_dw_start(&q, oc + k, interior);
                    if (count == 4) {
                        /* the offset a constant 0 inside (folded into the kernel sums) */
                        if (interior) msf_dw4(x + ic, w + oc, in_c, out_c, row_stride, w_row, ty, tx, 0, 1, a);
                        else msf_dw4(x + ic, w + oc, in_c, out_c, row_stride, w_row, ty, tx, off, 1, a);
                        msf_put_word(o + oc, msf_rq_out4_c(q.rq + oc, &q, a, 0, &cl));
                        continue;
                    }
                    msf_dw_channels(x + ic, w + oc, in_c, out_c, row_stride, w_row, ty, tx, off, count, a);
                    for (k = 0; k < count; k++) o[oc + k] = msf_out(&q, oc + k, a[k]);
                }
            }
        }
    }
}

#endif /* MSF_FAST */
