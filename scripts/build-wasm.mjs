#!/usr/bin/env node
// Writes the TypeScript mirrors of the Wasm layouts (scripts/mirrors.mjs), then compiles every
// AssemblyScript entry listed in asconfig.json ("modules") to build/<name>.wasm with the shared
// options (-O3, SIMD on). Runs at `npm install` and before the tests; a mirror is written only when
// its text changes, and entries whose output is newer than every file under assembly/ are skipped,
// so repeated runs are instant.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMirrors } from './mirrors.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const { path, text } of generateMirrors(root)) {
  const file = join(root, path);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
  writeFileSync(file, text);
  console.log(`wrote ${path}`);
}
const config = JSON.parse(readFileSync(join(root, 'asconfig.json'), 'utf8'));
const o = config.options;

function newestSource(dir) {
  let t = statSync(join(root, 'asconfig.json')).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return t;
}

const { default: asc } = await import('assemblyscript/asc');
mkdirSync(join(root, 'build'), { recursive: true });
const sourcesTime = newestSource(join(root, 'assembly'));
let failed = false;
for (const [name, entry] of Object.entries(config.modules)) {
  if (!existsSync(join(root, entry))) continue;
  const out = join(root, 'build', `${name}.wasm`);
  if (!process.argv.includes('--force') && existsSync(out) && statSync(out).mtimeMs > sourcesTime) continue;
  const args = [
    entry, '--outFile', `build/${name}.wasm`, '--textFile', `build/${name}.wat`,
    '--optimizeLevel', String(o.optimizeLevel), '--shrinkLevel', String(o.shrinkLevel),
    '--runtime', o.runtime, '--initialMemory', String(o.initialMemory),
    ...(o.exportRuntime ? ['--exportRuntime'] : []),
    ...(o.noAssert ? ['--noAssert'] : []),
    ...o.enable.flatMap((f) => ['--enable', f]),
  ];
  const { error, stderr } = await asc.main(args, { stdout: process.stdout, stderr: process.stderr, baseDir: root });
  if (error) {
    console.error(`asc failed for ${entry}: ${error.message}\n${stderr.toString()}`);
    failed = true;
  } else console.log(`built build/${name}.wasm`);
}
process.exit(failed ? 1 : 0);
