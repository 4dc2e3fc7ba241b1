/** First difference between two edge tables, bit for bit (Object.is), or null. */
import type { EdgeTable } from '../../src/cost/table.js';

export function tableDiff(a: EdgeTable, b: EdgeTable): string | null {
  if (a.layers !== b.layers) return `layers ${a.layers} vs ${b.layers}`;
  if (!Object.is(a.baselineMacs, b.baselineMacs)) return `baselineMacs ${a.baselineMacs} vs ${b.baselineMacs}`;
  for (const key of ['start', 'from', 'mem', 'macs'] as const) {
    const x = a[key];
    const y = b[key];
    if (x.length !== y.length) return `${key}.length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `${key}[${i}] ${x[i]} vs ${y[i]}`;
  }
  return null;
}
