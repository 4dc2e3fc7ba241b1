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

/*
 * The interior pixels of a call (windows wholly inside the input), row by row: where each one's
 * window starts in the input and where its output goes.
 */
typedef struct msf_pixels {
    const int8_t *x;
    int8_t *o;
    int32_t col, cols;     /* column within the rectangle, its width */
    int32_t x_step, o_step; /* to the next pixel of a row */
    int32_t x_wrap, o_wrap; /* from past a row's end to the next row's first pixel */
} msf_pixels;

static inline void msf_pixels_next(msf_pixels *p)
{
    p->x += p->x_step;
    p->o += p->o_step;
    if (++p->col == p->cols) {
        p->col = 0;
        p->x += p->x_wrap;
        p->o += p->o_wrap;
    }
}

/*
 * Two pixels x two output channels over one run of n bytes: pixels at x and y, filters at w and
 * w + dw; a[0..3] (x ch 0, x ch 1, y ch 0, y ch 1) += the dot products. Not inlined: the DSP loop
 * needs all the core's registers, and a call saves the caller's in two instructions.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void msf_dot_2x2(const int8_t *x, const int8_t *y, const int8_t *w, int32_t dw, int32_t n, uint32_t *a)
{
    const int8_t *const end = x + n;
    uint32_t a0 = a[0], a1 = a[1], b0 = a[2], b1 = a[3];
#if MSF_ASM
    const int8_t *const end16 = x + (n & ~15);
    uint32_t e0, o0, e1, o1, xe, xo;
    while (x != end16) __asm__(MSF_DOT_2X2_STEP MSF_DOT_2X2_STEP MSF_DOT_2X2_STEP MSF_DOT_2X2_STEP MSF_DOT_2X2_OPERANDS);
    if (n & 8) __asm__(MSF_DOT_2X2_STEP MSF_DOT_2X2_STEP MSF_DOT_2X2_OPERANDS);
    if (n & 4) __asm__(MSF_DOT_2X2_STEP MSF_DOT_2X2_OPERANDS);
#endif
    for (; x != end; x++, y++, w++) {
        const int32_t xv = *x, yv = *y, v0 = w[0], v1 = w[dw];
        a0 += (uint32_t)(xv * v0);
        a1 += (uint32_t)(xv * v1);
        b0 += (uint32_t)(yv * v0);
        b1 += (uint32_t)(yv * v1);
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = b0;
    a[3] = b1;
}

#if MSF_ASM
/* Four bytes of one pixel (x) and four filters (w, w + dw, v, v + dw), the pointers advanced. */
#define MSF_DOT_1X4_STEP                                                                                 \
    "ldr %[xo], [%[x]], #4\n\t"                                                                         \
    "sxtb16 %[xe], %[xo]\n\t"                                                                           \
    "sxtb16 %[xo], %[xo], ror #8\n\t"                                                                   \
    "ldr %[t], [%[w], %[dw]]\n\t"                                                                       \
    "sxtb16 %[u], %[t]\n\t"                                                                             \
    "sxtb16 %[t], %[t], ror #8\n\t"                                                                     \
    "smlad %[a1], %[xe], %[u], %[a1]\n\t"                                                               \
    "smlad %[a1], %[xo], %[t], %[a1]\n\t"                                                               \
    "ldr %[t], [%[w]], #4\n\t"                                                                          \
    "sxtb16 %[u], %[t]\n\t"                                                                             \
    "sxtb16 %[t], %[t], ror #8\n\t"                                                                     \
    "smlad %[a0], %[xe], %[u], %[a0]\n\t"                                                               \
    "smlad %[a0], %[xo], %[t], %[a0]\n\t"                                                               \
    "ldr %[t], [%[v], %[dw]]\n\t"                                                                       \
    "sxtb16 %[u], %[t]\n\t"                                                                             \
    "sxtb16 %[t], %[t], ror #8\n\t"                                                                     \
    "smlad %[a3], %[xe], %[u], %[a3]\n\t"                                                               \
    "smlad %[a3], %[xo], %[t], %[a3]\n\t"                                                               \
    "ldr %[t], [%[v]], #4\n\t"                                                                          \
    "sxtb16 %[u], %[t]\n\t"                                                                             \
    "sxtb16 %[t], %[t], ror #8\n\t"                                                                     \
    "smlad %[a2], %[xe], %[u], %[a2]\n\t"                                                               \
    "smlad %[a2], %[xo], %[t], %[a2]\n\t"
