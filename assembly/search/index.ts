// build/search.wasm: the Wasm search engine behind src/plan/solver-wasm.ts.
//
// Protocol (all data through the workspace arrays, see buffers.ts):
//   paper table: prepareLayers(n); write the layer arrays; buildPaperTable(n) -> edge count;
//                the table is then in the table arrays, paperBaseline() gives its baseline MACs.
//   exact table: prepareLayers(n); write the exact model's layer arrays; buildExactTable(n) -> edge
//                count; exactBaseline() gives its baseline MACs.
//   own table:   prepareTable(n, e); write start/from/mem/macs.
//   search:      solveFront() -> label count; read node N's labels and follow prev.
// After a failure (abort or trap) call reset() before anything else.

import { DIRECTORY, G_LAYERS, reserve, resetWorkspace } from './buffers';
import { clearTable } from './table';

export { buildPaperTable, paperBaseline } from './paper';
export { buildExactTable, exactBaseline } from './exact';
export { prepareTable } from './table';
export { solveFront } from './front';
export { errorDetail } from './errors';

/** Address of the workspace directory: layout epoch, group capacities, array addresses. */
export function directory(): usize {
  return DIRECTORY;
}

/** Makes room for n layers in the layer arrays. */
export function prepareLayers(n: i32): void {
  reserve(G_LAYERS, n);
}

/** Forgets every table and capacity: the state right after instantiation. */
export function reset(): void {
  clearTable();
  resetWorkspace();
}

resetWorkspace();
