/*
 * msf_stream_conv.c - CONV_2D at one output pixel of a streamed block (msf_stream_fast.h): four
 * output channels at a time (msf_conv_fast.c's msf_dot_1x4 inside the input, msf_fast.h's
 * msf_dot_1x2 with the offset at the border), each window row one or two runs of in_c-byte taps.
 */
#include "msf_stream_fast.h"

#if MSF_FAST

/*
 * Output channels [0, blocks) (a multiple of 4) of the pixel, four at a time: a's start (the
 * folded kernel sum inside the input, off = 0, a constant where this is inlined; else the bias and
 * off the input offset), the dot products over the window's runs, requantised (int8_range as
 * msf_rq_out's). fs: bytes of one channel's filter; run: bytes of a window row.
 */
MSF_INLINE void msf_sconv_blocks(const msf_q *q, const msf_win *w, int32_t in_c, int32_t kw, int32_t fs, int32_t blocks, int inside,
                                 int int8_range, int8_t *out)
{
    const int32_t off = inside ? 0 : q->in_offset;
    const int32_t rows = w->ky1 - w->ky0, run = (w->kx1 - w->kx0) * in_c;
    const int8_t *const first = q->weights + (w->ky0 * kw + w->kx0) * in_c; /* channel 0's first tap inside the input */
    int32_t oc, r;
    for (oc = 0; oc < blocks; oc += 4) {
        const int8_t *const filter = first + oc * fs;
        uint32_t a[4];
        msf_start4(q, oc, inside, a);
        for (r = 0; r < rows; r++) {
            const int8_t *wr = filter + r * kw * in_c;
            const int32_t n0 = w->n0[r] * in_c;
            if (!off) { /* (not `inside`: off != 0 below makes msf_dot_1x2's loop add it unconditionally) */
                msf_dot_1x4(w->at[r][0], wr, fs, n0, a);
                if (n0 < run) msf_dot_1x4(w->at[r][1], wr + n0, fs, run - n0, a);
            } else {
                msf_dot_1x2(w->at[r][0], wr, wr + fs, n0, off, a);
                msf_dot_1x2(w->at[r][0], wr + 2 * fs, wr + 3 * fs, n0, off, a + 2);
                if (n0 < run) {
                    msf_dot_1x2(w->at[r][1], wr + n0, wr + fs + n0, run - n0, off, a);
                    msf_dot_1x2(w->at[r][1], wr + 2 * fs + n0, wr + 3 * fs + n0, run - n0, off, a + 2);
                }
            }
        }
        msf_store4(q, oc, a, int8_range, out);
    }
}

/* msf_sconv_blocks compiled for the inside of the input (both clamps) and for the border. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void msf_sconv_inside(const msf_q *q, const msf_win *w, int32_t in_c, int32_t kw, int32_t fs, int32_t blocks, int8_t *out)
{
    if (msf_int8_range(q)) msf_sconv_blocks(q, w, in_c, kw, fs, blocks, 1, 1, out);
    else msf_sconv_blocks(q, w, in_c, kw, fs, blocks, 1, 0, out);
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void msf_sconv_border(const msf_q *q, const msf_win *w, int32_t in_c, int32_t kw, int32_t fs, int32_t blocks, int8_t *out)
{
    msf_sconv_blocks(q, w, in_c, kw, fs, blocks, 0, 0, out);
}

void msf_stream_conv(const msf_layer *d, const msf_win *w, int8_t *out)
{
    const msf_q q = msf_q_of(d);
    const int32_t in_c = d->in_c, out_c = d->out_c, kw = d->kw, blocks = out_c & ~3;
    const int32_t fs = d->kh * kw * in_c, run = (w->kx1 - w->kx0) * in_c;
    /* a border window adds the offset over its taps inside the input; with no offset, the folded sum is the bias */
    const int interior = q.in_offset == 0 || (w->ky1 - w->ky0 == d->kh && w->kx1 - w->kx0 == kw);
    const int32_t off = interior ? 0 : q.in_offset;
    int32_t oc, r;
    if (interior) msf_sconv_inside(&q, w, in_c, kw, fs, blocks, out);
    else msf_sconv_border(&q, w, in_c, kw, fs, blocks, out);
    for (oc = blocks; oc < out_c; oc++) { /* the channels left over, one by one */
        const int8_t *filter = q.weights + oc * fs + (w->ky0 * kw + w->kx0) * in_c;
        uint32_t a = interior ? (uint32_t)q.kernel_sum[oc] : q.bias ? (uint32_t)q.bias[oc] : 0u;
        for (r = 0; r < w->ky1 - w->ky0; r++) {
            const int32_t n0 = w->n0[r] * in_c;
            a += msf_dot_1x1(w->at[r][0], filter + r * kw * in_c, n0, off);
            a += msf_dot_1x1(w->at[r][1], filter + r * kw * in_c + n0, run - n0, off);
        }
        out[oc] = msf_out(&q, oc, a);
    }
}

#endif /* MSF_FAST */