#define MSF_DOT_1X4_OPERANDS                                                                             \
    : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x), [w] "+r"(w), [v] "+r"(v),  \
      [xe] "=&r"(xe), [xo] "=&r"(xo), [t] "=&r"(t), [u] "=&r"(u)                                         \
    : [dw] "r"(dw)                                                                                       \
    : "memory"
#endif

/*
 * One pixel (window at x) x four output channels (filters at w + k * dw): a[k] += the dot product
 * over one run of n bytes. Not inlined, as msf_dot_2x2; streamed blocks call it too (msf_fast.h).
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void msf_dot_1x4(const int8_t *x, const int8_t *w, int32_t dw, int32_t n, uint32_t *a)
{
    const int8_t *const end = x + n;
    const int8_t *v = w + 2 * dw;
    uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
#if MSF_ASM
    const int8_t *const end8 = x + (n & ~7);
    uint32_t xe, xo, t, u;
    while (x != end8) __asm__(MSF_DOT_1X4_STEP MSF_DOT_1X4_STEP MSF_DOT_1X4_OPERANDS);
    if (n & 4) __asm__(MSF_DOT_1X4_STEP MSF_DOT_1X4_OPERANDS);
#endif
    for (; x != end; x++, w++, v++) {
        const int32_t xv = *x;
        a0 += (uint32_t)(xv * w[0]);
        a1 += (uint32_t)(xv * w[dw]);
        a2 += (uint32_t)(xv * v[0]);
        a3 += (uint32_t)(xv * v[dw]);
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
}

/* Interior pixels are taken this many at a time (their window and output addresses on the stack). */
#define MSF_PIXEL_CHUNK 16

/* One interior pixel (window at x, output at o), four output channels at a time. */
MSF_INLINE void msf_conv_one_in(const msf_conv_args *c, const int8_t *x, int8_t *o, int int8_range)
{
    const msf_q q = c->q;
    const int32_t out_c = c->out_c, kh = c->kh, run = c->run, fs = c->filter_size, stride = c->row_stride;
    int32_t ch, ky;
    for (ch = 0; ch + 4 <= out_c; ch += 4) {
        const int8_t *w0 = q.weights + ch * fs;
        uint32_t a[4];
        int32_t k;
        for (k = 0; k < 4; k++) a[k] = (uint32_t)q.kernel_sum[ch + k];
        if (kh == 1) msf_dot_1x4(x, w0, fs, run, a); /* 1x1 and fully connected */
        else
            for (ky = 0; ky < kh; ky++) msf_dot_1x4(x + ky * stride, w0 + ky * run, fs, run, a);
        for (k = 0; k < 4; k++) {
            const msf_rq r = msf_rq_of(&q, ch + k);
            a[k] = (uint32_t)(int32_t)msf_rq_out(&r, &q, a[k], int8_range);
        }
        /* requantised before the stores (an int8 store may alias the tables) */
        for (k = 0; k < 4; k++) o[ch + k] = (int8_t)a[k];
    }
    for (; ch < out_c; ch++) {
        const msf_rq r = msf_rq_of(&q, ch);
        uint32_t a = (uint32_t)q.kernel_sum[ch];
        for (ky = 0; ky < kh; ky++) a += msf_dot_1x1(x + ky * stride, q.weights + ch * fs + ky * run, run, 0);
        o[ch] = msf_rq_out(&r, &q, a, int8_range);
    }
}

