// The search engine's workspace: every array it reads or writes lives in one contiguous region
// above the static data, so the TypeScript side can write inputs and read results through
// typed-array views (no copies through the loader) and the hot loops use plain loads and stores.
//
// The region holds five groups laid end to end. A group is a struct of arrays sharing one capacity
// (in elements). Growing a group shifts the groups above it up and spreads its own arrays apart;
// contents always survive, so a solve may grow its label storage half-way through.
//
// Nothing here allocates from the AssemblyScript heap: the stub runtime's bump allocator would start
// at __heap_base too, and the workspace owns everything from there up.

import { fail } from './errors';

// Groups, in memory order: the ones a solve grows (scratch, labels) sit on top, so growing them
// never moves the edge table that the caller may still be reading.
export const G_LAYERS: i32 = 0; // per layer: the cost models' inputs
export const G_NODES: i32 = 1; // per node slot (N + 2): CSR offsets of the table, label offsets
export const G_EDGES: i32 = 2; // per edge of the table
export const G_SCRATCH: i32 = 3; // per label of one node's merge: two ping-pong lists
export const G_LABELS: i32 = 4; // every label of a solve
export const GROUPS: i32 = 5;

// Arrays. src/plan/search-layout.ts is generated from these ids and the two tables below
// (scripts/mirrors.mjs): add an array here, its group and element bytes in the tables, and rebuild.
export const A_PEM: i32 = 0; // per-element MACs
export const A_IN_BYTES: i32 = 1;
export const A_OUT_BYTES: i32 = 2;
export const A_LAYER_MACS: i32 = 3;
export const A_K: i32 = 4;
export const A_S: i32 = 5;
export const A_P: i32 = 6;
export const A_H_IN: i32 = 7;
export const A_C_IN: i32 = 8;
export const A_C_OUT: i32 = 9;
export const A_H_MAX: i32 = 10; // running maximum of A_H_IN (internal)
export const A_START: i32 = 11; // CSR offsets of the table by destination
export const A_NODE_START: i32 = 12; // first label of each node (internal to a solve)
export const A_MEM: i32 = 13;
export const A_MACS: i32 = 14;
export const A_FROM: i32 = 15;
export const A_X_PEAK: i32 = 16;
export const A_X_MACS: i32 = 17;
export const A_Y_PEAK: i32 = 18;
export const A_Y_MACS: i32 = 19;
export const A_X_PREV: i32 = 20;
export const A_Y_PREV: i32 = 21;
export const A_L_PEAK: i32 = 22;
export const A_L_MACS: i32 = 23;
export const A_L_PREV: i32 = 24; // index of the label this one extends, -1 at node 0
export const A_L_NODE: i32 = 25; // node the label belongs to
// The exact cost model's per-layer inputs (besides A_PEM, A_K = kh, A_S = sh, A_P = pt, A_H_IN,
// A_C_IN, A_C_OUT above) and its per-block work arrays. Capacities are multiples of 4 elements, so
// every array is 16-byte aligned whatever the order of f64 and i32 arrays in a group.
export const A_LIVE: i32 = 26; // bytes live across the cut before the layer (skip tensors)
export const A_IN_MAT: i32 = 27; // materialised main input bytes
export const A_OUT_MAT: i32 = 28; // materialised output bytes
export const A_SCRATCH: i32 = 29; // scratch bytes of the layer run alone
export const A_WINDOW: i32 = 30; // 1: a window op, may be fused
export const A_CHAINS: i32 = 31; // 1: output feeds only the next layer
export const A_KW: i32 = 32;
export const A_SW: i32 = 33;
export const A_PL: i32 = 34;
export const A_W_IN: i32 = 35;
export const A_H_OUT: i32 = 36;
export const A_W_OUT: i32 = 37;
export const A_ROWS: i32 = 38; // per block layer: cache rows (internal)
export const A_SPAN: i32 = 39; // per block layer: output rows computed over the block (internal)
export const A_PRODUCED: i32 = 40; // per block layer: output columns produced (internal)
export const A_LOWEST: i32 = 41; // per layer n: the earliest start of a candidate block ending at n
export const A_MASK_A: i32 = 42; // column masks, one per pixel column (internal)
export const A_MASK_B: i32 = 43;
// The paper cost model's generalisation off its square-chain domain (A_KW and A_LIVE are shared).
export const A_PB: i32 = 44; // bottom padding (A_P is the top padding)
export const A_COLS: i32 = 45; // output columns
export const A_JOINS: i32 = 46; // 1: layers l and l + 1 may share a fusion block
export const A_OTHER: i32 = 47; // exact model: producer of an ADD's materialised operand (-1: none)
export const ARRAYS: i32 = 48;

const ARRAY_GROUP = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0,
]);
const ARRAY_BYTES = memory.data<u8>([
  8, 8, 8, 8, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8, 4, 8, 8, 8, 8, 4, 4, 8, 8, 4, 4,
  8, 8, 8, 8, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 4, 4,
]);

