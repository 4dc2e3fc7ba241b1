/**
 * The documented limits of msf-cnn (README "Limits and bad input"), in one place: every reader and
 * engine refuses a model or an option past them with a typed error naming the limit, instead of
 * allocating without bound, recursing without bound or computing for minutes.
 */
import { ModelError } from './errors.js';

export const LIMITS = {
  /** Layers (operators) of one model. Planning is quadratic in the layers of a long fusable run: at
   * this bound (1x1 convolutions, exact cost) the TypeScript engine needs 14 s and 1 GB, Wasm 3 s. */
  layers: 4096,
  /** Bytes of one activation tensor: it must fit an arena in Wasm memory. */
  activationBytes: 2 ** 28,
  /** Bytes of all activation tensors of a model together. */
  totalActivationBytes: 2 ** 30,
  /** Bytes of one layer's weights. */
  weightBytes: 2 ** 28,
  /** Arena capacity (`--arena`): the executor's Wasm memory holds it beside weights and buffers. */
  arenaBytes: 2 ** 31,
  /** Size of a chain-model JSON text, and its nesting depth (checked before it is parsed). */
  chainJsonBytes: 16 * 2 ** 20,
  chainJsonDepth: 16,
  /** Any one dimension, kernel, stride, padding or channel count of a chain layer. */
  chainDim: 2 ** 16,
} as const;

export function checkLayerCount(n: number, where: string): void {
  if (n > LIMITS.layers)
    throw new ModelError(`${where}: ${n} layers; the limit is ${LIMITS.layers} (planning time grows with the square of the layers); split the model`, 'MODEL_LIMIT');
}

/** A short rendering of a user value for an error message: bounded in depth and length, never throws. */
export function show(v: unknown, depth = 0): string {
  let s: string;
  if (Array.isArray(v)) s = depth > 2 ? '[...]' : `[${v.slice(0, 8).map((x) => show(x, depth + 1)).join(', ')}${v.length > 8 ? ', ...' : ''}]`;
  else if (v !== null && typeof v === 'object') s = '{...}';
  else if (typeof v === 'string') s = JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  else s = String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
