/** TS mirror of assembly/exec/program.ts: the per-edge program the Wasm executor runs. */
export const P_LAYERS = 0;
export const P_IN = 1;
export const P_OUT = 2;
/** ADD: the second operand; MEAN: its int32 scratch (single-layer edges only). */
export const P_AUX = 3;
export const P_HEADER_WORDS = 4;
export const L_DESC = 0;
export const L_CACHE = 1;
export const L_CACHE_ROWS = 2;
export const L_MACS_PER_ELEMENT = 3;
export const L_ROWS_USED = 11;
/** ADD in a fusion block: its materialised operand, and 1 when that is ADD's input1. */
export const L_OTHER = 12;
export const L_OTHER_FIRST = 13;
export const L_WORDS = 14;

export const programWords = (layers: number): number => P_HEADER_WORDS + layers * L_WORDS;
export const layerWord = (j: number, field: number): number => P_HEADER_WORDS + j * L_WORDS + field;
