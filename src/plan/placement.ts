/**
 * The arena allocator of src/plan/schedule.ts and src/plan/stream-schedule.ts (its only callers): lifetime-aware placement of a plan's buffers in one arena, with no fragmentation: the capacity
 * needed is the plan's peak (the most bytes live during any edge), to the byte.
 *
 * The arena is two stacks, one growing up from offset 0 ("bottom") and one growing down from the
 * capacity ("top"). A buffer is pushed when the edge that produces it starts and popped after the
 * edge that last reads it. Two buffers can share a stack when their lifetimes nest or are disjoint;
 * two lifetimes that cross (a allocated first, b allocated while a lives, a freed first) must go to
 * different stacks. That is a 2-colouring of the crossing graph. When it exists, every pop is from
 * the top of its stack, so at every edge the two stacks hold exactly the live bytes and an edge fits
 * exactly when its live bytes fit.
 *
 * In a chain every tensor lives across two consecutive edges, so the tensors alternate between the
 * two ends (edge i writes its output at one end while its input sits at the other) and each block's
 * column caches stack next to its input. A residual skip tensor nests the chain tensors of its branch
 * and sits under them on its stack. A preloaded buffer (a network input held in the arena) is born
 * with the first edge, before its other buffers, and that edge may read it.
 */
import { ArenaOverflowError, EXIT, MsfError } from '../errors.js';

/** The plan's buffer lifetimes cannot be laid out in two stacks (no such model is supported yet). */
export class PlacementError extends MsfError {
  constructor(message: string) {
    super('PLACEMENT', message, EXIT.infeasible);
  }
}

export interface Buffer {
  name: string;
  size: number;
}

/** A buffer with its arena offset. */
export interface Placed extends Buffer {
  offset: number;
}

/** An activation tensor of the model (by IR tensor id). */
export interface TensorBuffer extends Buffer {
  tensor: number;
}

export interface EdgeBuffers {
  /** Layers [first, last] of the edge. */
  first: number;
  last: number;
  /** The edge's input tensor (its first layer's first operand), or null when it is the caller's input. */
  input: Buffer | TensorBuffer | null;
  /** ADD's second operand, when it is not the caller's input. */
  input2?: TensorBuffer | null;
  /** Materialised operands of the ADDs fused after the block's first layer (not the caller's input). */
  others?: TensorBuffer[];
  /** The edge's output tensor, or null when it is the caller's output. */
  output: Buffer | TensorBuffer | null;
  caches: (Buffer & { layer: number })[];
  /** Scratch of a single layer (global pooling's int32 accumulators), live during the edge only. */
  scratch?: Buffer | null;
  /** Buffers the caller fills before the run (network inputs in the arena): live from this edge, readable by it. */
  preloaded?: Buffer[];
}

export interface EdgePlacement {
  edge: EdgeBuffers;
  /** The edge's preloaded buffers, placed (empty without). */
  preloaded: Placed[];
  input: Placed | null;
  input2: Placed | null;
  output: Placed | null;
  caches: Placed[];
  scratch: Placed | null;
  /** Buffers to release after the edge ran (its caches and scratch, and tensors read for the last time), top of stack first. */
  release: Placed[];
}

interface Life {
  name: string;
  size: number;
  alloc: number;
  free: number;
  /** Allocation order within the alloc edge (output, then caches, then scratch). */
  order: number;
  /** Preferred stack when the crossing graph leaves the choice free. */
  prefer: 'opposite-output' | 'input-side';
  stack: 0 | 1 | -1; // 0: bottom, 1: top, -1: not yet chosen
  /** Filled before its alloc edge runs (so that edge may read it). */
  preloaded?: boolean;
  placed?: Placed;
}

/**
 * Places every buffer of the plan's edges; throws ArenaOverflowError naming the first buffer that
 * does not fit. Lifetimes that two stacks cannot hold (three pairwise crossing ones) go to the
 * offset allocator (placeByOffsets), which throws PlacementError when it cannot reach `capacity`.
 */
