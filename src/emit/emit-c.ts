// Over ~500 lines for now: concurrent work (new operators, fast kernels, code measurement) edits it; its msf_model.h / .c and README sections move to modules of their own once that has landed.
/**
 * plan -> C99: the same plan, the same arena, the same bytes on the microcontroller.
 *
 * The emitted program is the fixed kernel library (the real C files of src/emit/c: msf_kernels.h,
 * msf_internal.h and one msf_<family>.c per operator family, ports of assembly/kernels and
 * assembly/exec/fused.ts; c-sources.ts), the harness main.c, plus two generated files:
 * - msf_model.h  the public API `int msf_model_run(const int8_t *in, int8_t *out)` and size constants;
 * - msf_model.c  weights and quantisation data as `const` arrays (flash), the layer table, one
 *                `static uint8_t msf_arena[N]` with N the plan's exact predicted peak, and the
 *                schedule: one call per plan edge, fusion blocks as stage tables whose column caches
 *                sit at the arena offsets the Wasm executor uses.
 * Offsets come from the plan's schedule (src/plan/schedule.ts), the object the Wasm executor writes
 * into Wasm memory, so the C arena and the Wasm arena hold the same buffers at the same bytes. Output is a pure
 * function of (model, blocks, options): no dates, no paths, no environment.
 */
import { InfeasibleError, ModelError, UsageError } from '../errors.js';
import { type Layer, type Model, WINDOW_OPS, inputShape, modelInputs, modelOutputs, outputShape, tensorBytes } from '../model/ir.js';
import { DEFAULT_SEED, executableModel } from '../model/seeded.js';
import type { Block } from '../plan/engine.js';
import { DESC_FIELDS, type LayerDesc, OP_NAMES } from '../runtime/desc.js';
import { type LoweredLayer, lowerModel } from '../runtime/lower.js';
import type { McuProfile } from '../runtime/mcu.js';
import { MCU_STACK_BYTES, sramFigures } from '../report/memory.js';
import { type CodeMeasure, codeReadmeRows } from '../report/code.js';
import { type Schedule, type TensorAt, scheduleOf } from '../plan/schedule.js';
import { encodingHeader, encodingSource } from './c-encodings.js';
import { cInt, cValues, fmt } from './c-literals.js';
import { cLibrary } from './c-library.js';
import { cComment, cString } from './c-names.js';
import { inputsInArena } from './c-input-arena.js';
import { ioFileNames } from './test-data.js';

export interface EmitOptions {
  /** Seed of the generated weights when the model has none (zoo, chain JSON); default 1. */
  seed?: number;
  /** Refuse (InfeasibleError) a plan whose arena or constants do not fit this part. */
  mcu?: McuProfile;
  /** One line on how the plan was chosen, repeated in the generated comments and README. */
  planNote?: string;
  /** The build's figures for the README (src/emit/measure.ts; `msf emit` measures, then calls emitReadme); none: "not built". */
  code?: CodeMeasure;
  /** The network inputs are arena tensors (MSF_INPUT[_i]_OFFSET; c-input-arena.ts, stream-c.ts). */
  inputInArena?: boolean;
}

/** What msf_model.h and the README say of a plan (EmitSummary without the schedule; streamed plans too). */
export type EmitFigures = Omit<EmitSummary, 'schedule'>;

export interface EmitSummary {
  model: string;
  blocks: Block[];
  /** N: bytes of `msf_arena`, the plan's exact predicted peak. */
  arenaBytes: number;
  /** Weights, biases, multipliers, shifts and layer descriptors (flash). */
  flashBytes: number;
  macs: number;
  /** Bytes of every model input / output together (one buffer each: see msf_model.h). */
  inputBytes: number;
  outputBytes: number;
  /** Arena offset of every buffer, per plan edge: the schedule the Wasm executor runs too. */
  schedule: Schedule;
}

/** The generated files, name -> text, in a fixed order. */
export function emitC(model: Model, blocks: Block[], options: EmitOptions = {}): Map<string, string> {
  return emitProgram(model, blocks, options).files;
}

/** emitC plus the figures the files were generated from. */
export function emitProgram(model: Model, blocks: Block[], options: EmitOptions = {}): { files: Map<string, string>; summary: EmitSummary } {
  const exe = executableModel(model, options.seed ?? DEFAULT_SEED);
  const N = exe.layers.length;
  checkBlocks(exe, blocks);
  checkEmittable(exe);

  const schedule = scheduleOf(exe, blocks, undefined, { inputInArena: options.inputInArena === true });
  const arenaBytes = schedule.arenaBytes;
  const lowered = lowerModel(exe);
  // + the lookup tables of the edge encodings (uint8 input: 256 B; output: 256 uint8 or float values).
  const flashBytes = constantBytes(exe, lowered);
  if (options.mcu) {
    const mcu = options.mcu;
    if (arenaBytes > mcu.sramBytes)
      throw new InfeasibleError(
        `${exe.name}: the plan's arena needs ${arenaBytes} B but the ${mcu.name} has ${mcu.sramBytes} B of SRAM; plan with --ram ${mcu.sramBytes} or choose a larger part`,
      );
    if (flashBytes > mcu.flashBytes)
      throw new InfeasibleError(
        `${exe.name}: the weights and constants need ${flashBytes} B of flash but the ${mcu.name} has ${mcu.flashBytes} B; choose a larger part or a smaller model`,
      );
  }
  const summary: EmitSummary = { model: exe.name, blocks, arenaBytes, flashBytes, macs: schedule.macs, ...ioBytes(exe), schedule };

  const inArena = inputsInArena(runSignature(exe), schedule.preloaded.map((p) => ({ index: p.index, offset: p.at.offset })));
  return { files: programFiles(exe, modelHeader(exe, summary, inArena.header), modelSource(exe, lowered, summary, options, inArena.copies), summary, options), summary };
}

