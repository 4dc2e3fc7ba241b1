/*
 * msf_conv_fast.c - CONV_2D and FULLY_CONNECTED, the fast path (msf_fast.h; msf_conv.c and
 * msf_fully_connected.c are the reference). Interior pixels (the whole window inside the input)
 * go in pairs, two output channels at a time, each filter row one contiguous run of kw * in_c
 * bytes, from the folded kernel sum; border pixels and a pixel left without a partner go alone,
 * adding the offset over their valid taps only. A fully connected layer is one interior pixel.
 */
#include "msf_fast.h"

#if MSF_FAST

/* Layer constants of one call. */
typedef struct msf_conv_args {
    msf_q q;
    int32_t kh, in_c, out_c;
    int32_t run;         /* bytes of one filter row: kw * in_c */
    int32_t filter_size; /* bytes of one output channel's filter: kh * run */
    int32_t row_stride;  /* bytes between two rows of the input buffer */
} msf_conv_args;

/* Two interior pixels whose windows start at xa / xb. */
static void msf_conv_pair(const msf_conv_args *c, const int8_t *xa, const int8_t *xb, int8_t *oa, int8_t *ob)
{
    const msf_q q = c->q;
    const int32_t out_c = c->out_c, kh = c->kh, run = c->run, fs = c->filter_size, stride = c->row_stride;
    int32_t oc, ky;
    for (oc = 0; oc + 2 <= out_c; oc += 2) {
        const int8_t *w0 = q.weights + oc * fs;
        uint32_t a[4];
        a[0] = a[2] = (uint32_t)q.kernel_sum[oc];
        a[1] = a[3] = (uint32_t)q.kernel_sum[oc + 1];
        for (ky = 0; ky < kh; ky++) msf_dot_2x2(xa + ky * stride, xb + ky * stride, w0 + ky * run, w0 + fs + ky * run, run, a);
        {
            /* all four requantised before the stores (an int8 store may alias the tables) */
            const int8_t r0 = msf_out(&q, oc, a[0]), r2 = msf_out(&q, oc, a[2]);
            const int8_t r1 = msf_out(&q, oc + 1, a[1]), r3 = msf_out(&q, oc + 1, a[3]);
            oa[oc] = r0;
            oa[oc + 1] = r1;
            ob[oc] = r2;
            ob[oc + 1] = r3;
        }
    }
    if (oc < out_c) {
        const int8_t *w = q.weights + oc * fs;
        uint32_t a = (uint32_t)q.kernel_sum[oc], b = a;
        for (ky = 0; ky < kh; ky++) {
            a += msf_dot_1x1(xa + ky * stride, w + ky * run, run, 0);
            b += msf_dot_1x1(xb + ky * stride, w + ky * run, run, 0);
        }
        oa[oc] = msf_out(&q, oc, a);
        ob[oc] = msf_out(&q, oc, b);
    }
}

/*
 * One pixel: filter rows [ky0, ky1), taps [kx0, kx0 + n / in_c) of each, x at the first valid
 * input byte. interior: the window is whole and the kernel sum holds the offset; otherwise the
 * offset is added over the valid taps and the bias is the start.
 */
MSF_INLINE void msf_conv_one(const msf_conv_args *c, const int8_t *x, int32_t ky0, int32_t ky1, int32_t kx0, int32_t n,
                             int interior, int8_t *o)
{
    const msf_q q = c->q;
    const int32_t out_c = c->out_c, run = c->run, fs = c->filter_size, stride = c->row_stride;
    const int32_t off = interior ? 0 : q.in_offset;
    const int32_t w_first = ky0 * run + kx0 * c->in_c;
    /* interior: the folded kernel sum; border: the bias (or 0) */
    const int32_t *start = interior ? q.kernel_sum : q.bias;
    int32_t oc, ky;
    for (oc = 0; oc + 2 <= out_c; oc += 2) {
        const int8_t *w0 = q.weights + oc * fs + w_first;
        uint32_t a[2];
        a[0] = start ? (uint32_t)start[oc] : 0u;
        a[1] = start ? (uint32_t)start[oc + 1] : 0u;
        for (ky = ky0; ky < ky1; ky++)
            msf_dot_1x2(x + (ky - ky0) * stride, w0 + (ky - ky0) * run, w0 + fs + (ky - ky0) * run, n, off, a);
        {
            const int8_t r0 = msf_out(&q, oc, a[0]), r1 = msf_out(&q, oc + 1, a[1]);
            o[oc] = r0;
            o[oc + 1] = r1;
        }
    }
    if (oc < out_c) {
        const int8_t *w = q.weights + oc * fs + w_first;
        uint32_t a = start ? (uint32_t)start[oc] : 0u;
        for (ky = ky0; ky < ky1; ky++) a += msf_dot_1x1(x + (ky - ky0) * stride, w + (ky - ky0) * run, n, off);
        o[oc] = msf_out(&q, oc, a);
    }
}

