/*
 * msf_stream_fast.h - the fast kernels of streamed blocks (msf_stream.c): one output pixel of
 * CONV_2D or DEPTHWISE_CONV_2D (multiplier 1) whose window is read from a ring or a column cache.
 * The walker hands each window row over as at most two contiguous runs of taps (msf_win), so a
 * window that wraps its buffer needs neither a copy nor an address per tap. The arithmetic is
 * msf_fast.h's: the folded kernel sum when the whole window lies inside the input, else the bias
 * and the input offset added tap by tap over the taps inside it; the reference kernels' bytes.
 */
#ifndef MSF_STREAM_FAST_H
#define MSF_STREAM_FAST_H

#include "msf_fast.h"

#if MSF_FAST

/* Window rows a msf_win holds (a taller window goes to the reference kernels). */
#define MSF_WIN_ROWS 8

/*
 * An output pixel's window: the filter taps [ky0, ky1) x [kx0, kx1) that fall inside the input;
 * filter row ky0 + r reads its first n0[r] taps (channel 0 of each) from at[r][0] on and the
 * others from at[r][1] on, taps one after the other.
 */
typedef struct msf_win {
    int32_t ky0, ky1, kx0, kx1;
    int32_t n0[MSF_WIN_ROWS];
    const int8_t *at[MSF_WIN_ROWS][2];
} msf_win;

/*
 * Four output channels [oc, oc + 4) of a pixel: their accumulators' start (inside the input,
 * inside = 1: the folded kernel sum; else the bias), and their requantisation and stores
 * (int8_range as msf_rq_out's; all four requantised first: an int8 store may alias the tables).
 */
MSF_INLINE void msf_start4(const msf_q *q, int32_t oc, int inside, uint32_t *a)
{
    const int32_t *const start = inside ? q->kernel_sum : q->bias; /* (written out: a loop would keep a in memory) */
    a[0] = start ? (uint32_t)start[oc] : 0u;
    a[1] = start ? (uint32_t)start[oc + 1] : 0u;
    a[2] = start ? (uint32_t)start[oc + 2] : 0u;
    a[3] = start ? (uint32_t)start[oc + 3] : 0u;
}

MSF_INLINE void msf_store4(const msf_q *q, int32_t oc, const uint32_t *a, int int8_range, int8_t *out)
{
    const msf_rq r0 = msf_rq_of(q, oc), r1 = msf_rq_of(q, oc + 1), r2 = msf_rq_of(q, oc + 2), r3 = msf_rq_of(q, oc + 3);
    const int8_t v0 = msf_rq_out(&r0, q, a[0], int8_range), v1 = msf_rq_out(&r1, q, a[1], int8_range);
    const int8_t v2 = msf_rq_out(&r2, q, a[2], int8_range), v3 = msf_rq_out(&r3, q, a[3], int8_range);
    out[oc] = v0;
    out[oc + 1] = v1;
    out[oc + 2] = v2;
    out[oc + 3] = v3;
}

/* One output pixel (out: its channel 0) of CONV_2D / of DEPTHWISE_CONV_2D with multiplier 1. */
void msf_stream_conv(const msf_layer *d, const msf_win *w, int8_t *out);
void msf_stream_depthwise(const msf_layer *d, const msf_win *w, int8_t *out);

#endif /* MSF_FAST */
#endif /* MSF_STREAM_FAST_H */
