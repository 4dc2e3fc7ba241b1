/** The contract both search engines (pure TS and Wasm) implement, and the plain values they return. */
import type { ExactLayers } from '../cost/exact.js';
import type { PaperLayers } from '../cost/paper.js';
import type { ArenaOptions } from '../cost/exact.js';
import type { StreamTable } from '../cost/stream.js';
import type { EdgeTable } from '../cost/table.js';
import type { Model } from '../model/ir.js';

export type EngineName = 'js' | 'wasm';

/** Inclusive [first, last] layer indices of one block, in execution order. */
export type Block = [first: number, last: number];

export interface FrontPoint {
  peakBytes: number;
  macs: number;
  blocks: Block[];
}

export interface SearchEngine {
  readonly name: EngineName;
  /**
   * The fusion DAG under the paper's cost model. The Wasm engine returns views into its memory:
   * valid until the next call on the same engine.
   */
  paperTable(layers: PaperLayers): EdgeTable;
  /** The fusion DAG under the exact cost model (what the executor allocates); same validity as paperTable's. */
  exactTable(layers: ExactLayers): EdgeTable;
  /**
   * The streaming DAG (line buffers, residual streams, pooling tails, in place; src/cost/stream-sim.ts's
   * streamGraphTable, fully streamed blocks of at most maxLayers layers), built fast
   * (src/cost/stream-fast-graph.ts). A plain value on both engines: the Wasm engine uploads it on front().
   */
  streamTable(model: Model, maxLayers?: number, options?: ArenaOptions): StreamTable;
  /**
   * Every non-dominated (peak, MACs) point over all paths 0 -> N of the table, once, ascending in
   * peak and strictly descending in MACs. Among paths with identical figures, the one whose blocks
   * come from the earliest-source incoming edges wins (both engines break ties identically).
   */
  front(table: EdgeTable): FrontPoint[];
}

/** Turns the node sequence of a path (0 = n0 < n1 < ... = N) into inclusive layer blocks. */
export function nodesToBlocks(nodes: ArrayLike<number>): Block[] {
  const blocks: Block[] = [];
  for (let i = 1; i < nodes.length; i++) blocks.push([nodes[i - 1]!, nodes[i]! - 1]);
  return blocks;
}