export function placeBuffers(edges: EdgeBuffers[], capacity: number): EdgePlacement[] {
  const lives = new Map<string, Life>();
  const byEdge: Life[][] = edges.map(() => []);
  edges.forEach((edge, e) => {
    const born = (b: Buffer, order: number, prefer: Life['prefer'], preloaded = false) => {
      if (lives.has(b.name)) throw new Error(`internal: buffer ${b.name} is produced twice`);
      const life: Life = { name: b.name, size: b.size, alloc: e, free: e, order, prefer, stack: -1, ...(preloaded ? { preloaded } : {}) };
      lives.set(b.name, life);
      byEdge[e]!.push(life);
    };
    edge.preloaded?.forEach((b, i) => born(b, i - edge.preloaded!.length, 'opposite-output', true));
    if (edge.output) born(edge.output, 0, 'opposite-output');
    edge.caches.forEach((c, i) => born(c, 1 + i, 'input-side'));
    if (edge.scratch) born(edge.scratch, 1 + edge.caches.length, 'input-side');
  });
  edges.forEach((edge, e) => {
    for (const b of [edge.input, edge.input2 ?? null, ...(edge.others ?? [])]) {
      if (!b) continue;
      const life = lives.get(b.name);
      if (!life) throw new Error(`internal: edge [${edge.first}, ${edge.last}] reads ${b.name}, which no earlier edge produces`);
      if (life.alloc > e || (life.alloc === e && !life.preloaded)) throw new Error(`internal: edge [${edge.first}, ${edge.last}] reads ${b.name} before it is produced`);
      life.free = Math.max(life.free, e);
    }
  });

  // Crossing graph, 2-coloured breadth first in allocation order.
  const all = [...lives.values()].sort((a, b) => a.alloc - b.alloc || a.order - b.order);
  const crosses = (a: Life, b: Life) =>
    (a.alloc < b.alloc && b.alloc <= a.free && a.free < b.free) || (b.alloc < a.alloc && a.alloc <= b.free && b.free < a.free);
  const neighbours = (x: Life) => all.filter((y) => y !== x && crosses(x, y));
  const stackOfInput = (e: number): 0 | 1 | -1 => {
    const input = edges[e]!.input;
    return input ? (lives.get(input.name)?.stack ?? -1) : -1;
  };
  for (const root of all) {
    if (root.stack !== -1) continue;
    const out = edges[root.alloc]!.output;
    const outStack = out && out.name !== root.name ? lives.get(out.name)!.stack : -1;
    const inStack = stackOfInput(root.alloc);
    let s: 0 | 1;
    if (root.prefer === 'opposite-output') s = inStack === -1 ? 0 : ((1 - inStack) as 0 | 1);
    else s = outStack !== -1 ? ((1 - outStack) as 0 | 1) : inStack !== -1 ? inStack : 1;
    root.stack = s;
    const queue = [root];
    while (queue.length) {
      const x = queue.shift()!;
      for (const y of neighbours(x)) {
        if (y.stack === -1) {
          y.stack = (1 - x.stack) as 0 | 1;
          queue.push(y);
        } else if (y.stack === x.stack) {
          return placeByOffsets(edges, byEdge, all, capacity, lives);
        }
      }
    }
  }

  // Simulate the two stacks edge by edge.
  const stacks: Life[][] = [[], []];
  const height = [0, 0];
  const placements: EdgePlacement[] = [];
  edges.forEach((edge, e) => {
    // Within an edge, the longer-lived buffer goes lower in its stack.
    const born = [...byEdge[e]!].sort((a, b) => b.free - a.free || a.order - b.order);
    for (const life of born) {
      const s = life.stack as 0 | 1;
      const free = capacity - height[0]! - height[1]!;
      if (life.size > free) throw new ArenaOverflowError(life.name, life.size, Math.max(0, free), capacity);
      const offset = s === 0 ? height[0]! : capacity - height[1]! - life.size;
      height[s] = height[s]! + life.size;
      life.placed = { name: life.name, offset, size: life.size };
      stacks[s]!.push(life);
    }
    const release: Placed[] = [];
    for (const s of [0, 1] as const) {
      const st = stacks[s]!;
      while (st.length && st[st.length - 1]!.free === e) {
        const life = st.pop()!;
        height[s] = height[s]! - life.size;
        release.push(life.placed!);
      }
      if (st.some((l) => l.free <= e)) throw new Error(`internal: placement left a freed buffer under a live one in stack ${s}`);
    }
    placements.push(edgePlacement(edge, lives, release));
  });
  return placements;
}

