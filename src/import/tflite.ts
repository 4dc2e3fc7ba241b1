/**
 * (Over 500 lines on purpose: the bounds-checked table reader and the readers of tensors, buffers,
 * quantisation and operators that use it stay in one module so that no unchecked read is exported.)
 *
 * TFLite flatbuffer reader: untrusted bytes in, one plain-data description of subgraph 0 out.
 *
 * This is the only module that knows about flatbuffers (the schema facts live beside it in
 * `tflite-schema.ts`). The table accessors are written here on the `flatbuffers` runtime's
 * ByteBuffer, and every read is checked before it happens: the root offset, every table and
 * vtable, every vector and string (length x element size must fit in the file), every enum and
 * every index. Nothing is allocated in proportion to a value read from the file before that value
 * has been checked against the file size. Traversal follows the schema (fixed depth, no recursion
 * through the data) and flatbuffer offsets only point forward, so there are no cycles to follow;
 * every loop is bounded by a checked vector length; and a work budget proportional to the file size
 * bounds the total number of elements decoded, so tables and vectors that overlap or are shared by
 * thousands of references cannot turn a small file into a huge amount of work.
 *
 * Errors: a malformed file throws ModelFormatError whose message names the byte offset and the
 * table/field (`model.tflite: byte 1234: Tensor[5].shape vector runs past the end of the file
 * (length 4, file 1000 bytes)`); a well-formed file we cannot represent (several subgraphs, sparse
 * tensors) throws ModelError. Nothing else escapes.
 */
import { ByteBuffer } from 'flatbuffers';
import { ModelError, ModelFormatError } from '../errors.js';
import {
  BUILTIN_OPTIONS,
  FIELD,
  FILE_IDENTIFIER,
  SCHEMA_VERSION,
  TENSOR_TYPES,
  TENSOR_TYPE_BYTES,
  builtinOperatorName,
  type TfliteDType,
} from './tflite-schema.js';
import { MAX_RANK } from '../limits.js';
import { OPTIONS, type Options } from './tflite-options.js';
import { validateTflite } from './validate.js';

export { BUILTIN_OPERATORS, TENSOR_TYPES, builtinOperatorName, type TfliteDType } from './tflite-schema.js';

/** Per-tensor or per-axis affine quantisation: real = scale * (q - zeroPoint). */
export interface TfliteQuant {
  /** One entry (per-tensor) or one per slice along `quantizedDimension` (per-axis). */
  scale: Float32Array;
  /** Same length as `scale`; the file stores int64, every value here is a safe integer. */
  zeroPoint: number[];
  /**
   * The axis the scales run along. Per-axis (more than one scale): always < rank with
   * `scale.length === shape[quantizedDimension]`; a 1-D tensor whose file says a larger dimension
   * (person_detect's biases say 3) is reported as 0, its only axis. Per-tensor (one scale): as
   * stored, any value >= 0 (meaningless).
   */
  quantizedDimension: number;
}

export interface TfliteTensor {
  /** Index in subgraph 0's tensor list. */
  index: number;
  name: string;
  /** Every dim >= 0; product <= 2^31. */
  shape: number[];
  dtype: TfliteDType;
  /**
   * Constant data, a view on the file bytes (not a copy), or null (no buffer / empty buffer).
   * For fixed-size dtypes its byte length is checked to be elements x element size.
   */
  data: Uint8Array | null;
  /** null when the tensor has no quantisation parameters (or an empty scale vector). */
  quant: TfliteQuant | null;
  isVariable: boolean;
}

export type TfliteOptionValue = number | string | boolean | number[];

