/*
 * msf_stream.h - streamed blocks (issue #14): line buffers (rings), column caches, residual
 * streams, pooling tails and in-place outputs, played by the pull walk of the specification
 * (src/cost/stream-sim.ts) in msf_stream.c. A block is a table of msf_stream_layer generated at emit
 * time (src/emit/stream-c.ts) with the offsets of the streaming schedule (src/plan/stream-schedule.ts).
 */
#ifndef MSF_STREAM_H
#define MSF_STREAM_H

#include "msf_kernels.h"

/* Where a tensor's pixels are, for the layers of a block. */
#define MSF_SB_TENSOR 0 /* a whole tensor at arena offset `offset` */
#define MSF_SB_INPUT 1  /* network input `offset` (the caller's buffer in[offset]) */
#define MSF_SB_OUTPUT 2 /* network output `offset` (the caller's buffer out[offset]) */
#define MSF_SB_RING 3   /* a ring of `slots` pixels at `offset`: pixel q at slot q mod slots */
#define MSF_SB_CACHE 4  /* the column cache of the reading layer: pixel (r, c) at slot (r - first row of the step) * slots + c mod slots */

typedef struct msf_stream_buf {
    int32_t kind, offset, slots;
    int32_t w, c;     /* the tensor's width and channels */
    int32_t producer; /* MSF_SB_CACHE: the block layer writing it (its step rows start the cache) */
} msf_stream_buf;

/* How a layer of a block reads its operands. */
#define MSF_SK_WINDOW 0 /* conv, depthwise, pools: a window per output pixel */
#define MSF_SK_PIXEL 1  /* ADD, channel PAD, LUT; FC / softmax over a 1x1 map: pixel to pixel */
#define MSF_SK_REDUCE 2 /* global average pooling: int32 sums pixel by pixel, requantised once */

typedef struct msf_stream_layer {
    const msf_layer *layer;
    int32_t kind;
    int32_t cached;          /* 1: reads the block layer before it from its column cache */
    int32_t inputs;          /* operands (1 or 2) */
    int32_t src[2];          /* the block layer making operand k, or -1 (made before the block) */
    msf_stream_buf in[2];    /* where operand k is */
    msf_stream_buf out;      /* where the output goes */
    int32_t row0, row1;      /* the output rows the block needs */
    int32_t ncols;           /* the output columns the block needs: cols[0 .. ncols) */
    const uint16_t *cols;
    int32_t acc;             /* MSF_SK_REDUCE: arena offset of its int32 sums (4 * channels bytes) */
} msf_stream_layer;

/* Walker state per block layer and the walk's stack (the caller's: count of each). */
typedef struct msf_stream_state {
    int32_t next_at;            /* the next needed output pixel to make (row-major index), or none (INT32_MAX) */
    int32_t next_row, next_i;   /* its row and its column's index in cols */
    int32_t step_row;           /* cached sub-block: the current step (output row of its last layer) */
    int32_t range_a, range_b;   /* cached sub-block: this layer's output rows in the step */
    int32_t next_col;           /* cached sub-block: how many needed columns it made in the step */
} msf_stream_state;

/* A goal of the walk: make layer's needed pixels up to until, at the one being made (or a column of a cached sub-block). */
typedef struct msf_stream_frame {
    int32_t what, layer, at, phase, last, until;
} msf_stream_frame;

/*
 * Runs a streamed block of count layers: the last layer's needed pixels in row-major order, each
 * pulling what its window needs from the layers before it (arena: the model's arena; in / out:
 * the caller's buffer of each network input and output, in the model's order). 0 or an MSF_ERR_* code.
 */
int msf_run_stream(const msf_stream_layer *layers, int32_t count, uint8_t *arena, const int8_t *const *in, int8_t *const *out,
                   msf_stream_state *state, msf_stream_frame *frames);

#endif /* MSF_STREAM_H */