/** Bytes of every model input and of every output together (the caller's buffers). */
export function ioBytes(model: Model): { inputBytes: number; outputBytes: number } {
  const sum = (ids: readonly number[]) => ids.reduce((a, t) => a + tensorBytes(model.tensors[t]!.shape), 0);
  return { inputBytes: sum(modelInputs(model)), outputBytes: sum(modelOutputs(model)) };
}

/** The emitted file set, in its fixed order: the two generated files, the library, the harness, CMakeLists.txt, README.md. */
export function programFiles(exe: Model, header: string, source: string, summary: EmitFigures, options: EmitOptions): Map<string, string> {
  const files = new Map<string, string>();
  files.set('msf_model.h', header);
  files.set('msf_model.c', source);
  const c = cLibrary();
  for (const [name, text] of c.library) files.set(name, text);
  files.set('main.c', c.harness);
  files.set('CMakeLists.txt', cmakeLists());
  files.set('README.md', emitReadme(exe, summary, options));
  return files;
}

/** Flash bytes of the weights, quantisation, kernel sums and layer descriptors, + the lookup tables of the edge encodings (uint8 input: 256 B; output: 256 uint8 or float values). */
export function constantBytes(exe: Model, lowered: LoweredLayer[]): number {
  const encodingTables = (exe.inputEncoding?.dtype === 'uint8' ? 256 : 0) + (exe.outputEncoding ? 256 * (exe.outputEncoding.dtype === 'float32' ? 4 : 1) : 0);
  return lowered.reduce((s, l) => s + l.flashBytes + 4 * (kernelSums(l)?.length ?? 0) + 4 * (requantOf(l)?.length ?? 0), 0) + encodingTables;
}

/** Refuses (ModelError) a model with an operator the C library has no kernel for. */
export function checkEmittable(exe: Model): void {
  for (const layer of exe.layers)
    if (!EMITTABLE_OPS.has(layer.op))
      throw new ModelError(`${exe.name} layer ${layer.index} (${layer.op}): the C emitter has no kernel for this operator`);
}

/** The kernel library's files, in emitted order (headers, then sources). */
export const LIBRARY_FILES: readonly string[] = [...cLibrary().library.keys()];
/** The library's .c files (a build compiles them with main.c, or the firmware's own main, and msf_model.c). */
export const LIBRARY_SOURCES: readonly string[] = LIBRARY_FILES.filter((n) => n.endsWith('.c'));

/** Operators the C library implements (the same set as the Wasm executor). */
const EMITTABLE_OPS: ReadonlySet<Layer['op']> = new Set([...WINDOW_OPS, 'add', 'fully_connected', 'global_avg_pool2d', 'pad', 'softmax', 'lut', 'elementwise', 'transpose', 'slice', 'concat', 'reduce', 'resize', 'arg']);

/**
 * The fast kernels' folded input offset (src/emit/c/msf_fast.h): per output channel,
 * bias + in_offset * (sum of the channel's filter bytes), wrapping as int32. Convolutions,
 * depthwise and fully connected layers only; conv and FC filters are [oc][...], depthwise [taps][oc].
 */
function kernelSums(l: LoweredLayer): Int32Array | undefined {
  const op = l.desc.op;
  if (!l.weights || (op !== OP.conv && op !== OP.depthwise && op !== OP.fc)) return undefined;
  const outC = l.desc.outC!;
  const sums = new Int32Array(outC);
  const w = l.weights;
  if (op === OP.depthwise) for (let i = 0; i < w.length; i++) sums[i % outC]! += w[i]!;
  else {
    const per = w.length / outC;
    for (let i = 0; i < w.length; i++) sums[Math.floor(i / per)]! += w[i]!;
  }
  const inOffset = l.desc.inOffset ?? 0;
  for (let oc = 0; oc < outC; oc++) sums[oc] = (Math.imul(inOffset, sums[oc]!) + (l.bias?.[oc] ?? 0)) | 0;
  return sums;
}

/** int32 words per output channel of a requantTable (msf_rq's int64 round, then mult and right). */
export const RQ_WORDS = 4;

/**
 * The fast kernels' requantisation constants (msf_rq of src/emit/c/msf_kernels.h), RQ_WORDS int32 per
 * output channel in msf_rq's memory order: the 64-bit rounding term R (low word, high word), mult
 * and `right`; what msf_rq_out reads, so that no kernel call works them out again.
 *
 * TFLM's requantisation of an accumulator x with multiplier M >= 0 and shift -e (e >= 1) is
 * h = floor((x * M + 2^30) / 2^31) (SaturatingRoundingDoublingHighMul; its one saturation needs
 * M == INT32_MIN), then round(h / 2^e) ties away from zero = floor((h + 2^(e-1) - n) / 2^e) with
 * n = 1 when h < 0 (RoundingDivideByPOT), then + out_offset. Nested floors by positive integers
 * compose: floor((floor(A / a) + t) / b) = floor((A + t * a) / (a * b)) for integer t, so the result is
 *   floor((x * M + R - n * 2^31) / 2^(31 + e)),  R = 2^30 + 2^(30 + e) + out_offset * 2^(31 + e),
 * one 64-bit multiply-accumulate and the high word shifted right by e - 1. n may be taken as x < 0:
 * with M >= 0, h < 0 implies x < 0, and x < 0 with h >= 0 means h == 0, which no rounding by
 * 2^e (e >= 1) treats as a tie, so both n give the same floor. out_offset inside R adds exactly, as
 * TFLM's int32 addition does when |h / 2^e| + |out_offset| < 2^31 (here always: |R| < 2^62 bounds
 * out_offset). The emitter keeps the general form (right = -1: TFLM's arithmetic step by step, round =
 * the TFLite shift) for every channel outside that: M < 0, a shift >= 0 (the left shift wraps, and
 * h + out_offset may wrap), or |R| too large for the 64-bit sum (|x * M| < 2^62, so |R| + 2^31 < 2^62
 * keeps it exact).
 */
