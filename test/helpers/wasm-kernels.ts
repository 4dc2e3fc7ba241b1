/**
 * Test and bench harness for the int8 kernels in build/exec.wasm: loads the module with
 * @assemblyscript/loader, places buffers with a bump pointer at >= heapBase() (growing memory as
 * needed; the module has no allocator), writes descriptors with src/runtime/desc.ts, and wraps
 * each kernel in a whole-tensor call taking and returning typed arrays (reference/kernels.ts
 * parameter objects).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instantiateSync } from '@assemblyscript/loader';
import {
  DESC_BYTES, OP_ADD, OP_AVG_POOL, OP_CONV2D, OP_DEPTHWISE, OP_FC, OP_MAX_POOL, OP_MEAN, type LayerDesc, writeDesc,
} from '../../src/runtime/desc.js';
import type { AddLayer, ConvLayer, FcLayer, MeanLayer, PoolLayer } from '../reference/kernels.js';

/** The kernel exports of build/exec.wasm (pointers are byte offsets). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  setSimd(on: number): void;
  simdEnabled(): number;
  /** Every window op (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE/MAX_POOL_2D), by the descriptor's op code. */
  runWindow: WindowKernel;
  add(desc: number, in1: number, in2: number, out: number, count: number): void;
  fullyConnected(desc: number, input: number, out: number): void;
  meanInit(desc: number, acc: number): void;
  meanAccumulate(desc: number, acc: number, input: number, pixels: number): void;
  meanFinalize(desc: number, acc: number, out: number): void;
  srdhm(a: number, b: number): number;
  rdbpot(x: number, exponent: number): number;
  mbqm(x: number, multiplier: number, shift: number): number;
}

export type WindowKernel = (
  desc: number,
  inPtr: number, inRow0: number, inCol0: number, inRows: number, inCols: number,
  outPtr: number, outRow0: number, outCol0: number, outCols: number,
  oy0: number, oy1: number, ox0: number, ox1: number,
) => void;

export const EXEC_WASM = fileURLToPath(new URL('../../build/exec.wasm', import.meta.url));

/** The spatial window of one kernel call (see assembly/kernels/window.ts). */
export interface Window {
  inRow0: number;
  inCol0: number;
  inRows: number;
  inCols: number;
  outRow0: number;
  outCol0: number;
  outRows: number;
  outCols: number;
  oy0: number;
  oy1: number;
  ox0: number;
  ox1: number;
}

export class WasmKernels {
  readonly exports: KernelExports;
  readonly base: number;
  private top: number;

  constructor() {
    if (!existsSync(EXEC_WASM)) throw new Error(`${EXEC_WASM} is missing: run \`node scripts/build-wasm.mjs\` first`);
    const { exports } = instantiateSync<Record<string, unknown>>(readFileSync(EXEC_WASM), {});
    this.exports = exports as unknown as KernelExports;
    this.base = this.exports.heapBase();
    this.top = this.base;
  }

  /** Forgets every buffer placed so far. */
  reset(): void {
    this.top = this.base;
  }

  setSimd(on: boolean): void {
    this.exports.setSimd(on ? 1 : 0);
  }

  /** Reserves `bytes` at a 16-byte aligned offset, growing memory when needed. */
  alloc(bytes: number, align = 16): number {
    const ptr = Math.ceil(this.top / align) * align;
    this.top = ptr + Math.max(bytes, 0);
    const need = this.top - this.exports.memory.buffer.byteLength;
    if (need > 0) this.exports.memory.grow(Math.ceil(need / 65536));
    return ptr;
  }

  get i8(): Int8Array {
    return new Int8Array(this.exports.memory.buffer);
  }
  get i32(): Int32Array {
    return new Int32Array(this.exports.memory.buffer);
  }

  putI8(data: ArrayLike<number>): number {
    const p = this.alloc(data.length);
    this.i8.set(data, p);
    return p;
  }
  putI32(data: ArrayLike<number>): number {
    const p = this.alloc(data.length * 4);
    this.i32.set(data, p / 4);
    return p;
  }
  /** Fills with a marker byte, so that bytes a kernel should not touch can be checked. */
  fillI8(n: number, value: number): number {
    const p = this.alloc(n);
    this.i8.fill(value, p, p + n);
    return p;
  }
  readI8(ptr: number, n: number): Int8Array {
    return this.i8.slice(ptr, ptr + n);
  }
  desc(fields: Partial<LayerDesc>): number {
    const p = this.alloc(DESC_BYTES);
    writeDesc(this.i32, p, fields);
    return p;
  }

  // ---- descriptors from reference parameter objects ----

  convDesc(l: ConvLayer, op: number): number {
    const weights = this.putI8(l.weights);
    const bias = l.bias ? this.putI32(l.bias) : 0;
    const mult = this.putI32(l.mult);
    const shift = this.putI32(l.shift);
    return this.desc({
      op, inH: l.inH, inW: l.inW, inC: l.inC, outH: l.outH, outW: l.outW, outC: l.outC,
      kh: l.kh, kw: l.kw, sh: l.sh, sw: l.sw, padT: l.padT, padL: l.padL, depthMult: l.depthMult ?? 1,
      weights, bias, mult, shift, inOffset: l.inOffset, outOffset: l.outOffset, actMin: l.actMin, actMax: l.actMax,
    });
  }

