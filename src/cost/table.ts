/**
 * The fusion DAG as flat typed arrays: the plain value a cost model hands to a search engine.
 *
 * Nodes 0..N are cuts in the execution order (node i = before layer i). An edge u -> v executes
 * layers u..v-1 as one unit: a single layer when v = u + 1, a fusion block otherwise. Edges are
 * grouped by destination (CSR): the incoming edges of v are start[v] .. start[v+1]-1, ordered by
 * ascending source. Each edge carries its memory (bytes at its peak) and its MACs.
 */
export interface EdgeTable {
  /** Number of layers N; there are N + 1 nodes. */
  layers: number;
  /** CSR offsets by destination node, length N + 2. */
  start: Int32Array;
  /** Source node of each edge. */
  from: Int32Array;
  mem: Float64Array;
  macs: Float64Array;
  /** Sum of all single-layer MACs: the denominator of the overhead factor. */
  baselineMacs: number;
}

export const edgeCount = (t: EdgeTable): number => t.start[t.layers + 1]!;

/** Collects edges per destination and packs them into an EdgeTable. */
export class EdgeTableBuilder {
  private readonly perDest: { from: number; mem: number; macs: number }[][];
  constructor(private readonly n: number) {
    this.perDest = Array.from({ length: n + 1 }, () => []);
  }
  add(from: number, to: number, mem: number, macs: number): void {
    this.perDest[to]!.push({ from, mem, macs });
  }
  build(baselineMacs: number): EdgeTable {
    const n = this.n;
    const start = new Int32Array(n + 2);
    let count = 0;
    for (let v = 0; v <= n; v++) {
      start[v] = count;
      count += this.perDest[v]!.length;
    }
    start[n + 1] = count;
    const from = new Int32Array(count);
    const mem = new Float64Array(count);
    const macs = new Float64Array(count);
    let e = 0;
    for (let v = 0; v <= n; v++) {
      for (const edge of this.perDest[v]!.sort((a, b) => a.from - b.from)) {
        from[e] = edge.from;
        mem[e] = edge.mem;
        macs[e] = edge.macs;
        e++;
      }
    }
    return { layers: n, start, from, mem, macs, baselineMacs };
  }
}

/** Finds the edge u -> v, or -1. */
export function findEdge(t: EdgeTable, u: number, v: number): number {
  for (let e = t.start[v]!; e < t.start[v + 1]!; e++) if (t.from[e] === u) return e;
  return -1;
}
