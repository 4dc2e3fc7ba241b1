/**
 * Numbers with thousands separators, as `toLocaleString('en-US')` prints them (1,234,567; up to three
 * decimals), without its first call's cost: that loads ICU's locale data, 15-50 ms of the CLI's start.
 */
export function groupDigits(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const [int = '0', frac] = (Number.isInteger(abs) ? String(abs) : abs.toFixed(3).replace(/\.?0+$/, '')).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${n < 0 && (int !== '0' || frac) ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** "1 point", "2 points", "1,024 layers": a count with its noun (plural with an s). */
export const counted = (n: number, noun: string): string => `${groupDigits(n)} ${noun}${n === 1 ? '' : 's'}`;
