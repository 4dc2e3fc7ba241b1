/*
 * msf_dispatch.c - one layer by its op code: a window of a window op (msf_window, also used by the
 * fusion-block walker) or a whole plan edge (msf_run_layer). Port of assembly/exec/dispatch.ts and
 * assembly/kernels/window.ts.
 */
#include "msf_fast.h"

/*
 * Along one axis: the smallest (first = 1) or largest (first = 0) input coordinate in [0, size)
 * read by the outputs [o0, o1), or -1 when every tap falls in the padding.
 */
static int32_t msf_needed(int first, int32_t o0, int32_t o1, int32_t stride, int32_t pad, int32_t k, int32_t size)
{
    int32_t i;
    for (i = 0; i < o1 - o0; i++) {
        const int32_t o = first ? o0 + i : o1 - 1 - i;
        const int32_t origin = o * stride - pad;
        const int32_t tap_start = msf_max(0, -origin);
        const int32_t tap_end = msf_min(k, size - origin);
        if (tap_start < tap_end) return first ? origin + tap_start : origin + tap_end - 1;
    }
    return -1;
}

/* 1: compute, 0: empty region (nothing to do), < 0: the call would leave its buffers. */
static int msf_check_window(const msf_layer *d,
                            int32_t in_row0, int32_t in_col0, int32_t in_rows, int32_t in_cols,
                            int32_t out_row0, int32_t out_col0, int32_t out_cols,
                            int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    int32_t row_first, col_first, row_last, col_last;
    if (oy0 >= oy1 || ox0 >= ox1) return 0;
    if (oy0 < 0 || ox0 < 0 || oy1 > d->out_h || ox1 > d->out_w) return MSF_ERR_OUTPUT_WINDOW;
    if (oy0 < out_row0 || ox0 < out_col0 || ox1 > out_col0 + out_cols) return MSF_ERR_OUTPUT_WINDOW;
    row_first = msf_needed(1, oy0, oy1, d->sh, d->pad_t, d->kh, d->in_h);
    col_first = msf_needed(1, ox0, ox1, d->sw, d->pad_l, d->kw, d->in_w);
    if (row_first < 0 || col_first < 0) return 1; /* the whole region reads only padding */
    row_last = msf_needed(0, oy0, oy1, d->sh, d->pad_t, d->kh, d->in_h);
    col_last = msf_needed(0, ox0, ox1, d->sw, d->pad_l, d->kw, d->in_w);
    if (row_first < in_row0 || row_last >= in_row0 + in_rows) return MSF_ERR_INPUT_WINDOW;
    if (col_first < in_col0 || col_last >= in_col0 + in_cols) return MSF_ERR_INPUT_WINDOW;
    return 1;
}

int msf_each_pixel(const msf_layer *d, int32_t out_depth, const int8_t *in, int32_t in_row0, int32_t in_col0,
                   int32_t in_cols, int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                   int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1, int32_t arg, const msf_wrapped *wrap)
{
    msf_px p;
    int32_t oy, ox;
    p.row_stride = in_cols * d->in_c;
    p.wrap = wrap;
    for (oy = oy0; oy < oy1; oy++) {
        p.ty = msf_taps_of(oy, d->sh, d->pad_t, d->kh, d->in_h);
        for (ox = ox0; ox < ox1; ox++) {
            int rc;
            p.tx = msf_taps_of(ox, d->sw, d->pad_l, d->kw, d->in_w);
            /* the first tap inside the input (an address only when there is one) */
            p.y = p.ty.origin + p.ty.start;
            p.x = p.tx.origin + p.tx.start;
            p.in = p.ty.start < p.ty.end && p.tx.start < p.tx.end
                       ? (wrap ? wrap->buf : in + (p.y - in_row0) * p.row_stride + (p.x - in_col0) * d->in_c)
                       : NULL;
            p.out = out + ((oy - out_row0) * out_cols + (ox - out_col0)) * out_depth;
            /* by op, with direct calls (the stack measurement follows the call graph gcc records) */
            rc = d->op == MSF_OP_CONV2D ? msf_conv_px(d, &p, arg) : d->op == MSF_OP_DEPTHWISE ? msf_depthwise_px(d, &p, arg) : msf_pool_px(d, &p, arg);
            if (rc != MSF_OK) return rc;
        }
    }
    return MSF_OK;
}

