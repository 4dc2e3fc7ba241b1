/*
 * msf_stream_depthwise.c - DEPTHWISE_CONV_2D with multiplier 1 at one output pixel of a streamed
 * block (msf_stream_fast.h): four channels side by side, one word of input and one of filter per
 * tap (on DSP cores two SXTB16 each and four 16 x 16 MACs), each window row one or two runs.
 */
#include "msf_stream_fast.h"

#if MSF_FAST

#if MSF_DSP
/* One tap of four channels, (x + off) * w, into a[0..3] of the enclosing function (off2: off in both halves; none inside). */
#define MSF_SDW_TAP(xp, wp)                                                                              \
    do {                                                                                                 \
        const uint32_t xw_ = msf_word(xp), ww_ = msf_word(wp);                                           \
        const uint32_t xe_ = inside ? (uint32_t)__sxtb16(xw_) : (uint32_t)__sadd16(__sxtb16(xw_), off2); \
        const uint32_t xo_ = inside ? msf_sxtb16_odd(xw_) : (uint32_t)__sadd16(msf_sxtb16_odd(xw_), off2); \
        const uint32_t we_ = __sxtb16(ww_), wo_ = msf_sxtb16_odd(ww_);                                   \
        a[0] = (uint32_t)__smlabb((int32_t)xe_, (int32_t)we_, (int32_t)a[0]);                            \
        a[2] = (uint32_t)__smlatt((int32_t)xe_, (int32_t)we_, (int32_t)a[2]);                            \
        a[1] = (uint32_t)__smlabb((int32_t)xo_, (int32_t)wo_, (int32_t)a[1]);                            \
        a[3] = (uint32_t)__smlatt((int32_t)xo_, (int32_t)wo_, (int32_t)a[3]);                            \
    } while (0)
#else
#define MSF_SDW_TAP(xp, wp)                                                                              \
    do {                                                                                                 \
        a[0] += (uint32_t)(((xp)[0] + off) * (wp)[0]);                                                   \
        a[1] += (uint32_t)(((xp)[1] + off) * (wp)[1]);                                                   \
        a[2] += (uint32_t)(((xp)[2] + off) * (wp)[2]);                                                   \
        a[3] += (uint32_t)(((xp)[3] + off) * (wp)[3]);                                                   \
    } while (0)
#endif

/*
 * Channels [0, blocks) of the pixel (a multiple of 4), four at a time: each from its start
 * (the folded kernel sum inside the input, off = 0, a constant where this is inlined; else the
 * bias, off the input offset), the window's runs, requantised (int8_range as msf_rq_out's).
 */
MSF_INLINE void msf_sdw_blocks(const msf_q *q, const msf_win *w, int32_t c, int32_t kw, int32_t blocks, int inside, int int8_range,
                               int8_t *out)
{
    const int32_t off = inside ? 0 : q->in_offset;
    const int32_t rows = w->ky1 - w->ky0, taps = w->kx1 - w->kx0;
    const int8_t *const filter = q->weights + (w->ky0 * kw + w->kx0) * c;
#if MSF_DSP
    const uint32_t off2 = ((uint32_t)off & 0xffffu) * 0x10001u;
#endif
    int32_t ch, r, t;
    for (ch = 0; ch < blocks; ch += 4) {
        uint32_t a[4];
        msf_start4(q, ch, inside, a);
        for (r = 0; r < rows; r++) {
            const int8_t *wp = filter + r * kw * c + ch;
            const int8_t *xp = w->at[r][0] + ch;
            const int32_t n0 = w->n0[r];
            for (t = 0; t < taps; t++) {
                if (t == n0) xp = w->at[r][1] + ch;
                MSF_SDW_TAP(xp, wp);
                xp += c;
                wp += c;
            }
        }
        msf_store4(q, ch, a, int8_range, out);
    }
}

/* msf_sdw_blocks compiled for the inside of the input and for the border, both clamps. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void msf_sdw_inside(const msf_q *q, const msf_win *w, int32_t c, int32_t kw, int32_t blocks, int8_t *out)
{
    if (msf_int8_range(q)) msf_sdw_blocks(q, w, c, kw, blocks, 1, 1, out);
    else msf_sdw_blocks(q, w, c, kw, blocks, 1, 0, out);
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void msf_sdw_border(const msf_q *q, const msf_win *w, int32_t c, int32_t kw, int32_t blocks, int8_t *out)
{
    msf_sdw_blocks(q, w, c, kw, blocks, 0, 0, out);
}

void msf_stream_depthwise(const msf_layer *d, const msf_win *w, int8_t *out)
{
    const msf_q q = msf_q_of(d);
    const int32_t c = d->in_c, kw = d->kw, blocks = c & ~3;
    const int interior = w->ky1 - w->ky0 == d->kh && w->kx1 - w->kx0 == d->kw;
    const int32_t off = interior ? 0 : q.in_offset;
    int32_t ch, r, t;
    if (interior) msf_sdw_inside(&q, w, c, kw, blocks, out);
    else msf_sdw_border(&q, w, c, kw, blocks, out);
    for (ch = blocks; ch < c; ch++) { /* the channels left over, one by one */
        uint32_t a = interior ? (uint32_t)q.kernel_sum[ch] : q.bias ? (uint32_t)q.bias[ch] : 0u;
        for (r = 0; r < w->ky1 - w->ky0; r++)
            for (t = 0; t < w->kx1 - w->kx0; t++) {
                const int8_t *x = t < w->n0[r] ? w->at[r][0] + t * c : w->at[r][1] + (t - w->n0[r]) * c;
                a += (uint32_t)((x[ch] + off) * q.weights[((w->ky0 + r) * kw + w->kx0 + t) * c + ch]);
            }
        out[ch] = msf_out(&q, ch, a);
    }
}

#endif /* MSF_FAST */
