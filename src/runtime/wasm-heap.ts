/**
 * Places buffers in a Wasm module's linear memory from the TypeScript side (the Wasm code has no
 * allocator): a bump pointer from the module's heap base, growing memory when needed. Views must be
 * taken after the last `alloc` of a phase, because growth detaches old views.
 */
import { EngineLimitError } from '../errors.js';

/**
 * What the TypeScript side uses of a WebAssembly.Memory. Declared here rather than named, so that the
 * package's published types need no DOM lib (TypeScript declares the WebAssembly namespace only there).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

export class WasmHeap {
  private top: number;
  constructor(
    private readonly memory: WasmMemory,
    readonly base: number,
  ) {
    this.top = base;
  }
  alloc(bytes: number, align = 8): number {
    const ptr = Math.ceil(this.top / align) * align;
    this.top = ptr + bytes;
    const need = this.top - this.memory.buffer.byteLength;
    if (need > 0) {
      try {
        this.memory.grow(Math.ceil(need / 65536));
      } catch {
        throw new EngineLimitError(`the executor's Wasm memory cannot grow to ${this.top} bytes (at most 4 GiB, less on some hosts): use a smaller --arena or model`);
      }
    }
    return ptr;
  }
  /** Everything allocated after `mark` is dropped. */
  mark(): number {
    return this.top;
  }
  resetTo(mark: number): void {
    this.top = mark;
  }
  get u8(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }
  get i32(): Int32Array {
    return new Int32Array(this.memory.buffer);
  }
}
