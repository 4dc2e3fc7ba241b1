// Failures the search engine reports: a static message (the stub runtime cannot build strings
// without disturbing the workspace) plus up to three numbers that the TypeScript side substitutes
// for "{0}", "{1}", "{2}" in it. abort() records the message through the `env.abort` import, then
// the module traps; src/plan/solver-wasm.ts turns both into one WasmError.

const DETAIL = memory.data(3 << 3);

/** Number i (0..2) of the last failure. */
export function errorDetail(i: i32): f64 {
  return i >= 0 && i < 3 ? load<f64>(DETAIL + (<usize>i << 3)) : 0;
}

export function fail(message: string, a: f64 = 0, b: f64 = 0, c: f64 = 0): void {
  store<f64>(DETAIL, a);
  store<f64>(DETAIL + 8, b);
  store<f64>(DETAIL + 16, c);
  abort(message, null, 0, 0);
}