export function requantTable(mult: ArrayLike<number>, shift: ArrayLike<number>, outOffset: number): Int32Array {
  const t = new Int32Array(RQ_WORDS * mult.length);
  for (let oc = 0; oc < mult.length; oc++) {
    const m = mult[oc]!;
    const e = -shift[oc]!;
    const r = e >= 1 && e <= 31 ? (1n << 30n) + (1n << BigInt(30 + e)) + BigInt(outOffset) * (1n << BigInt(31 + e)) : undefined;
    const abs = r === undefined ? 0n : r < 0n ? -r : r;
    if (m >= 0 && r !== undefined && abs + (1n << 31n) < 1n << 62n) t.set([Number(BigInt.asIntN(32, r)), Number(r >> 32n), m, e - 1], RQ_WORDS * oc);
    else t.set([shift[oc]!, shift[oc]! < 0 ? -1 : 0, m, -1], RQ_WORDS * oc);
  }
  return t;
}

/** requantTable of a layer with kernel sums (the fast kernels' layers). */
function requantOf(l: LoweredLayer): Int32Array | undefined {
  return kernelSums(l) && l.mult && l.shift ? requantTable(l.mult, l.shift, l.desc.outOffset ?? 0) : undefined;
}

/** Channel oc of a requantTable as an msf_rq initialiser ({ round, mult, right }). */
export function rqInitialiser(t: Int32Array, oc: number): string {
  const w = RQ_WORDS * oc;
  const round = (BigInt(t[w + 1]!) << 32n) + BigInt(t[w]! >>> 0);
  return `{ ${round}LL, ${cInt(t[w + 2]!)}, ${t[w + 3]!} }`;
}

/** A requantTable as msf_rq initialisers, four channels a line. */
function rqValues(t: Int32Array): string {
  const lines: string[] = [];
  const n = t.length / RQ_WORDS;
  for (let oc = 0; oc < n; oc += 4) {
    const row: string[] = [];
    for (let c = oc; c < Math.min(n, oc + 4); c++) row.push(rqInitialiser(t, c));
    lines.push(`    ${row.join(', ')},`);
  }
  return lines.join('\n');
}

/** Operator codes of msf_kernels.h used here. */
const OP = { conv: 1, depthwise: 2, fc: 7 } as const;

/** Blocks must cover layers 0 .. N-1 in order, each [first, last] with first <= last. */
function checkBlocks(model: Model, blocks: Block[]): void {
  let next = 0;
  for (const [first, last] of blocks) {
    if (!Number.isInteger(first) || !Number.isInteger(last) || first !== next || last < first)
      throw new UsageError(`blocks ${JSON.stringify(blocks)} do not cover layers 0..${model.layers.length - 1} in order (expected a block starting at ${next})`);
    next = last + 1;
  }
  if (next !== model.layers.length)
    throw new UsageError(`blocks ${JSON.stringify(blocks)} do not cover layers 0..${model.layers.length - 1}: they end at layer ${next - 1}`);
}

export function describeLayer(model: Model, layer: Layer): string {
  const [ih, iw, ic] = inputShape(model, layer);
  const [oh, ow, oc] = outputShape(model, layer);
  const [kh, kw] = layer.kernel;
  const [sh, sw] = layer.stride;
  const p = layer.padding;
  const pad = p.every((v) => v === p[0]) ? `pad ${p[0]}` : `pad ${p.join('/')}`;
  const act = layer.params?.activation && layer.params.activation !== 'none' ? `, ${layer.params.activation}` : '';
  if (!WINDOW_OPS.has(layer.op)) return `${layer.op}, ${ih}x${iw}x${ic} -> ${oh}x${ow}x${oc}${act}`;
  return `${layer.op} ${kh}x${kw} stride ${sh === sw ? sh : `${sh}x${sw}`} ${pad}, ${ih}x${iw}x${ic} -> ${oh}x${ow}x${oc}${act}`;
}

/** LayerDesc field -> msf_layer member (snake case), in word order; pointers are handled apart. */
const DESC_TO_C = (Object.keys(DESC_FIELDS) as (keyof LayerDesc)[])
  .filter((key) => key !== 'op')
  .map((key) => [key, key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] as const);

// ---- msf_model.h ---------------------------------------------------------------------------------

/**
 * The C signature of msf_model_run: (in, out) for one input and one output, else one pointer per
 * input (in0, in1, ...) then per output (out0, ...), in the model's order.
 */
export function runSignature(model: Model): { params: string; ins: string[]; outs: string[] } {
  const many = modelInputs(model).length > 1 || modelOutputs(model).length > 1;
  const ins = modelInputs(model).map((_, i) => (many ? `in${i}` : 'in'));
  const outs = modelOutputs(model).map((_, j) => (many ? `out${j}` : 'out'));
  return { params: [...ins.map((n) => `const int8_t *${n}`), ...outs.map((n) => `int8_t *${n}`)].join(', '), ins, outs };
}

/**
 * msf_model.c's entry points around the schedule's body: `open` is msf_model_run (the static arena)
 * and the head of msf_model_run_with_arena, `close` ends it and adds msf_model_run_all for a model
 * with several inputs or outputs (msf_model.h declares them).
 */
