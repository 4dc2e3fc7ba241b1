/** `msf zoo`: the built-in models with their layer-by-layer figures under the exact cost model. */
import { exactCostTable } from '../cost/exact.js';
import { baselineMacs, tensorBytes } from '../model/ir.js';
import { ZOO_IDS, zooDescription, zooModel } from '../model/zoo.js';
import { vanilla } from '../plan/problems.js';
import { SCHEMA_VERSION } from '../report/schema.js';
import type { Out } from './options.js';
import { groupDigits } from '../report/digits.js';

export function zooAction(flags: { json?: boolean }, out: Out): void {
  const rows = ZOO_IDS.map((id) => {
    const m = zooModel(id);
    const input = m.tensors[m.input]!.shape;
    return {
      id,
      layers: m.layers.length,
      input: [...input],
      baselineMacs: baselineMacs(m),
      vanillaArenaBytes: vanilla(exactCostTable(m)).peakBytes,
      inputBytes: tensorBytes(input),
      description: zooDescription(id),
    };
  });
  if (flags.json) return out(JSON.stringify({ schemaVersion: SCHEMA_VERSION, models: rows }, null, 2));
  const header = ['id', 'layers', 'input', 'baseline MACs', 'layer-by-layer arena (B)', 'description'];
  const cells = rows.map((r) => [r.id, String(r.layers), r.input.join('x'), groupDigits(r.baselineMacs), groupDigits(r.vanillaArenaBytes), r.description]);
  const all = [header, ...cells];
  const w = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  out(all.map((r) => r.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd()).join('\n'));
}