export interface TfliteOperator {
  /** Position in execution order. */
  index: number;
  /** BuiltinOperator name ('CONV_2D'), 'CUSTOM:<custom_code>', or 'UNKNOWN(<code>)'. */
  opcode: string;
  /** Tensor indices; -1 = optional input absent. */
  inputs: number[];
  /** Tensor indices (never -1). */
  outputs: number[];
  /**
   * Decoded builtin options (schema defaults where the file omits a field or the whole table):
   * - CONV_2D: padding 'SAME'|'VALID', strideW, strideH, dilationW, dilationH, fusedActivation
   *   ('NONE'|'RELU'|'RELU_N1_TO_1'|'RELU6'|'TANH'|'SIGN_BIT'), quantizedBiasType (only when set)
   * - DEPTHWISE_CONV_2D: the same plus depthMultiplier
   * - AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D: padding, strideW, strideH, filterWidth,
   *   filterHeight, fusedActivation
   * - FULLY_CONNECTED: fusedActivation, weightsFormat ('DEFAULT'|'SHUFFLED4x16INT8'), keepNumDims,
   *   asymmetricQuantizeInputs, quantizedBiasType (only when set)
   * - ADD, SUB: fusedActivation, potScaleInt16; MUL: fusedActivation
   * - CONCATENATION: axis, fusedActivation
   * - MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_ANY, REDUCE_ALL: keepDims
   * - RESHAPE: newShape (only when the options carry it; otherwise see input 1 / the output shape)
   * - SQUEEZE: squeezeDims
   * - SOFTMAX: beta
   * - RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR: alignCorners, halfPixelCenters
   * - ARG_MAX, ARG_MIN: outputType (a dtype name)
   * - PAD, PADV2, QUANTIZE, DEQUANTIZE: {} (their option tables are empty)
   * - anything else: {} (options not decoded)
   */
  options: Record<string, TfliteOptionValue>;
}

export interface TfliteModel {
  /** Model.version (always 3; other versions are rejected). */
  version: number;
  description?: string;
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  /** Subgraph 0 input tensor indices. */
  inputs: number[];
  /** Subgraph 0 output tensor indices. */
  outputs: number[];
}

/** Largest element count of one tensor. */
const MAX_ELEMENTS = 2 ** 31;

// ---------------------------------------------------------------------------------------------
// Checked flatbuffer access
// ---------------------------------------------------------------------------------------------

/** A region of the file holding `length` elements of `elemSize` bytes, starting at `start`. */
interface Vec {
  /** Byte position of the length prefix. */
  at: number;
  /** Byte position of element 0. */
  start: number;
  length: number;
}

/** The file: bounds-checked reads on top of the flatbuffers ByteBuffer. */
class Fb {
  readonly bb: ByteBuffer;
  readonly size: number;
  /** Remaining elements/bytes we are willing to decode (see the module comment). */
  private budget: number;

  readonly bytes: Uint8Array;

  constructor(
    file: Uint8Array,
    readonly source: string,
  ) {
    // A plain Uint8Array view (a Node Buffer's slice() would not copy), so tensor data views
    // behave like every other Uint8Array.
    const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    this.bytes = bytes;
    this.bb = new ByteBuffer(bytes);
    this.size = bytes.length;
    this.budget = 8 * bytes.length + (1 << 20);
  }

  fail(at: number, message: string): never {
    throw new ModelFormatError(`${this.source}: byte ${at}: ${message}`);
  }

  /** Do `n` bytes at `at` lie inside the file? */
  inFile(at: number, n: number): boolean {
    return Number.isSafeInteger(at) && at >= 0 && n >= 0 && at + n <= this.size;
  }

  need(at: number, n: number, what: string): void {
    if (!this.inFile(at, n)) {
      this.fail(at, `${what} runs past the end of the file (${n} bytes at ${at}, file ${this.size} bytes)`);
    }
  }

  spend(units: number, at: number, what: string): void {
    this.budget -= units;
    if (this.budget < 0) {
      this.fail(
        at,
        `${what}: the file references far more data than it holds (${this.size} bytes); ` +
          'its tables or vectors overlap or repeat',
      );
    }
  }

