/*
 * msf_stream.c - the streamed-block walker: the pull walk of src/cost/stream-sim.ts (the
 * specification, played by the streaming executor src/runtime/stream-exec.ts too) over a block
 * table of msf_stream.h. Layer n's needed pixels are made in row-major order; making a pixel first
 * makes every in-block operand pixel its window reads (the producers' needed pixels in row-major
 * order, each row before the next), then calls the layer's kernel. A cached sub-block steps the rows
 * of its last layer, each step computing its layers' needed columns left to right for the step's row
 * ranges. No recursion: the walk keeps its goals on the caller's stack of frames.
 */
#include "msf_stream.h"
#include "msf_stream_fast.h"

#include <string.h>

enum { MSF_PRODUCE, MSF_COLUMN };

typedef struct msf_stream_run {
    const msf_stream_layer *layers;
    uint8_t *arena;
    const int8_t *const *in;
    int8_t *const *out;
    msf_stream_state *st;
} msf_stream_run;

static int32_t msf_needed_count(const msf_stream_layer *s) { return (s->row1 - s->row0) * s->ncols; }

/* Pixel k of s's needed pixels, row-major. */
static int32_t msf_needed_pixel(const msf_stream_layer *s, int32_t k)
{
    return (s->row0 + k / s->ncols) * s->out.w + s->cols[k % s->ncols];
}

/* Layer s made its next needed pixel (or starts, next_i = -1): the one after it, row-major, or MSF_NONE. */
#define MSF_NONE 0x7fffffff
static void msf_advance(const msf_stream_layer *s, msf_stream_state *t)
{
    if (++t->next_i == s->ncols) {
        t->next_i = 0;
        t->next_row++;
    }
    t->next_at = t->next_row < s->row1 && s->ncols > 0 ? t->next_row * s->out.w + s->cols[t->next_i] : MSF_NONE;
}

/* Byte offset of pixel q in a ring or a column cache (relative to the buffer), or in a tensor. */
static int32_t msf_slot_bytes(const msf_stream_run *r, const msf_stream_buf *b, int32_t q)
{
    if (b->kind == MSF_SB_RING) return (q % b->slots) * b->c;
    if (b->kind == MSF_SB_CACHE) return ((q / b->w - r->st[b->producer].range_a) * b->slots + (q % b->w) % b->slots) * b->c;
    return q * b->c;
}

/* Pixel q of an operand. */
static const int8_t *msf_read_at(const msf_stream_run *r, const msf_stream_buf *b, int32_t q)
{
    const int32_t at = msf_slot_bytes(r, b, q);
    if (b->kind == MSF_SB_INPUT) return r->in[b->offset] + at;
    if (b->kind == MSF_SB_OUTPUT) return r->out[b->offset] + at;
    return (const int8_t *)(r->arena + b->offset + at);
}

/* AVERAGE_POOL_2D over the whole unpadded map from its int32 sums (TFLM's rounding, as msf_pool_px). */
static int msf_avg_from_sums(const msf_layer *d, const uint8_t *sums, int8_t *out)
{
    const int32_t n = d->in_h * d->in_w;
    int32_t c;
    for (c = 0; c < d->in_c; c++) {
        int32_t acc;
        memcpy(&acc, sums + 4 * c, 4);
        acc = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
        out[c] = (int8_t)msf_min(msf_max(acc, d->act_min), d->act_max);
    }
    return MSF_OK;
}

/* The input region [*a, *b) x [*c0, *c1) that layer s's output rows [y0, y1) of column x read. */
static inline void msf_region(const msf_stream_layer *s, int32_t y0, int32_t y1, int32_t x, int32_t *a, int32_t *b, int32_t *c0, int32_t *c1)
{
    const msf_layer *d = s->layer;
    if (s->kind == MSF_SK_PIXEL) {
        *a = y0;
        *b = y1;
        *c0 = x;
        *c1 = x + 1;
        return;
    }
    *a = msf_max(0, y0 * d->sh - d->pad_t);
    *b = msf_min(d->in_h, (y1 - 1) * d->sh - d->pad_t + d->kh);
    *c0 = msf_max(0, x * d->sw - d->pad_l);
    *c1 = msf_min(d->in_w, x * d->sw - d->pad_l + d->kw);
}

#if MSF_FAST
/*
 * The window of layer s's output pixel (y, x) over its input (a ring, a column cache or a tensor), row by
 * row in at most two runs (msf_stream_fast.h; its kernel height at most MSF_WIN_ROWS).
 */
