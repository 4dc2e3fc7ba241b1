/*
 * msf_block.c - the fusion-block walker: the last layer's output row by row, columns left to right,
 * every later layer reading a column cache in the arena. Port of assembly/exec/fused.ts.
 */
#include "msf_internal.h"

#include <string.h>

#define MSF_NO_WINDOW (-0x40000000)

/*
 * n bytes from src to dst < src (the regions may overlap), front to back, a word at a time: each
 * word is read before the store that may overwrite its bytes.
 */
static void msf_copy_down(uint8_t *dst, const uint8_t *src, int32_t n)
{
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t v;
        memcpy(&v, src + i, 4);
        memcpy(dst + i, &v, 4);
    }
    for (; i < n; i++) dst[i] = src[i];
}

/* Moves the cache of stage j so that it starts at logical column c0, keeping the overlap. */
static void msf_slide(const msf_stage *s, uint8_t *arena, msf_walk *w, int32_t c0)
{
    const int32_t old = w->c0;
    const int32_t kw = s->layer->kw;
    const int32_t c = s->layer->in_c;
    const int32_t shift = c0 - old;
    const int32_t keep = kw - shift;
    int32_t r;
    w->c0 = c0;
    if (old == MSF_NO_WINDOW || keep <= 0 || shift == 0) return;
    msf_profile_enter(s->layer, 1);
    for (r = 0; r < w->in_b - w->in_a; r++) {
        uint8_t *row = arena + s->cache_offset + r * kw * c;
        msf_copy_down(row, row + shift * c, keep * c);
    }
    msf_profile_leave(s->layer, 1);
}

/*
 * ADD in a fusion block, as a 1x1 stride-1 window: output pixels [oy0, oy1) x [ox0, ox1) from the
 * in-block operand (logical rows from in_row0, columns [in_col0, in_col0 + in_cols)) and the whole
 * materialised operand other, in ADD's operand order. One msf_add per row.
 */
static int msf_add_window(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                          const int8_t *other, int32_t other_first,
                          int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                          int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t c = d->in_c;
    const int32_t count = (ox1 - ox0) * c;
    int32_t y;
    if (!other) return MSF_ERR_OP;
    if (count <= 0) return MSF_OK;
    for (y = oy0; y < oy1; y++) {
        const int8_t *a = in + ((y - in_row0) * in_cols + (ox0 - in_col0)) * c;
        const int8_t *b = other + (y * d->in_w + ox0) * c;
        int8_t *o = out + ((y - out_row0) * out_cols + (ox0 - out_col0)) * c;
        const int rc = other_first ? msf_add(d, b, a, o, count) : msf_add(d, a, b, o, count);
        if (rc != MSF_OK) return rc;
    }
    return MSF_OK;
}

/* Produces column walk[j].target of stage j's output rows [out_a, out_b) into the next buffer. */
static int msf_compute_column(const msf_stage *stages, int32_t j, int32_t last, uint8_t *arena,
                              const int8_t *net_in, const int8_t *in, int8_t *out, msf_walk *walk)
{
    const msf_layer *d = stages[j].layer;
    const msf_walk *w = &walk[j];
    const int32_t x = w->target;
    int rc;
    const int8_t *in_ptr;
    int32_t in_row0, in_col0, in_cols;
    int8_t *out_ptr;
    int32_t out_row0, out_col0, out_cols;
    if (j == 0) {
        in_ptr = in;
        in_row0 = 0;
        in_col0 = 0;
        in_cols = d->in_w;
    } else {
        in_ptr = (const int8_t *)(arena + stages[j].cache_offset);
        in_row0 = w->in_a;
        in_col0 = w->c0;
        in_cols = d->kw;
    }
    if (j == last) {
        out_ptr = out;
        out_row0 = 0;
        out_col0 = 0;
        out_cols = d->out_w;
    } else {
        out_ptr = (int8_t *)(arena + stages[j + 1].cache_offset);
        out_row0 = walk[j + 1].in_a;
        out_col0 = walk[j + 1].c0;
        out_cols = stages[j + 1].layer->kw;
    }
    msf_profile_enter(d, 0);
    if (d->op == MSF_OP_ADD) {
        const int32_t o = stages[j].other;
        const int8_t *other = o == MSF_OTHER_INPUT ? net_in : o >= 0 ? (const int8_t *)(arena + o) : NULL;
        rc = msf_add_window(d, in_ptr, in_row0, in_col0, in_cols, other, stages[j].other_first,
                            out_ptr, out_row0, out_col0, out_cols, w->out_a, w->out_b, x, x + 1);
    } else {
        /* inside both buffers by construction (the rows checked against cache_rows, the stages by msf_check_block) */
        rc = msf_window_in(d, in_ptr, in_row0, in_col0, in_cols, out_ptr, out_row0, out_col0, out_cols, w->out_a, w->out_b, x, x + 1);
    }
    msf_profile_leave(d, 0);
    walk[j].next = x + 1;
    return rc;
}

