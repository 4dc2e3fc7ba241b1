/** Byte sizes as users write them: `65536`, `64k`/`64kB` (= 64,000, the paper's kB), `64KiB` (= 65,536). */
import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6,
  kib: 1024, mib: 1024 * 1024,
};

export function parseSize(text: string, option = '--ram'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new UsageError(`${option}: cannot read "${text}" as a size; write bytes (65536), 64k / 64kB (64,000 bytes) or 64KiB (65,536 bytes)`);
  const bytes = Number(m[1]) * unit;
  if (!Number.isInteger(bytes) || bytes <= 0) throw new UsageError(`${option}: "${text}" is not a positive whole number of bytes`);
  return bytes;
}

export function parseOverhead(text: string): number {
  if (/^\s*inf(inity)?\s*$/i.test(text)) return Infinity;
  const f = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !Number.isFinite(f) || f <= 0)
    throw new UsageError(`--max-overhead: cannot read "${text}"; write a factor such as 1.3 (MACs <= 1.3 x baseline) or "inf"`);
  return f;
}