static void msf_win_of(const msf_stream_run *r, const msf_stream_layer *s, int32_t y, int32_t x, msf_win *w)
{
    const msf_layer *d = s->layer;
    const msf_stream_buf *b = &s->in[0];
    const int8_t *buf = b->kind == MSF_SB_RING || b->kind == MSF_SB_CACHE ? (const int8_t *)(r->arena + b->offset) : msf_read_at(r, b, 0);
    const msf_taps ty = msf_taps_of(y, d->sh, d->pad_t, d->kh, d->in_h), tx = msf_taps_of(x, d->sw, d->pad_l, d->kw, d->in_w);
    const int32_t taps = tx.end - tx.start, ix = tx.origin + tx.start;
    int32_t k, iy = ty.origin + ty.start;
    w->ky0 = ty.start;
    w->ky1 = msf_max(ty.start, ty.end);
    w->kx0 = tx.start;
    w->kx1 = msf_max(tx.start, tx.end);
    for (k = 0; k < w->ky1 - w->ky0; k++, iy++) {
        int32_t slot, room;
        if (b->kind == MSF_SB_RING) {
            slot = (iy * b->w + ix) % b->slots;
            room = b->slots - slot;
            w->at[k][1] = buf;
        } else if (b->kind != MSF_SB_CACHE) { /* a whole tensor */
            slot = iy * b->w + ix;
            room = taps;
            w->at[k][1] = buf;
        } else {
            const int32_t row = (iy - r->st[b->producer].range_a) * b->slots;
            slot = row + ix % b->slots;
            room = b->slots - ix % b->slots;
            w->at[k][1] = buf + row * b->c;
        }
        w->at[k][0] = buf + slot * b->c;
        w->n0[k] = msf_min(room, taps);
    }
}
#endif

static int msf_compute_in(const msf_stream_run *r, int32_t j, int32_t y0, int32_t y1, int32_t x);

/* Layer j makes its output rows [y0, y1) of column x (its operands are in place); profiled per layer with -DMSF_PROFILE. */
static int msf_compute(const msf_stream_run *r, int32_t j, int32_t y0, int32_t y1, int32_t x)
{
    int rc;
    msf_profile_enter(r->layers[j].layer, 0);
    rc = msf_compute_in(r, j, y0, y1, x);
    msf_profile_leave(r->layers[j].layer, 0);
    return rc;
}

