/**
 * The pure-TypeScript search engine: Pareto labels pushed along the fusion DAG in topological order.
 *
 * Each node keeps the Pareto set of (peak, MACs) over the paths that reach it, sorted by ascending
 * peak (so strictly descending MACs). Following edge (mem, macs) maps a label (p, c) to
 * (max(p, mem), c + macs): every label with p <= mem collapses onto peak `mem`, and of those only the
 * last (cheapest) survives, so the image of a node's list is a suffix of it, still sorted. A node's
 * list is the two-pointer Pareto merge of the images over its incoming edges. The front is the list
 * of node N. The same algorithm runs in AssemblyScript (assembly/search); this one stays an honest,
 * typed-array baseline.
 */
import { type ArenaOptions, type ExactLayers, exactTableOf } from '../cost/exact.js';
import { type PaperLayers, paperTableOf } from '../cost/paper.js';
import { streamGraphTableFast } from '../cost/stream-fast-graph.js';
import type { StreamTable } from '../cost/stream.js';
import type { EdgeTable } from '../cost/table.js';
import type { Model } from '../model/ir.js';
import { type FrontPoint, type SearchEngine, nodesToBlocks } from './engine.js';

class Growable {
  peak = new Float64Array(1024);
  macs = new Float64Array(1024);
  prev = new Int32Array(1024);
  node = new Int32Array(1024);
  ensure(n: number): void {
    if (n <= this.peak.length) return;
    let cap = this.peak.length;
    while (cap < n) cap *= 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.peak = grow(this.peak, (n) => new Float64Array(n));
    this.macs = grow(this.macs, (n) => new Float64Array(n));
    this.prev = grow(this.prev, (n) => new Int32Array(n));
    this.node = grow(this.node, (n) => new Int32Array(n));
  }
}

export class JsSearchEngine implements SearchEngine {
  readonly name = 'js' as const;
  // Reused across solves: all labels, and two scratch lists for the per-node merge.
  private labels = new Growable();
  private a = new Growable();
  private b = new Growable();

  paperTable(layers: PaperLayers): EdgeTable {
    return paperTableOf(layers);
  }

  exactTable(layers: ExactLayers): EdgeTable {
    return exactTableOf(layers);
  }

  streamTable(model: Model, maxLayers?: number, options?: ArenaOptions): StreamTable {
    return streamGraphTableFast(model, maxLayers, options);
  }

  front(t: EdgeTable): FrontPoint[] {
    const N = t.layers;
    const nodeStart = new Int32Array(N + 2);
    const L = this.labels;
    L.ensure(1);
    L.peak[0] = 0;
    L.macs[0] = 0;
    L.prev[0] = -1;
    L.node[0] = 0;
    nodeStart[1] = 1;
    let total = 1;

    for (let v = 1; v <= N; v++) {
      let A = this.a;
      let C = this.b;
      let aLen = 0;
      for (let e = t.start[v]!; e < t.start[v + 1]!; e++) {
        const u = t.from[e]!;
        const mem = t.mem[e]!;
        const em = t.macs[e]!;
        const uEnd = nodeStart[u + 1]!;
        let first = nodeStart[u]!;
        if (first === uEnd) continue; // u unreachable
        while (first + 1 < uEnd && L.peak[first + 1]! <= mem) first++;
        const bLen = uEnd - first;
        C.ensure(aLen + bLen);
        // Two-pointer merge of A (current list) and the image of u's labels, keeping the Pareto set.
        let i = 0;
        let j = first;
        let out = 0;
        let best = Infinity;
        while (i < aLen || j < uEnd) {
          let p: number;
          let c: number;
          let prev: number;
          if (j >= uEnd) {
            p = A.peak[i]!;
            c = A.macs[i]!;
            prev = A.prev[i]!;
            i++;
          } else {
            const bp = L.peak[j]! > mem ? L.peak[j]! : mem;
            const bc = L.macs[j]! + em;
            if (i < aLen && (A.peak[i]! < bp || (A.peak[i]! === bp && A.macs[i]! <= bc))) {
              p = A.peak[i]!;
              c = A.macs[i]!;
              prev = A.prev[i]!;
              i++;
            } else {
              p = bp;
              c = bc;
              prev = j;
              j++;
            }
          }
          if (c < best) {
            best = c;
            C.peak[out] = p;
            C.macs[out] = c;
            C.prev[out] = prev;
            out++;
          }
        }
        const swap = A;
        A = C;
        C = swap;
        aLen = out;
      }
      // Keep the scratch buffers in their (possibly grown) slots for the next node.
      this.a = A;
      this.b = C;
      L.ensure(total + aLen);
      L.peak.set(A.peak.subarray(0, aLen), total);
      L.macs.set(A.macs.subarray(0, aLen), total);
      L.prev.set(A.prev.subarray(0, aLen), total);
      L.node.fill(v, total, total + aLen);
      total += aLen;
      nodeStart[v + 1] = total;
    }

    const points: FrontPoint[] = [];
    for (let idx = nodeStart[N]!; idx < nodeStart[N + 1]!; idx++) {
      const nodes: number[] = [];
      for (let k = idx; k !== -1; k = L.prev[k]!) nodes.push(L.node[k]!);
      nodes.reverse();
      points.push({ peakBytes: L.peak[idx]!, macs: L.macs[idx]!, blocks: nodesToBlocks(nodes) });
    }
    return points;
  }
}
