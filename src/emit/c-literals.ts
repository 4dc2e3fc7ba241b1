/** C99 number literals for the generated files (src/emit/emit-c.ts, c-encodings.ts); user text: c-names.ts. */

export const fmt = (n: number): string => n.toLocaleString('en-US');

/** An int32 as a C constant (INT32_MIN cannot be written as a plain negative literal). */
export const cInt = (v: number): string => (v === -2147483648 ? '(-2147483647 - 1)' : String(v));

/** Comma-separated values, `perLine` to a line, indented. */
export function cValues(values: ArrayLike<number>, perLine: number): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(values.length, i + perLine); j++) row.push(cInt(values[j]!));
    lines.push('    ' + row.join(', ') + ',');
  }
  return lines.join('\n');
}

/** A float32 value (given as a double) as an exact C99 hexadecimal float literal. */
export function hexFloat(x: number): string {
  const v = Math.fround(x);
  if (v === 0) return Object.is(v, -0) ? '-0.0f' : '0.0f';
  if (!Number.isFinite(v)) throw new Error(`internal: ${v} has no C literal`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exp = ((hi >>> 20) & 0x7ff) - 1023;
  const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return `${v < 0 ? '-' : ''}0x1.${mant.toString(16).padStart(13, '0')}p${exp}f`;
}
