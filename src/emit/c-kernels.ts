/**
 * The fixed part of the emitted C: the int8 kernel library (msf_kernels.h / .c) and the test
 * harness (main.c). Hand-written C99, the same for every model; only msf_model.h / .c are generated
 * (src/emit/emit-c.ts). The kernels are line-by-line ports of assembly/kernels/*.ts (scalar paths)
 * and the block walker is assembly/exec/fused.ts, so the C program computes the same bytes as the
 * Wasm executor: TensorFlow Lite Micro's integer reference arithmetic, double rounding.
 *
 * Portability notes: only <stdint.h>, <stddef.h> and <string.h> are used; every size is int32_t
 * (int may be 16 bits on small parts); right shifts of negative values and int32 wrap-around, both
 * implementation-defined or undefined in C, are spelled out (msf_asr, msf_wrap).
 */

export const KERNELS_H = String.raw`/*
 * msf_kernels.h - int8 kernels and the fusion-block walker of msf-cnn (C99, no allocation).
 * This file is the same for every model; msf_model.c holds the model's tables and schedule.
 */
#ifndef MSF_KERNELS_H
#define MSF_KERNELS_H

#include <stdint.h>

/* Operator codes (the same numbers as the Wasm executor's layer descriptors). */
#define MSF_OP_CONV2D 1
#define MSF_OP_DEPTHWISE 2
#define MSF_OP_AVG_POOL 3
#define MSF_OP_MAX_POOL 4
#define MSF_OP_ADD 5
#define MSF_OP_MEAN 6
#define MSF_OP_FC 7
#define MSF_OP_PAD 8
#define MSF_OP_SOFTMAX 9

/* Return codes of the kernels and of msf_model_run. */
#define MSF_OK 0
#define MSF_ERR_OUTPUT_WINDOW (-1) /* output region outside the output tensor or buffer */
#define MSF_ERR_INPUT_WINDOW (-2)  /* a needed input position is outside the input buffer */
#define MSF_ERR_OP (-3)            /* operator not supported where it was used */
#define MSF_ERR_CACHE (-4)         /* a column cache is too small for the rows a layer needs */
#define MSF_ERR_EMPTY_POOL (-5)    /* average pooling window without any input element */
#define MSF_ERR_SHAPE (-6)         /* inconsistent layer description */
#define MSF_ERR_SOFTMAX (-7)       /* softmax reciprocal exponent out of range */

/*
 * A layer: geometry, quantisation and constant data (all const, in flash). Fields that an operator
 * does not use are 0. Weights: conv2d [out_c][kh][kw][in_c]; depthwise [kh][kw][out_c];
 * fully connected [out_c][in_c]. mult / shift: per output channel (TFLite convention: shift > 0 is
 * a left shift). in_offset = -(input zero point), out_offset = output zero point.
 */
typedef struct msf_layer {
    int32_t op;
    int32_t in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t kh, kw, sh, sw;
    int32_t pad_t, pad_l; /* bottom / right padding follow from out_h / out_w */
    int32_t depth_mult;
    const int8_t *weights;
    const int32_t *bias; /* NULL: no bias */
    const int32_t *mult;
    const int32_t *shift;
    int32_t in_offset, out_offset;
    int32_t act_min, act_max;
    /* ADD; SOFTMAX: in1_mult = input multiplier, in1_shift = input left shift, in2_mult = diff_min */
    int32_t in2_offset, in1_mult, in1_shift, in2_mult, in2_shift, left_shift;
    /* ADD and MEAN: scalar output multiplier / shift; MEAN: 1 when input and output share quantisation */
    int32_t out_mult, out_shift, mean_same_quant;
    /* PAD: channels of padding before the input's */
    int32_t ch_pad_before;
} msf_layer;

/*
 * One layer of a fusion block. Every layer but the first reads its input from a column cache of
 * cache_rows rows x kw columns x in_c channels at byte offset cache_offset of the arena. An ADD
 * (a 1x1 stride-1 window in a block) reads its materialised operand whole at arena offset other,
 * or from the network input when other == MSF_OTHER_INPUT; other_first = 1 when it is ADD's input1.
 */
typedef struct msf_stage {
    const msf_layer *layer;
    int32_t cache_offset;
    int32_t cache_rows;
    int32_t other;
    int32_t other_first;
} msf_stage;

#define MSF_OTHER_NONE (-1)
#define MSF_OTHER_INPUT (-2)

/* Per-layer state of the block walker (scratch the caller provides, one per layer of the block). */
typedef struct msf_walk {
    int32_t in_a, in_b;   /* input rows [in_a, in_b) the current output row needs */
    int32_t out_a, out_b; /* output rows [out_a, out_b) this layer computes for it */
    int32_t c0;           /* first logical input column held by the cache */
    int32_t next;         /* next output column this layer will produce */
    int32_t target;       /* output column being produced */
} msf_walk;

/* Fixed-point arithmetic of TensorFlow Lite Micro (double rounding). */
int32_t msf_saturating_rounding_doubling_high_mul(int32_t a, int32_t b);
int32_t msf_rounding_divide_by_pot(int32_t x, int32_t exponent);
int32_t msf_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift);

/*
 * Window ops (conv2d, depthwise, average / max pooling): computes the output pixels
 * [oy0, oy1) x [ox0, ox1). The input buffer holds logical rows [in_row0, in_row0 + in_rows) and
 * columns [in_col0, in_col0 + in_cols) of the input tensor; the output buffer holds logical rows
 * from out_row0 and columns [out_col0, out_col0 + out_cols) of the output tensor.
 */
int msf_window(const msf_layer *d,
               const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_rows, int32_t in_cols,
               int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
               int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1);

/*
 * A plan edge of one layer, over whole tensors. in2: ADD's second operand (else NULL); scratch:
 * MEAN's 4 * in_c bytes of int32 accumulators in the arena (any alignment; else NULL).
 */
int msf_run_layer(const msf_layer *d, const int8_t *in, const int8_t *in2, uint8_t *scratch, int8_t *out);

/*
 * A fusion block of count layers: the last layer's output is produced one row at a time, columns
 * left to right; each later layer keeps a column cache in the arena. No recursion: the walk keeps
 * a target column per layer in walk[0 .. count). net_in: the network input (an ADD's operand may
 * be it).
 */
int msf_run_block(const msf_stage *stages, int32_t count, uint8_t *arena, const int8_t *net_in,
                  const int8_t *in, int8_t *out, msf_walk *walk);

/* Element-wise ADD of count values, FULLY_CONNECTED of one input vector, PAD. */
int msf_add(const msf_layer *d, const int8_t *in1, const int8_t *in2, int8_t *out, int32_t count);
int msf_fully_connected(const msf_layer *d, const int8_t *in, int8_t *out);
int msf_pad(const msf_layer *d, const int8_t *in, int8_t *out);
/* MEAN over height and width (global average pooling); scratch: 4 * in_c bytes, any alignment. */
int msf_mean(const msf_layer *d, const int8_t *in, uint8_t *scratch, int8_t *out);
/* SOFTMAX over the last dimension: rows rows of depth values (output zero point -128, scale 1/256). */
int msf_softmax(const msf_layer *d, const int8_t *in, int8_t *out, int32_t rows, int32_t depth);

#endif /* MSF_KERNELS_H */
`;

