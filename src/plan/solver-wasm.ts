/**
 * The Wasm search engine: the algorithm of solver-js.ts and the cost tables of src/cost (paper.ts,
 * exact.ts), compiled from assembly/search to build/search.wasm, behind SearchEngine.
 *
 * Data crosses the boundary without copies by the loader: the module keeps every array in a
 * workspace inside its own memory (assembly/search/buffers.ts; its ids, groups and element sizes
 * reach this file as search-layout.ts, generated from it) and publishes their addresses in a
 * directory; this wrapper writes inputs and reads results through typed-array views over them, and
 * rebuilds those views whenever the module grows its memory or moves its arrays.
 *
 * Loading is someone else's job (src/runtime/wasm-node.ts, src/runtime/wasm-browser.ts), so this
 * file runs unchanged in Node and in a browser Worker.
 */
import { EngineLimitError, UsageError, WasmError } from '../errors.js';
import type { ArenaOptions, ExactLayers } from '../cost/exact.js';
import type { PaperLayers } from '../cost/paper.js';
import { streamGraphTableFast } from '../cost/stream-fast-graph.js';
import type { StreamTable } from '../cost/stream.js';
import type { EdgeTable } from '../cost/table.js';
import type { Model } from '../model/ir.js';
import type { WasmAborts } from '../runtime/wasm-aborts.js';
import type { Block, FrontPoint, SearchEngine } from './engine.js';
import type { WasmMemory } from '../runtime/wasm-heap.js';
import {
  A_C_IN, A_C_OUT, A_CHAINS, A_COLS, A_FROM, A_H_IN, A_H_OUT, A_IN_BYTES, A_IN_MAT, A_JOINS, A_K, A_KW, A_L_MACS, A_L_NODE, A_L_PEAK, A_L_PREV,
  A_LAYER_MACS, A_LIVE, A_MACS, A_MEM, A_NODE_START, A_OTHER, A_OUT_BYTES, A_OUT_MAT, A_P, A_PB, A_PEM, A_PL, A_S, A_SCRATCH, A_START, A_SW,
  A_W_IN, A_W_OUT, A_WINDOW, ARRAY_BYTES, ARRAY_GROUP, ARRAYS, GROUPS,
} from './search-layout.js';

/** The functions assembly/search/index.ts exports (plus the loader's string reader). */
export type SearchExports = {
  memory?: WasmMemory;
  directory(): number;
  prepareLayers(n: number): void;
  buildPaperTable(n: number): number;
  paperBaseline(): number;
  buildExactTable(n: number): number;
  exactBaseline(): number;
  prepareTable(layers: number, edges: number): void;
  solveFront(): number;
  errorDetail(i: number): number;
  reset(): void;
  __getString(ptr: number): string;
};

/** The per-layer arrays of PaperLayers, with their slots in the workspace. */
const LAYER_I32 = [
  ['k', A_K], ['s', A_S], ['p', A_P], ['pb', A_PB], ['kw', A_KW], ['joins', A_JOINS], ['hIn', A_H_IN], ['cIn', A_C_IN], ['cOut', A_C_OUT],
] as const;
const LAYER_F64 = [
  ['perElementMacs', A_PEM], ['inBytes', A_IN_BYTES], ['outBytes', A_OUT_BYTES], ['layerMacs', A_LAYER_MACS], ['cols', A_COLS], ['live', A_LIVE],
] as const;
/** The per-layer arrays of ExactLayers, with their slots in the workspace. */
const EXACT_ARRAYS = [
  ['perElementMacs', A_PEM], ['liveAcross', A_LIVE], ['inMaterial', A_IN_MAT], ['outMaterial', A_OUT_MAT], ['scratch', A_SCRATCH],
  ['window', A_WINDOW], ['chainsToNext', A_CHAINS], ['kh', A_K], ['kw', A_KW], ['sh', A_S], ['sw', A_SW], ['pt', A_P], ['pl', A_PL],
  ['hIn', A_H_IN], ['wIn', A_W_IN], ['cIn', A_C_IN], ['hOut', A_H_OUT], ['wOut', A_W_OUT], ['cOut', A_C_OUT], ['otherProducer', A_OTHER],
] as const;

export class WasmSearchEngine implements SearchEngine {
  readonly name = 'wasm' as const;
  private readonly x: SearchExports;
  private readonly memory: WasmMemory;
  private readonly dirAddr: number;
  // Views over the workspace, valid for (buffer, epoch); see refresh().
  private buffer: ArrayBuffer | null = null;
  private epoch = -1;
  private dir = new Uint32Array(0);
  private views: (Int32Array | Float64Array)[] = [];
  // The table currently in the workspace, and the EdgeTable object handed out for it (if any).
  private tableLayers = -1;
  private tableEdges = 0;
  private resident: EdgeTable | null = null;
  private broken: string | null = null;

