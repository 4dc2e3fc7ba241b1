/**
 * The layer descriptor the int8 kernels read, DESC_WORDS int32 words in Wasm memory: its indices,
 * op codes and the LayerDesc fields are generated from assembly/kernels/desc.ts (desc-layout.ts,
 * where the field meanings are documented); this file writes and reads descriptors.
 */
import { DESC_FIELDS, DESC_WORDS, type LayerDesc } from './desc-layout.js';


export * from './desc-layout.js';

export const DESC_BYTES = DESC_WORDS * 4;

/**
 * Writes a descriptor at byte offset `byteOffset` (4-aligned) of the memory seen through `i32`
 * (e.g. `new Int32Array(memory.buffer)`): all DESC_WORDS words are zeroed, then the given fields
 * set. Fields left out read as 0 (no bias, no padding, ...). Values must be int32.
 */
export function writeDesc(i32: Int32Array, byteOffset: number, fields: Partial<LayerDesc>): void {
  if (byteOffset % 4 !== 0) throw new Error(`descriptor offset ${byteOffset} is not 4-aligned`);
  const base = byteOffset / 4;
  if (base + DESC_WORDS > i32.length) throw new Error(`descriptor at ${byteOffset} exceeds the memory view`);
  i32.fill(0, base, base + DESC_WORDS);
  for (const key of Object.keys(fields) as (keyof LayerDesc)[]) {
    const value = fields[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
      throw new Error(`descriptor field ${key} = ${value} is not a 32-bit integer`);
    }
    i32[base + DESC_FIELDS[key]] = value | 0;
  }
}

/** Reads a descriptor back (for debugging and tests). */
export function readDesc(i32: Int32Array, byteOffset: number): LayerDesc {
  const base = byteOffset / 4;
  const out = {} as LayerDesc;
  for (const key of Object.keys(DESC_FIELDS) as (keyof LayerDesc)[]) out[key] = i32[base + DESC_FIELDS[key]]!;
  return out;
}
