// Wasm module "exec": the int8 kernels (and, later, the patch executor). There is no allocator in
// this module: the TypeScript side places every buffer itself at byte offsets >= heapBase(),
// growing the memory as needed.

export { runWindow } from './dispatch';
export { add } from '../kernels/add';
export { fullyConnected } from '../kernels/fully_connected';
export { meanInit, meanAccumulate, meanFinalize } from '../kernels/mean';
export { setSimd, simdEnabled } from '../kernels/dot';
export { srdhm, rdbpot, mbqm } from '../kernels/requantize';
export { runBlock, getMacs, resetMacs } from './fused';

/** First byte the TypeScript side may use for its buffers. */
export function heapBase(): usize {
  return __heap_base;
}
export { softmax } from '../kernels/softmax';
export { pad } from '../kernels/pad';
export { runWindowWrapped, avgPoolFromSums, lut } from './stream';