/**
 * The general allocator for lifetimes that cross (several inputs, outputs and branches): each
 * buffer takes the lowest offset where it overlaps no buffer whose lifetime meets its own,
 * first-fit over a few orders (largest first, allocation order, longest-lived first, most bytes x
 * edges first); the first
 * order whose arena fits `capacity` wins. The arena then measures exactly the live bytes, as with
 * the stacks, but a capacity equal to the live peak is not always reachable (fragmentation):
 * then a PlacementError says how many bytes this placement needs.
 */
function placeByOffsets(edges: EdgeBuffers[], byEdge: Life[][], all: Life[], capacity: number, lives: Map<string, Life>): EdgePlacement[] {
  const livePeak = Math.max(0, ...edges.map((_, e) => all.reduce((s, l) => s + (l.alloc <= e && e <= l.free ? l.size : 0), 0)));
  const orders: ((a: Life, b: Life) => number)[] = [
    (a, b) => b.size - a.size || a.alloc - b.alloc || a.order - b.order,
    (a, b) => a.alloc - b.alloc || a.order - b.order,
    (a, b) => b.free - b.alloc - (a.free - a.alloc) || b.size - a.size,
    // (RNNoise with its four inputs in the arena needs this one: 960 B, the live peak; the others leave 18 B of gaps)
    (a, b) => b.size * (b.free - b.alloc + 1) - a.size * (a.free - a.alloc + 1) || a.alloc - b.alloc,
  ];
  let best: Map<string, number> | null = null;
  let bestEnd = Infinity;
  for (const order of orders) {
    const offset = new Map<string, number>();
    const placed: Life[] = [];
    let end = 0;
    for (const x of [...all].sort(order)) {
      const busy = placed
        .filter((y) => y.alloc <= x.free && x.alloc <= y.free)
        .map((y) => [offset.get(y.name)!, offset.get(y.name)! + y.size] as const)
        .sort((p, q) => p[0] - q[0]);
      let at = 0;
      for (const [lo, hi] of busy) {
        if (lo >= at + x.size) break;
        at = Math.max(at, hi);
      }
      offset.set(x.name, at);
      placed.push(x);
      end = Math.max(end, at + x.size);
    }
    if (end < bestEnd) [best, bestEnd] = [offset, end];
    if (end <= capacity) break;
  }
  if (bestEnd > capacity && capacity >= livePeak)
    throw new PlacementError(
      `placement: the buffers' lifetimes cross so that they need ${bestEnd} B without overlapping, ${bestEnd - livePeak} B more than the ${livePeak} B live at the peak; ` +
        `give the arena ${bestEnd} B (--arena) or choose another plan`,
    );
  const placements: EdgePlacement[] = [];
  edges.forEach((edge, e) => {
    for (const life of byEdge[e]!) {
      const offset = best!.get(life.name)!;
      if (offset + life.size > capacity) throw new ArenaOverflowError(life.name, life.size, Math.max(0, capacity - offset), capacity);
      life.placed = { name: life.name, offset, size: life.size };
    }
    placements.push(edgePlacement(edge, lives, all.filter((l) => l.free === e).map((l) => l.placed!)));
  });
  return placements;
}

/** An edge's buffers with their offsets, once every life it touches is placed. */
function edgePlacement(edge: EdgeBuffers, lives: Map<string, Life>, release: Placed[]): EdgePlacement {
  const at = (b: Buffer | null | undefined) => (b ? lives.get(b.name)!.placed! : null);
  return {
    edge,
    preloaded: (edge.preloaded ?? []).map((b) => at(b)!),
    input: at(edge.input),
    input2: at(edge.input2),
    output: at(edge.output),
    caches: edge.caches.map((c) => at(c)!),
    scratch: at(edge.scratch),
    release,
  };
}
