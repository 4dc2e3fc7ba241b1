#!/usr/bin/env node
// `npm run build:ts`: a clean dist/ from src/ (tsc -p tsconfig.build.json: ESM .js, .d.ts, source
// maps), plus the C library the emitter copies into every program (src/emit/c -> dist/emit/c, read
// beside dist/emit/c-library.js as it is beside src/emit/c-library.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = join(root, 'node_modules/typescript/bin/tsc'); // not in the package's exports
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
cpSync(join(root, 'src/emit/c'), join(root, 'dist/emit/c'), { recursive: true, filter: (p) => !/\.(o|su|out)$/.test(p) });