int msf_window(const msf_layer *d,
               const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_rows, int32_t in_cols,
               int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
               int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int ok = msf_check_window(d, in_row0, in_col0, in_rows, in_cols, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1);
    if (ok <= 0) return ok;
    if (d->op == MSF_OP_DEPTHWISE && d->out_c != d->in_c * d->depth_mult) return MSF_ERR_SHAPE;
    return msf_window_in(d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1);
}

int msf_window_in(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                  int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                  int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    switch (d->op) {
    case MSF_OP_DEPTHWISE:
    case MSF_OP_CONV2D:
#if MSF_FAST
        if (d->kernel_sum && d->rq) {
            /* direct calls: the stack measurement follows the call graph gcc records */
            if (d->op == MSF_OP_DEPTHWISE) msf_depthwise_fast(d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1);
            else msf_conv_fast(d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1);
            return MSF_OK;
        }
#endif
        return msf_each_pixel(d, d->out_c, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1,
                              0, NULL);
    case MSF_OP_AVG_POOL:
    case MSF_OP_MAX_POOL:
        return msf_each_pixel(d, d->in_c, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1,
                              d->op == MSF_OP_MAX_POOL, NULL);
    default:
        return MSF_ERR_OP;
    }
}

static int msf_run_layer_op(const msf_layer *d, const int8_t *in, const int8_t *in2, uint8_t *scratch, int8_t *out)
{
    switch (d->op) {
    case MSF_OP_CONV2D:
    case MSF_OP_DEPTHWISE:
    case MSF_OP_AVG_POOL:
    case MSF_OP_MAX_POOL:
        return msf_window(d, in, 0, 0, d->in_h, d->in_w, out, 0, 0, d->out_w, 0, d->out_h, 0, d->out_w);
    case MSF_OP_ADD:
        if (!in2) return MSF_ERR_OP;
        return msf_add(d, in, in2, out, d->in_h * d->in_w * d->in_c);
    case MSF_OP_FC:
#if MSF_FAST
        if (d->kernel_sum && d->rq) {
            msf_fully_connected_fast(d, in, out);
            return MSF_OK;
        }
#endif
        return msf_fully_connected(d, in, out);
    case MSF_OP_MEAN:
        if (!scratch) return MSF_ERR_OP;
        return msf_mean(d, in, scratch, out);
    case MSF_OP_PAD:
        return msf_pad(d, in, out);
    case MSF_OP_SOFTMAX:
        return msf_softmax(d, in, out, d->in_h * d->in_w, d->in_c);
    case MSF_OP_LUT:
        return msf_lut(d, in, out);
    case MSF_OP_ELEMENTWISE:
        return msf_elementwise(d, in, in2, out);
    case MSF_OP_GATHER:
        return msf_gather(d, in, out);
    case MSF_OP_REDUCE_MEAN:
        return msf_reduce_mean(d, in, scratch, out);
    case MSF_OP_REDUCE_MAX:
        return msf_reduce_max(d, in, out);
    case MSF_OP_RESIZE_NEAREST:
        return msf_resize_nearest(d, in, out);
    case MSF_OP_RESIZE_BILINEAR:
        return msf_resize_bilinear(d, in, out);
    case MSF_OP_CONV2D_DILATED:
        return msf_conv_dilated(d, in, out, 0);
    case MSF_OP_DEPTHWISE_DILATED:
        return msf_conv_dilated(d, in, out, 1);
    case MSF_OP_ARG_MAX:
        return msf_arg_min_max(d, in, out, 1);
    case MSF_OP_ARG_MIN:
        return msf_arg_min_max(d, in, out, 0);
    default:
        return MSF_ERR_OP;
    }
}

int msf_run_layer(const msf_layer *d, const int8_t *in, const int8_t *in2, uint8_t *scratch, int8_t *out)
{
    int rc;
    msf_profile_enter(d, 0);
    rc = msf_run_layer_op(d, in, in2, scratch, out);
    msf_profile_leave(d, 0);
    return rc;
}
