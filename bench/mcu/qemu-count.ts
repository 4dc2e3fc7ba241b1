/**
 * One counted run of emitted C on a Cortex-M4 under QEMU (issue #15's method), shared by
 * bench/mcu.ts and bench/ram.ts: the files built with the README's Cortex-M4 line and the counting
 * harness (count_main.c), run once with `-icount shift=6,align=off,sleep=off -semihosting`;
 * SysTick ticks x 40 / 64 = instructions, the empty measurement subtracted.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD } from '../../src/emit/emit-c.js';

const HARNESS = fileURLToPath(new URL('./count_main.c', import.meta.url));
const QEMU = ['-M', 'mps2-an386', '-nographic', '-semihosting', '-icount', 'shift=6,align=off,sleep=off', '-kernel', 'm.elf'];

export const toInsn = (ticks: number): number => (ticks * 40) / 64;

/** The 64-bit tick count the harness printed under `key` (hi:lo in hex). */
export const hexTicks = (line: string, key: string): number => {
  const m = new RegExp(` ${key} ([0-9a-f]+):([0-9a-f]+)`).exec(line);
  if (!m) throw new Error(`no ${key} in "${line}"`);
  return parseInt(m[1]!, 16) * 2 ** 32 + parseInt(m[2]!, 16);
};

export interface Count {
  insn: number;
  /** instructions per iteration of the two-instruction calibration loop (2 when linear) */
  calPerIter: number;
  sameBytes: boolean;
  /** The harness's line (profile entries, with -DMSF_PROFILE). */
  line: string;
}

/** Builds the emitted files in dir (extra compiler flags appended) with the count harness and runs them once under qemu. */
export function countOnCortexM4(dir: string, files: Map<string, string>, input: Uint8Array, expected: Uint8Array, extraFlags: string[] = []): Count {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) if (name !== 'main.c') writeFileSync(join(dir, name), text);
  copyFileSync(HARNESS, join(dir, 'count_main.c'));
  writeFileSync(join(dir, 'input.bin'), input);
  const words = BUILD.cortexM4.split(' ');
  const sources = ['count_main.c', ...[...files.keys()].filter((n) => n.endsWith('.c') && n !== 'main.c')];
  execFileSync(words[0]!, [...words.slice(1, words.indexOf('-o')), ...extraFlags, '-o', 'm.elf', ...sources], { cwd: dir, stdio: 'pipe' });
  const r = spawnSync('qemu-system-arm', QEMU, { cwd: dir, encoding: 'utf8', timeout: 1_800_000 });
  // (semihosting output may come on stderr or after terminal control bytes)
  const line = /msf-bench rc .*/.exec(`${r.stdout}${r.stderr}`)?.[0];
  if (r.status !== 0 || !line || !line.startsWith('msf-bench rc 0')) throw new Error(`qemu run in ${dir} failed (${r.status}): ${r.stdout}${r.stderr}`);
  const empty = hexTicks(line, 'empty');
  const c1 = toInsn(hexTicks(line, 'cal100000') - empty);
  const c2 = toInsn(hexTicks(line, 'cal200000') - empty);
  return {
    insn: Math.round(toInsn(hexTicks(line, 'run') - empty)),
    calPerIter: (c2 - c1) / 100000,
    sameBytes: readFileSync(join(dir, 'output.bin')).equals(Buffer.from(expected)),
    line,
  };
}
