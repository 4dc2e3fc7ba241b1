/*
 * msf_kernels.h - int8 kernels and the fusion-block walker of msf-cnn (C99, no allocation): the
 * public interface of the kernel library (msf_*.c, one file per operator family; msf_internal.h
 * holds what the files share). The library is the same for every model; msf_model.c holds the
 * model's tables and schedule.
 *
 * A new operator: its MSF_OP_* code here (the Wasm executor's number), its entry point below, its
 * kernel in a new msf_<operator>.c (every msf_*.c / msf_*.h of src/emit/c is emitted) and its case
 * in msf_run_layer (msf_dispatch.c).
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
#define MSF_OP_LUT 10
#define MSF_OP_ELEMENTWISE 11
#define MSF_OP_GATHER 12
#define MSF_OP_CONCAT 13
#define MSF_OP_REDUCE_MEAN 14
#define MSF_OP_REDUCE_MAX 15
#define MSF_OP_RESIZE_NEAREST 16
#define MSF_OP_RESIZE_BILINEAR 17
#define MSF_OP_CONV2D_DILATED 18
#define MSF_OP_DEPTHWISE_DILATED 19
#define MSF_OP_ARG_MAX 20
#define MSF_OP_ARG_MIN 21

/* subop of MSF_OP_ELEMENTWISE, plus MSF_ELT_CONST_FIRST when the constant (weights) is operand 1. */
#define MSF_ELT_ADD 1
#define MSF_ELT_SUB 2
#define MSF_ELT_MUL 3
#define MSF_ELT_MIN 4
#define MSF_ELT_MAX 5
#define MSF_ELT_CONST_FIRST 256

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
 * The fast kernels' requantisation of one output channel (msf_fast.h's msf_rq_out), worked out by
 * the emitter from mult / shift / out_offset (requantTable of emit-c.ts). right >= 0: the output
 * (offset added) is the high word of the 64-bit x * mult + round - (x < 0) * 2^31, arithmetically
 * shifted right by `right`. right < 0: a channel that form does not cover exactly, requantised
 * step by step (round = the TFLite shift).
 */
typedef struct msf_rq {
    int64_t round;
    int32_t mult, right;
} msf_rq;

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
    /* conv2d, depthwise, fully connected: bias[oc] + in_offset * (sum of oc's filter), int32
     * wrapping; the fast kernels start interior pixels from it (NULL: the reference kernels only) */
    const int32_t *kernel_sum;
    const msf_rq *rq; /* per output channel, with kernel_sum (NULL: the reference kernels only) */
    int32_t in_offset, out_offset;
    int32_t act_min, act_max;
    /* ADD; SOFTMAX: in1_mult = input multiplier, in1_shift = input left shift, in2_mult = diff_min */
    int32_t in2_offset, in1_mult, in1_shift, in2_mult, in2_shift, left_shift;
    /* ADD and MEAN: scalar output multiplier / shift */
    int32_t out_mult, out_shift;
    /* PAD: channels of padding before the input's */
    int32_t ch_pad_before;
    /* ELEMENTWISE, GATHER, CONCAT, REDUCE_*, RESIZE_*: their walk (msf_elementwise.c, msf_move.c, msf_reduce.c, msf_resize.c); ELEMENTWISE: MSF_ELT_* */
    const int32_t *aux;
    int32_t subop;
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
 * MEAN's int32 accumulators in the arena (4 * in_c bytes; REDUCE_MEAN: 4 per output element; any
 * alignment; else NULL).
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
/* Unary element-wise ops through the 256-entry table in weights: out[i] = table[(uint8_t)in[i]]. */
int msf_lut(const msf_layer *d, const int8_t *in, int8_t *out);
/* Binary element-wise ops with broadcasting; in2 NULL: the second operand is the constant (weights). */
int msf_elementwise(const msf_layer *d, const int8_t *in1, const int8_t *in2, int8_t *out);
/* TRANSPOSE and the slices of SPLIT / SPLIT_V / UNPACK: a 4-D gather. */
int msf_gather(const msf_layer *d, const int8_t *in, int8_t *out);
/* CONCATENATION / PACK of aux[0] tensors: ins holds their addresses in order. */
int msf_concat(const msf_layer *d, const int8_t *const *ins, int8_t *out);
/* MEAN / REDUCE_MAX over any axes (aux: their walk, see msf_reduce.c); scratch: 4 bytes per output. */
int msf_reduce_mean(const msf_layer *d, const int8_t *in, uint8_t *scratch, int8_t *out);
int msf_reduce_max(const msf_layer *d, const int8_t *in, int8_t *out);
/* RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR (aux: shapes and per-row / per-column taps, msf_resize.c). */
int msf_resize_nearest(const msf_layer *d, const int8_t *in, int8_t *out);
int msf_resize_bilinear(const msf_layer *d, const int8_t *in, int8_t *out);
/* CONV_2D / DEPTHWISE_CONV_2D with dilation (aux: [dh, dw]) over whole tensors (msf_dilated.c). */
int msf_conv_dilated(const msf_layer *d, const int8_t *in, int8_t *out, int depthwise);
/* ARG_MAX / ARG_MIN (aux: outer, axis size, inner): little-endian int32 indices into out (msf_arg.c). */
int msf_arg_min_max(const msf_layer *d, const int8_t *in, int8_t *out, int is_max);

#endif /* MSF_KERNELS_H */
