/**
 * The package as a user gets it: `npm pack` of this checkout (dist/ and build/ as `npm run build`
 * left them) installed with `npm install --offline` into a scratch project, so nothing is fetched:
 * the dependencies come from npm's cache, which `npm ci` / `npm install` of this repository filled.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

/** Packs the checkout into `dir` (no lifecycle scripts: `npm test` has just built it); returns the .tgz path. */
export function packTarball(dir: string): string {
  if (!existsSync(join(ROOT, 'dist/index.js')) || !existsSync(join(ROOT, 'build/search.wasm')))
    throw new Error('dist/ or build/ missing: run `npm run build` first');
  const [info] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as { filename: string }[];
  return join(dir, info!.filename);
}

type LockEntry = { version: string; resolved?: string; integrity?: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; [k: string]: unknown };
interface Lock {
  packages: Record<string, LockEntry>;
}

/**
 * A scratch ESM project under `parent` with the tarball and `extra` packages (names of this
 * checkout's dev dependencies) installed by `npm ci --offline`. Its lockfile is written from this
 * checkout's: the tarball's dependencies at the versions, URLs and integrities locked here, so npm
 * takes every tarball from its cache (`npm ci` of this repository stored them there) and never asks
 * the registry for package metadata, which `npm ci` does not fetch either.
 */
export function consumerProject(parent: string, name: string, tgz: string, extra: string[] = []): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(tgz, join(dir, 'msf-cnn.tgz'));
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; bin: Record<string, string>; license: string };
  const { packages } = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
  const locked: Record<string, LockEntry> = {};
  const visit = (dep: string, from: string) => {
    const key = [`${from}/node_modules/${dep}`, `node_modules/${dep}`].find((k) => packages[k]);
    if (!key || locked[`node_modules/${dep}`]) return;
    const { dev: _dev, peer: _peer, ...entry } = packages[key]!;
    locked[`node_modules/${dep}`] = entry;
    for (const d of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(d, key);
  };
  for (const dep of [...Object.keys(own.dependencies), ...extra]) visit(dep, '');
  const direct = { 'msf-cnn': 'file:msf-cnn.tgz', ...Object.fromEntries(extra.map((e) => [e, locked[`node_modules/${e}`]!.version])) };
  const manifest = { name, version: '1.0.0', private: true, type: 'module', dependencies: direct };
  const lockfile = {
    name, version: '1.0.0', lockfileVersion: 3, requires: true,
    packages: {
      '': { name, version: '1.0.0', dependencies: direct },
      'node_modules/msf-cnn': { version: own.version, resolved: 'file:msf-cnn.tgz', license: own.license, dependencies: own.dependencies, bin: own.bin },
      ...locked,
    },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lockfile, null, 2));
  npm(['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  return dir;
}

export const scratchDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));
