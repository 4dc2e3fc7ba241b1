/** Descriptor fields of an int8 SOFTMAX; filled in when the TFLM softmax kernel lands. */
import type { LayerDesc } from './desc.js';

export function softmaxDesc(_beta: number, _inputScale: number): Partial<LayerDesc> {
  return {};
}
