// The edge table the next solve reads: built here by buildPaperTable, or written by the caller into
// the table arrays after prepareTable. Only its size is kept; the data lives in the workspace.

import { G_EDGES, G_NODES, reserve } from './buffers';
import { fail } from './errors';

let layers: i32 = -1;
let edges: i32 = 0;

export function tableLayers(): i32 {
  return layers;
}
export function tableEdges(): i32 {
  return edges;
}

export function setTable(n: i32, e: i32): void {
  layers = n;
  edges = e;
}

export function clearTable(): void {
  layers = -1;
  edges = 0;
}

/** Makes room for a table of `n` layers and `e` edges that the caller is about to write. */
export function prepareTable(n: i32, e: i32): void {
  if (n < 0 || e < 0) fail('edge table: {0} layers and {1} edges', <f64>n, <f64>e);
  reserve(G_NODES, n + 2);
  reserve(G_EDGES, e);
  setTable(n, e);
}
