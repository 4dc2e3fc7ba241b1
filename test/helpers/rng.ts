/** Seeded randomness for the tests that build models: xorshift32. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<V>(xs: readonly V[]): V;
}

export function rng(seed: number): Rng {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}

/** Every int8 value once, shuffled, then repeated to `n` bytes. */
export function allValues(n: number, r: Rng): Uint8Array {
  const v = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 255; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return Uint8Array.from({ length: n }, (_, i) => v[i % 256]!);
}
