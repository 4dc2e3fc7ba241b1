// Placeholder until the TFLM int8 softmax lands (being written); aborts if called.
export function softmax(desc: usize, input: usize, output: usize, rows: i32, depth: i32): void {
  abort('softmax kernel not built yet');
}