  poolDesc(l: PoolLayer, op: number): number {
    return this.desc({
      op, inH: l.inH, inW: l.inW, inC: l.inC, outH: l.outH, outW: l.outW, outC: l.inC,
      kh: l.kh, kw: l.kw, sh: l.sh, sw: l.sw, padT: l.padT, padL: l.padL, actMin: l.actMin, actMax: l.actMax,
    });
  }

  // ---- window kernel calls ----

  /**
   * Runs the window op of `desc` on the window `w` of a whole input tensor `input` ([inH][inW][inC]), writing into
   * an output buffer of outRows x outCols pixels of outC channels pre-filled with `marker`; returns
   * that buffer.
   */
  runWindow(
    desc: number, input: Int8Array, inW: number, inC: number, outC: number, w: Window, marker = 0x55,
  ): Int8Array {
    // Copy the window's rows and columns out of the whole tensor.
    const win = new Int8Array(w.inRows * w.inCols * inC);
    for (let r = 0; r < w.inRows; r++) {
      for (let c = 0; c < w.inCols; c++) {
        const src = ((w.inRow0 + r) * inW + (w.inCol0 + c)) * inC;
        win.set(input.subarray(src, src + inC), (r * w.inCols + c) * inC);
      }
    }
    const inPtr = this.putI8(win);
    const outBytes = w.outRows * w.outCols * outC;
    const outPtr = this.fillI8(outBytes, marker);
    this.exports.runWindow(desc, inPtr, w.inRow0, w.inCol0, w.inRows, w.inCols, outPtr, w.outRow0, w.outCol0, w.outCols, w.oy0, w.oy1, w.ox0, w.ox1);
    return this.readI8(outPtr, outBytes);
  }

  /** A window kernel over the whole input tensor of a layer of shape `g` with outC output channels. */
  private whole(desc: number, input: Int8Array, g: Pick<LayerDesc, 'inH' | 'inW' | 'inC' | 'outH' | 'outW'>, outC: number): Int8Array {
    return this.runWindow(desc, input, g.inW, g.inC, outC, {
      inRow0: 0, inCol0: 0, inRows: g.inH, inCols: g.inW, outRow0: 0, outCol0: 0, outRows: g.outH, outCols: g.outW,
      oy0: 0, oy1: g.outH, ox0: 0, ox1: g.outW,
    });
  }

  conv2d(l: ConvLayer, input: Int8Array): Int8Array {
    return this.whole(this.convDesc(l, OP_CONV2D), input, l, l.outC);
  }
  depthwiseConv2d(l: ConvLayer, input: Int8Array): Int8Array {
    return this.whole(this.convDesc(l, OP_DEPTHWISE), input, l, l.outC);
  }
  avgPool(l: PoolLayer, input: Int8Array): Int8Array {
    return this.whole(this.poolDesc(l, OP_AVG_POOL), input, l, l.inC);
  }
  maxPool(l: PoolLayer, input: Int8Array): Int8Array {
    return this.whole(this.poolDesc(l, OP_MAX_POOL), input, l, l.inC);
  }

  add(p: AddLayer, in1: Int8Array, in2: Int8Array): Int8Array {
    const d = this.desc({ op: OP_ADD, ...p });
    const a = this.putI8(in1);
    const b = this.putI8(in2);
    const out = this.fillI8(in1.length, 0x55);
    this.exports.add(d, a, b, out, in1.length);
    return this.readI8(out, in1.length);
  }

  fullyConnected(l: FcLayer, input: Int8Array): Int8Array {
    const weights = this.putI8(l.weights);
    const bias = l.bias ? this.putI32(l.bias) : 0;
    const mult = this.putI32(l.mult);
    const shift = this.putI32(l.shift);
    const d = this.desc({
      op: OP_FC, inC: l.inC, outC: l.outC, weights, bias, mult, shift,
      inOffset: l.inOffset, outOffset: l.outOffset, actMin: l.actMin, actMax: l.actMax,
    });
    const inPtr = this.putI8(input);
    const out = this.fillI8(l.outC, 0x55);
    this.exports.fullyConnected(d, inPtr, out);
    return this.readI8(out, l.outC);
  }

  /** MEAN fed in chunks of `chunks` pixel counts (default: all pixels at once). */
  mean(l: MeanLayer, input: Int8Array, chunks?: number[]): Int8Array {
    const d = this.desc({
      op: OP_MEAN, inH: l.inH, inW: l.inW, inC: l.inC, outH: 1, outW: 1, outC: l.inC,
      inOffset: l.inOffset, outOffset: l.outOffset, outMult: l.outMult, outShift: l.outShift,
    });
    const acc = this.alloc(l.inC * 4);
    this.i32.fill(0x12345678, acc / 4, acc / 4 + l.inC); // meanInit must clear it
    const inPtr = this.putI8(input);
    const out = this.fillI8(l.inC, 0x55);
    this.exports.meanInit(d, acc);
    let p = 0;
    for (const n of chunks ?? [l.inH * l.inW]) {
      this.exports.meanAccumulate(d, acc, inPtr + p * l.inC, n);
      p += n;
    }
    this.exports.meanFinalize(d, acc, out);
    return this.readI8(out, l.inC);
  }
}