export function runEntryPoints(model: Model): { open: string[]; close: string[] } {
  const sig = runSignature(model);
  const open = [
    `/* ---- the schedule: one call per plan edge ---- */`,
    ``,
    `int msf_model_run(${sig.params})`,
    `{`,
    `    return msf_model_run_with_arena(msf_arena, ${[...sig.ins, ...sig.outs].join(', ')});`,
    `}`,
    ``,
    `int msf_model_run_with_arena(uint8_t *arena, ${sig.params})`,
    `{`,
  ];
  const close = [`}`, ``];
  if (sig.ins.length > 1 || sig.outs.length > 1)
    close.push(
      `int msf_model_run_all(const int8_t *const *in, int8_t *const *out)`,
      `{`,
      `    return msf_model_run(${[...sig.ins.map((_, i) => `in[${i}]`), ...sig.outs.map((_, j) => `out[${j}]`)].join(', ')});`,
      `}`,
      ``,
    );
  return { open, close };
}

/** An output's shape for the header; int32 indices (ARG_MAX / ARG_MIN) say so: little-endian, read through a cast. */
function outputComment(model: Model, t: number): string {
  const tensor = model.tensors[t]!;
  return tensor.dtype === 'int32' ? `${(tensor.dims ?? tensor.shape).join('x')} int32, little-endian` : tensor.shape.join('x');
}

/** Size constants and the run entry points of a model with several inputs or outputs. */
function multiHeader(model: Model): string[] {
  const bytes = (t: number) => tensorBytes(model.tensors[t]!.shape);
  const ins = modelInputs(model);
  const outs = modelOutputs(model);
  const sig = runSignature(model);
  return [
    `#define MSF_INPUTS ${ins.length}`,
    ...ins.map((t, i) => `#define MSF_INPUT_${i}_BYTES ${bytes(t)} /* ${model.tensors[t]!.shape.join('x')} */`),
    `#define MSF_INPUT_BYTES_LIST { ${ins.map((_, i) => `MSF_INPUT_${i}_BYTES`).join(', ')} }`,
    `#define MSF_OUTPUTS ${outs.length}`,
    ...outs.map((t, j) => `#define MSF_OUTPUT_${j}_BYTES ${bytes(t)} /* ${outputComment(model, t)} */`),
    `#define MSF_OUTPUT_BYTES_LIST { ${outs.map((_, j) => `MSF_OUTPUT_${j}_BYTES`).join(', ')} }`,
    ``,
    `/* Runs the network on one buffer per input and output (none may overlap); 0 or an MSF_ERR_* code. */`,
    `int msf_model_run(${sig.params});`,
    `/* The same with the buffers in arrays: in[MSF_INPUTS], out[MSF_OUTPUTS]. */`,
    `int msf_model_run_all(const int8_t *const *in, int8_t *const *out);`,
  ];
}

/** msf_model.h; `arenaLines`: more defines about the arena (streamed C: where the input goes). */
export function modelHeader(model: Model, s: EmitFigures, arenaLines: string[] = []): string {
  const inT = model.tensors[model.input]!;
  const outT = model.tensors[model.output]!;
  const q = (t: typeof inT, name: string) =>
    t.quant ? [`#define MSF_${name}_SCALE ${t.quant.scale}`, `#define MSF_${name}_ZERO_POINT (${t.quant.zeroPoint})`] : [];
  const many = modelInputs(model).length > 1 || modelOutputs(model).length > 1;
  return [
    `/*`,
    ` * msf_model.h - ${cComment(model.name)}, generated by msf-cnn (msf emit). Do not edit.`,
    ` * Tensors are int8, NHWC without the batch dimension: [H][W][C].`,
    ` */`,
    `#ifndef MSF_MODEL_H`,
    `#define MSF_MODEL_H`,
    ``,
    `#include <stdint.h>`,
    ``,
    `#ifdef __cplusplus`,
    `extern "C" {`,
    `#endif`,
    ``,
    `#define MSF_MODEL_NAME ${cString(model.name)}`,
    ...(many
      ? multiHeader(model)
      : [
          `#define MSF_INPUT_H ${inT.shape[0]}`,
          `#define MSF_INPUT_W ${inT.shape[1]}`,
          `#define MSF_INPUT_C ${inT.shape[2]}`,
          `#define MSF_INPUT_BYTES ${s.inputBytes}`,
          ...q(inT, 'INPUT'),
          `#define MSF_OUTPUT_H ${outT.shape[0]}`,
          `#define MSF_OUTPUT_W ${outT.shape[1]}`,
          `#define MSF_OUTPUT_C ${outT.shape[2]}`,
          `#define MSF_OUTPUT_BYTES ${s.outputBytes}`,
          ...(outT.dtype === 'int32'
            ? [`#define MSF_OUTPUT_INT32 1 /* ${outputComment(model, model.output)} indices (ARG_MAX / ARG_MIN): MSF_OUTPUT_C counts bytes */`]
            : q(outT, 'OUTPUT')),
        ]),
    `/* Bytes of the static arena (all activations, column caches included): the plan's exact peak. */`,
    `#define MSF_ARENA_BYTES ${s.arenaBytes}`,
    ...arenaLines,
    `/* Bytes of constant data (weights, biases, multipliers, shifts, layer table): flash. */`,
    `#define MSF_FLASH_BYTES ${s.flashBytes}`,
    `#define MSF_MACS ${s.macs}`,
    ``,
    ...(many
      ? []
      : [
          `/*`,
          ` * Runs the network: in holds MSF_INPUT_BYTES bytes, out receives MSF_OUTPUT_BYTES bytes (the`,
          ` * caller's buffers; they must not overlap). Returns 0, or a negative MSF_ERR_* code of`,
          ` * msf_kernels.h. Uses the one static arena: not reentrant.`,
          ` */`,
          `int msf_model_run(const int8_t *in, int8_t *out);`,
        ]),
    ``,
    `/*`,
    ` * msf_model_run with the caller's arena of MSF_ARENA_BYTES bytes, aligned to MSF_ARENA_ALIGN bytes:`,
    ` * 1, any address (the kernels access it bytewise or through memcpy). The model keeps no other`,
    ` * mutable state, so calls on different arenas may run at the same time.`,
    ` */`,
    `#define MSF_ARENA_ALIGN 1`,
    `int msf_model_run_with_arena(uint8_t *arena, ${runSignature(model).params});`,
    ...encodingHeader(model),
    ``,
    `#ifdef __cplusplus`,
    `}`,
    `#endif`,
    ``,
    `#endif /* MSF_MODEL_H */`,
    ``,
  ].join('\n');
}