/* msf_conv_one_in compiled for both clamps: a call of one pixel (a fusion block's last layer) comes straight here. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void msf_conv_one(const msf_conv_args *c, const int8_t *x, int8_t *o)
{
    if (msf_int8_range(&c->q)) msf_conv_one_in(c, x, o, 1);
    else msf_conv_one_in(c, x, o, 0);
}

/*
 * count (<= MSF_PIXEL_CHUNK) interior pixels, windows at xs[i], outputs at os[i]: two output
 * channels at a time over every pixel, so that their kernel sums and requantisation are worked out
 * once per chunk, the pixels in pairs.
 */
MSF_INLINE void msf_conv_chunk_in(const msf_conv_args *c, const int8_t *const *xs, int8_t *const *os, int32_t count,
                              int int8_range)
{
    const msf_q q = c->q;
    const int32_t out_c = c->out_c, kh = c->kh, run = c->run, fs = c->filter_size, stride = c->row_stride;
    int32_t oc, ky, i;
    for (oc = 0; oc + 2 <= out_c; oc += 2) {
        const int8_t *w0 = q.weights + oc * fs;
        const msf_rq r0 = msf_rq_of(&q, oc), r1 = msf_rq_of(&q, oc + 1);
        const uint32_t k0 = (uint32_t)q.kernel_sum[oc], k1 = (uint32_t)q.kernel_sum[oc + 1];
        for (i = 0; i + 2 <= count; i += 2) {
            int8_t *oa = os[i] + oc, *ob = os[i + 1] + oc;
            uint32_t a[4];
            a[0] = a[2] = k0;
            a[1] = a[3] = k1;
            if (kh == 1) msf_dot_2x2(xs[i], xs[i + 1], w0, fs, run, a); /* 1x1 and fully connected */
            else
                for (ky = 0; ky < kh; ky++) msf_dot_2x2(xs[i] + ky * stride, xs[i + 1] + ky * stride, w0 + ky * run, fs, run, a);
            {
                /* all four requantised before the stores (an int8 store may alias the tables) */
                const int8_t v0 = msf_rq_out(&r0, &q, a[0], int8_range), v2 = msf_rq_out(&r0, &q, a[2], int8_range);
                const int8_t v1 = msf_rq_out(&r1, &q, a[1], int8_range), v3 = msf_rq_out(&r1, &q, a[3], int8_range);
                oa[0] = v0;
                oa[1] = v1;
                ob[0] = v2;
                ob[1] = v3;
            }
        }
    }
    if (count & 1) { /* the last pixel alone */
        msf_conv_one_in(c, xs[count - 1], os[count - 1], int8_range);
        count--;
    }
    if (oc < out_c) {
        const int8_t *w = q.weights + oc * fs;
        const msf_rq r = msf_rq_of(&q, oc);
        for (i = 0; i < count; i++) {
            uint32_t a = (uint32_t)q.kernel_sum[oc];
            for (ky = 0; ky < kh; ky++) a += msf_dot_1x1(xs[i] + ky * stride, w + ky * run, run, 0);
            os[i][oc] = msf_rq_out(&r, &q, a, int8_range);
        }
    }
}

/*
 * The pair of pixels of a call of two or three (a fusion block's column): each channel's constants
 * worked out where they are used (held across the dot product's call, they would be spilled to
 * the stack). Apart from msf_conv_chunk_in, so that it leaves the code of the long calls as it is.
 */