  // Raw little-endian reads; callers check the range first.
  readonly u8 = (at: number): number => this.bb.readUint8(at);
  readonly i8 = (at: number): number => this.bb.readInt8(at);
  readonly u16 = (at: number): number => this.bb.readUint16(at);
  readonly i32 = (at: number): number => this.bb.readInt32(at);
  readonly u32 = (at: number): number => this.bb.readUint32(at);
  readonly f32 = (at: number): number => this.bb.readFloat32(at);
  /** A uint64 as a number; fails above 2^53. */
  u64(at: number, what: string): number {
    const lo = this.u32(at);
    const hi = this.u32(at + 4);
    if (hi >= 2 ** 21) this.fail(at, `${what} is ${(BigInt(hi) << 32n) | BigInt(lo)}, too large`);
    return hi * 2 ** 32 + lo;
  }
  /** An int64 as a number; fails outside the safe-integer range. */
  i64(at: number, what: string): number {
    const v = this.bb.readInt64(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.fail(at, `${what} is ${v}, outside the range this reader accepts`);
    }
    return Number(v);
  }

  /** Follow the uoffset stored at `at` (already checked to hold 4 bytes). */
  deref(at: number, what: string): number {
    const target = at + this.u32(at);
    if (target >= this.size) {
      this.fail(at, `${what} offset points past the end of the file (to byte ${target}, file ${this.size} bytes)`);
    }
    return target;
  }

  /** The table that starts at `pos`. */
  table(pos: number, what: string): Table {
    this.need(pos, 4, `${what} table`);
    const soff = this.i32(pos);
    const vt = pos - soff;
    if (!this.inFile(vt, 4)) {
      this.fail(pos, `${what} vtable offset ${soff} points outside the file (to byte ${vt}, file ${this.size} bytes)`);
    }
    const vtSize = this.u16(vt);
    const tableSize = this.u16(vt + 2);
    if (vtSize < 4 || vtSize % 2 !== 0) this.fail(vt, `${what} vtable size ${vtSize} is invalid (even, >= 4)`);
    if (!this.inFile(vt, vtSize)) {
      this.fail(vt, `${what} vtable (${vtSize} bytes) runs past the end of the file (file ${this.size} bytes)`);
    }
    if (tableSize < 4) this.fail(vt, `${what} vtable gives the table an inline size of ${tableSize} (< 4)`);
    if (!this.inFile(pos, tableSize)) {
      this.fail(pos, `${what} table (${tableSize} bytes) runs past the end of the file (file ${this.size} bytes)`);
    }
    this.spend(1, pos, what);
    return new Table(this, pos, vt, vtSize, tableSize, what);
  }

  /** The vector whose length prefix is at `at`, with elements of `elemSize` bytes. */
  vectorAt(at: number, elemSize: number, what: string): Vec {
    this.need(at, 4, `${what} vector length`);
    const length = this.u32(at);
    const start = at + 4;
    if (!this.inFile(start, length * elemSize)) {
      this.fail(
        at,
        `${what} vector runs past the end of the file (length ${length}, ${length * elemSize} bytes at ${start}, file ${this.size} bytes)`,
      );
    }
    return { at, start, length };
  }

  /** Element `i` of a vector of tables. */
  tableIn(v: Vec, i: number, what: string): Table {
    return this.table(this.deref(v.start + 4 * i, what), what);
  }
}

const UTF8 = new TextDecoder('utf-8');

/** One table: field lookup through its (checked) vtable. */
export class Table {
  constructor(
    readonly fb: Fb,
    readonly pos: number,
    private readonly vt: number,
    private readonly vtSize: number,
    private readonly tableSize: number,
    readonly what: string,
  ) {}

  /** A table with no fields set: every accessor returns the schema default. */
  static empty(fb: Fb, what: string): Table {
    return new Table(fb, 0, 0, 0, 0, what);
  }

  /** Absolute position of field `id` (`size` bytes inline), or -1 when absent. */
  private field(id: number, size: number, name: string): number {
    const slot = 4 + 2 * id;
    if (slot + 2 > this.vtSize) return -1;
    const off = this.fb.u16(this.vt + slot);
    if (off === 0) return -1;
    if (off < 4 || off + size > this.tableSize) {
      this.fb.fail(
        this.vt + slot,
        `${this.what}.${name} field offset ${off} lies outside its table (inline size ${this.tableSize})`,
      );
    }
    return this.pos + off;
  }