export const KERNELS_C = String.raw`/*
 * msf_kernels.c - int8 kernels of msf-cnn in portable C99, as TensorFlow Lite Micro's integer
 * reference kernels compute them (per-channel quantisation, int32 accumulation, double rounding),
 * and the fusion-block walker. Ports of the project's AssemblyScript kernels (scalar paths): the
 * same operations in the same order, so the bytes match the Wasm executor's.
 */
#include "msf_kernels.h"

#include <stddef.h>
#include <string.h>

#define MSF_INT32_MIN (-2147483647 - 1)
#define MSF_INT32_MAX 2147483647

static int32_t msf_min(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t msf_max(int32_t a, int32_t b) { return a > b ? a : b; }

/* Two's-complement wrap of a 32-bit pattern to int32 (what int32 arithmetic does on every target). */
static int32_t msf_wrap(uint32_t u)
{
    return u <= 0x7fffffffu ? (int32_t)u : -(int32_t)(~u) - 1;
}

/* Arithmetic (flooring) right shift, also for negative x: C leaves x >> n implementation-defined. */
static int32_t msf_asr(int32_t x, int32_t n)
{
    return x >= 0 ? (x >> n) : ~((~x) >> n);
}

/*
 * (a * b * 2) / 2^32 rounded to nearest, saturating the single overflow case a == b == INT32_MIN.
 * The nudge is +2^30 for a non-negative product and 1 - 2^30 for a negative one, and the 64-bit
 * quotient truncates toward zero (C99 '/').
 */
int32_t msf_saturating_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    int64_t ab;
    int64_t nudge;
    if (a == b && a == MSF_INT32_MIN) return MSF_INT32_MAX;
    ab = (int64_t)a * (int64_t)b;
    nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero (gemmlowp's RoundingDivideByPOT). */
int32_t msf_rounding_divide_by_pot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return msf_asr(x, exponent) + (remainder > threshold ? 1 : 0);
}

/*
 * TFLM's MultiplyByQuantizedMultiplier: shift > 0 multiplies x by 2^shift first (wrapping, as the
 * int32 product does), shift < 0 rounds the high product right by -shift.
 */
int32_t msf_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t left_shift = shift > 0 ? shift : 0;
    const int32_t right_shift = shift > 0 ? 0 : -shift;
    const int32_t shifted = msf_wrap((uint32_t)x << left_shift);
    return msf_rounding_divide_by_pot(msf_saturating_rounding_doubling_high_mul(shifted, multiplier), right_shift);
}

/* Scale an accumulator (bias added) to the output, add the output zero point, clamp. */
static int8_t msf_requantize(int32_t acc, int32_t multiplier, int32_t shift, int32_t out_offset,
                             int32_t act_min, int32_t act_max)
{
    int32_t v = msf_multiply_by_quantized_multiplier(acc, multiplier, shift);
    v += out_offset;
    v = v < act_min ? act_min : v;
    v = v > act_max ? act_max : v;
    return (int8_t)v;
}

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

/*
 * CONV_2D (TFLM reference_integer_ops::ConvPerChannel, dilation 1): for every output pixel and
 * output channel, acc = sum over the filter taps inside the input and the input channels of
 * filter * (input + in_offset), plus bias, requantised. For a filter row, the valid taps read one
 * contiguous run of (kx_end - kx_start) * in_c bytes of the input row and of the filter row.
 */
static void msf_conv2d(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                       int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                       int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t in_c = d->in_c;
    const int32_t out_c = d->out_c;
    const int32_t kw = d->kw;
    const int32_t in_offset = d->in_offset;
    const int32_t filter_size = d->kh * kw * in_c; /* bytes of one output channel's filter */
    int32_t oy, ox, oc, ky, i;
    for (oy = oy0; oy < oy1; oy++) {
        const int32_t in_y_origin = oy * d->sh - d->pad_t;
        const int32_t ky_start = msf_max(0, -in_y_origin);
        const int32_t ky_end = msf_min(d->kh, d->in_h - in_y_origin);
        for (ox = ox0; ox < ox1; ox++) {
            const int32_t in_x_origin = ox * d->sw - d->pad_l;
            const int32_t kx_start = msf_max(0, -in_x_origin);
            const int32_t kx_end = msf_min(kw, d->in_w - in_x_origin);
            const int32_t run = (kx_end - kx_start) * in_c;
            int8_t *o = out + ((oy - out_row0) * out_cols + (ox - out_col0)) * out_c;
            for (oc = 0; oc < out_c; oc++) {
                int32_t acc = 0;
                if (run > 0) {
                    for (ky = ky_start; ky < ky_end; ky++) {
                        const int8_t *x = in + ((in_y_origin + ky - in_row0) * in_cols + (in_x_origin + kx_start - in_col0)) * in_c;
                        const int8_t *w = d->weights + oc * filter_size + (ky * kw + kx_start) * in_c;
                        for (i = 0; i < run; i++) acc += (int32_t)w[i] * ((int32_t)x[i] + in_offset);
                    }
                }
                if (d->bias) acc += d->bias[oc];
                o[oc] = msf_requantize(acc, d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
            }
        }
    }
}

/*
 * DEPTHWISE_CONV_2D (TFLM reference_integer_ops::DepthwiseConvPerChannel, dilation 1): output
 * channel oc = ic * depth_mult + m reads input channel ic only; filter layout [kh][kw][out_c].
 * With depth multiplier 1, channels are processed MSF_DW_CHUNK at a time (the same sums, int32
 * addition being associative) so that every tap reads contiguous bytes.
 */
#define MSF_DW_CHUNK 16

static void msf_depthwise(const msf_layer *d, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                          int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                          int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t in_c = d->in_c;
    const int32_t out_c = d->out_c;
    const int32_t kw = d->kw;
    const int32_t in_offset = d->in_offset;
    int32_t oy, ox, ic, m, ky, kx;
    for (oy = oy0; oy < oy1; oy++) {
        const int32_t in_y_origin = oy * d->sh - d->pad_t;
        const int32_t ky_start = msf_max(0, -in_y_origin);
        const int32_t ky_end = msf_min(d->kh, d->in_h - in_y_origin);
        for (ox = ox0; ox < ox1; ox++) {
            const int32_t in_x_origin = ox * d->sw - d->pad_l;
            const int32_t kx_start = msf_max(0, -in_x_origin);
            const int32_t kx_end = msf_min(kw, d->in_w - in_x_origin);
            int8_t *o = out + ((oy - out_row0) * out_cols + (ox - out_col0)) * out_c;
            if (d->depth_mult == 1) {
                /* MSF_DW_CHUNK channels side by side: contiguous input and filter bytes per tap */
                for (ic = 0; ic < in_c; ic += MSF_DW_CHUNK) {
                    const int32_t n = msf_min(MSF_DW_CHUNK, in_c - ic);
                    int32_t acc[MSF_DW_CHUNK];
                    int32_t c;
                    for (c = 0; c < n; c++) acc[c] = 0;
                    for (ky = ky_start; ky < ky_end; ky++) {
                        const int32_t row = (in_y_origin + ky - in_row0) * in_cols;
                        for (kx = kx_start; kx < kx_end; kx++) {
                            const int8_t *x = in + (row + in_x_origin + kx - in_col0) * in_c + ic;
                            const int8_t *w = d->weights + (ky * kw + kx) * out_c + ic;
                            for (c = 0; c < n; c++) acc[c] += (int32_t)w[c] * ((int32_t)x[c] + in_offset);
                        }
                    }
                    for (c = 0; c < n; c++) {
                        const int32_t oc = ic + c;
                        const int32_t sum = d->bias ? acc[c] + d->bias[oc] : acc[c];
                        o[oc] = msf_requantize(sum, d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
                    }
                }
                continue;
            }
            for (ic = 0; ic < in_c; ic++) {
                for (m = 0; m < d->depth_mult; m++) {
                    const int32_t oc = ic * d->depth_mult + m;
                    int32_t acc = 0;
                    for (ky = ky_start; ky < ky_end; ky++) {
                        const int32_t row = (in_y_origin + ky - in_row0) * in_cols;
                        for (kx = kx_start; kx < kx_end; kx++) {
                            const int32_t input_val = in[(row + in_x_origin + kx - in_col0) * in_c + ic];
                            const int32_t filter_val = d->weights[(ky * kw + kx) * out_c + oc];
                            acc += filter_val * (input_val + in_offset);
                        }
                    }
                    if (d->bias) acc += d->bias[oc];
                    o[oc] = msf_requantize(acc, d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
                }
            }
        }
    }
}

/*
 * AVERAGE_POOL_2D / MAX_POOL_2D (TFLM reference_integer_ops::AveragePool / MaxPool): the window is
 * clipped to the input; the average divides by the number of positions inside it, rounding to
 * nearest with ties away from zero; an empty max window leaves -128. Only the activation clamp
 * applies (input and output share quantisation).
 */
static int msf_pool(const msf_layer *d, int is_max, const int8_t *in, int32_t in_row0, int32_t in_col0, int32_t in_cols,
                    int8_t *out, int32_t out_row0, int32_t out_col0, int32_t out_cols,
                    int32_t oy0, int32_t oy1, int32_t ox0, int32_t ox1)
{
    const int32_t depth = d->in_c;
    int32_t oy, ox, c, fy, fx;
    for (oy = oy0; oy < oy1; oy++) {
        const int32_t in_y_origin = oy * d->sh - d->pad_t;
        const int32_t fy_start = msf_max(0, -in_y_origin);
        const int32_t fy_end = msf_min(d->kh, d->in_h - in_y_origin);
        for (ox = ox0; ox < ox1; ox++) {
            const int32_t in_x_origin = ox * d->sw - d->pad_l;
            const int32_t fx_start = msf_max(0, -in_x_origin);
            const int32_t fx_end = msf_min(d->kw, d->in_w - in_x_origin);
            const int32_t filter_count = (fy_end - fy_start) * (fx_end - fx_start);
            int8_t *o = out + ((oy - out_row0) * out_cols + (ox - out_col0)) * depth;
            if (!is_max && (fy_end <= fy_start || fx_end <= fx_start)) return MSF_ERR_EMPTY_POOL;
            for (c = 0; c < depth; c++) {
                int32_t acc = is_max ? -128 : 0;
                for (fy = fy_start; fy < fy_end; fy++) {
                    const int32_t row = (in_y_origin + fy - in_row0) * in_cols;
                    for (fx = fx_start; fx < fx_end; fx++) {
                        const int32_t v = in[(row + in_x_origin + fx - in_col0) * depth + c];
                        if (is_max) acc = msf_max(acc, v);
                        else acc += v;
                    }
                }
                if (!is_max)
                    acc = acc > 0 ? (acc + filter_count / 2) / filter_count : (acc - filter_count / 2) / filter_count;
                acc = msf_max(acc, d->act_min);
                acc = msf_min(acc, d->act_max);
                o[c] = (int8_t)acc;
            }
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
    switch (d->op) {
    case MSF_OP_CONV2D:
        msf_conv2d(d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1);
        return MSF_OK;
    case MSF_OP_DEPTHWISE:
        if (d->out_c != d->in_c * d->depth_mult) return MSF_ERR_SHAPE;
        msf_depthwise(d, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1);
        return MSF_OK;
    case MSF_OP_AVG_POOL:
        return msf_pool(d, 0, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1);
    case MSF_OP_MAX_POOL:
        return msf_pool(d, 1, in, in_row0, in_col0, in_cols, out, out_row0, out_col0, out_cols, oy0, oy1, ox0, ox1);
    default:
        return MSF_ERR_OP;
    }
}

int msf_run_layer(const msf_layer *d, const int8_t *in, const int8_t *in2, uint8_t *scratch, int8_t *out)
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
        return msf_fully_connected(d, in, out);
    case MSF_OP_MEAN:
        if (!scratch) return MSF_ERR_OP;
        return msf_mean(d, in, scratch, out);
    case MSF_OP_PAD:
        return msf_pad(d, in, out);
    case MSF_OP_SOFTMAX:
        return msf_softmax(d, in, out, d->in_h * d->in_w, d->in_c);
    default:
        return MSF_ERR_OP;
    }
}

#define MSF_NO_WINDOW (-0x40000000)

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
    for (r = 0; r < w->in_b - w->in_a; r++) {
        uint8_t *row = arena + s->cache_offset + r * kw * c;
        memmove(row, row + shift * c, (size_t)(keep * c));
    }
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
    int32_t in_row0, in_col0, in_rows, in_cols;
    int8_t *out_ptr;
    int32_t out_row0, out_col0, out_cols;
    if (j == 0) {
        in_ptr = in;
        in_row0 = 0;
        in_col0 = 0;
        in_rows = d->in_h;
        in_cols = d->in_w;
    } else {
        in_ptr = (const int8_t *)(arena + stages[j].cache_offset);
        in_row0 = w->in_a;
        in_col0 = w->c0;
        in_rows = w->in_b - w->in_a;
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
    if (d->op == MSF_OP_ADD) {
        const int32_t o = stages[j].other;
        const int8_t *other = o == MSF_OTHER_INPUT ? net_in : o >= 0 ? (const int8_t *)(arena + o) : NULL;
        rc = msf_add_window(d, in_ptr, in_row0, in_col0, in_cols, other, stages[j].other_first,
                            out_ptr, out_row0, out_col0, out_cols, w->out_a, w->out_b, x, x + 1);
    } else {
        rc = msf_window(d, in_ptr, in_row0, in_col0, in_rows, in_cols, out_ptr, out_row0, out_col0, out_cols,
                        w->out_a, w->out_b, x, x + 1);
    }
    walk[j].next = x + 1;
    return rc;
}

int msf_run_block(const msf_stage *stages, int32_t count, uint8_t *arena, const int8_t *net_in,
                  const int8_t *in, int8_t *out, msf_walk *walk)
{
    const int32_t last = count - 1;
    const msf_layer *last_layer = stages[last].layer;
    int32_t y, x, j;
    int rc;
    if (count == 1) return msf_run_layer(last_layer, in, NULL, NULL, out);
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

/*
 * ADD (TFLM reference_integer_ops::AddFunc): both inputs are brought to a common scale with
 * left_shift bits of headroom, summed, then scaled to the output.
 */
int msf_add(const msf_layer *d, const int8_t *in1, const int8_t *in2, int8_t *out, int32_t count)
{
    int32_t i;
    for (i = 0; i < count; i++) {
        const int32_t input1_val = d->in_offset + in1[i];
        const int32_t input2_val = d->in2_offset + in2[i];
        const int32_t shifted1 = msf_wrap((uint32_t)input1_val << d->left_shift);
        const int32_t shifted2 = msf_wrap((uint32_t)input2_val << d->left_shift);
        const int32_t scaled1 = msf_multiply_by_quantized_multiplier(shifted1, d->in1_mult, d->in1_shift);
        const int32_t scaled2 = msf_multiply_by_quantized_multiplier(shifted2, d->in2_mult, d->in2_shift);
        const int32_t raw_sum = msf_wrap((uint32_t)scaled1 + (uint32_t)scaled2);
        const int32_t raw_output = msf_multiply_by_quantized_multiplier(raw_sum, d->out_mult, d->out_shift) + d->out_offset;
        out[i] = (int8_t)msf_min(d->act_max, msf_max(d->act_min, raw_output));
    }
    return MSF_OK;
}

/* FULLY_CONNECTED (TFLM FullyConnected / FullyConnectedPerChannel) of one input vector of in_c. */
int msf_fully_connected(const msf_layer *d, const int8_t *in, int8_t *out)
{
    int32_t oc, i;
    for (oc = 0; oc < d->out_c; oc++) {
        const int8_t *w = d->weights + oc * d->in_c;
        int32_t acc = 0;
        for (i = 0; i < d->in_c; i++) acc += (int32_t)w[i] * ((int32_t)in[i] + d->in_offset);
        if (d->bias) acc += d->bias[oc];
        out[oc] = msf_requantize(acc, d->mult[oc], d->shift[oc], d->out_offset, d->act_min, d->act_max);
    }
    return MSF_OK;
}

/* PAD with the output zero point: spatial (pad_t, pad_l) and channel (ch_pad_before) padding. */
int msf_pad(const msf_layer *d, const int8_t *in, int8_t *out)
{
    int32_t y, x;
    memset(out, (int)(uint8_t)(int8_t)d->out_offset, (size_t)(d->out_h * d->out_w * d->out_c));
    for (y = 0; y < d->in_h; y++)
        for (x = 0; x < d->in_w; x++)
            memcpy(out + ((y + d->pad_t) * d->out_w + (x + d->pad_l)) * d->out_c + d->ch_pad_before,
                   in + (y * d->in_w + x) * d->in_c, (size_t)d->in_c);
    return MSF_OK;
}

/* int32 accumulator c of the scratch bytes, whatever their alignment. */
static int32_t msf_load32(const uint8_t *p, int32_t c)
{
    int32_t v;
    memcpy(&v, p + 4 * c, 4);
    return v;
}
static void msf_store32(uint8_t *p, int32_t c, int32_t v)
{
    memcpy(p + 4 * c, &v, 4);
}

/*
 * MEAN over height and width (TFLM EvalIntegerMean): with shared quantisation the int32 sum divided
 * by n = H * W (truncating); otherwise QuantizedMeanOrSum with 1 / n folded into the multiplier.
 */
int msf_mean(const msf_layer *d, const int8_t *in, uint8_t *scratch, int8_t *out)
{
    const int32_t depth = d->in_c;
    const int32_t n = d->in_h * d->in_w;
    int32_t p, c, shift, multiplier, out_shift;
    for (c = 0; c < depth; c++) msf_store32(scratch, c, 0);
    for (p = 0; p < n; p++)
        for (c = 0; c < depth; c++)
            msf_store32(scratch, c, msf_wrap((uint32_t)msf_load32(scratch, c) + (uint32_t)(int32_t)in[p * depth + c]));
    if (n <= 0) return MSF_OK;
    if (d->mean_same_quant) {
        for (c = 0; c < depth; c++) out[c] = (int8_t)(msf_load32(scratch, c) / n);
        return MSF_OK;
    }
    /* shift = floor(log2 n), clamped so that the product cannot overflow and the shift stays <= 31 */
    shift = 0;
    while (shift < 30 && (n >> (shift + 1)) > 0) shift++;
    shift = msf_min(shift, 31 + d->out_shift);
    if (shift < 0) return MSF_ERR_SHAPE;
    multiplier = (int32_t)(((int64_t)d->out_mult * ((int64_t)1 << shift)) / n);
    out_shift = d->out_shift - shift;
    for (c = 0; c < depth; c++) {
        /* acc - input_zero_point * n, wrapping as TFLM's int64 result narrowed to int32 */
        const int32_t shifted_sum = msf_wrap((uint32_t)msf_load32(scratch, c) - (uint32_t)(-d->in_offset) * (uint32_t)n);
        int32_t output = msf_multiply_by_quantized_multiplier(shifted_sum, multiplier, out_shift) + d->out_offset;
        output = msf_min(msf_max(output, -128), 127);
        out[c] = (int8_t)output;
    }
    return MSF_OK;
}

/* ---- SOFTMAX: gemmlowp fixed point, as TFLM's reference_ops::Softmax<int8_t, int8_t> ---- */

static int32_t msf_add_wrap(int32_t a, int32_t b) { return msf_wrap((uint32_t)a + (uint32_t)b); }
static int32_t msf_sub_wrap(int32_t a, int32_t b) { return msf_wrap((uint32_t)a - (uint32_t)b); }

/* gemmlowp's SaturatingRoundingMultiplyByPOT for exponent > 0: a saturating left shift. */
static int32_t msf_saturating_shift_left(int32_t x, int32_t exponent)
{
    const int32_t threshold = (int32_t)(((uint32_t)1 << (31 - exponent)) - 1u);
    if (x > threshold) return MSF_INT32_MAX;
    if (x < -threshold) return MSF_INT32_MIN;
    return msf_wrap((uint32_t)x << exponent);
}

/* exp(a) for a in [-1/4, 0), a and the result in Q0.31: Taylor expansion around -1/8. */
static int32_t msf_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a)
{
    const int32_t constant_term = 1895147668;  /* exp(-1/8) in Q0.31 */
    const int32_t constant_1_over_3 = 715827883; /* 1/3 in Q0.31 */
    const int32_t x = msf_add_wrap(a, 1 << 28);  /* a + 1/8 */
    const int32_t x2 = msf_saturating_rounding_doubling_high_mul(x, x);
    const int32_t x3 = msf_saturating_rounding_doubling_high_mul(x2, x);
    const int32_t x4 = msf_saturating_rounding_doubling_high_mul(x2, x2);
    const int32_t x4_over_4 = msf_rounding_divide_by_pot(x4, 2);
    const int32_t poly = msf_rounding_divide_by_pot(
        msf_add_wrap(msf_saturating_rounding_doubling_high_mul(msf_add_wrap(x4_over_4, x3), constant_1_over_3), x2), 1);
    return msf_add_wrap(constant_term, msf_saturating_rounding_doubling_high_mul(constant_term, msf_add_wrap(x, poly)));
}

/* exp(a) for a <= 0 in Q5.26; the result in Q0.31. */
static int32_t msf_exp_on_negative_values(int32_t a)
{
    const int32_t fractional_bits = 26;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t mask = one_quarter - 1;
    const int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
    const int32_t remainder = msf_sub_wrap(a_mod_quarter_minus_one_quarter, a);
    int32_t result = msf_exp_on_interval_between_negative_one_quarter_and_0_excl(
        msf_saturating_shift_left(a_mod_quarter_minus_one_quarter, 5));
    /* multiply by exp(-2^k) for every bit 2^k (k = -2 .. 4) set in the remainder */
    if (remainder & ((int32_t)1 << (fractional_bits - 2))) result = msf_saturating_rounding_doubling_high_mul(result, 1672461947);
    if (remainder & ((int32_t)1 << (fractional_bits - 1))) result = msf_saturating_rounding_doubling_high_mul(result, 1302514674);
    if (remainder & ((int32_t)1 << fractional_bits)) result = msf_saturating_rounding_doubling_high_mul(result, 790015084);
    if (remainder & ((int32_t)1 << (fractional_bits + 1))) result = msf_saturating_rounding_doubling_high_mul(result, 290630308);
    if (remainder & ((int32_t)1 << (fractional_bits + 2))) result = msf_saturating_rounding_doubling_high_mul(result, 39332535);
    if (remainder & ((int32_t)1 << (fractional_bits + 3))) result = msf_saturating_rounding_doubling_high_mul(result, 720401);
    if (remainder & ((int32_t)1 << (fractional_bits + 4))) result = msf_saturating_rounding_doubling_high_mul(result, 242);
    return a == 0 ? MSF_INT32_MAX : result;
}

/* (a + b) / 2 rounded to nearest, ties away from zero (gemmlowp's RoundingHalfSum). */
static int32_t msf_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    const int64_t sign = sum >= 0 ? 1 : -1;
    return (int32_t)((sum + sign) / 2);
}

/* 1 / (1 + a) for a in [0, 1), Q0.31 in and out: three Newton-Raphson steps in Q2.29. */
static int32_t msf_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    const int32_t half_denominator = msf_rounding_half_sum(a, MSF_INT32_MAX);
    const int32_t constant_48_over_17 = 1515870810;
    const int32_t constant_neg_32_over_17 = -1010580540;
    const int32_t one_q2 = (int32_t)1 << 29;
    int32_t x = msf_add_wrap(constant_48_over_17, msf_saturating_rounding_doubling_high_mul(half_denominator, constant_neg_32_over_17));
    int32_t i;
    for (i = 0; i < 3; i++) {
        const int32_t half_denominator_times_x = msf_saturating_rounding_doubling_high_mul(half_denominator, x);
        const int32_t one_minus_half_denominator_times_x = msf_sub_wrap(one_q2, half_denominator_times_x);
        x = msf_add_wrap(x, msf_saturating_shift_left(msf_saturating_rounding_doubling_high_mul(x, one_minus_half_denominator_times_x), 2));
    }
    return msf_saturating_shift_left(x, 1);
}

/* Leading zero bits of a 32-bit value (32 for 0). */
static int32_t msf_clz32(uint32_t v)
{
    int32_t n = 0;
    if (v == 0) return 32;
    while (!(v & 0x80000000u)) {
        v <<= 1;
        n++;
    }
    return n;
}

int msf_softmax(const msf_layer *d, const int8_t *in, int8_t *out, int32_t rows, int32_t depth)
{
    const int32_t input_beta_multiplier = d->in1_mult;
    const int32_t input_beta_left_shift = d->in1_shift;
    const int32_t diff_min = d->in2_mult;
    const int32_t accumulation_integer_bits = 12;
    int32_t i, c;
    for (i = 0; i < rows; i++) {
        const int8_t *row = in + i * depth;
        int8_t *o = out + i * depth;
        int32_t max_in_row = -128;
        int32_t sum_of_exps = 0;
        int32_t headroom_plus_one, num_bits_over_unit, shifted_sum_minus_one, shifted_scale, exponent;
        /* 1. the largest value of the row */
        for (c = 0; c < depth; c++) max_in_row = msf_max(max_in_row, row[c]);
        /* 2. the sum of exp(diff), Q12.19 */
        for (c = 0; c < depth; c++) {
            const int32_t input_diff = row[c] - max_in_row;
            if (input_diff >= diff_min) {
                const int32_t rescaled = msf_saturating_rounding_doubling_high_mul(
                    msf_wrap((uint32_t)input_diff << input_beta_left_shift), input_beta_multiplier);
                sum_of_exps = msf_add_wrap(sum_of_exps,
                    msf_rounding_divide_by_pot(msf_exp_on_negative_values(rescaled), accumulation_integer_bits));
            }
        }
        /* 3. its reciprocal: sum = 2^num_bits_over_unit * (1 + f), f in [0, 1) */
        headroom_plus_one = msf_clz32((uint32_t)sum_of_exps);
        num_bits_over_unit = accumulation_integer_bits - headroom_plus_one;
        shifted_sum_minus_one = msf_wrap(((uint32_t)sum_of_exps << (headroom_plus_one & 31)) - 0x80000000u);
        shifted_scale = msf_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
        exponent = num_bits_over_unit + 31 - 8;
        if (exponent < 0 || exponent > 31) return MSF_ERR_SOFTMAX;
        /* 4. the outputs, zero point -128, scale 1/256 */
        for (c = 0; c < depth; c++) {
            const int32_t input_diff = row[c] - max_in_row;
            int32_t v = -128;
            if (input_diff >= diff_min) {
                const int32_t rescaled = msf_saturating_rounding_doubling_high_mul(
                    msf_wrap((uint32_t)input_diff << input_beta_left_shift), input_beta_multiplier);
                const int32_t exp_in_0 = msf_exp_on_negative_values(rescaled);
                const int32_t unsat = msf_rounding_divide_by_pot(msf_saturating_rounding_doubling_high_mul(shifted_scale, exp_in_0), exponent);
                v = unsat - 128;
                v = v < -128 ? -128 : v;
                v = v > 127 ? 127 : v;
            }
            o[c] = (int8_t)v;
        }
    }
    return MSF_OK;
}
`;