MSF_INLINE void msf_conv_pair_few_in(const msf_conv_args *c, const int8_t *const *xs, int8_t *const *os, int int8_range)
{
    const msf_q q = c->q;
    const int32_t out_c = c->out_c, kh = c->kh, run = c->run, fs = c->filter_size, stride = c->row_stride;
    int32_t oc, ky, i;
    for (oc = 0; oc + 2 <= out_c; oc += 2) {
        const int8_t *w0 = q.weights + oc * fs;
        uint32_t a[4];
        a[0] = a[2] = (uint32_t)q.kernel_sum[oc];
        a[1] = a[3] = (uint32_t)q.kernel_sum[oc + 1];
        for (ky = 0; ky < kh; ky++) msf_dot_2x2(xs[0] + ky * stride, xs[1] + ky * stride, w0 + ky * run, fs, run, a);
        {
            const msf_rq r0 = msf_rq_of(&q, oc);
            const int8_t v0 = msf_rq_out(&r0, &q, a[0], int8_range), v2 = msf_rq_out(&r0, &q, a[2], int8_range);
            const msf_rq r1 = msf_rq_of(&q, oc + 1);
            const int8_t v1 = msf_rq_out(&r1, &q, a[1], int8_range), v3 = msf_rq_out(&r1, &q, a[3], int8_range);
            os[0][oc] = v0;
            os[0][oc + 1] = v1;
            os[1][oc] = v2;
            os[1][oc + 1] = v3;
        }
    }
    for (i = 0; oc < out_c && i < 2; i++) { /* the odd channel */
        const msf_rq r = msf_rq_of(&q, oc);
        uint32_t a = (uint32_t)q.kernel_sum[oc];
        for (ky = 0; ky < kh; ky++) a += msf_dot_1x1(xs[i] + ky * stride, q.weights + oc * fs + ky * run, run, 0);
        os[i][oc] = msf_rq_out(&r, &q, a, int8_range);
    }
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void msf_conv_pair_few(const msf_conv_args *c, const int8_t *const *xs, int8_t *const *os)
{
    if (msf_int8_range(&c->q)) msf_conv_pair_few_in(c, xs, os, 1);
    else msf_conv_pair_few_in(c, xs, os, 0);
}

/* msf_conv_chunk_in compiled for both clamps. */
static void msf_conv_chunk(const msf_conv_args *c, const int8_t *const *xs, int8_t *const *os, int32_t count)
{
    /* the few pixels of a fusion block's column: no per-chunk constants */
    if (count <= 3) {
        if (count >= 2) msf_conv_pair_few(c, xs, os);
        if (count & 1) msf_conv_one(c, xs[count - 1], os[count - 1]);
        return;
    }
    if (msf_int8_range(&c->q)) msf_conv_chunk_in(c, xs, os, count, 1);
    else msf_conv_chunk_in(c, xs, os, count, 0);
}

/*
 * count interior pixels from p, MSF_PIXEL_CHUNK at a time. Not cloned (GCC would specialise it for
 * the constant arguments of one call site): the stack measurement follows its frame by name.
 */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noclone))
#endif
static void msf_conv_interior_pixels(const msf_conv_args *c, msf_pixels p, int32_t count)
{
    const int8_t *xs[MSF_PIXEL_CHUNK];
    int8_t *os[MSF_PIXEL_CHUNK];
    while (count > 0) {
        const int32_t n = msf_min(count, MSF_PIXEL_CHUNK);
        int32_t i;
        for (i = 0; i < n; i++) {
            xs[i] = p.x;
            os[i] = p.o;
            msf_pixels_next(&p);
        }
        msf_conv_chunk(c, xs, os, n);
        count -= n;
    }
}

/*
 * A border pixel (its window leaves the input): filter rows [ky0, ky1), taps [kx0, kx0 + n / in_c)
 * of each, x at the first valid input byte; the offset added over the valid taps, from the bias.
 */
