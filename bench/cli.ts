/**
 * CLI start-up: the installed bin as a user runs it (`node_modules/.bin/msf plan` in a scratch project
 * with the packed tarball installed offline, Wasm compile included) on the default zoo model, against
 * plain `node -e 0`, both timed as whole processes, interleaved in one run; medians of RUNS each.
 * benny times functions in-process, so a whole-process timer is used here. Target (issue #16): the
 * median of `msf plan` less than 150 ms above the median of `node -e 0`.
 * Run: npm run bench -- cli  -> bench/results/cli.json
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumerProject, packTarball, scratchDir } from '../test/helpers/package.js';

const RUNS = 21;
const TARGET_MS = 150;

const scratch = scratchDir('msf-bench-cli-');
const project = consumerProject(scratch, 'bench-consumer', packTarball(scratch));
const bin = join(project, 'node_modules/.bin/msf');

const commands: Record<string, string[]> = {
  'node -e 0': [process.execPath, '-e', '0'],
  'msf --version': [bin, '--version'],
  'msf plan': [bin, 'plan'],
  'msf plan --json': [bin, 'plan', '--json'],
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let r = 0; r < RUNS + 1; r++) {
  for (const [name, [cmd, ...args]] of Object.entries(commands)) {
    const t0 = performance.now();
    const p = spawnSync(cmd!, args, { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = performance.now() - t0;
    if (p.status !== 0) throw new Error(`${name} failed (${p.status}): ${p.stderr}`);
    if (r > 0) times[name]!.push(ms); // the first round warms the file cache
  }
}
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};
const floor = median(times['node -e 0']!);
const rows = Object.entries(times).map(([name, v]) => ({ command: name, medianMs: Math.round(median(v) * 10) / 10, aboveNodeMs: Math.round((median(v) - floor) * 10) / 10 }));
console.table(rows);
const plan = rows.find((r) => r.command === 'msf plan')!;
console.log(`msf plan: ${plan.aboveNodeMs} ms above node -e 0 (target < ${TARGET_MS} ms): ${plan.aboveNodeMs < TARGET_MS ? 'met' : 'NOT met'}`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/cli.json', import.meta.url), JSON.stringify({ runs: RUNS, targetMs: TARGET_MS, rows }, null, 2) + '\n');
rmSync(scratch, { recursive: true, force: true });