/*
 * What msf_window would check at every call of the walker, once per block: each stage's output is
 * the next one's input, and a depthwise layer's channels agree with its multiplier. The walker's
 * regions then lie inside their buffers by construction.
 */
static int msf_check_block(const msf_stage *stages, int32_t count)
{
    int32_t j;
    for (j = 0; j < count; j++) {
        const msf_layer *d = stages[j].layer;
        const msf_layer *next = j + 1 < count ? stages[j + 1].layer : NULL;
        if (next && (d->out_h != next->in_h || d->out_w != next->in_w || d->out_c != next->in_c)) return MSF_ERR_SHAPE;
        if (d->op == MSF_OP_DEPTHWISE && d->out_c != d->in_c * d->depth_mult) return MSF_ERR_SHAPE;
    }
    return MSF_OK;
}

int msf_run_block(const msf_stage *stages, int32_t count, uint8_t *arena, const int8_t *net_in,
                  const int8_t *in, int8_t *out, msf_walk *walk)
{
    const int32_t last = count - 1;
    const msf_layer *last_layer = stages[last].layer;
    int32_t y, x, j;
    int rc;
    if (count == 1) return msf_run_layer(last_layer, in, NULL, NULL, out);
    rc = msf_check_block(stages, count);
    if (rc != MSF_OK) return rc;
    for (y = 0; y < last_layer->out_h; y++) {
        /* Row ranges for this output row, from the last layer back to the first. */
        int32_t a = y;
        int32_t b = y + 1;
        for (j = last; j >= 0; j--) {
            const msf_layer *d = stages[j].layer;
            const int32_t lo = msf_max(0, a * d->sh - d->pad_t);
            const int32_t hi = msf_min(d->in_h, (b - 1) * d->sh - d->pad_t + d->kh);
            walk[j].out_a = a;
            walk[j].out_b = b;
            walk[j].in_a = lo;
            walk[j].in_b = hi;
            if (j > 0 && hi - lo > stages[j].cache_rows) return MSF_ERR_CACHE;
            walk[j].c0 = MSF_NO_WINDOW;
            walk[j].next = 0;
            a = lo;
            b = hi;
        }
        for (x = 0; x < last_layer->out_w; x++) {
            j = last;
            walk[j].target = x;
            for (;;) {
                if (j > 0) {
                    const msf_layer *d = stages[j].layer;
                    const int32_t w0 = walk[j].target * d->sw - d->pad_l;
                    int32_t need_hi;
                    if (walk[j].c0 != w0) msf_slide(&stages[j], arena, &walk[j], w0);
                    need_hi = msf_min(w0 + d->kw, d->in_w);
                    if (walk[j - 1].next < need_hi) {
                        walk[j - 1].target = msf_max(walk[j - 1].next, w0);
                        j--;
                        continue;
                    }
                }
                rc = msf_compute_column(stages, j, last, arena, net_in, in, out, walk);
                if (rc != MSF_OK) return rc;
                if (j == last) break;
                j++;
            }
        }
    }
    return MSF_OK;
}