static void msf_conv_border(const msf_conv_args *c, const int8_t *x, int32_t ky0, int32_t ky1, int32_t kx0, int32_t n,
                            int8_t *o)
{
    const msf_q q = c->q;
    const int32_t out_c = c->out_c, run = c->run, fs = c->filter_size, stride = c->row_stride;
    const int32_t w_first = ky0 * run + kx0 * c->in_c;
    int32_t oc, ky;
    for (oc = 0; oc + 2 <= out_c; oc += 2) {
        const int8_t *w0 = q.weights + oc * fs + w_first;
        uint32_t a[2];
        a[0] = q.bias ? (uint32_t)q.bias[oc] : 0u;
        a[1] = q.bias ? (uint32_t)q.bias[oc + 1] : 0u;
        for (ky = ky0; ky < ky1; ky++)
            msf_dot_1x2(x + (ky - ky0) * stride, w0 + (ky - ky0) * run, w0 + fs + (ky - ky0) * run, n, q.in_offset, a);
        {
            const int8_t r0 = msf_out(&q, oc, a[0]), r1 = msf_out(&q, oc + 1, a[1]);
            o[oc] = r0;
            o[oc + 1] = r1;
        }
    }
    if (oc < out_c) {
        const int8_t *w = q.weights + oc * fs + w_first;
        uint32_t a = q.bias ? (uint32_t)q.bias[oc] : 0u;
        for (ky = ky0; ky < ky1; ky++) a += msf_dot_1x1(x + (ky - ky0) * stride, w + (ky - ky0) * run, n, q.in_offset);
        o[oc] = msf_out(&q, oc, a);
    }
}

void msf_conv_fast(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                   int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                   int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t in_c = d->in_c;
    const int32_t out_c = d->out_c;
    int32_t ya, yb, xa, xb, oy, ox;
    msf_conv_args c;
    c.q = msf_q_of(d);
    c.kh = d->kh;
    c.in_c = in_c;
    c.out_c = out_c;
    c.run = d->kw * in_c;
    c.filter_size = d->kh * c.run;
    c.row_stride = in_cols * in_c;
    msf_inner(oy0, oy1, d->sh, d->pad_t, d->kh, d->in_h, &ya, &yb);
    msf_inner(ox0, ox1, d->sw, d->pad_l, d->kw, d->in_w, &xa, &xb);
    if (ya < yb && xa < xb) {
        msf_pixels p;
        p.x = in + (ya * d->sh - d->pad_t - in_row0) * c.row_stride + (xa * d->sw - d->pad_l - in_col0) * in_c;
        p.o = out + ((ya - out_row0) * out_cols + (xa - out_col0)) * out_c;
        p.col = 0;
        p.cols = xb - xa;
        p.x_step = d->sw * in_c;
        p.o_step = out_c;
        p.x_wrap = d->sh * c.row_stride - p.cols * p.x_step;
        p.o_wrap = (out_cols - p.cols) * out_c;
        msf_conv_interior_pixels(&c, p, (yb - ya) * (xb - xa));
        if (ya == oy0 && yb == oy1 && xa == ox0 && xb == ox1) return; /* no border pixel (most of a block's calls) */
    }
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
            if (oy >= ya && oy < yb && ox >= xa && ox < xb) {
                ox = xb - 1; /* the interior pixels of this row are done */
            } else if (ky1 > ky0 && kx1 > kx0) {
                msf_conv_border(&c, in + row + (ix + kx0 - in_col0) * in_c, ky0, ky1, kx0, (kx1 - kx0) * in_c, o);
            } else {
                msf_conv_border(&c, in, 0, 0, 0, 0, o); /* only padding: the bias alone */
            }
        }
    }
}

void msf_fully_connected_fast(const msf_layer *d, const int8_t *in, int8_t *out)
{
    msf_conv_args c;
    msf_pixels p;
    c.q = msf_q_of(d);
    c.kh = 1;
    c.in_c = d->in_c;
    c.out_c = d->out_c;
    c.run = d->in_c;
    c.filter_size = d->in_c;
    c.row_stride = 0;
    p.x = in;
    p.o = out;
    p.col = 0;
    p.cols = 1;
    p.x_step = p.o_step = p.x_wrap = p.o_wrap = 0;
    msf_conv_interior_pixels(&c, p, 1);
}

#endif /* MSF_FAST */