  /**
   * @param exports the instance's exports as the AssemblyScript loader returns them
   * @param aborts the recorder whose `imports` the instance was created with, for readable errors
   */
  constructor(exports: SearchExports, private readonly aborts?: WasmAborts) {
    if (!exports.memory) throw new WasmError('search.wasm does not export its memory; rebuild it with `npm run build:wasm`');
    this.x = exports;
    this.memory = exports.memory;
    this.dirAddr = exports.directory();
    this.refresh();
  }

  /** Bytes of Wasm memory the module holds now (its high-water mark: Wasm memory never shrinks). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * The paper's cost table, computed in Wasm. Its typed arrays are views into the module's memory:
   * valid until the next paperTable() call or a front() of another table on this engine (front() of
   * this table keeps them valid, even when the search grows the memory).
   */
  paperTable(L: PaperLayers): EdgeTable {
    const n = L.n;
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`paper layers: n must be a non-negative integer, got ${n}`);
    for (const [key] of [...LAYER_I32, ...LAYER_F64])
      if (L[key].length < n) throw new UsageError(`paper layers: ${key} has ${L[key].length} entries for ${n} layers`);
    this.call('paperTable', () => this.x.prepareLayers(n));
    for (const [key, a] of LAYER_I32) this.views[a]!.set(L[key].length === n ? L[key] : L[key].subarray(0, n));
    for (const [key, a] of LAYER_F64) this.views[a]!.set(L[key].length === n ? L[key] : L[key].subarray(0, n));
    const edges = this.call('paperTable', () => this.x.buildPaperTable(n));
    return this.residentTable(n, edges, this.x.paperBaseline());
  }

  /** The exact cost model's table, computed in Wasm; views into the module's memory like paperTable's. */
  exactTable(L: ExactLayers): EdgeTable {
    const n = L.n;
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`exact layers: n must be a non-negative integer, got ${n}`);
    for (const [key] of EXACT_ARRAYS)
      if (L[key].length < n) throw new UsageError(`exact layers: ${key} has ${L[key].length} entries for ${n} layers`);
    this.call('exactTable', () => this.x.prepareLayers(n));
    for (const [key, a] of EXACT_ARRAYS) this.views[a]!.set(L[key].length === n ? L[key] : L[key].subarray(0, n));
    const edges = this.call('exactTable', () => this.x.buildExactTable(n));
    return this.residentTable(n, edges, this.x.exactBaseline());
  }

  /** The streaming table, built in TypeScript for now (the AssemblyScript port is still to do); front() uploads it. */
  streamTable(model: Model, maxLayers?: number, options?: ArenaOptions): StreamTable {
    return streamGraphTableFast(model, maxLayers, options);
  }

  /**
   * The table just built in the workspace, as views: valid until the next table call or a front()
   * of another table on this engine (front() of this table keeps them valid, even when the search
   * grows the memory).
   */
  private residentTable(n: number, edges: number, baselineMacs: number): EdgeTable {
    this.tableLayers = n;
    this.tableEdges = edges;
    const table: EdgeTable = {
      layers: n,
      start: this.i32View(A_START, n + 2),
      from: this.i32View(A_FROM, edges),
      mem: this.f64View(A_MEM, edges),
      macs: this.f64View(A_MACS, edges),
      baselineMacs,
    };
    this.resident = table;
    return table;
  }

  front(t: EdgeTable): FrontPoint[] {
    if (!this.isResident(t)) this.upload(t);
    this.call('front', () => this.x.solveFront());
    const N = t.layers;
    const ns = this.views[A_NODE_START]!;
    const peak = this.views[A_L_PEAK]!;
    const macs = this.views[A_L_MACS]!;
    const prev = this.views[A_L_PREV]!;
    const node = this.views[A_L_NODE]!;
    const points: FrontPoint[] = [];
    for (let idx = ns[N]!; idx < ns[N + 1]!; idx++) {
      let hops = 0;
      for (let k = prev[idx]!; k !== -1; k = prev[k]!) hops++;
      // Walk back from node N, filling the blocks from the last one.
      const blocks = new Array<Block>(hops);
      let hi = node[idx]!;
      for (let k = prev[idx]!, b = hops - 1; k !== -1; k = prev[k]!, b--) {
        const lo = node[k]!;
        blocks[b] = [lo, hi - 1];
        hi = lo;
      }
      points.push({ peakBytes: peak[idx]!, macs: macs[idx]!, blocks });
    }
    return points;
  }

  /** Whether t's arrays are the workspace's own table arrays (a table from paperTable). */
  private isResident(t: EdgeTable): boolean {
    const buf = this.buffer;
    const v = this.views;
    return (
      t.layers === this.tableLayers &&
      t.start.buffer === buf && t.start.byteOffset === v[A_START]!.byteOffset && t.start.length === t.layers + 2 &&
      t.from.buffer === buf && t.from.byteOffset === v[A_FROM]!.byteOffset && t.from.length === this.tableEdges &&
      t.mem.buffer === buf && t.mem.byteOffset === v[A_MEM]!.byteOffset && t.mem.length === this.tableEdges &&
      t.macs.buffer === buf && t.macs.byteOffset === v[A_MACS]!.byteOffset && t.macs.length === this.tableEdges
    );
  }

  /** Writes a table built elsewhere (e.g. by src/cost/paper.ts) into the workspace, once. */
  private upload(t: EdgeTable): void {
    const N = t.layers;
    if (!Number.isInteger(N) || N < 0) throw new UsageError(`malformed edge table: layers must be a non-negative integer, got ${N}`);
    if (t.start.length < N + 2) throw new UsageError(`malformed edge table: start has ${t.start.length} entries, expected ${N + 2}`);
    const E = t.start[N + 1]!;
    if (E < 0 || t.from.length < E || t.mem.length < E || t.macs.length < E)
      throw new UsageError(`malformed edge table: start says ${E} edges but from/mem/macs have ${t.from.length}/${t.mem.length}/${t.macs.length}`);
    // The old table is about to be overwritten: its views no longer describe anything.
    this.resident = null;
    this.tableLayers = -1;
    this.call('front', () => this.x.prepareTable(N, E));
    this.views[A_START]!.set(t.start.length === N + 2 ? t.start : t.start.subarray(0, N + 2));
    this.views[A_FROM]!.set(t.from.length === E ? t.from : t.from.subarray(0, E));
    this.views[A_MEM]!.set(t.mem.length === E ? t.mem : t.mem.subarray(0, E));
    this.views[A_MACS]!.set(t.macs.length === E ? t.macs : t.macs.subarray(0, E));
    this.tableLayers = N;
    this.tableEdges = E;
  }

  /** Runs one export; turns an abort or trap into a WasmError and resets the module. */
  private call<T>(what: string, f: () => T): T {
    if (this.broken) throw new WasmError(this.broken);
    if (this.aborts) this.aborts.last = null;
    try {
      const r = f();
      this.refresh();
      return r;
    } catch (e) {
      const err = this.describe(what, e);
      this.recover();
      throw err;
    }
  }

  private describe(what: string, e: unknown): WasmError | EngineLimitError {
    const detail = (text: string): string => text.replace(/\{([0-2])\}/g, (_, i: string) => String(this.x.errorDetail(Number(i))));
    const a = this.aborts?.last;
    if (a) {
      const message = a.message ? this.string(a.message) : 'abort';
      const file = a.file ? this.string(a.file) : '';
      const where = file ? ` (${file}:${a.line}:${a.column})` : '';
      // Running out of Wasm memory is a limit of the engine, not a bug: typed, exit 4.
      if (message.startsWith('out of Wasm memory')) return new EngineLimitError(`search.wasm: ${detail(message)}; plan a smaller model or use --engine js`);
      return new WasmError(`search.wasm aborted in ${what}: ${detail(message)}${where}`);
    }
    if (e instanceof WebAssembly.RuntimeError) return new WasmError(`search.wasm trapped in ${what}: ${e.message}`);
    return new WasmError(`search.wasm failed in ${what}: ${detail(e instanceof Error ? e.message : String(e))}`);
  }

  private string(addr: number): string {
    try {
      return this.x.__getString(addr);
    } catch {
      return `<unreadable message at ${addr}>`;
    }
  }

  /** Back to the state after instantiation: nothing resident, empty workspace. */
  private recover(): void {
    this.resident = null;
    this.tableLayers = -1;
    this.tableEdges = 0;
    try {
      this.x.reset();
      this.refresh();
    } catch (e) {
      this.broken = `search.wasm could not recover from an earlier error (${e instanceof Error ? e.message : String(e)}); create a new engine`;
    }
  }

  /**
   * Rebuilds the views when the memory grew (the old ArrayBuffer is detached) or the module moved
   * its arrays (the directory's epoch changed), and re-points the handed-out table at them.
   */
  private refresh(): void {
    const buf = this.memory.buffer;
    if (buf !== this.buffer) {
      this.buffer = buf;
      this.dir = new Uint32Array(buf, this.dirAddr, 1 + GROUPS + ARRAYS);
    } else if (this.dir[0] === this.epoch) return;
    this.epoch = this.dir[0]!;
    this.views = ARRAY_GROUP.map((g, a) => {
      const cap = this.dir[1 + g]!;
      const addr = this.dir[1 + GROUPS + a]!;
      return ARRAY_BYTES[a] === 8 ? new Float64Array(buf, addr, cap) : new Int32Array(buf, addr, cap);
    });
    const t = this.resident;
    if (t) {
      t.start = this.i32View(A_START, t.layers + 2);
      t.from = this.i32View(A_FROM, this.tableEdges);
      t.mem = this.f64View(A_MEM, this.tableEdges);
      t.macs = this.f64View(A_MACS, this.tableEdges);
    }
  }

  private i32View(a: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.views[a]!.byteOffset, length);
  }

  private f64View(a: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, this.views[a]!.byteOffset, length);
  }
}