// ---- msf_model.c ---------------------------------------------------------------------------------

function modelSource(model: Model, lowered: LoweredLayer[], s: EmitSummary, options: EmitOptions, inputCopies: string[]): string {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  const fusedBlocks = s.blocks.filter(([a, b]) => b > a);
  const maxStages = Math.max(0, ...fusedBlocks.map(([a, b]) => b - a + 1));

  push(
    `/*`,
    ` * msf_model.c - ${cComment(model.name)}, generated by msf-cnn (msf emit). Do not edit.`,
    ` * Plan: ${s.blocks.length} edges, ${fusedBlocks.length} of them fusion blocks: ${s.blocks.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(' ')}`,
    ...(options.planNote ? [` * (${cComment(options.planNote)})`] : []),
    ` * Arena ${fmt(s.arenaBytes)} B (the exact cost model's peak), ${fmt(s.macs)} MACs, ${fmt(s.flashBytes)} B of constants.`,
    ` */`,
    `#include <stddef.h>`,
    `#include <stdint.h>`,
    ...(inputCopies.length ? [`#include <string.h>`] : []),
    ``,
    `#include "msf_kernels.h"`,
    `#include "msf_model.h"`,
    ``,
    `/*`,
    ` * The arena: every activation tensor between plan edges and every column cache, at offsets fixed`,
    ` * at plan time (the same as in the Wasm executor). Buffers, by edge (offset: [start, end)):`,
  );
  for (const p of s.schedule.steps) {
    const head = p.first === p.last ? `layer ${p.first}` : `block ${p.first}-${p.last}`;
    const span = (b: { offset: number; size: number }) => `[${b.offset}, ${b.offset + b.size})`;
    const caches = p.stages.flatMap((st) => (st.cache ? [st.cache] : []));
    const parts: string[] = [];
    parts.push(`in ${p.input.at === 'arena' ? span(p.input) : 'caller'}`);
    if (p.input2?.at === 'arena') parts.push(`in2 ${span(p.input2)}`);
    parts.push(`out ${p.output.at === 'arena' ? span(p.output) : 'caller'}`);
    if (caches.length) parts.push(`caches ${caches.map(span).join(' ')}`);
    if (p.scratch) parts.push(`scratch ${span(p.scratch)}`);
    push(` *   ${head}: ${parts.join(', ')}`);
  }
  push(` */`, ``, ...arenaAndTables(model, lowered, s.arenaBytes));

  // Stage tables of the fusion blocks.
  if (fusedBlocks.length)
    push(`/* ---- fusion blocks: layer, column cache offset in the arena, cache rows, ADD's materialised operand, 1 if it is input1 ---- */`, ``);
  const L = s.schedule.layers;
  for (const p of s.schedule.steps) {
    const { first, last } = p;
    if (first === last) continue;
    push(`static const msf_stage msf_block_${first}_${last}[${last - first + 1}] = {`);
    for (const st of p.stages) {
      const l = st.layer;
      let other = 'MSF_OTHER_NONE, 0';
      let note = '';
      if (st.other) {
        // MSF_OTHER_INPUT: the network input; otherwise the operand's arena offset.
        const o = st.other;
        other = `${o.operand.at === 'input' ? 'MSF_OTHER_INPUT' : String(o.operand.offset)}, ${o.first ? 1 : 0}`;
        note = `; reads tensor ${o.operand.tensor} as input${o.first ? 1 : 2}`;
      }
      if (!st.cache) {
        push(`    { &msf_layers[${l}], 0, 0, ${other} }, /* reads the block's input tensor${note} */`);
        continue;
      }
      const c = st.cache;
      const r = st.cacheRows;
      push(`    { &msf_layers[${l}], ${c.offset}, ${r}, ${other} }, /* ${r} rows x ${L.kw[l]} cols x ${L.cIn[l]} ch = ${c.size} B${note} */`);
    }
    push(`};`, ``);
  }

  // The schedule.
  const sig = runSignature(model);
  const entry = runEntryPoints(model);
  push(...entry.open);
  if (maxStages > 0) push(`    msf_walk walk[${maxStages}]; /* walker state of the largest fusion block */`);
  push(`    int rc;`);
  // A plan whose every tensor is the caller's (one layer, input -> output) never touches the arena.
  if (s.arenaBytes === 0) push(`    (void)arena;`);
  push(...inputCopies);
  const addressOf = (t: TensorAt): { expr: string; text: string } =>
    t.at === 'input'
      ? { expr: sig.ins[t.index]!, text: sig.ins.length > 1 ? `input ${t.index}` : 'input' }
      : t.at === 'output'
        ? { expr: sig.outs[t.index]!, text: sig.outs.length > 1 ? `output ${t.index}` : 'output' }
        : { expr: `MSF_ARENA_AT(${t.offset})`, text: `arena [${t.offset}, ${t.offset + t.size})` };
  for (const p of s.schedule.steps)
    for (const st of p.stages)
      if (st.other?.operand.at === 'input' && st.other.operand.index > 0)
        throw new ModelError(`${model.name} layer ${st.layer}: a fused ADD reading model input ${st.other.operand.index}; the C walker reads only the first input (plan it as a single layer)`);
  for (const p of s.schedule.steps) {
    const { first, last } = p;
    const head = model.layers[first]!;
    const src = addressOf(p.input);
    const dst = addressOf(p.output);
    if (first === last) {
      const in2 = p.input2 ? addressOf(p.input2) : null;
      const scratch = p.scratch ? `arena + ${p.scratch.offset}` : 'NULL';
      const reads = in2 ? `${src.text} + ${in2.text}` : src.text;
      push(``, `    /* layer ${first}: ${cComment(describeLayer(model, head))}; ${reads} -> ${dst.text}${p.scratch ? `, scratch arena [${p.scratch.offset}, ${p.scratch.offset + p.scratch.size})` : ''} */`);
      if (head.op === 'concat')
        push(`    {`, `        const int8_t *const ins[${p.operands.length}] = { ${p.operands.map((t) => addressOf(t).expr).join(', ')} };`, `        rc = msf_concat(&msf_layers[${first}], ins, ${dst.expr});`, `    }`);
      else push(`    rc = msf_run_layer(&msf_layers[${first}], ${src.expr}, ${in2 ? in2.expr : 'NULL'}, ${scratch}, ${dst.expr});`);
    } else {
      const cacheTotal = p.stages.reduce((a, st) => a + (st.cache?.size ?? 0), 0);
      push(``, `    /* block ${first}-${last} (${last - first + 1} layers fused, ${fmt(cacheTotal)} B of caches); ${src.text} -> ${dst.text} */`);
      push(`    rc = msf_run_block(msf_block_${first}_${last}, ${last - first + 1}, arena, ${sig.ins[0]}, ${src.expr}, ${dst.expr}, walk);`);
    }
    push(`    if (rc != MSF_OK) return rc;`);
  }
  push(`    return MSF_OK;`, ...entry.close);
  push(...encodingSource(model));
  return out.join('\n');
}