static int msf_compute_in(const msf_stream_run *r, int32_t j, int32_t y0, int32_t y1, int32_t x)
{
    const msf_stream_layer *s = &r->layers[j];
    const msf_layer *d = s->layer;
    const msf_stream_buf *ob = &s->out;
    const int32_t c = ob->c;
    int8_t *base = ob->kind == MSF_SB_OUTPUT ? r->out[ob->offset] : (int8_t *)(r->arena + ob->offset);
    int8_t *out_ptr = base;
    int32_t out_row0 = 0, out_col0 = 0, out_cols = ob->w, y;
    if (ob->kind == MSF_SB_RING) {
        out_ptr = base + ((y0 * ob->w + x) % ob->slots) * c;
        out_row0 = y0;
        out_col0 = x;
        out_cols = 1;
    } else if (ob->kind == MSF_SB_CACHE) {
        out_ptr = base + (x % ob->slots) * c;
        out_row0 = y0;
        out_col0 = x;
        out_cols = ob->slots;
    }
#define MSF_OUT_AT(row) (out_ptr + (((row) - out_row0) * out_cols + (x - out_col0)) * c)
    if (s->kind == MSF_SK_REDUCE) {
        uint8_t *acc = r->arena + s->acc;
        if (s->src[0] < 0) msf_mean_sum(d, msf_read_at(r, &s->in[0], 0), acc, d->in_h * d->in_w);
        return d->op == MSF_OP_MEAN ? msf_mean_finish(d, acc, MSF_OUT_AT(y0)) : msf_avg_from_sums(d, acc, MSF_OUT_AT(y0));
    }
    if (s->kind == MSF_SK_WINDOW) {
        const msf_stream_buf *ib = &s->in[0];
        const int8_t *buf = (const int8_t *)(r->arena + ib->offset);
        int32_t a, b, c0, c1;
        msf_wrapped w;
#if MSF_FAST
        /* conv and depthwise (multiplier 1), one pixel at a time, read their window in runs: the fast kernels of msf_stream_fast.h */
        if (d->kernel_sum && d->kh <= MSF_WIN_ROWS &&
            (d->op == MSF_OP_CONV2D || (d->op == MSF_OP_DEPTHWISE && d->depth_mult == 1 && d->out_c == d->in_c))) {
            msf_win win;
            for (y = y0; y < y1; y++) {
                msf_win_of(r, s, y, x, &win);
                if (d->op == MSF_OP_CONV2D) msf_stream_conv(d, &win, MSF_OUT_AT(y));
                else msf_stream_depthwise(d, &win, MSF_OUT_AT(y));
            }
            return MSF_OK;
        }
#endif
        if (ib->kind != MSF_SB_RING && ib->kind != MSF_SB_CACHE)
            return msf_window(d, msf_read_at(r, ib, 0), 0, 0, d->in_h, d->in_w, out_ptr, out_row0, out_col0, out_cols, y0, y1, x, x + 1);
        /* The others (pools, ...): a window that does not wrap is an ordinary buffer, which msf_window reads. */
        msf_region(s, y0, y1, x, &a, &b, &c0, &c1);
        if (b > a && c1 > c0) {
            if (ib->kind == MSF_SB_RING) {
                const int32_t qa = a * ib->w + c0, qb = (b - 1) * ib->w + c1 - 1;
                if (qa % ib->slots + (qb - qa) < ib->slots)
                    return msf_window(d, buf + (qa % ib->slots) * ib->c, a, c0, b - a, ib->w, out_ptr, out_row0, out_col0, out_cols, y0, y1, x, x + 1);
            } else if (c0 % ib->slots + (c1 - c0) <= ib->slots) {
                const int32_t row0 = r->st[ib->producer].range_a;
                return msf_window(d, buf + (c0 % ib->slots) * ib->c, row0, c0, b - row0, ib->slots, out_ptr, out_row0, out_col0, out_cols, y0, y1, x, x + 1);
            }
        }
        w.buf = buf;
        w.col0 = 0;
        if (ib->kind == MSF_SB_RING) {
            w.row0 = 0;
            w.cols = ib->w;
            w.ring = ib->slots;
            w.col_ring = 0;
        } else {
            w.row0 = r->st[ib->producer].range_a;
            w.cols = ib->slots;
            w.ring = 0;
            w.col_ring = ib->slots;
        }
        return msf_each_pixel(d, d->op == MSF_OP_CONV2D || d->op == MSF_OP_DEPTHWISE ? d->out_c : d->in_c, NULL, 0, 0, 0,
                              out_ptr, out_row0, out_col0, out_cols, y0, y1, x, x + 1, d->op == MSF_OP_MAX_POOL, &w);
    }
    for (y = y0; y < y1; y++) {
        const int32_t q = y * ob->w + x;
        const int8_t *a = msf_read_at(r, &s->in[0], q);
        int8_t *o = MSF_OUT_AT(y);
        int rc;
        if (d->op == MSF_OP_ADD) rc = msf_add(d, a, msf_read_at(r, &s->in[1], q), o, c);
        else if (d->op == MSF_OP_PAD || d->op == MSF_OP_LUT) {
            msf_layer one = *d; /* the same layer over one pixel */
            one.in_h = one.in_w = one.out_h = one.out_w = 1;
            rc = d->op == MSF_OP_PAD ? msf_pad(&one, a, o) : msf_lut(&one, a, o);
        } else rc = msf_run_layer(d, a, NULL, NULL, o); /* FC, softmax: over a 1x1 map, one pixel is the layer */
        if (rc != MSF_OK) return rc;
    }
#undef MSF_OUT_AT
    return MSF_OK;
}

/* A cached layer's new step: the output rows of it and of the layers of its sub-block below it. */
static void msf_step(const msf_stream_run *r, int32_t j, int32_t y)
{
    int32_t a = y, b = y + 1, l = j;
    r->st[j].step_row = y;
    for (;;) {
        const msf_stream_layer *s = &r->layers[l];
        msf_stream_state *t = &r->st[l];
        t->range_a = a;
        t->range_b = b;
        t->next_col = 0;
        if (s->kind != MSF_SK_PIXEL) {
            a = msf_max(0, a * s->layer->sh - s->layer->pad_t);
            b = msf_min(s->layer->in_h, (b - 1) * s->layer->sh - s->layer->pad_t + s->layer->kh);
        }
        if (!s->cached) return;
        l--;
    }
}

/* Pushes "make layer j's needed pixels up to pixel until" when it has one left to make there. */
static int msf_pull(msf_stream_frame *frames, int32_t *sp, int32_t depth, const msf_stream_state *state, int32_t j, int32_t until)
{
    msf_stream_frame *g;
    if (state[j].next_at > until) return MSF_OK;
    if (*sp == depth) return MSF_ERR_SHAPE;
    g = &frames[(*sp)++];
    g->what = MSF_PRODUCE;
    g->layer = j;
    g->until = until;
    g->at = state[j].next_at;
    g->phase = 0;
    return MSF_OK;
}

