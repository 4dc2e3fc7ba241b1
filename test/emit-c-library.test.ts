// The C kernel library as real C files (src/emit/c): compiled where it lives, as it is, with
// -std=c99 -pedantic and every warning an error, linked with a generated model and run; and the
// emitter copies exactly these files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { LIBRARY_SOURCES, emitC } from '../src/emit/emit-c.js';
import { tensorBytes } from '../src/model/ir.js';
import { withSeededParams } from '../src/model/seeded.js';
import { zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';

const C_DIR = fileURLToPath(new URL('../src/emit/c/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'msf-clib-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`${cmd} failed to run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

it('the emitter copies every msf_*.c / msf_*.h and main.c of src/emit/c byte for byte, and nothing else of it', () => {
  const model = withSeededParams(zooModel('mcunet-vww5-r80'), 1);
  const files = emitC(model, planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks);
  const onDisk = readdirSync(C_DIR).filter((n) => /\.[ch]$/.test(n)).sort();
  const copied = [...files.keys()].filter((n) => n !== 'msf_model.c' && n !== 'msf_model.h' && /\.[ch]$/.test(n)).sort();
  expect(copied).toEqual(onDisk);
  for (const n of onDisk) expect(files.get(n) === readFileSync(join(C_DIR, n), 'utf8'), n).toBe(true);
  expect(LIBRARY_SOURCES.length).toBeGreaterThanOrEqual(10); // one file per operator family
});

it('gcc -std=c99 -pedantic -Wall -Wextra -Werror compiles src/emit/c in place; linked with a generated model it computes the Wasm executor\'s bytes', () => {
  const model = withSeededParams(zooModel('mcunet-vww5-r80'), 1);
  const blocks = planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks;
  const files = emitC(model, blocks);
  writeFileSync(join(root, 'msf_model.h'), files.get('msf_model.h')!);
  writeFileSync(join(root, 'msf_model.c'), files.get('msf_model.c')!);
  const flags = ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror', '-O2', `-I${C_DIR}`, `-I${root}`];
  const sources = ['main.c', ...LIBRARY_SOURCES].map((n) => join(C_DIR, n));
  run('gcc', [...flags, '-o', join(root, 'm'), join(root, 'msf_model.c'), ...sources], root);
  const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 5);
  writeFileSync(join(root, 'in.bin'), input);
  run(join(root, 'm'), ['in.bin', 'out.bin'], root);
  expect(readFileSync(join(root, 'out.bin')).equals(Buffer.from(getExecutor().run(model, blocks, input).output))).toBe(true);
}, 120_000);
