/**
 * Lifetime-aware placement of a chain plan's buffers in one arena. In a chain every tensor lives
 * across exactly two consecutive edges, so the tensors alternate between the two ends of the arena
 * (edge i writes its output at one end while its input sits at the other) and each block's column
 * caches stack next to its input. The arena then never fragments: an edge fits exactly when its
 * bytes (input + output + caches) fit, so the capacity needed is the plan's peak, to the byte.
 */
import type { Placed } from './arena.js';
import { ArenaOverflowError } from './arena.js';

export interface EdgeBuffers {
  /** Layers [first, last] of the edge. */
  first: number;
  last: number;
  /** The edge's input tensor, or null when it is the caller's input. */
  input: { name: string; size: number } | null;
  /** The edge's output tensor, or null when it is the caller's output. */
  output: { name: string; size: number } | null;
  caches: { name: string; size: number; layer: number }[];
}

export interface EdgePlacement {
  edge: EdgeBuffers;
  input: Placed | null;
  output: Placed | null;
  caches: Placed[];
}

/** Places every buffer; throws ArenaOverflowError naming the first buffer that does not fit. */
export function placeChain(edges: EdgeBuffers[], capacity: number): EdgePlacement[] {
  const placements: EdgePlacement[] = [];
  let inputPlaced: Placed | null = null;
  edges.forEach((edge, i) => {
    const outAtBottom = i % 2 === 0;
    // Bytes already taken at each end by this edge's input.
    let bottom = inputPlaced && !outAtBottom ? inputPlaced.size : 0;
    let top = inputPlaced && outAtBottom ? inputPlaced.size : 0;
    const put = (name: string, size: number, atBottom: boolean): Placed => {
      const free = capacity - bottom - top;
      if (size > free) throw new ArenaOverflowError(name, size, Math.max(0, free), capacity);
      const offset = atBottom ? bottom : capacity - top - size;
      if (atBottom) bottom += size;
      else top += size;
      return { name, offset, size };
    };
    const output = edge.output ? put(edge.output.name, edge.output.size, outAtBottom) : null;
    const caches = edge.caches.map((c) => put(c.name, c.size, !outAtBottom));
    placements.push({ edge, input: inputPlaced, output, caches });
    inputPlaced = output;
  });
  return placements;
}