int msf_run_stream(const msf_stream_layer *layers, int32_t count, uint8_t *arena, const int8_t *const *in, int8_t *const *out,
                   msf_stream_state *state, msf_stream_frame *frames)
{
    msf_stream_run r;
    int32_t j, sp = 0, rc;
    r.layers = layers;
    r.arena = arena;
    r.in = in;
    r.out = out;
    r.st = state;
    for (j = 0; j < count; j++) {
        state[j].next_row = layers[j].row0;
        state[j].next_i = -1;
        msf_advance(&layers[j], &state[j]);
        state[j].step_row = -1;
        state[j].range_a = state[j].range_b = state[j].next_col = 0;
        if (layers[j].kind == MSF_SK_REDUCE) memset(arena + layers[j].acc, 0, (size_t)(4 * layers[j].out.c));
    }
    rc = msf_pull(frames, &sp, count, state, count - 1, msf_needed_pixel(&layers[count - 1], msf_needed_count(&layers[count - 1]) - 1));
    while (sp > 0 && rc == MSF_OK) {
        msf_stream_frame *f = &frames[sp - 1];
        const msf_stream_layer *s = &layers[f->layer];
        msf_stream_state *t = &state[f->layer];
        int32_t pull = -1, pull_at = 0, a, b, c0, c1;
        if (f->what == MSF_PRODUCE && s->cached) {
            /* the sub-block's last layer: a column of its step */
            const int32_t y = f->at / s->out.w;
            if (t->step_row != y) msf_step(&r, f->layer, y);
            f->what = MSF_COLUMN;
            f->at %= s->out.w;
            f->last = f->layer;
        }
        if (f->what == MSF_PRODUCE && s->kind == MSF_SK_REDUCE) {
            if (s->src[0] >= 0) {
                const msf_stream_layer *p = &layers[s->src[0]];
                while (f->phase < msf_needed_count(p) && pull < 0) {
                    const int32_t q = msf_needed_pixel(p, f->phase);
                    if (state[s->src[0]].next_at <= q) {
                        pull = s->src[0];
                        pull_at = q;
                    } else {
                        msf_mean_sum(s->layer, msf_read_at(&r, &s->in[0], q), arena + s->acc, 1);
                        f->phase++;
                    }
                }
            }
            a = b = c0 = 0;
        } else if (f->what == MSF_PRODUCE) {
            const int32_t y = f->at / s->out.w, x = f->at % s->out.w;
            msf_region(s, y, y + 1, x, &a, &b, &c0, &c1);
            while (f->phase < s->inputs && pull < 0) {
                const int32_t k = f->phase++;
                if (s->src[k] >= 0 && b > a && c1 > c0 && state[s->src[k]].next_at <= (b - 1) * s->in[k].w + c1 - 1) {
                    pull = s->src[k];
                    pull_at = (b - 1) * s->in[k].w + c1 - 1;
                }
            }
            a = y;
            b = y + 1;
            c0 = x;
        } else {
            /* MSF_COLUMN: first the cache's columns of the layer before, then the other operands */
            const int32_t x = f->at;
            int32_t ra, rb;
            msf_region(s, t->range_a, t->range_b, x, &ra, &rb, &c0, &c1);
            if (f->phase == 0 && s->cached) {
                const msf_stream_layer *p = &layers[f->layer - 1];
                msf_stream_state *pt = &state[f->layer - 1];
                if (pt->next_col < p->ncols && p->cols[pt->next_col] < c1) {
                    if (sp == count) return MSF_ERR_SHAPE;
                    frames[sp].what = MSF_COLUMN;
                    frames[sp].layer = f->layer - 1;
                    frames[sp].at = p->cols[pt->next_col++];
                    frames[sp].phase = 0;
                    frames[sp].last = f->last;
                    sp++;
                    continue;
                }
            }
            if (f->phase == 0) f->phase = 1;
            while (f->phase - 1 < s->inputs && pull < 0) {
                const int32_t k = f->phase++ - 1;
                if (s->src[k] >= 0 && !(s->cached && s->src[k] == f->layer - 1) && rb > ra && c1 > c0 &&
                    state[s->src[k]].next_at <= (rb - 1) * s->in[k].w + c1 - 1) {
                    pull = s->src[k];
                    pull_at = (rb - 1) * s->in[k].w + c1 - 1;
                }
            }
            a = t->range_a;
            b = t->range_b;
            c0 = x;
        }
        if (pull >= 0) {
            rc = msf_pull(frames, &sp, count, state, pull, pull_at);
            continue;
        }
        /* every operand is in place: compute, then the pixels are made */
        rc = msf_compute(&r, f->layer, a, s->kind == MSF_SK_REDUCE ? 1 : b, s->kind == MSF_SK_REDUCE ? 0 : c0);
        if (rc == MSF_OK && (f->what == MSF_PRODUCE || f->layer == f->last)) {
            msf_advance(s, t);
            if (t->next_at <= f->until) { /* the next pixel of the same pull */
                f->what = MSF_PRODUCE;
                f->at = t->next_at;
                f->phase = 0;
                continue;
            }
        }
        sp--;
    }
    return rc;
}
