/**
 * `msf sweep <models...>`: plans many models with the same options, one row each, with a progress
 * bar on a terminal. A model that fails gets an error row; the sweep goes on and exits with the
 * first failure's code at the end.
 */
import type { Command } from 'commander';
import { MsfError } from '../errors.js';
import { loadModel } from '../import/load.js';
import { planModel } from '../plan/planner.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { type Out, type PlanFlags, ReportedError, addPlanOptions, planOptions } from './options.js';

export interface SweepRow {
  model: string;
  layers?: number;
  vanillaPeakBytes?: number;
  peakBytes?: number;
  macs?: number;
  overhead?: number;
  blocks?: number;
  searchMs?: number;
  error?: { code: string; message: string };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function sweepText(rows: SweepRow[]): string {
  const header = ['model', 'layers', 'vanilla peak (B)', 'peak (B)', 'MACs', 'overhead', 'blocks', 'search (ms)'];
  const cells = rows.map((r) =>
    r.error
      ? [r.model, `error ${r.error.code}: ${r.error.message}`]
      : [r.model, String(r.layers), fmt(r.vanillaPeakBytes!), fmt(r.peakBytes!), fmt(r.macs!), `x${r.overhead!.toFixed(4)}`, String(r.blocks), r.searchMs!.toFixed(2)],
  );
  const widths = header.map((_, c) => Math.max(header[c]!.length, ...cells.filter((r) => r.length > 2).map((r) => r[c]!.length)));
  const line = (r: string[]) => (r.length === 2 ? `${r[0]!.padEnd(widths[0]!)}  ${r[1]}` : r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  return [line(header), ...cells.map(line)].join('\n');
}

export function addSweepCommand(program: Command, out: Out, progressStream: ProgressStream = process.stderr): void {
  addPlanOptions(
    program
      .command('sweep')
      .description('plan several models with the same options: one row each, a progress bar on a terminal')
      .argument('<models...>', 'zoo ids, chain .json or .tflite files'),
  )
    .option('--json', 'machine-readable output: { "rows": [...] }')
    .option('--no-progress', 'no progress bar even on a terminal')
    .action((refs: string[], flags: PlanFlags & { progress: boolean }) => {
      const options = { ...planOptions(flags), front: false };
      const bar = new ProgressBar(refs.length, progressStream, flags.progress);
      const rows: SweepRow[] = [];
      const errors: MsfError[] = [];
      for (const [i, ref] of refs.entries()) {
        bar.update(i, ref);
        try {
          const r = planModel(loadModel(ref), options);
          rows.push({
            model: ref, layers: r.layers, vanillaPeakBytes: r.vanilla.peakBytes, peakBytes: r.solution.peakBytes, macs: r.solution.macs,
            overhead: Math.round(r.solution.overhead * 1e4) / 1e4, blocks: r.solution.blocks.length, searchMs: Math.round(r.searchMs * 1000) / 1000,
          });
        } catch (e) {
          if (!(e instanceof MsfError)) throw e;
          errors.push(e);
          rows.push({ model: ref, error: { code: e.code, message: e.message } });
        }
      }
      bar.update(refs.length, 'done');
      bar.done();
      out(flags.json ? JSON.stringify({ rows }, null, 2) : sweepText(rows));
      const first = errors[0];
      if (first) throw new ReportedError(first.code, `${errors.length} of ${refs.length} models failed`, first.exitCode);
    });
}
