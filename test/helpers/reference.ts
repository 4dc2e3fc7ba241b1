/** Reads the published figures straight from ../shared/reference/paper-cost-model.md. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
const num = (s: string) => Number(s.replace(/,/g, ''));

export interface P1Row { model: string; fMax: number; peak: number; macs: number }
export interface P2Row { model: string; pMax: number; macs: number | null; peak: number | null }

export function paperFigures() {
  const md = readFileSync(`${SHARED}reference/paper-cost-model.md`, 'utf8');
  const models = ['mbv2-w0.35-r144', 'mcunet-vww5-r80', 'mcunet-320kb-r176'];
  const bl = /Baseline MACs: mbv2-w0\.35-r144 ([\d,]+); mcunet-vww5-r80 ([\d,]+); mcunet-320kb-r176 ([\d,]+)/.exec(md)!;
  const vh = /vanilla peak: ([\d,]+); ([\d,]+); ([\d,]+)\. MCUNetV2-style heuristic peak: ([\d,]+); ([\d,]+); ([\d,]+)\./.exec(md)!;
  const perModel = models.map((id, i) => ({
    id,
    baselineMacs: num(bl[i + 1]!),
    vanillaPeak: num(vh[i + 1]!),
    heuristicPeak: num(vh[i + 4]!),
  }));
  const p1: P1Row[] = [];
  const p2: P2Row[] = [];
  for (const line of md.split('\n')) {
    const cells = line.split('|').map((c) => c.trim()).filter(Boolean);
    if (cells.length !== 4 || !models.includes(cells[0]!)) continue;
    if (/^(inf|\d+\.\d+)$/.test(cells[1]!))
      p1.push({ model: cells[0]!, fMax: cells[1] === 'inf' ? Infinity : Number(cells[1]), peak: num(cells[2]!), macs: num(cells[3]!) });
    else
      p2.push({
        model: cells[0]!,
        pMax: num(cells[1]!),
        macs: cells[2] === 'infeasible' ? null : num(cells[2]!),
        peak: cells[3] === '-' ? null : num(cells[3]!),
      });
  }
  return { models: perModel, p1, p2 };
}