/** msf_model.c's placement macros, static arena of arenaBytes, constants (flash) and layer table msf_layers. */
export function arenaAndTables(model: Model, lowered: LoweredLayer[], arenaBytes: number): string[] {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  const N = model.layers.length;
  push(
    `/* Placement: define these (e.g. as __attribute__((section(".sram2")))) to put weights or arena in a section. */`,
    `#ifndef MSF_WEIGHTS_SECTION`,
    `#define MSF_WEIGHTS_SECTION`,
    `#endif`,
    `#ifndef MSF_ARENA_SECTION`,
    `#define MSF_ARENA_SECTION`,
    `#endif`,
    ``,
    `/* The static arena of msf_model_run. */`,
    `MSF_ARENA_SECTION static uint8_t msf_arena[${Math.max(1, arenaBytes)}];`,
    ``,
    `#define MSF_ARENA_AT(offset) ((int8_t *)(arena + (offset)))`,
    ``,
  );
  // Constants, layer by layer.
  push(`/* ---- constants (flash) ---- */`, ``);
  model.layers.forEach((layer, i) => {
    const l = lowered[i]!;
    if (!l.weights && !l.bias && !l.mult && !l.aux) return;
    push(`/* layer ${i}: ${cComment(describeLayer(model, layer))} */`);
    if (l.weights) push(`MSF_WEIGHTS_SECTION static const int8_t msf_w${i}[${l.weights.length}] = {`, cValues(l.weights, 32), `};`);
    if (l.bias) push(`MSF_WEIGHTS_SECTION static const int32_t msf_b${i}[${l.bias.length}] = {`, cValues(l.bias, 12), `};`);
    if (l.mult) push(`MSF_WEIGHTS_SECTION static const int32_t msf_m${i}[${l.mult.length}] = {`, cValues(l.mult, 12), `};`);
    if (l.shift) push(`MSF_WEIGHTS_SECTION static const int32_t msf_s${i}[${l.shift.length}] = {`, cValues(l.shift, 24), `};`);
    const ks = kernelSums(l);
    if (ks) push(`MSF_WEIGHTS_SECTION static const int32_t msf_k${i}[${ks.length}] = { /* bias + in_offset * filter sum */`, cValues(ks, 12), `};`);
    const rq = requantOf(l);
    if (rq) push(`MSF_WEIGHTS_SECTION static const msf_rq msf_r${i}[${rq.length / RQ_WORDS}] = { /* round, mult, right */`, rqValues(rq), `};`);
    if (l.aux) push(`MSF_WEIGHTS_SECTION static const int32_t msf_x${i}[${l.aux.length}] = {`, cValues(l.aux, 12), `};`);
    push(``);
  });

  // The layer table.
  push(`/* ---- layers ---- */`, ``, `static const msf_layer msf_layers[${N}] = {`);
  model.layers.forEach((layer, i) => {
    const l = lowered[i]!;
    const d = l.desc;
    const fields: string[] = [`.op = ${OP_NAMES[d.op!] ? `MSF_OP_${OP_NAMES[d.op!]}` : String(d.op)}`];
    for (const [key, member] of DESC_TO_C) {
      const v = d[key];
      if (v !== undefined && v !== 0) fields.push(`.${member} = ${cInt(v)}`);
    }
    if (l.weights) fields.push(`.weights = msf_w${i}`);
    if (l.bias) fields.push(`.bias = msf_b${i}`);
    if (l.mult) fields.push(`.mult = msf_m${i}`);
    if (l.shift) fields.push(`.shift = msf_s${i}`);
    if (kernelSums(l)) fields.push(`.kernel_sum = msf_k${i}`);
    if (requantOf(l)) fields.push(`.rq = msf_r${i}`);
    if (l.aux) fields.push(`.aux = msf_x${i}`);
    push(`    /* ${i}: ${cComment(describeLayer(model, layer))} */`);
    push(`    { ${fields.join(', ')} },`);
  });
  push(`};`, ``);

  return out;
}