export const MAIN_C = String.raw`/*
 * main.c - test harness for the emitted model: reads MSF_INPUT_BYTES raw int8 bytes from a file,
 * runs the model, writes MSF_OUTPUT_BYTES raw bytes to a file and prints a checksum line.
 *   host:         ./msf_model input.bin output.bin
 *   Cortex-M (semihosting, picolibc --crt0=hosted: no command line): the file names default to
 *                 MSF_INPUT_FILE / MSF_OUTPUT_FILE (input.bin / output.bin, relative to the
 *                 directory qemu runs in). Define MSF_PRINT_HEX to also print the output as hex.
 * The I/O buffers come from malloc here, in the harness only: the model itself allocates nothing
 * (its only RAM is the static arena in msf_model.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "msf_model.h"

#ifndef MSF_INPUT_FILE
#define MSF_INPUT_FILE "input.bin"
#endif
#ifndef MSF_OUTPUT_FILE
#define MSF_OUTPUT_FILE "output.bin"
#endif

int main(int argc, char **argv)
{
    const char *in_path = argc > 1 ? argv[1] : MSF_INPUT_FILE;
    const char *out_path = argc > 2 ? argv[2] : MSF_OUTPUT_FILE;
    int8_t *in = (int8_t *)malloc(MSF_INPUT_BYTES);
    int8_t *out = (int8_t *)malloc(MSF_OUTPUT_BYTES);
    unsigned long hash = 2166136261ul; /* FNV-1a, 32 bits */
    size_t got;
    long i;
    int rc;
    FILE *f;
    if (!in || !out) {
        fprintf(stderr, "msf: out of memory for the input and output buffers\n");
        return 1;
    }
    f = fopen(in_path, "rb");
    if (!f) {
        fprintf(stderr, "msf: cannot open %s\n", in_path);
        return 1;
    }
    got = fread(in, 1, MSF_INPUT_BYTES, f);
    if (got != (size_t)MSF_INPUT_BYTES || fgetc(f) != EOF) {
        fprintf(stderr, "msf: %s must hold exactly %ld bytes\n", in_path, (long)MSF_INPUT_BYTES);
        fclose(f);
        return 1;
    }
    fclose(f);
    rc = msf_model_run(in, out);
    if (rc != 0) {
        fprintf(stderr, "msf: msf_model_run failed with code %d\n", rc);
        return 2;
    }
    f = fopen(out_path, "wb");
    if (!f || fwrite(out, 1, MSF_OUTPUT_BYTES, f) != (size_t)MSF_OUTPUT_BYTES) {
        fprintf(stderr, "msf: cannot write %s\n", out_path);
        if (f) fclose(f);
        return 1;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "msf: cannot write %s\n", out_path);
        return 1;
    }
    for (i = 0; i < (long)MSF_OUTPUT_BYTES; i++) {
        hash ^= (unsigned long)(unsigned char)out[i];
        hash = (hash * 16777619ul) & 0xfffffffful;
    }
#ifdef MSF_PRINT_HEX
    for (i = 0; i < (long)MSF_OUTPUT_BYTES; i++) printf("%02x%s", (unsigned)(unsigned char)out[i], (i % 32 == 31) ? "\n" : "");
    printf("\n");
#endif
    printf("msf: ok, %ld output bytes written to %s, fnv1a32 %08lx\n", (long)MSF_OUTPUT_BYTES, out_path, hash);
    free(in);
    free(out);
    return 0;
}
`;
