// The block program: what the TypeScript driver (src/runtime/executor.ts) writes into Wasm memory
// for one edge of a plan (a single layer or a fusion block), i32 words. src/runtime/program.ts is
// generated from these indices (scripts/mirrors.mjs, at every build).
export const P_LAYERS: i32 = 0; // layers in the block
export const P_IN: i32 = 1; // input tensor of the first layer (whole tensor)
export const P_OUT: i32 = 2; // output tensor of the last layer (whole tensor)
export const P_AUX: i32 = 3; // single layers: ADD's second operand, MEAN's int32[C] scratch (0: none)
export const P_HEADER_WORDS: i32 = 4;

// Per layer j, at word P_HEADER_WORDS + j * L_WORDS:
export const L_DESC: i32 = 0; // layer descriptor (assembly/kernels/desc.ts)
export const L_CACHE: i32 = 1; // column cache: input rows x kw x inC (unused for j = 0)
export const L_CACHE_ROWS: i32 = 2; // rows allocated for the cache
export const L_MACS_PER_ELEMENT: i32 = 3;
// Executor state, rewritten while the block runs:
export const L_IN_A: i32 = 4; // input rows [inA, inB) the current output row needs
export const L_IN_B: i32 = 5;
export const L_OUT_A: i32 = 6; // output rows [outA, outB) this layer computes for it
export const L_OUT_B: i32 = 7;
export const L_C0: i32 = 8; // first logical input column held by the cache
export const L_NEXT: i32 = 9; // next output column this layer will produce
export const L_TARGET: i32 = 10; // output column being produced
export const L_ROWS_USED: i32 = 11; // most input rows this layer's cache actually held (measured)
// ADD in a block: its materialised operand (whole tensor; for j = 0 the second operand), and 1 when
// that operand is ADD's input1 (the in-block operand is then input2).
export const L_OTHER: i32 = 12;
export const L_OTHER_FIRST: i32 = 13;
export const L_WORDS: i32 = 14;

// @ts-ignore: decorator
@inline export function lw(prog: usize, j: i32, field: i32): usize {
  return prog + ((<usize>(P_HEADER_WORDS + j * L_WORDS + field)) << 2);
}