// ---- CMakeLists.txt ------------------------------------------------------------------------------

/**
 * The model as a static library `msf_model` (model tables + kernel library), for the host or, with a
 * cross compiler (CMAKE_C_COMPILER=arm-none-eabi-gcc, CMAKE_SYSTEM_NAME=Generic, -mcpu in
 * CMAKE_C_FLAGS), for a microcontroller; the harness `msf_model_main` only when not cross compiling.
 */
function cmakeLists(): string {
  return [
    `# Generated by msf-cnn (msf emit): the model and its kernel library as a static library.`,
    `#   host:      cmake -B build && cmake --build build`,
    `#   Cortex-M:  cmake -B build -DCMAKE_SYSTEM_NAME=Generic -DCMAKE_C_COMPILER=arm-none-eabi-gcc \\`,
    `#                -DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY -DCMAKE_C_FLAGS="-mcpu=cortex-m4 -mthumb"`,
    `# In a firmware: add_subdirectory(<this directory>) and target_link_libraries(<app> msf_model).`,
    `cmake_minimum_required(VERSION 3.13)`,
    `project(msf_model C)`,
    ``,
    `option(MSF_PORTABLE "portable reference kernels only (no fast path)" OFF)`,
    ``,
    `add_library(msf_model STATIC msf_model.c ${LIBRARY_SOURCES.join(' ')})`,
    `target_include_directories(msf_model PUBLIC \${CMAKE_CURRENT_SOURCE_DIR})`,
    `set_target_properties(msf_model PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)`,
    `if(MSF_PORTABLE)`,
    `  target_compile_definitions(msf_model PUBLIC MSF_PORTABLE)`,
    `endif()`,
    ``,
    `if(NOT CMAKE_CROSSCOMPILING)`,
    `  add_executable(msf_model_main main.c)`,
    `  target_link_libraries(msf_model_main PRIVATE msf_model)`,
    `endif()`,
    ``,
  ].join('\n');
}

// ---- README.md -----------------------------------------------------------------------------------

/** The one-line builds the README documents (tests run exactly these). */
const PICOLIBC = '-specs=picolibc.specs --crt0=hosted --oslib=semihost';
/** picolibc's linker script takes the memory map from symbols: flash (code, constants) and RAM. */
const memoryMap = (flash: string, ram: string, ramSize: string): string =>
  `-Wl,--defsym=__flash=${flash} -Wl,--defsym=__flash_size=0x400000 -Wl,--defsym=__ram=${ram} -Wl,--defsym=__ram_size=${ramSize}`;

export const BUILD = {
  host: 'cc -std=c99 -O2 -o msf_model *.c',
  cortexM4:
    'arm-none-eabi-gcc -std=c99 -mcpu=cortex-m4 -mthumb -O2 -specs=picolibc.specs --crt0=hosted --oslib=semihost ' +
    '-Wl,--defsym=__flash=0x00000000 -Wl,--defsym=__flash_size=0x400000 -Wl,--defsym=__ram=0x20000000 -Wl,--defsym=__ram_size=0x400000 ' +
    '-o msf_model.elf *.c',
  qemu: 'qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel msf_model.elf',
  cortexM7: `arm-none-eabi-gcc -std=c99 -mcpu=cortex-m7 -mthumb -O2 ${PICOLIBC} ${memoryMap('0x00000000', '0x20000000', '0x400000')} -o msf_model.elf *.c`,
  qemuM7: 'qemu-system-arm -M mps2-an500 -nographic -semihosting -kernel msf_model.elf',
  cortexM33: `arm-none-eabi-gcc -std=c99 -mcpu=cortex-m33 -mthumb -O2 ${PICOLIBC} ${memoryMap('0x10000000', '0x38000000', '0x200000')} -o msf_model.elf *.c`,
  qemuM33: 'qemu-system-arm -M mps2-an505 -nographic -semihosting -kernel msf_model.elf',
  riscv32:
    `riscv64-unknown-elf-gcc -std=c99 -march=rv32imac -mabi=ilp32 -mcmodel=medany -O2 ${PICOLIBC} ` +
    `${memoryMap('0x80000000', '0x80400000', '0x400000')} -o msf_model.elf *.c`,
  qemuRiscv32: 'qemu-system-riscv32 -M virt -nographic -bios none -semihosting-config enable=on,target=native -kernel msf_model.elf',
  /** ESP8266 (Xtensa LX106): compile only (no emulator in Debian). */
  xtensa: 'xtensa-lx106-elf-gcc -std=c99 -O2 -c msf_*.c',
  /** The portable C99 kernels only (no fast path): add to any line above. */
  portable: '-DMSF_PORTABLE',
} as const;

