/**
 * `msf sweep <models...>`: plans many models with the same options, one row each, with a progress
 * bar on a terminal. A model that fails gets an error row; the sweep goes on and exits with the
 * first failure's code at the end.
 */
import { MsfError } from '../errors.js';
import { planModel } from '../plan/planner.js';
import '../runtime/wasm-node.js'; // registers the Wasm engine, the default
import { SCHEMA_VERSION } from '../report/schema.js';
import { sramFigures } from '../report/memory.js';
import { modelOf } from './model-ref.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { type Out, type PlanFlags, ReportedError, planOptions } from './options.js';
import { groupDigits } from '../report/digits.js';
import { paperNote } from '../report/json.js';

export interface SweepRow {
  model: string;
  layers?: number;
  costModel?: string;
  vanillaPeakBytes?: number;
  peakBytes?: number;
  totalSramBytes?: number;
  macs?: number;
  overhead?: number;
  blocks?: number;
  searchMs?: number;
  /** The paper cost model off its square-chain domain: what that means (README, "Cost models"). */
  note?: string;
  error?: { code: string; message: string };
}

const fmt = groupDigits;

function sweepText(rows: SweepRow[]): string {
  const header = ['model', 'layers', 'layer-by-layer peak (B)', 'peak (B)', 'total SRAM (B)', 'MACs', 'overhead', 'blocks', 'search (ms)'];
  const cells = rows.map((r) =>
    r.error
      ? [r.model, `error ${r.error.code}: ${r.error.message}`]
      : [r.model, String(r.layers), fmt(r.vanillaPeakBytes!), fmt(r.peakBytes!), fmt(r.totalSramBytes!), fmt(r.macs!), `x${r.overhead!.toFixed(4)}`, String(r.blocks), r.searchMs!.toFixed(2)],
  );
  const widths = header.map((_, c) => Math.max(header[c]!.length, ...cells.filter((r) => r.length > 2).map((r) => r[c]!.length)));
  const line = (r: string[]) => (r.length === 2 ? `${r[0]!.padEnd(widths[0]!)}  ${r[1]}` : r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  const noted = rows.filter((r) => r.note).map((r) => r.model);
  const note = noted.length ? [`note: ${noted.join(', ')}: outside the paper's square-chain domain; its accounting is generalised (--cost exact gives what the executor allocates; README, "Cost models")`] : [];
  return [line(header), ...cells.map(line), ...note].join('\n');
}

export async function sweepAction(refs: string[], flags: PlanFlags & { progress: boolean }, out: Out, progressStream: ProgressStream = process.stderr): Promise<void> {
  const options = { ...planOptions(flags), front: false };
  const bar = new ProgressBar(refs.length, progressStream, flags.progress);
  const rows: SweepRow[] = [];
  const errors: MsfError[] = [];
  for (const [i, ref] of refs.entries()) {
    bar.update(i, ref);
    try {
      const model = await modelOf(ref);
      const r = planModel(model, options);
      rows.push({
        model: ref, layers: r.layers, costModel: r.costModel, vanillaPeakBytes: r.vanilla.peakBytes, peakBytes: r.solution.peakBytes,
        totalSramBytes: sramFigures(model, r.solution.peakBytes).totalSramBytes, macs: r.solution.macs,
        overhead: Math.round(r.solution.overhead * 1e4) / 1e4, blocks: r.solution.blocks.length, searchMs: Math.round(r.searchMs * 1000) / 1000,
        ...(paperNote(model, r) ? { note: paperNote(model, r)! } : {}),
      });
    } catch (e) {
      if (!(e instanceof MsfError)) throw e;
      errors.push(e);
      rows.push({ model: ref, error: { code: e.code, message: e.message } });
    }
  }
  bar.update(refs.length, 'done');
  bar.done();
  out(flags.json ? JSON.stringify({ schemaVersion: SCHEMA_VERSION, rows }, null, 2) : sweepText(rows));
  const first = errors[0];
  if (first) throw new ReportedError(first.code, `${errors.length} of ${refs.length} models failed`, first.exitCode);
}