/* The two forms of msf_conv_one, each compiled with its constant (the interior one has no offset adds). */
static void msf_conv_interior(const msf_conv_args *c, const int8_t *x, int8_t *o)
{
    msf_conv_one(c, x, 0, c->kh, 0, c->run, 1, o);
}
static void msf_conv_border(const msf_conv_args *c, const int8_t *x, int32_t ky0, int32_t ky1, int32_t kx0, int32_t n, int8_t *o)
{
    msf_conv_one(c, x, ky0, ky1, kx0, n, 0, o);
}

void msf_conv_fast(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                   int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                   int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t in_c = d->in_c;
    const int32_t out_c = d->out_c;
    const int8_t *pending_x = NULL; /* an interior pixel waiting for a partner */
    int8_t *pending_o = NULL;
    msf_conv_args c;
    int32_t oy, ox;
    c.q = msf_q_of(d);
    c.kh = d->kh;
    c.in_c = in_c;
    c.out_c = out_c;
    c.run = d->kw * in_c;
    c.filter_size = d->kh * c.run;
    c.row_stride = in_cols * in_c;
    for (oy = oy0; oy < oy1; oy++) {
        const int32_t iy = oy * d->sh - d->pad_t;
        const int32_t ky0 = msf_max(0, -iy);
        const int32_t ky1 = msf_min(d->kh, d->in_h - iy);
        const int32_t row = (iy + ky0 - in_row0) * c.row_stride; /* first valid filter row's input */
        int8_t *orow = out + (oy - out_row0) * out_cols * out_c;
        for (ox = ox0; ox < ox1; ox++) {
            const int32_t ix = ox * d->sw - d->pad_l;
            const int32_t kx0 = msf_max(0, -ix);
            const int32_t kx1 = msf_min(d->kw, d->in_w - ix);
            int8_t *o = orow + (ox - out_col0) * out_c;
            if (ky0 == 0 && ky1 == d->kh && kx0 == 0 && kx1 == d->kw) {
                const int8_t *x = in + row + (ix - in_col0) * in_c;
                if (pending_x) {
                    msf_conv_pair(&c, pending_x, x, pending_o, o);
                    pending_x = NULL;
                } else {
                    pending_x = x;
                    pending_o = o;
                }
            } else if (ky1 > ky0 && kx1 > kx0) {
                msf_conv_border(&c, in + row + (ix + kx0 - in_col0) * in_c, ky0, ky1, kx0, (kx1 - kx0) * in_c, o);
            } else {
                msf_conv_border(&c, in, 0, 0, 0, 0, o); /* only padding: the bias alone */
            }
        }
    }
    if (pending_x) msf_conv_interior(&c, pending_x, pending_o);
}

void msf_fully_connected_fast(const msf_layer *d, const int8_t *in, int8_t *out)
{
    msf_conv_args c;
    c.q = msf_q_of(d);
    c.kh = 1;
    c.in_c = d->in_c;
    c.out_c = d->out_c;
    c.run = d->in_c;
    c.filter_size = d->in_c;
    c.row_stride = 0;
    msf_conv_interior(&c, in, out);
}

#endif /* MSF_FAST */
