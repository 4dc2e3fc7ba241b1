/**
 * TS mirror of assembly/kernels/desc.ts: the layer descriptor the int8 kernels read, DESC_WORDS
 * int32 words in Wasm memory. Indices and op codes must stay identical to the AssemblyScript file
 * (test/kernels.test.ts checks it). Field meanings are documented there.
 */

export const D_OP = 0;
export const D_IN_H = 1;
export const D_IN_W = 2;
export const D_IN_C = 3;
export const D_OUT_H = 4;
export const D_OUT_W = 5;
export const D_OUT_C = 6;
export const D_KH = 7;
export const D_KW = 8;
export const D_SH = 9;
export const D_SW = 10;
export const D_PAD_T = 11;
export const D_PAD_L = 12;
export const D_DEPTH_MULT = 13;
export const D_WEIGHTS = 14;
export const D_BIAS = 15;
export const D_MULT = 16;
export const D_SHIFT = 17;
export const D_IN_OFFSET = 18;
export const D_OUT_OFFSET = 19;
export const D_ACT_MIN = 20;
export const D_ACT_MAX = 21;
export const D_IN2_OFFSET = 22;
export const D_IN1_MULT = 23;
export const D_IN1_SHIFT = 24;
export const D_IN2_MULT = 25;
export const D_IN2_SHIFT = 26;
export const D_LEFT_SHIFT = 27;
export const D_OUT_MULT = 28;
export const D_OUT_SHIFT = 29;
export const D_MEAN_SAME_QUANT = 30;
export const D_CH_PAD_BEFORE = 31;
/** Written by the kernels (their cached requantisation path); writeDesc zeroes it. */
export const D_REQ_MODE = 32;
export const D_AUX = 33;
export const D_SUBOP = 34;
export const DESC_WORDS = 35;
export const DESC_BYTES = DESC_WORDS * 4;

export const OP_CONV2D = 1;
export const OP_DEPTHWISE = 2;
export const OP_AVG_POOL = 3;
export const OP_MAX_POOL = 4;
export const OP_ADD = 5;
export const OP_MEAN = 6;
export const OP_FC = 7;
export const OP_PAD = 8;
export const OP_SOFTMAX = 9;
export const OP_LUT = 10;
export const OP_ELEMENTWISE = 11;
export const OP_TRANSPOSE = 12;

/** D_SUBOP of OP_ELEMENTWISE: the function, plus ELT_CONST_FIRST when the constant is operand 1. */
export const ELT_ADD = 1;
export const ELT_SUB = 2;
export const ELT_MUL = 3;
export const ELT_MIN = 4;
export const ELT_MAX = 5;
export const ELT_CONST_FIRST = 256;

/** The descriptor as a plain object; pointers are byte offsets in Wasm memory (0: none). */
export interface LayerDesc {
  op: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  padT: number;
  padL: number;
  depthMult: number;
  weights: number;
  bias: number;
  mult: number;
  shift: number;
  inOffset: number;
  outOffset: number;
  actMin: number;
  actMax: number;
  in2Offset: number;
  in1Mult: number;
  in1Shift: number;
  in2Mult: number;
  in2Shift: number;
  leftShift: number;
  outMult: number;
  outShift: number;
  meanSameQuant: number;
  chPadBefore: number;
  aux: number;
  subop: number;
}

/** Word index of every LayerDesc field. */
export const DESC_FIELDS: Readonly<Record<keyof LayerDesc, number>> = {
  op: D_OP,
  inH: D_IN_H,
  inW: D_IN_W,
  inC: D_IN_C,
  outH: D_OUT_H,
  outW: D_OUT_W,
  outC: D_OUT_C,
  kh: D_KH,
  kw: D_KW,
  sh: D_SH,
  sw: D_SW,
  padT: D_PAD_T,
  padL: D_PAD_L,
  depthMult: D_DEPTH_MULT,
  weights: D_WEIGHTS,
  bias: D_BIAS,
  mult: D_MULT,
  shift: D_SHIFT,
  inOffset: D_IN_OFFSET,
  outOffset: D_OUT_OFFSET,
  actMin: D_ACT_MIN,
  actMax: D_ACT_MAX,
  in2Offset: D_IN2_OFFSET,
  in1Mult: D_IN1_MULT,
  in1Shift: D_IN1_SHIFT,
  in2Mult: D_IN2_MULT,
  in2Shift: D_IN2_SHIFT,
  leftShift: D_LEFT_SHIFT,
  outMult: D_OUT_MULT,
  outShift: D_OUT_SHIFT,
  meanSameQuant: D_MEAN_SAME_QUANT,
  chPadBefore: D_CH_PAD_BEFORE,
  aux: D_AUX,
  subop: D_SUBOP,
};

/**
 * Writes a descriptor at byte offset `byteOffset` (4-aligned) of the memory seen through `i32`
 * (e.g. `new Int32Array(memory.buffer)`): all DESC_WORDS words are zeroed, then the given fields
 * set. Fields left out read as 0 (no bias, no padding, ...). Values must be int32.
 */
export function writeDesc(i32: Int32Array, byteOffset: number, fields: Partial<LayerDesc>): void {
  if (byteOffset % 4 !== 0) throw new Error(`descriptor offset ${byteOffset} is not 4-aligned`);
  const base = byteOffset / 4;
  if (base + DESC_WORDS > i32.length) throw new Error(`descriptor at ${byteOffset} exceeds the memory view`);
  i32.fill(0, base, base + DESC_WORDS);
  for (const key of Object.keys(fields) as (keyof LayerDesc)[]) {
    const value = fields[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
      throw new Error(`descriptor field ${key} = ${value} is not a 32-bit integer`);
    }
    i32[base + DESC_FIELDS[key]] = value | 0;
  }
}

/** Reads a descriptor back (for debugging and tests). */
export function readDesc(i32: Int32Array, byteOffset: number): LayerDesc {
  const base = byteOffset / 4;
  const out = {} as LayerDesc;
  for (const key of Object.keys(DESC_FIELDS) as (keyof LayerDesc)[]) out[key] = i32[base + DESC_FIELDS[key]]!;
  return out;
}
