/**
 * The worst-case stack of one function's call tree, from what gcc writes beside each object:
 * `-fstack-usage` (`<tu>.su`: one line per function, `file:line:col:name<TAB>bytes<TAB>qualifier`) and
 * `-fcallgraph-info=su` (`<tu>.ci`: the translation unit's call graph in VCG text, one node per
 * function defined or called, one edge per call site). The figure is the largest sum of frames along
 * a path from the root: every frame on it comes from a .su line (so a test can add them up again).
 * Refused honestly, never guessed: a frame gcc calls `dynamic` (unbounded alloca / VLA), an indirect
 * call, recursion. Calls to functions that no translation unit defines (the C library's memcpy, the
 * compiler's helpers such as __aeabi_ldivmod) have no frame here: they are named, not counted.
 */

/** One translation unit's files, as gcc wrote them. */
export interface StackUnit {
  su: string;
  ci: string;
}

export interface StackFrame {
  /** gcc's name (a clone keeps its suffix, e.g. `.constprop.0`). */
  function: string;
  /** file:line:col of the definition. */
  location: string;
  bytes: number;
}

export type StackFigure =
  | { bytes: number; path: StackFrame[]; notCounted: string[] }
  | { bytes: null; reason: string };

interface Node {
  frame: StackFrame;
  qualifier: string;
  calls: string[];
}

const NODE = /^node: \{ title: "([^"]+)" label: "([^"]*)"/;
const EDGE = /^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/;
/** A defined node's label: name, location and frame (`msf_pool\nmsf_pool.c:12:5\n96 bytes (static)`). */
const DEFINED = /^(.+?)\\n(.+?:\d+:\d+)\\n(\d+) bytes \(([^)]+)\)/;
const INDIRECT = '__indirect_call';

/** Parses the units; node keys are unique: a static function's title carries its file, and a TU sees its own first. */
export function worstStack(units: readonly StackUnit[], root: string): StackFigure {
  const global = new Map<string, Node>();
  const perUnit: { local: Map<string, Node>; edges: [string, string][] }[] = [];
  for (const unit of units) {
    const frames = suFrames(unit.su);
    const local = new Map<string, Node>();
    const edges: [string, string][] = [];
    for (const line of unit.ci.split('\n')) {
      const n = NODE.exec(line);
      if (n) {
        const d = DEFINED.exec(n[2]!);
        if (!d) continue; // a callee declared here, defined elsewhere (or nowhere)
        const [, name, location, , qualifier] = d;
        const su = frames.get(`${location}:${name}`);
        if (!su) throw new Error(`internal: ${name} (${location}) is in the call graph but has no -fstack-usage line`);
        const node: Node = { frame: { function: name!, location: location!, bytes: su.bytes }, qualifier: su.qualifier, calls: [] };
        if (qualifier !== su.qualifier) throw new Error(`internal: ${name}: the .ci file says ${qualifier}, the .su file ${su.qualifier}`);
        local.set(n[1]!, node);
        continue;
      }
      const e = EDGE.exec(line);
      if (e) edges.push([e[1]!, e[2]!]);
    }
    for (const [title, node] of local) {
      if (title.includes(':')) continue; // static: visible in its own unit only
      if (global.has(title)) throw new Error(`internal: ${title} is defined in two translation units`);
      global.set(title, node);
    }
    perUnit.push({ local, edges });
  }
  // Edges resolve in their own unit first (static functions), then across units.
  const keyOf = new Map<Node, string>();
  let next = 0;
  const key = (n: Node) => keyOf.get(n) ?? (keyOf.set(n, `#${next++}`), keyOf.get(n)!);
  const nodes = new Map<string, Node>();
  for (const { local, edges } of perUnit) {
    for (const node of local.values()) nodes.set(key(node), node);
    for (const [from, to] of edges) {
      const caller = local.get(from) ?? global.get(from);
      if (!caller) throw new Error(`internal: a call from ${from}, which the call graph does not define`);
      const callee = local.get(to) ?? global.get(to);
      caller.calls.push(callee ? key(callee) : to === INDIRECT ? INDIRECT : `extern:${to}`);
    }
  }
  const start = global.get(root);
  if (!start) return { bytes: null, reason: `${root} is not among the compiled functions` };

  // Depth-first, memoised: the deepest path below each function.
  const best = new Map<string, { bytes: number; path: StackFrame[] }>();
  const onPath = new Set<string>();
  const reached = new Set<string>();
  const visit = (k: string): { bytes: number; path: StackFrame[] } | string => {
    const done = best.get(k);
    if (done) return done;
    const node = nodes.get(k)!;
    const name = node.frame.function;
    if (node.qualifier === 'dynamic') return `${name} (${node.frame.location}) has a dynamic stack frame (-fstack-usage cannot bound it)`;
    if (onPath.has(k)) return `${name} is recursive`;
    onPath.add(k);
    let deepest: { bytes: number; path: StackFrame[] } = { bytes: 0, path: [] };
    for (const c of node.calls) {
      if (c === INDIRECT) return `${name} (${node.frame.location}) makes an indirect call (its callee is not known)`;
      if (c.startsWith('extern:')) {
        reached.add(c.slice(7));
        continue;
      }
      const below = visit(c);
      if (typeof below === 'string') return below;
      if (below.bytes > deepest.bytes) deepest = below;
    }
    onPath.delete(k);
    const mine = { bytes: node.frame.bytes + deepest.bytes, path: [node.frame, ...deepest.path] };
    best.set(k, mine);
    return mine;
  };
  const r = visit(key(start));
  if (typeof r === 'string') return { bytes: null, reason: r };
  return { bytes: r.bytes, path: r.path, notCounted: [...reached].sort() };
}

/** `file:line:col:name` -> frame bytes and qualifier (`static`, `dynamic`, `dynamic,bounded`). */
function suFrames(su: string): Map<string, { bytes: number; qualifier: string }> {
  const frames = new Map<string, { bytes: number; qualifier: string }>();
  for (const line of su.split('\n')) {
    if (!line.trim()) continue;
    const [where, bytes, qualifier] = line.split('\t');
    if (!where || !/^\d+$/.test(bytes ?? '') || !qualifier) throw new Error(`internal: unexpected -fstack-usage line "${line}"`);
    frames.set(where, { bytes: Number(bytes), qualifier });
  }
  return frames;
}