  has(id: number): boolean {
    return this.field(id, 0, '?') >= 0;
  }

  /** Scalar field `id` of `size` bytes read at its position, or `dflt` when absent (the schema default). */
  private scalar<T>(id: number, size: number, name: string, dflt: T, read: (p: number) => T): T {
    const p = this.field(id, size, name);
    return p < 0 ? dflt : read(p);
  }

  u8(id: number, name: string, dflt = 0): number {
    return this.scalar(id, 1, name, dflt, (p) => this.fb.u8(p));
  }
  i8(id: number, name: string, dflt = 0): number {
    return this.scalar(id, 1, name, dflt, (p) => this.fb.i8(p));
  }
  bool(id: number, name: string, dflt = false): boolean {
    return this.scalar(id, 1, name, dflt, (p) => this.fb.u8(p) !== 0);
  }
  i32(id: number, name: string, dflt = 0): number {
    return this.scalar(id, 4, name, dflt, (p) => this.fb.i32(p));
  }
  u32(id: number, name: string, dflt = 0): number {
    return this.scalar(id, 4, name, dflt, (p) => this.fb.u32(p));
  }
  f32(id: number, name: string, dflt = 0): number {
    return this.scalar(id, 4, name, dflt, (p) => this.fb.f32(p));
  }
  u64(id: number, name: string, dflt = 0): number {
    return this.scalar(id, 8, name, dflt, (p) => this.fb.u64(p, `${this.what}.${name}`));
  }

  /** Position the offset field `id` points to, or -1 when absent. */
  private ref(id: number, name: string): number {
    const p = this.field(id, 4, name);
    return p < 0 ? -1 : this.fb.deref(p, `${this.what}.${name}`);
  }

  table(id: number, name: string, what = `${this.what}.${name}`): Table | null {
    const p = this.ref(id, name);
    return p < 0 ? null : this.fb.table(p, what);
  }

  vector(id: number, name: string, elemSize: number): Vec | null {
    const p = this.ref(id, name);
    return p < 0 ? null : this.fb.vectorAt(p, elemSize, `${this.what}.${name}`);
  }

  string(id: number, name: string): string | null {
    const v = this.vector(id, name, 1);
    if (v === null) return null;
    const what = `${this.what}.${name}`;
    const end = v.start + v.length;
    if (end >= this.fb.size || this.fb.u8(end) !== 0) {
      this.fb.fail(v.at, `${what} string (length ${v.length}) is not NUL-terminated inside the file`);
    }
    this.fb.spend(v.length, v.at, what);
    const view = this.fb.bytes.subarray(v.start, end);
    // TextDecoder refuses views on shared memory.
    return UTF8.decode(view.buffer instanceof ArrayBuffer ? view : view.slice());
  }

  /** A [int] vector as numbers; `maxLength` bounds it before anything is allocated. */
  int32s(id: number, name: string, maxLength = Infinity): number[] | null {
    const v = this.vector(id, name, 4);
    if (v === null) return null;
    const what = `${this.what}.${name}`;
    if (v.length > maxLength) this.fb.fail(v.at, `${what} has ${v.length} entries (at most ${maxLength} allowed)`);
    this.fb.spend(v.length, v.at, what);
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.fb.i32(v.start + 4 * i);
    return out;
  }