// Byte offset of each array inside one "row" of its group; a group of capacity c stores array a
// at base + c * rowOffset[a].
const rowOffset = memory.data(ARRAYS << 2);
const rowBytes = memory.data(GROUPS << 2);
const groupBase = memory.data(GROUPS << 2);

/**
 * What the TypeScript side reads (u32 slots): [0] layout epoch, bumped on every change;
 * [1 .. GROUPS] group capacities in elements; [1 + GROUPS + a] byte address of array a.
 */
export const DIRECTORY = memory.data((1 + GROUPS + ARRAYS) << 2);
const D_CAPS: usize = 4;
const D_ARRAYS: usize = (1 + <usize>GROUPS) << 2;

// Capacities grow to a multiple of 4 elements: f64 arrays stay 16-byte aligned.
const CAP_ALIGN: i32 = 4;
const MIN_CAP: i32 = 64;

@inline export function capacity(g: i32): i32 {
  return load<i32>(DIRECTORY + D_CAPS + (<usize>g << 2));
}

/** Byte address of array `a`; valid until the next reserve() that returns true. */
@inline export function ptr(a: i32): usize {
  return load<u32>(DIRECTORY + D_ARRAYS + (<usize>a << 2));
}

function publish(): void {
  for (let a = 0; a < ARRAYS; a++) {
    const g = <i32>load<u8>(ARRAY_GROUP + a);
    const addr = load<u32>(groupBase + (<usize>g << 2)) + <u32>capacity(g) * load<u32>(rowOffset + (<usize>a << 2));
    store<u32>(DIRECTORY + D_ARRAYS + (<usize>a << 2), addr);
  }
  store<u32>(DIRECTORY, load<u32>(DIRECTORY) + 1);
}

/** Empties the workspace (capacities 0). Memory already grown stays with the instance. */
export function resetWorkspace(): void {
  const base = (<u32>__heap_base + 15) & ~15;
  for (let g = 0; g < GROUPS; g++) {
    store<u32>(rowBytes + (<usize>g << 2), 0);
    store<u32>(groupBase + (<usize>g << 2), base);
    store<i32>(DIRECTORY + D_CAPS + (<usize>g << 2), 0);
  }
  for (let a = 0; a < ARRAYS; a++) {
    const rb = rowBytes + (<usize>load<u8>(ARRAY_GROUP + a) << 2);
    store<u32>(rowOffset + (<usize>a << 2), load<u32>(rb));
    store<u32>(rb, load<u32>(rb) + load<u8>(ARRAY_BYTES + a));
  }
  publish();
}

function top(): u64 {
  const g = GROUPS - 1;
  return <u64>load<u32>(groupBase + (<usize>g << 2)) + <u64>capacity(g) * load<u32>(rowBytes + (<usize>g << 2));
}

/**
 * Makes group `g` hold at least `elems` elements, keeping every array's contents. Returns true when
 * the layout changed: callers must then reload their pointers.
 */
export function reserve(g: i32, elems: i32): bool {
  const cap = capacity(g);
  if (elems <= cap) return false;
  if (elems < 0) fail('workspace: negative size {0} requested', <f64>elems);
  // Doubling keeps the number of moves logarithmic; the cap stays well inside i32.
  let next = max<i64>(<i64>elems, max<i64>(<i64>cap << 1, MIN_CAP));
  next = (next + CAP_ALIGN - 1) & ~(<i64>CAP_ALIGN - 1);
  const row = <u64>load<u32>(rowBytes + (<usize>g << 2));
  const delta = <u64>(next - cap) * row;
  const oldTop = top();
  const newTop = oldTop + delta;
  if (newTop > 0xffff0000) fail('out of Wasm memory: the workspace would need {0} bytes (4 GiB is the limit)', <f64>newTop);
  const have = <u64>memory.size() << 16;
  if (newTop > have) {
    const pages = <i32>((newTop - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) fail('out of Wasm memory: could not grow to {0} bytes', <f64>newTop);
  }
  // Shift the groups above g up by delta, topmost first so that no source is overwritten.
  const d = <usize>delta;
  for (let h = GROUPS - 1; h > g; h--) {
    const at = groupBase + (<usize>h << 2);
    const b = <usize>load<u32>(at);
    memory.copy(b + d, b, <usize>capacity(h) * load<u32>(rowBytes + (<usize>h << 2)));
    store<u32>(at, <u32>(b + d));
  }
  // Spread g's own arrays to their new offsets, last array first for the same reason.
  const base = <usize>load<u32>(groupBase + (<usize>g << 2));
  for (let a = ARRAYS - 1; a >= 0; a--) {
    if (<i32>load<u8>(ARRAY_GROUP + a) != g) continue;
    const off = <usize>load<u32>(rowOffset + (<usize>a << 2));
    if (off == 0 || cap == 0) continue;
    memory.copy(base + <usize>next * off, base + <usize>cap * off, <usize>cap * load<u8>(ARRAY_BYTES + a));
  }
  store<i32>(DIRECTORY + D_CAPS + (<usize>g << 2), <i32>next);
  publish();
  return true;
}
