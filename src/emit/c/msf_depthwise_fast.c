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
 * Channels [c0, c0 + 4) (multiplier 1) of one pixel: taps [ky0, ky1) x [kx0, kx1), x at input
 * channel c0 of tap (ky0, kx0), w at filter channel c0 of that tap.
 */
static inline void msf_dw4(const int8_t *x, const int8_t *w, int32_t in_c, int32_t out_c, int32_t row_stride, int32_t w_row,
                           int32_t taps_y, int32_t taps_x, int32_t off, uint32_t *a)
{
    int32_t ky, kx;
#if MSF_DSP
    const uint32_t off2 = ((uint32_t)off & 0xffffu) * 0x10001u;
    int32_t a0 = (int32_t)a[0], a1 = (int32_t)a[1], a2 = (int32_t)a[2], a3 = (int32_t)a[3];
    for (ky = 0; ky < taps_y; ky++) {
        const int8_t *xp = x + ky * row_stride;
        const int8_t *wp = w + ky * w_row;
        for (kx = 0; kx < taps_x; kx++) {
            const uint32_t xw = msf_word(xp), ww = msf_word(wp);
            const uint32_t xe = off ? (uint32_t)__sadd16(__sxtb16(xw), off2) : (uint32_t)__sxtb16(xw);
            const uint32_t xo = off ? (uint32_t)__sadd16(msf_sxtb16_odd(xw), off2) : msf_sxtb16_odd(xw);
            const uint32_t we = __sxtb16(ww), wo = msf_sxtb16_odd(ww);
            a0 = __smlabb((int32_t)xe, (int32_t)we, a0);
            a2 = __smlatt((int32_t)xe, (int32_t)we, a2);
            a1 = __smlabb((int32_t)xo, (int32_t)wo, a1);
            a3 = __smlatt((int32_t)xo, (int32_t)wo, a3);
            xp += in_c;
            wp += out_c;
        }
    }
    a[0] = (uint32_t)a0;
    a[1] = (uint32_t)a1;
    a[2] = (uint32_t)a2;
    a[3] = (uint32_t)a3;
#else
    for (ky = 0; ky < taps_y; ky++) {
        const int8_t *xp = x + ky * row_stride;
        const int8_t *wp = w + ky * w_row;
        for (kx = 0; kx < taps_x; kx++) {
            a[0] += (uint32_t)((xp[0] + off) * wp[0]);
            a[1] += (uint32_t)((xp[1] + off) * wp[1]);
            a[2] += (uint32_t)((xp[2] + off) * wp[2]);
            a[3] += (uint32_t)((xp[3] + off) * wp[3]);
            xp += in_c;
            wp += out_c;
        }
    }
#endif
}

#if MSF_DSP
/*
 * An interior pixel of a 3x3 layer with multiplier 1, channels [0, in_c - in_c % 4): the window
 * unrolled (nine taps, no loop bookkeeping), the offset folded into the kernel sum, four channels'
 * accumulators in registers from the kernel sum to the requantised bytes.
 */
static void msf_dw3x3_interior(const msf_q *q, const int8_t *x, const int8_t *w, int32_t in_c, int32_t row_stride,
                               int32_t w_row, int8_t *o)
{
    int32_t ic;
    for (ic = 0; ic + 4 <= in_c; ic += 4) {
        int32_t a0 = q->kernel_sum[ic], a1 = q->kernel_sum[ic + 1], a2 = q->kernel_sum[ic + 2], a3 = q->kernel_sum[ic + 3];
        int32_t ky;
        for (ky = 0; ky < 3; ky++) {
            const int8_t *xp = x + ky * row_stride + ic;
            const int8_t *wp = w + ky * w_row + ic;
#define MSF_DW_TAP(k)                                                                     \
    do {                                                                                  \
        const uint32_t xw = msf_word(xp + (k) * in_c), ww = msf_word(wp + (k) * in_c);    \
        const uint32_t xe = __sxtb16(xw), xo = msf_sxtb16_odd(xw);                        \
        const uint32_t we = __sxtb16(ww), wo = msf_sxtb16_odd(ww);                        \
        a0 = __smlabb((int32_t)xe, (int32_t)we, a0);                                      \
        a2 = __smlatt((int32_t)xe, (int32_t)we, a2);                                      \
        a1 = __smlabb((int32_t)xo, (int32_t)wo, a1);                                      \
        a3 = __smlatt((int32_t)xo, (int32_t)wo, a3);                                      \
    } while (0)
            MSF_DW_TAP(0);
            MSF_DW_TAP(1);
            MSF_DW_TAP(2);
#undef MSF_DW_TAP
        }
        o[ic] = msf_out(q, ic, (uint32_t)a0);
        o[ic + 1] = msf_out(q, ic + 1, (uint32_t)a1);
        o[ic + 2] = msf_out(q, ic + 2, (uint32_t)a2);
        o[ic + 3] = msf_out(q, ic + 3, (uint32_t)a3);
    }
}
#endif

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

/*
 * Four output channels [oc, oc + 4) fed by one input channel (multiplier > 1): every tap's input
 * byte (plus off) meets four consecutive filter bytes; accumulators in registers, a[] in and out.
 */
static void msf_dw_mult4(const int8_t *x, const int8_t *w, int32_t in_c, int32_t out_c, int32_t row_stride, int32_t w_row,
                         int32_t taps_y, int32_t taps_x, int32_t off, uint32_t *a)
{
    int32_t ky, kx;
#if MSF_DSP
    int32_t a0 = (int32_t)a[0], a1 = (int32_t)a[1], a2 = (int32_t)a[2], a3 = (int32_t)a[3];
    for (ky = 0; ky < taps_y; ky++) {
        const int8_t *xp = x + ky * row_stride;
        const int8_t *wp = w + ky * w_row;
        for (kx = 0; kx < taps_x; kx++) {
            const int32_t v = *xp + off;
            const uint32_t ww = msf_word(wp);
            const int32_t we = (int32_t)__sxtb16(ww), wo = (int32_t)msf_sxtb16_odd(ww);
            a0 = __smlabb(we, v, a0);
            a2 = __smlatb(we, v, a2);
            a1 = __smlabb(wo, v, a1);
            a3 = __smlatb(wo, v, a3);
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
            const int32_t v = *xp + off;
            a0 += (uint32_t)(v * wp[0]);
            a1 += (uint32_t)(v * wp[1]);
            a2 += (uint32_t)(v * wp[2]);
            a3 += (uint32_t)(v * wp[3]);
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
    int32_t oy, ox, ic, oc, k;
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
                ic = 0;
#if MSF_DSP
                if (interior && kh == 3 && kw == 3) {
                    msf_dw3x3_interior(&q, x, w, in_c, row_stride, w_row, o);
                    ic = in_c - in_c % 4;
                }
#endif
                for (; ic + 4 <= in_c; ic += 4) {
                    for (k = 0; k < 4; k++) a[k] = msf_dw_start(&q, ic + k, interior);
                    msf_dw4(x + ic, w + ic, in_c, out_c, row_stride, w_row, ty, tx, off, a);
                    for (k = 0; k < 4; k++) o[ic + k] = msf_out(&q, ic + k, a[k]);
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
                    if (count == 4) msf_dw_mult4(x + ic, w + oc, in_c, out_c, row_stride, w_row, ty, tx, off, a);
                    else msf_dw_channels(x + ic, w + oc, in_c, out_c, row_stride, w_row, ty, tx, off, count, a);
                    for (k = 0; k < count; k++) o[oc + k] = msf_out(&q, oc + k, a[k]);
                }
            }
        }
    }
}

#endif /* MSF_FAST */
