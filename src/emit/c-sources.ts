/**
 * The fixed part of the emitted C, as files: the kernel library (src/emit/c/msf_*.c / msf_*.h, one
 * file per operator family, ports of assembly/kernels/* scalar paths and assembly/exec/fused.ts) and
 * the test harness (src/emit/c/main.c). They are real C files, compiled as they are by the tests;
 * the emitter copies them. Node reads them from disk (c-library.ts), the web page bundles them
 * (web/c-library.ts); both hand the directory's files to cSourcesOf, so the emitted set and order
 * are the same.
 */

export interface CSources {
  /** The library, name -> text: headers first, then sources, each alphabetical. */
  library: ReadonlyMap<string, string>;
  /** main.c: raw bytes in, raw bytes out. */
  harness: string;
}

export const HARNESS_FILE = 'main.c';

/** Every msf_*.c / msf_*.h of src/emit/c is library; main.c is the harness; nothing else is emitted. */
export function cSourcesOf(files: Iterable<readonly [string, string]>): CSources {
  const all = new Map(files);
  const harness = all.get(HARNESS_FILE);
  if (harness === undefined) throw new Error(`internal: the C harness ${HARNESS_FILE} is missing from src/emit/c`);
  const names = [...all.keys()].filter((n) => /^msf_\w+\.[ch]$/.test(n));
  const order = (n: string) => (n.endsWith('.h') ? 0 : 1);
  names.sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  return { library: new Map(names.map((n) => [n, all.get(n)!])), harness };
}
