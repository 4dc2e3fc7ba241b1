// The worst-stack walk over gcc's .su / .ci files (src/emit/stack-usage.ts), on small call graphs
// written in gcc's formats: deepest path, static functions resolved in their own unit, refusals.
import { describe, expect, it } from 'vitest';
import { type StackUnit, worstStack } from '../src/emit/stack-usage.js';

/** One unit: `defs` are [title, name, line, bytes, qualifier], `calls` [from, to]. */
function unit(file: string, defs: [string, string, number, number, string?][], calls: [string, string][], declared: string[] = []): StackUnit {
  const su = defs.map(([, name, line, bytes, q = 'static']) => `${file}:${line}:5:${name}\t${bytes}\t${q}`).join('\n') + '\n';
  const ci = [
    `graph: { title: "${file}"`,
    ...defs.map(([title, name, line, bytes, q = 'static']) => `node: { title: "${title}" label: "${name}\\n${file}:${line}:5\\n${bytes} bytes (${q})" }`),
    ...declared.map((d) => `node: { title: "${d}" label: "${d}\\nx.h:1:1" shape : ellipse }`),
    ...calls.map(([a, b], i) => `edge: { sourcename: "${a}" targetname: "${b}" label: "${file}:${100 + i}:3" }`),
    '}',
  ].join('\n');
  return { su, ci };
}

describe('worstStack', () => {
  it('takes the deepest path, resolving static names in their own unit first and counting extern calls as named only', () => {
    const a = unit('a.c', [['run', 'run', 1, 16], ['a.c:helper', 'helper', 5, 400]], [['run', 'a.c:helper'], ['run', 'kernel'], ['run', 'memcpy']], ['kernel', 'memcpy']);
    // b.c has its own static helper of the same name: kernel calls it, not a.c's.
    const b = unit('b.c', [['kernel', 'kernel', 3, 100], ['b.c:helper', 'helper', 9, 350]], [['kernel', 'b.c:helper'], ['kernel', '__aeabi_ldivmod']], ['__aeabi_ldivmod']);
    const r = worstStack([a, b], 'run');
    expect(r).toEqual({
      bytes: 16 + 100 + 350,
      path: [
        { function: 'run', location: 'a.c:1:5', bytes: 16 },
        { function: 'kernel', location: 'b.c:3:5', bytes: 100 },
        { function: 'helper', location: 'b.c:9:5', bytes: 350 },
      ],
      notCounted: ['__aeabi_ldivmod', 'memcpy'],
    });
  });

  it('accepts a bounded dynamic frame (gcc: an upper bound) and refuses an unbounded one', () => {
    const bounded = unit('a.c', [['run', 'run', 1, 8], ['f', 'f', 2, 64, 'dynamic,bounded']], [['run', 'f']]);
    expect(worstStack([bounded], 'run')).toMatchObject({ bytes: 72 });
    const dynamic = unit('a.c', [['run', 'run', 1, 8], ['f', 'f', 2, 64, 'dynamic']], [['run', 'f']]);
    expect(worstStack([dynamic], 'run')).toEqual({ bytes: null, reason: 'f (a.c:2:5) has a dynamic stack frame (-fstack-usage cannot bound it)' });
  });

  it('refuses recursion and indirect calls, and a root that is not compiled', () => {
    const cycle = unit('a.c', [['run', 'run', 1, 8], ['f', 'f', 2, 16], ['g', 'g', 3, 16]], [['run', 'f'], ['f', 'g'], ['g', 'f']]);
    expect(worstStack([cycle], 'run')).toEqual({ bytes: null, reason: 'f is recursive' });
    const indirect = unit('a.c', [['run', 'run', 1, 8]], [['run', '__indirect_call']], ['__indirect_call']);
    expect(worstStack([indirect], 'run')).toMatchObject({ bytes: null, reason: expect.stringContaining('indirect call') });
    expect(worstStack([cycle], 'main')).toEqual({ bytes: null, reason: 'main is not among the compiled functions' });
  });

  it('a call-graph function without its -fstack-usage line is an internal error, not a zero', () => {
    const u = unit('a.c', [['run', 'run', 1, 8]], []);
    expect(() => worstStack([{ su: '', ci: u.ci }], 'run')).toThrow(/no -fstack-usage line/);
  });
});