/** The emitted README.md (emitProgram writes it; `msf emit` writes it again with the measured code). */
export function emitReadme(model: Model, s: EmitFigures, options: EmitOptions): string {
  // The files main.c and `msf emit` really use (input.bin, or input_<i>.bin for several inputs...).
  const names = ioFileNames(model);
  const code = (list: readonly string[]) => list.map((n) => `\`${n}\``);
  const listed = (list: readonly string[]) => (list.length > 3 ? `${code(list)[0]} to ${code(list)[list.length - 1]}` : code(list).join(', '));
  const [ins, outs, expected] = [listed(names.inputs), listed(names.outputs), listed(names.expected)];
  const io = (ids: readonly number[], what: string) =>
    ids.map((t, i) => `| ${what}${ids.length > 1 ? ` ${i}` : ''} | ${model.tensors[t]!.shape.join('x')} int8 (${fmt(tensorBytes(model.tensors[t]!.shape))} B) |`);
  return [
    `# ${cComment(model.name)} in C99 (msf-cnn)`,
    ``,
    `Generated by \`msf emit\`: the plan below, its arena and its int8 arithmetic, as portable C99`,
    `(only the C standard library; no allocation, no recursion). It computes the same output bytes`,
    `as \`msf run\` (the Wasm executor) for the same model, plan and seed.`,
    ``,
    `| | |`,
    `|---|---|`,
    ...io(modelInputs(model), 'input'),
    ...io(modelOutputs(model), 'output'),
    `| plan | ${s.blocks.length} edges: ${s.blocks.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(' ')} |`,
    ...(options.planNote ? [`| chosen by | ${options.planNote} |`] : []),
    `| arena (\`static uint8_t msf_arena[]\`) | ${fmt(s.arenaBytes)} B |`,
    `| total SRAM (arena + the input and output buffers, which the caller owns) | ${fmt(sramFigures(model, s.arenaBytes, options.inputInArena === true).totalSramBytes)} B |`,
    ...codeReadmeRows(options.code, MCU_STACK_BYTES),
    `| constants (flash) | ${fmt(s.flashBytes)} B |`,
    `| MACs | ${fmt(s.macs)} |`,
    ``,
    `## Files`,
    ``,
    `- \`msf_model.h\`: \`int msf_model_run(${runSignature(model).params})\` and the size constants.`,
    ...(model.inputEncoding || model.outputEncoding
      ? [
          `  The .tflite model's input is ${model.inputEncoding?.dtype ?? 'int8'} and its output ${model.outputEncoding?.dtype ?? 'int8'}: ${[
            model.inputEncoding ? `\`msf_model_quantize_input\` converts the ${model.inputEncoding.dtype} input to int8` : '',
            model.outputEncoding ? `\`msf_model_dequantize_output\` converts the int8 output to ${model.outputEncoding.dtype}` : '',
          ].filter(Boolean).join(', ')} (TensorFlow Lite Micro's QUANTIZE / DEQUANTIZE arithmetic); \`main.c\`, ${ins} and ${expected} use the int8 network tensors.`,
        ]
      : []),
    `- \`msf_model.c\`: weights and quantisation (\`const\`), the layer table, the arena and the schedule.`,
    `- The kernel library, several files, the same for every model: \`msf_kernels.h\` (its interface), \`msf_internal.h\`, and one`,
    `  \`msf_<operator>.c\` per operator family (${LIBRARY_SOURCES.map((n) => `\`${n}\``).join(', ')}): the int8 kernels`,
    `  (TensorFlow Lite Micro rounding) and the fusion-block walker (\`msf_block.c\`).`,
    `- \`main.c\`: test harness (file in, file out); a firmware needs every other \`.c\` / \`.h\` file and its own caller.`,
    `- \`CMakeLists.txt\`: the model and the library as the static library \`msf_model\` (host or cross), and the harness on the host.`,
    ``,
    `## In a firmware`,
    ``,
    `\`msf_model_run_with_arena(arena, in, out)\` runs on the caller's arena of \`MSF_ARENA_BYTES\` bytes (any alignment,`,
    `\`MSF_ARENA_ALIGN\` = 1); \`msf_model_run\` uses the static \`msf_arena\`. Nothing else is mutable, so two arenas give two`,
    `independent, re-entrant instances. Define \`MSF_WEIGHTS_SECTION\` / \`MSF_ARENA_SECTION\` (e.g. \`__attribute__((section(".sram2")))\`)`,
    `to place the constant tables and the static arena.`,
    ``,
    `## Build and run`,
    ``,
    `Host (any C99 compiler):`,
    ``,
    '```sh',
    BUILD.host,
    `./msf_model ${[...names.inputs, ...names.outputs].join(' ')}`,
    '```',
    ``,
    `Cortex-M4 under qemu (picolibc, semihosting; reads ${ins}, writes ${outs} in the current directory):`,
    ``,
    '```sh',
    BUILD.cortexM4,
    BUILD.qemu,
    '```',
    ``,
    `Cortex-M7, Cortex-M33 and RISC-V rv32imac under qemu, the same way (the same output bytes):`,
    ``,
    '```sh',
    `${BUILD.cortexM7} && ${BUILD.qemuM7}`,
    `${BUILD.cortexM33} && ${BUILD.qemuM33}`,
    `${BUILD.riscv32} && ${BUILD.qemuRiscv32}`,
    '```',
    ``,
    `The kernels pick a fast path at compile time (blocked loops with the input offset folded into a`,
    `per-layer kernel sum, and on Arm cores with the DSP extension dual 16-bit MACs through \`arm_acle.h\`);`,
    `\`${BUILD.portable}\` keeps only the portable reference kernels. Every path computes the same bytes.`,
    ``,
    `\`arm-none-eabi-size -A msf_model.elf\`: \`.bss\` is the arena plus a few bytes of the C library.`,
    `\`msf emit\` also writes ${ins} (the seeded input${names.inputs.length > 1 ? 's' : ''} \`msf run\` uses) and ${expected} (the Wasm executor's`,
    `output${names.outputs.length > 1 ? 's' : ''} for ${names.inputs.length > 1 ? 'them' : 'it'}): \`${names.outputs.map((o, j) => `cmp ${o} ${names.expected[j]}`).join(' && ')}\` checks a build.`,
    ``,
  ].join('\n');
}
