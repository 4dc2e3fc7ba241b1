// The planner's infeasibility messages: figures grouped as the rest of the CLI prints them, no
// "Infinity" for a limit that was not given, and advice whose figures, given back, find a plan.
import { describe, expect, it } from 'vitest';
import { InfeasibleError } from '../src/errors.js';
import type { FrontPoint } from '../src/plan/engine.js';
import { problemNote, solveP1, solveP2 } from '../src/plan/problems.js';

// Least peak first, fewest MACs last, as the search returns a front; baseline 100,000 MACs.
const front: FrontPoint[] = [
  { peakBytes: 1_000, macs: 300_000, blocks: [[0, 2]] },
  { peakBytes: 2_000, macs: 150_000, blocks: [[0, 1], [2, 2]] },
  { peakBytes: 1_234_567, macs: 100_000, blocks: [[0, 0], [1, 1], [2, 2]] },
];
const BASE = 100_000;
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InfeasibleError);
    return (e as Error).message;
  }
  throw new Error('expected an InfeasibleError');
};

describe('infeasibility messages', () => {
  it('P2: grouped figures, and the --ram to give as the option reads it', () => {
    expect(message(() => solveP2(front, 999))).toBe('no plan fits in 999 B: the smallest reachable peak is 1,000 B (at 300,000 MACs); give --ram 1000 or more');
    expect(solveP2(front, 1000)).toBe(front[0]);
  });

  it('a RAM limit with no overhead limit (--max-overhead inf) says what P2 says, never "MAC overhead <= Infinity"', () => {
    const m = message(() => solveP1(front, BASE, Infinity, 999));
    expect(m).toBe(message(() => solveP2(front, 999)));
    expect(m).not.toMatch(/Infinity/);
  });

  it('both limits: what each alone needs, and each advice, given back, finds a plan', () => {
    expect(message(() => solveP1(front, BASE, 1.2, 2_500))).toBe(
      'no plan has peak <= 2,500 B with MAC overhead <= 1.2: the smallest peak within that overhead is 1,234,567 B, and the least overhead within 2,500 B is 1.5000; give --ram 1234567 or more, or --max-overhead 1.5 or more',
    );
    expect(solveP1(front, BASE, 1.2, 1_234_567)).toBe(front[2]);
    expect(solveP1(front, BASE, 1.5, 2_500)).toBe(front[1]);
    expect(message(() => solveP1(front, BASE, 1.2, 999))).toBe(
      'no plan has peak <= 999 B with MAC overhead <= 1.2: the smallest peak within that overhead is 1,234,567 B, and no plan fits in 999 B at any overhead (the smallest peak is 1,000 B, at overhead 3.0000); give --ram 1234567 or more',
    );
  });

  it('an overhead below every plan\'s: the least reachable, rounded up so that giving it admits the plan', () => {
    expect(message(() => solveP1(front, BASE, 0.9))).toBe('no plan has MAC overhead <= 0.9: the smallest reachable overhead is 1.0000 (100,000 MACs at 1,234,567 B); give --max-overhead 1 or more');
    // 400,000 / 300,000 = 1.33333...: 1.3333 would still exclude it.
    const third: FrontPoint[] = [{ peakBytes: 10, macs: 400_000, blocks: [[0, 0]] }];
    expect(message(() => solveP1(third, 300_000, 1.2))).toMatch(/smallest reachable overhead is 1\.3334 .*; give --max-overhead 1\.3334 or more$/);
    expect(solveP1(third, 300_000, 1.3334)).toBe(third[0]);
  });

  it('the plan notes group bytes and say "no MAC overhead limit" rather than Infinity', () => {
    expect(problemNote({ kind: 'P2', ramLimit: 64_000 }, 'exact')).toBe('P2: fewest MACs with peak <= 64,000 B, cost model exact');
    expect(problemNote({ kind: 'P1', maxOverhead: Infinity, ramLimit: 7_788 }, 'paper')).toBe('P1: smallest peak with no MAC overhead limit and peak <= 7,788 B, cost model paper');
    expect(problemNote({ kind: 'P1', maxOverhead: 1.3 }, 'exact')).toBe('P1: smallest peak with MAC overhead <= 1.3, cost model exact');
  });
});