  /** A scalar enum field, failing on a value outside `names`. */
  enumOf<T extends string>(id: number, name: string, names: readonly T[], signed = true): T {
    const p = this.field(id, 1, name);
    const v = p < 0 ? 0 : signed ? this.fb.i8(p) : this.fb.u8(p);
    const s = names[v];
    if (s === undefined) {
      this.fb.fail(p, `${this.what}.${name} has unknown value ${v} (expected 0..${names.length - 1})`);
    }
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/**
 * Parse a .tflite file (subgraph 0). `source` names the file in error messages.
 * Throws ModelFormatError for malformed bytes, ModelError for well-formed models this reader
 * cannot describe (more than one subgraph, sparse tensors) and for models that fail validation
 * (validate.ts: graph, shapes, quantisation, options). `validate: false` returns the decoded
 * structure unchecked, for tests of the decoder itself; nothing may lower or run such a model.
 */
export function readTflite(bytes: Uint8Array, source = 'model.tflite', options: { validate?: boolean } = {}): TfliteModel {
  if (!(bytes instanceof Uint8Array)) {
    throw new ModelError(`${source}: expected the file contents as a Uint8Array`);
  }
  const fb: Fb = new Fb(bytes, source);
  if (bytes.length < 12) {
    fb.fail(0, `the file is ${bytes.length} bytes, too small to be a TFLite flatbuffer`);
  }
  let ident = '';
  for (let i = 4; i < 8; i++) ident += String.fromCharCode(fb.u8(i));
  if (ident !== FILE_IDENTIFIER) {
    fb.fail(4, `not a TFLite model: file identifier ${JSON.stringify(ident)}, expected "${FILE_IDENTIFIER}"`);
  }
  const model = fb.table(fb.deref(0, 'root table'), 'Model');

  const F = FIELD.Model;
  const version = model.u32(F.version, 'version');
  if (version !== SCHEMA_VERSION) {
    fb.fail(model.pos, `Model.version is ${version}; this reader understands schema version ${SCHEMA_VERSION}`);
  }
  const description = model.string(F.description, 'description') ?? undefined;

  const subgraphs = model.vector(F.subgraphs, 'subgraphs', 4);
  if (subgraphs === null || subgraphs.length === 0) fb.fail(model.pos, 'Model has no subgraphs');
  if (subgraphs.length > 1) {
    throw new ModelError(
      `${source}: the model has ${subgraphs.length} subgraphs; only single-subgraph models are supported ` +
        '(control flow such as IF/WHILE/CALL_ONCE is not)',
    );
  }

  const opcodes = readOperatorCodes(fb, model);
  const buffers = model.vector(FIELD.Model.buffers, 'buffers', 4);
  const sg = fb.tableIn(subgraphs, 0, 'SubGraph[0]');
  const S = FIELD.SubGraph;

  const tensorVec = sg.vector(S.tensors, 'tensors', 4);
  const nTensors = tensorVec?.length ?? 0;
  const bufferCache = new Map<number, Uint8Array | null>();
  const tensors: TfliteTensor[] = [];
  for (let i = 0; i < nTensors; i++) {
    tensors.push(readTensor(fb, fb.tableIn(tensorVec!, i, `Tensor[${i}]`), i, buffers, bufferCache));
  }

  const inputs = tensorIndices(fb, sg, S.inputs, 'inputs', nTensors, false) ?? [];
  const outputs = tensorIndices(fb, sg, S.outputs, 'outputs', nTensors, false) ?? [];

  const opVec = sg.vector(S.operators, 'operators', 4);
  const operators: TfliteOperator[] = [];
  for (let i = 0; i < (opVec?.length ?? 0); i++) {
    operators.push(readOperator(fb, fb.tableIn(opVec!, i, `Operator[${i}]`), i, opcodes, nTensors));
  }

  const out: TfliteModel = { version, tensors, operators, inputs, outputs };
  if (description !== undefined) out.description = description;
  if (options.validate !== false) validateTflite(out, source);
  return out;
}

function readOperatorCodes(fb: Fb, model: Table): string[] {
  const v = model.vector(FIELD.Model.operatorCodes, 'operator_codes', 4);
  const names: string[] = [];
  const F = FIELD.OperatorCode;
  for (let i = 0; i < (v?.length ?? 0); i++) {
    const t = fb.tableIn(v!, i, `OperatorCode[${i}]`);
    // The schema: the real code is the larger of the int8 field and the int32 field.
    const code = Math.max(t.i8(F.deprecatedBuiltinCode, 'deprecated_builtin_code'), t.i32(F.builtinCode, 'builtin_code'));
    let name = builtinOperatorName(code);
    if (name === 'CUSTOM') name = `CUSTOM:${t.string(F.customCode, 'custom_code') ?? ''}`;
    names.push(name);
  }
  return names;
}

/** A vector of tensor indices, each in [0, nTensors) (or -1 when `optional`). */
function tensorIndices(
  fb: Fb,
  t: Table,
  id: number,
  name: string,
  nTensors: number,
  optional: boolean,
): number[] | null {
  const v = t.vector(id, name, 4);
  if (v === null) return null;
  fb.spend(v.length, v.at, `${t.what}.${name}`);
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) {
    const at = v.start + 4 * i;
    const k = fb.i32(at);
    if (!(k >= 0 && k < nTensors) && !(optional && k === -1)) {
      fb.fail(
        at,
        `${t.what}.${name}[${i}] is tensor ${k}, out of range (${nTensors} tensors${optional ? '; -1 = absent' : ''})`,
      );
    }
    out[i] = k;
  }
  return out;
}

function readTensor(
  fb: Fb,
  t: Table,
  index: number,
  buffers: Vec | null,
  cache: Map<number, Uint8Array | null>,
): TfliteTensor {
  const F = FIELD.Tensor;
  const what = t.what;
  const shape = t.int32s(F.shape, 'shape', MAX_RANK) ?? [];
  let elements = 1;
  for (let d = 0; d < shape.length; d++) {
    const dim = shape[d]!;
    if (dim < 0) fb.fail(t.pos, `${what}.shape[${d}] is ${dim} (dimensions must be >= 0)`);
    elements *= dim;
    if (elements > MAX_ELEMENTS) {
      fb.fail(t.pos, `${what}.shape [${shape.join(', ')}] has more than 2^31 elements`);
    }
  }
  const dtype = t.enumOf(F.type, 'type', TENSOR_TYPES);
  const name = t.string(F.name, 'name') ?? '';
  const isVariable = t.bool(F.isVariable, 'is_variable');
  if (t.has(F.sparsity)) {
    throw new ModelError(`${fb.source}: ${what} (${JSON.stringify(name)}) is sparse; sparse tensors are not supported`);
  }

  const bufferIndex = t.u32(F.buffer, 'buffer');
  let data: Uint8Array | null = null;
  if (bufferIndex !== 0) {
    const nBuffers = buffers?.length ?? 0;
    if (bufferIndex >= nBuffers) {
      fb.fail(t.pos, `${what}.buffer is ${bufferIndex}, out of range (${nBuffers} buffers)`);
    }
    let cached = cache.get(bufferIndex);
    if (cached === undefined) {
      cached = readBuffer(fb, fb.tableIn(buffers!, bufferIndex, `Buffer[${bufferIndex}]`));
      cache.set(bufferIndex, cached);
    }
    data = cached;
  }
  if (data !== null) {
    const perElement = TENSOR_TYPE_BYTES[dtype];
    if (perElement > 0) {
      const expected = Math.ceil(elements * perElement);
      if (data.length !== expected) {
        fb.fail(
          t.pos,
          `${what} (${JSON.stringify(name)}) has a ${data.length}-byte buffer (Buffer[${bufferIndex}]) ` +
            `but shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes`,
        );
      }
    }
  }

  const qt = t.table(F.quantization, 'quantization');
  const quant = qt === null ? null : readQuant(fb, qt, shape);
  return { index, name, shape, dtype, data, quant, isVariable };
}

function readBuffer(fb: Fb, b: Table): Uint8Array | null {
  const F = FIELD.Buffer;
  const offset = b.u64(F.offset, 'offset');
  const size = b.u64(F.size, 'size');
  // Models larger than 2 GB keep buffer bytes outside the flatbuffer; offset is only valid if > 1.
  if (offset > 1) {
    if (!fb.inFile(offset, size)) {
      fb.fail(
        b.pos,
        `${b.what} refers to ${size} bytes at file offset ${offset}, beyond the end of the file (${fb.size} bytes)`,
      );
    }
    return size === 0 ? null : fb.bytes.subarray(offset, offset + size);
  }
  const v = b.vector(F.data, 'data', 1);
  if (v === null || v.length === 0) return null;
  return fb.bytes.subarray(v.start, v.start + v.length);
}

function readQuant(fb: Fb, q: Table, shape: number[]): TfliteQuant | null {
  const F = FIELD.QuantizationParameters;
  const what = q.what;
  const sv = q.vector(F.scale, 'scale', 4);
  if (sv === null || sv.length === 0) return null;
  const zv = q.vector(F.zeroPoint, 'zero_point', 8);
  if (zv === null || zv.length !== sv.length) {
    fb.fail(
      zv?.at ?? q.pos,
      `${what}.zero_point has ${zv?.length ?? 0} entries but scale has ${sv.length}`,
    );
  }
  const quantizedDimension = q.i32(F.quantizedDimension, 'quantized_dimension');
  if (quantizedDimension < 0) {
    fb.fail(q.pos, `${what}.quantized_dimension is ${quantizedDimension} (must be >= 0)`);
  }
  let axis = quantizedDimension;
  if (sv.length > 1) {
    // Some converters write quantized_dimension 3 on 1-D per-channel bias tensors (TFLite Micro
    // accepts it): a 1-D tensor has one axis, so that is the axis they are quantised along.
    if (shape.length === 1 && axis >= 1) axis = 0;
    if (shape[axis] !== sv.length) {
      fb.fail(
        sv.at,
        `${what}: ${sv.length} per-axis scales do not match dimension ${quantizedDimension} of shape [${shape.join(', ')}]`,
      );
    }
  }
  fb.spend(2 * sv.length, sv.at, what);
  const scale = new Float32Array(sv.length);
  const zeroPoint = new Array<number>(sv.length);
  for (let i = 0; i < sv.length; i++) {
    scale[i] = fb.f32(sv.start + 4 * i);
    zeroPoint[i] = fb.i64(zv.start + 8 * i, `${what}.zero_point[${i}]`);
  }
  return { scale, zeroPoint, quantizedDimension: axis };
}

// ---------------------------------------------------------------------------------------------
// Operators and their builtin options
// ---------------------------------------------------------------------------------------------

function readOperator(fb: Fb, t: Table, index: number, opcodes: string[], nTensors: number): TfliteOperator {
  const F = FIELD.Operator;
  const what = t.what;
  const opcodeIndex = t.u32(F.opcodeIndex, 'opcode_index');
  const opcode = opcodes[opcodeIndex];
  if (opcode === undefined) {
    fb.fail(t.pos, `${what}.opcode_index is ${opcodeIndex}, out of range (${opcodes.length} operator codes)`);
  }
  const inputs = tensorIndices(fb, t, F.inputs, 'inputs', nTensors, true) ?? [];
  const outputs = tensorIndices(fb, t, F.outputs, 'outputs', nTensors, false) ?? [];

  let options: Options = {};
  const spec = OPTIONS.get(opcode);
  if (spec !== undefined) {
    const [expected, decode] = spec;
    const type = t.u8(F.builtinOptionsType, 'builtin_options_type');
    const optWhat = `${what}(${opcode}).builtin_options`;
    let o: Table | null = null;
    if (type !== 0) {
      if (type !== expected) {
        fb.fail(
          t.pos,
          `${optWhat} is a ${BUILTIN_OPTIONS[type] ?? `union member ${type}`}, expected ${BUILTIN_OPTIONS[expected]}`,
        );
      }
      o = t.table(F.builtinOptions, 'builtin_options', optWhat);
    }
    // Absent options: the schema defaults.
    options = decode(o ?? Table.empty(fb, optWhat));
  }
  return { index, opcode, inputs, outputs, options };
}
