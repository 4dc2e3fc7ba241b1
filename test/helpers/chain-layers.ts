// Chain JSON layer specs for tests, one call per layer. Padding defaults to "same" for odd kernels
// (kernel >> 1) and 0 for pools, the values the tests spell out.
export const conv = (filters: number, kernel: number, stride: number, padding = kernel >> 1) =>
  ({ op: 'conv2d' as const, filters, kernel, stride, padding });
export const dw = (kernel: number, stride: number, padding = kernel >> 1) =>
  ({ op: 'depthwise_conv2d' as const, kernel, stride, padding });
export const pool = (op: 'avg_pool2d' | 'max_pool2d', kernel: number, stride: number, padding = 0) =>
  ({ op, kernel, stride, padding });
